#pragma once
// From a scenario file to the solver's ModelSetup: reads the DEM and every raster through GDAL,
// converts units at the edge (mm/h -> m/s), maps boundary segments and gauges to cells. Every
// problem with the inputs throws InputError naming the file, the key and the value.
#include <string>
#include <vector>

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

/// What `floodsim check` reports of a model besides its inputs.
struct ModelFacts {
    std::size_t domain_cells = 0;
    double z_min = 0.0, z_max = 0.0;  ///< bed elevation over the domain, m
    double initial_volume = 0.0;      ///< m3
    double rain_depth = 0.0;          ///< m of rain falling over the scenario's duration
};
ModelFacts model_facts(const LoadedModel& m);

/// A cell of the DEM that stands out from all its neighbours (a DEM quality warning: an export
/// artefact, a misread nodata, a real sink such as an underpass entrance, or a chimney).
struct DemAnomaly {
    int i = 0, j = 0;        ///< cell (column, row; row 0 = north)
    double x = 0, y = 0;     ///< cell centre, map coordinates
    double z = 0;            ///< bed elevation, m
    double relief = 0;       ///< m below its lowest neighbour (pit) or above its highest (spike)
    bool pit = true;
};

/// The isolated pits and spikes of the model's bed: domain cells more than `height` m below all
/// their (up to 8) domain neighbours, or above all of them; cells without a domain neighbour are
/// not judged. Deepest relief first.
std::vector<DemAnomaly> dem_pits_and_spikes(const ModelSetup& m, double height);

/// Name of a scheme as written in scenarios and result files.
const char* scheme_name(Scheme s);
/// Name of a precision as written in scenarios and result files: "double" or "single".
inline const char* precision_name(Precision p) { return p == Precision::Single ? "single" : "double"; }

}  // namespace floodsim
