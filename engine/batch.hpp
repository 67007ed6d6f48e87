#pragma once
// Batches of scenarios (INTERFACE section 8, docs/operations.md): each scenario run as a child
// `floodsim run --json`, as many at once as the cores allow, failed runs retried; the children's
// events passed on as they come.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/batch_manifest.hpp"

namespace floodsim {

/// How the batch shares the machine: cores, runs at once, retries, threads per scenario.
struct BatchPlan {
    int cores = 1, jobs = 1, retries = 0;
    std::vector<int> threads;  ///< per scenario
};

/// The plan from the command line's choices (0, or -1 for retries: not given), else the
/// manifest's, else the machine's cores. Throws InputError naming the manifest for a scenario
/// asking more threads than the cores.
BatchPlan plan_batch(const BatchManifest& m, int cores, int jobs, int retries);

/// What became of one scenario.
struct BatchOutcome {
    std::string status = "pending";  ///< finished | failed
    int attempts = 0;
    nlohmann::json end;              ///< the end event of the last attempt (finished)
    std::string message;             ///< the last error
};

/// Runs every scenario of `m` as a child `exe run FILE --json --threads T [--output O]` (with
/// OMP_WAIT_POLICY=passive unless the environment sets a policy). `on_event` gets, in the order
/// they happen, the children's start, progress and end events and an error event per failed
/// attempt (`status`, `message`, `final`), each with `scenario` and `attempt`. Throws
/// std::runtime_error when a child cannot be watched (poll fails).
std::vector<BatchOutcome> run_batch(const BatchManifest& m, const BatchPlan& plan, const std::string& exe,
                                    const std::function<void(const nlohmann::json&)>& on_event);

}  // namespace floodsim
