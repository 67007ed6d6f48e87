#include "cli/batch_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/batch.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/batch_manifest.hpp"

namespace floodsim {

namespace {

using Json = nlohmann::json;
using Outcome = BatchOutcome;

void emit(const Json& j) {
    const std::string line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string self_exe() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) throw std::runtime_error("cannot find the floodsim executable (/proc/self/exe)");
    return std::string(buf, static_cast<std::size_t>(n));
}

/// The children's environment: ours, with OpenMP's wait policy passive unless the user chose
/// one. Runs of a batch share the machine with each other; a spinning team steals the cores of
/// the others (README: 31.9 s against 4.3 s for the urban example beside a busy process).

void print_table(const BatchManifest& m, const std::vector<Outcome>& outcomes, double wall_s) {
    std::fprintf(stderr, "floodsim batch summary: %s, %zu scenarios, %.1f s\n", m.path.c_str(), m.scenarios.size(),
                 wall_s);
    std::fprintf(stderr, "  %-40s %-9s %8s %10s %10s %12s %12s\n", "scenario", "status", "attempts", "wall s",
                 "steps", "max depth m", "balance rel");
    for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const Outcome& o = outcomes[k];
        std::string name = m.scenarios[k].file;
        if (name.size() > 40) name = "..." + name.substr(name.size() - 37);
        if (o.status == "finished") {
            std::fprintf(stderr, "  %-40s %-9s %8d %10.1f %10lld %12.3f %12.2e\n", name.c_str(), o.status.c_str(),
                         o.attempts, o.end.value("wall_s", 0.0), static_cast<long long>(o.end.value("steps", 0LL)),
                         o.end.value("max_depth_m", 0.0), o.end.value("mass_balance_relative_error", 0.0));
        } else {
            std::fprintf(stderr, "  %-40s %-9s %8d   %s\n", name.c_str(), o.status.c_str(), o.attempts,
                         o.message.c_str());
        }
    }
}

/// How the batch shares the machine: cores, runs at once, retries, threads per scenario.
}  // namespace

int batch_command(const BatchCli& cli) {
    BatchManifest m;
    BatchPlan plan;
    try {
        m = load_batch_manifest(cli.manifest);
        plan = plan_batch(m, cli.cores, cli.jobs, cli.retries);
    } catch (const InputError& e) {
        std::fprintf(stderr, "floodsim: error: %s\n", e.what());
        return 2;
    }
    try {
        const auto t0 = std::chrono::steady_clock::now();
        std::fprintf(stderr, "floodsim batch: %zu scenarios, %d at once, %d cores, %d retries\n", m.scenarios.size(),
                     plan.jobs, plan.cores, plan.retries);
        const std::vector<Outcome> outcomes = run_batch(m, plan, self_exe(), emit);
        print_table(m, outcomes, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        return std::all_of(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.status == "finished"; }) ? 0
                                                                                                                   : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: error: %s\n", e.what());
        return 1;
    }
}

}  // namespace floodsim
