#pragma once
// Ensembles of a scenario (INTERFACE section 8, docs/operations.md "floodsim ensemble"): members
// with perturbed rain, each run to its end without a result file, their maximum depths and the
// share of members exceeding each depth threshold.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/model_builder.hpp"
#include "mesh/grid2d.hpp"
#include "risk/assets.hpp"
#include "risk/level_scheme.hpp"

namespace floodsim {

struct EnsembleOptions {
    int members = 8;
    std::uint64_t seed = 1;
    int jobs = 1;     ///< members run at once (each on its own thread team)
    int threads = 1;  ///< threads per member
    /// Perturbations (docs/operations.md): member 0 is the control (none); every other member
    /// draws a rain factor exp(N(0, scale_sigma)), a time shift N(0, shift_sigma_s) s, and for
    /// rain grids a displacement N(0, displacement_sigma_m) m east and north (whole cells).
    double scale_sigma = 0.2;
    double shift_sigma_s = 1800.0;
    double displacement_sigma_m = 1000.0;
};

/// What member k got: its rain factor, time shift (s) and displacement (m east, m north).
struct MemberPerturbation {
    double scale = 1.0, shift_s = 0.0;
    std::array<double, 2> displacement_m{0.0, 0.0};
};

/// The perturbation of member `k` for `seed` (member 0: none): a function of (seed, k) alone, so
/// an ensemble is the same for any jobs, threads and order of the members.
MemberPerturbation member_perturbation(const EnsembleOptions& o, int k);

struct EnsembleResult {
    Grid2D grid;  ///< geotransform and CRS of the model grid
    std::string scenario_text;
    std::vector<MemberPerturbation> perturbations;
    /// Per member: the maximum depth over every time step (nx*ny float32, NaN outside the domain).
    std::vector<std::vector<float>> max_depth;
    std::vector<double> mass_balance_relative_error;  ///< per member
    std::vector<std::int64_t> steps;                  ///< per member
};

/// Runs the ensemble of a loaded scenario (engine/model_builder.hpp's load_model).
/// `on_member(k, seconds)` is called (from the member's thread, serialised) when member k ends.
/// Throws floodsim::InputError for a scenario without rain to perturb.
EnsembleResult run_ensemble(const LoadedModel& base, const EnsembleOptions& o,
                            const std::function<void(int, double)>& on_member = {});

/// The depth thresholds of the exceedance maps (m): INTERFACE section 8.
inline constexpr std::array<double, 4> kExceedanceDepths = {0.15, 0.25, 0.40, 0.60};

/// Share of members whose maximum depth exceeds `depth` (strictly), per cell; NaN outside the
/// domain.
std::vector<float> exceedance(const EnsembleResult& r, double depth);

/// Per asset, the share of members in which it (the deepest of its cells' maximum depths)
/// reaches level 4, 3, 2, 1 or a more severe one, in that order; `scheme` of the depth criterion
/// (members keep no velocities).
std::vector<std::array<float, 4>> asset_level_probabilities(const EnsembleResult& r,
                                                           const std::vector<risk::Asset>& assets,
                                                           const risk::LevelScheme& scheme);

}  // namespace floodsim
