#pragma once
// The alerts of a running simulation on their way out (online warnings, docs/warnings.md "Online warnings"):
// each alert is written into the spool on a thread of its own, so that the file write and its
// fsyncs never hold up the run, and, when a webhook is given, an AlertDelivery posts it from the
// spool. close() waits until every alert posted is in the spool (local disk), then gives the
// delivery a bounded time; what is left stays in the spool for `floodsim deliver`.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "risk/alert_delivery.hpp"
#include "risk/alert_spool.hpp"

namespace floodsim::risk {

class AlertOutbox {
public:
    /// Opens (creating) the spool folder; with a non-empty `webhook`, starts the delivery thread
    /// (which first sends what an earlier run left there). Throws InputError for a folder that
    /// cannot be made a spool (file = the folder) or a bad URL.
    AlertOutbox(std::filesystem::path spool_dir, const std::string& webhook, DeliveryOptions options = {});
    /// close(0): queued alerts are still written into the spool.
    ~AlertOutbox();
    AlertOutbox(const AlertOutbox&) = delete;
    AlertOutbox& operator=(const AlertOutbox&) = delete;

    /// Queues an alert for the spool; returns at once (never waits on the disk or the endpoint).
    void post(std::string identifier, std::string xml);

    struct Totals {
        std::size_t posted = 0;     ///< alerts given to post()
        std::size_t spooled = 0;    ///< of them, written into the spool
        std::size_t delivered = 0;  ///< alerts the endpoint accepted (earlier runs' included)
        std::size_t in_spool = 0;   ///< alerts waiting in the spool (after close(): left for later)
        std::string last_error;     ///< the last failure to spool or to deliver, empty if none
    };
    /// Waits until every queued alert is in the spool, then lets the delivery try for at most
    /// `budget_s` s more (one try at once, then its backoff) and stops it. Idempotent: a second
    /// call returns the totals of the first.
    Totals close(double budget_s);
    /// The totals so far (in_spool: counted now, from the folder).
    Totals totals() const;

    const std::filesystem::path& spool_dir() const { return spool_.dir(); }
    bool delivering() const { return delivery_ != nullptr; }

private:
    void write_loop();

    AlertSpool spool_;
    std::unique_ptr<AlertDelivery> delivery_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::pair<std::string, std::string>> queue_;
    bool closing_ = false, closed_ = false;
    Totals totals_;
    std::thread writer_;
};

}  // namespace floodsim::risk
