#pragma once
// From a scenario file to the solver's ModelSetup: reads the DEM and every raster through GDAL,
// converts units at the edge (mm/h -> m/s), maps boundary segments and gauges to cells. Every
// problem with the inputs throws InputError naming the file, the key and the value.
#include <string>

#include "scenarios/scenario.hpp"
#include "solver/model.hpp"

namespace floodsim {

/// threads: 0 = all cores (as in the scenario). The result is ready for Simulation.
ModelSetup build_model(const Scenario& sc);

/// A scenario and the model built from it.
struct LoadedModel {
    Scenario scenario;
    ModelSetup setup;
};

/// load_scenario + build_model.
LoadedModel load_model(const std::string& scenario_path);

/// Throws InputError (key output.file) unless a file can be created in the folder of `path`;
/// folders it had to create for the probe are removed again, so nothing is left behind.
void probe_output_folder(const Scenario& sc, const std::string& path);

/// Name of a scheme as written in scenarios and result files.
const char* scheme_name(Scheme s);
/// Name of a precision as written in scenarios and result files: "double" or "single".
inline const char* precision_name(Precision p) { return p == Precision::Single ? "single" : "double"; }

}  // namespace floodsim
