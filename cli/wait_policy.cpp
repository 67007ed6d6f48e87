#include "cli/wait_policy.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "engine/run_comm.hpp"

namespace floodsim {

bool parse_cpu_times(const std::string& line, CpuTimes& out) {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest time is
    // already in user and nice)
    unsigned long long f[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (line.compare(0, 4, "cpu ") != 0) return false;  // the machine's line, not one core's ("cpu0")
    if (std::sscanf(line.c_str(), "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3], &f[4],
                    &f[5], &f[6], &f[7]) < 4)
        return false;
    out.total = 0;
    for (unsigned long long v : f) out.total += v;
    out.busy = out.total - f[3] - f[4];  // all but idle and iowait (steal: the host gave the core away)
    return true;
}

double busy_cores(const CpuTimes& before, const CpuTimes& after, int cpus) {
    if (after.total <= before.total || after.busy < before.busy || cpus < 1) return -1.0;
    return static_cast<double>(after.busy - before.busy) / static_cast<double>(after.total - before.total) * cpus;
}

namespace {
bool read_cpu_times(CpuTimes& out) {
    std::ifstream in("/proc/stat");
    std::string line;
    return in && std::getline(in, line) && parse_cpu_times(line, out);
}

/// The cores kept busy over the next 0.1 s by the machine's other processes (this one sleeps
/// meanwhile); negative where /proc/stat cannot tell.
double busy_cores_now() {
    CpuTimes a, b;
    if (!read_cpu_times(a)) return -1.0;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!read_cpu_times(b)) return -1.0;
    return busy_cores(a, b, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
}
}  // namespace

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
        // The load average lags a minute behind: right after another run or a build has ended it
        // is still high while the cores are idle (a passive policy then cost local time
        // stepping's 720 run at 20 m 1.19x its time, the global step's 1.34x, one run each). The cores' use
        // over the next 0.1 s confirms it.
        const double now = busy_cores_now();
        if (now >= 0.0 && now < 0.5) return;
        char b[96];
        if (now >= 0.0)
            std::snprintf(b, sizeof b, "load average %.2f, %.1f cores busy now", load[0], now);
        else
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
