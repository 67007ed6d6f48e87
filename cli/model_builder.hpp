#pragma once
// From a validated Scenario to the solver's ModelSetup: reads the DEM and every raster through
// GDAL, converts units at the edge (mm/h -> m/s), maps boundary segments and gauges to cells.
// Every problem with the inputs throws InputError naming the file, the key and the value.
#include "scenarios/scenario.hpp"
#include "solver/model.hpp"

namespace floodsim {

/// threads: 0 = all cores (as in the scenario). The result is ready for Simulation.
ModelSetup build_model(const Scenario& sc);

/// Name of a scheme as written in scenarios and result files.
const char* scheme_name(Scheme s);

}  // namespace floodsim
