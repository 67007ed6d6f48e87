#pragma once
// OpenMP's wait policy for a machine shared with other busy processes (docs/operations.md).
// libgomp reads OMP_WAIT_POLICY once, when the program is loaded, before main(): setting it in
// main() is too late, so the program starts itself again with it set.

#include <string>

namespace floodsim {

/// The machine's CPU time from /proc/stat's first line, in clock ticks: all, and busy (all but
/// idle and iowait).
struct CpuTimes {
    unsigned long long busy = 0, total = 0;
};

/// Reads /proc/stat's "cpu ..." line; false if it is not one.
bool parse_cpu_times(const std::string& line, CpuTimes& out);

/// The cores busy on average between two readings of a machine of `cpus` cores; negative when
/// they cannot tell (no time passed, counters going back).
double busy_cores(const CpuTimes& before, const CpuTimes& after, int cpus);

/// When OMP_WAIT_POLICY is not set and the machine is busy (its 1-minute load average is at
/// least 0.5 and, where /proc/stat tells, at least half a core is busy over 0.1 s while this
/// process sleeps; or FLOODSIM_SHARED=1; FLOODSIM_SHARED=0 never), executes this program again with
/// OMP_WAIT_POLICY=passive and FLOODSIM_WAIT_POLICY_REASON set to why; returns when it does
/// not (or when the exec fails: the run then goes on with the default policy).
void passive_wait_when_shared(char** argv);

/// Why this process runs with a passive policy chosen by passive_wait_when_shared (empty: it
/// did not choose one).
const char* wait_policy_reason();

}  // namespace floodsim
