#include "cli/wait_policy.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/run_comm.hpp"

namespace floodsim {

void passive_wait_when_shared(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY")) return;  // the user's (or a batch's) choice
    const char* forced = std::getenv("FLOODSIM_SHARED");
    std::string reason;
    if (forced && std::strcmp(forced, "0") == 0) return;
    if (forced && std::strcmp(forced, "1") == 0) {
        reason = "FLOODSIM_SHARED=1";
    } else if (const int ranks = launcher_local_ranks(); ranks > 1) {
        // Ranks of an MPI launcher sharing this machine: their threads meet at barriers while the
        // other ranks' threads want the same cores (oversubscribed, spinning would stall them).
        reason = std::to_string(ranks) + " MPI ranks on this machine";
    } else {
        double load[1] = {0.0};
        // Busy: on average at least half a core is taken by others. Spinning threads would then
        // fight them for the cores (README: 31.9 s instead of 4.3 s); passive waiting costs a
        // little at each barrier on an idle machine, so it is not the default there.
        if (getloadavg(load, 1) != 1 || load[0] < 0.5) return;
        char b[64];
        std::snprintf(b, sizeof b, "load average %.2f", load[0]);
        reason = b;
    }
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0 || setenv("FLOODSIM_WAIT_POLICY_REASON", reason.c_str(), 1) != 0)
        return;
    ::execv("/proc/self/exe", argv);
    // exec failed: go on as we are (the variable set now no longer matters to libgomp).
    unsetenv("OMP_WAIT_POLICY");
    unsetenv("FLOODSIM_WAIT_POLICY_REASON");
}

const char* wait_policy_reason() {
    const char* r = std::getenv("FLOODSIM_WAIT_POLICY_REASON");
    return r ? r : "";
}

}  // namespace floodsim
