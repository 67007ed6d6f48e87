#pragma once
// `floodsim deliver SPOOL --webhook URL [--timeout S]` (docs/warnings.md, "Delivery"): sends the
// CAP alerts an alert spool still holds. Exit status 0: all delivered (or none to send); 1: some
// remain in the spool (the message says how many and the last error); 2: bad input (no such
// folder, a URL that is not http(s), a timeout not > 0).
#include <string>
#include <vector>

namespace floodsim {

struct DeliverCli {
    std::string spool;                 ///< the spool folder
    std::string webhook;               ///< http:// or https:// URL the alerts are POSTed to
    double timeout_s = 60.0;           ///< s: how long to keep trying in all
    std::vector<std::string> headers;  ///< extra request headers, "Name: value"
};
int deliver_command(const DeliverCli& o);

}  // namespace floodsim
