#pragma once
// `floodsim scenario new`: a runnable scenario folder on the SYNTHETIC Shangjie district
// (INTERFACE.md section 5; docs/scenarios.md).
#include <cstdint>
#include <string>

#include "scenarios/scenario_templates.hpp"

namespace floodsim {

struct ScenarioNewOptions {
    TemplateKind kind = TemplateKind::Urban;
    double resolution_m = 10.0;  ///< m, cell size of the district's rasters, (0, 1000]
    std::uint64_t seed = 1;      ///< the district's seed
};

/// Creates `dir` (which must not exist or be empty) with scenario.toml and every input. The
/// folder is filled under a temporary name beside it and renamed at the end, so a failure leaves
/// nothing behind. Throws InputError (file = dir) for a folder that is not empty or a bad option,
/// std::runtime_error for a failure writing.
void create_scenario(const std::string& dir, const ScenarioNewOptions& o);

}  // namespace floodsim
