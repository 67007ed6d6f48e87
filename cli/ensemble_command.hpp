#pragma once
// floodsim ensemble (INTERFACE section 8, docs/operations.md): members with perturbed rain,
// exceedance probability maps.
#include <cstdint>
#include <string>

namespace floodsim {

struct EnsembleCli {
    std::string scenario, out;
    int members = 8;
    std::uint64_t seed = 1;
    int jobs = 0;     ///< 0: the cores
    int threads = 0;  ///< per member; 0: cores / jobs
    double scale_sigma = 0.2, shift_sigma_min = 30.0, displacement_sigma_m = 1000.0;
    std::string assets;  ///< --assets: per-asset probabilities of each warning level (depth bands)
    std::string levels;  ///< --levels: LEVELS.toml (criterion depth only: members keep no velocities)
};

/// Exit status: 0 written, 2 bad input (nothing written), 1 a failure.
int ensemble_command(const EnsembleCli& cli);

}  // namespace floodsim
