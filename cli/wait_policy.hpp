#pragma once
// OpenMP's wait policy for a machine shared with other busy processes (docs/operations.md).
// libgomp reads OMP_WAIT_POLICY once, when the program is loaded, before main(): setting it in
// main() is too late, so the program starts itself again with it set.

namespace floodsim {

/// When OMP_WAIT_POLICY is not set and the machine is busy (its 1-minute load average is at
/// least 0.5, or FLOODSIM_SHARED=1; FLOODSIM_SHARED=0 never), executes this program again with
/// OMP_WAIT_POLICY=passive and FLOODSIM_WAIT_POLICY_REASON set to why; returns when it does
/// not (or when the exec fails: the run then goes on with the default policy).
void passive_wait_when_shared(char** argv);

/// Why this process runs with a passive policy chosen by passive_wait_when_shared (empty: it
/// did not choose one).
const char* wait_policy_reason();

}  // namespace floodsim
