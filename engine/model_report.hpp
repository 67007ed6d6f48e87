#pragma once
// What `floodsim check` says of a model beyond its inputs: its figures and the DEM's quality.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/model_builder.hpp"

namespace floodsim {

/// What `floodsim check` reports of a model besides its inputs.
struct ModelFacts {
    std::size_t domain_cells = 0;
    double z_min = 0.0, z_max = 0.0;  ///< bed elevation over the domain, m
    double initial_volume = 0.0;      ///< m3
    double manning_min = 0.0, manning_max = 0.0;  ///< Manning n over the domain, s/m^(1/3)
    double rain_depth = 0.0;          ///< m of rain falling over the scenario's duration
    bool drainage = false;            ///< storm drains ([drainage])
    double drain_capacity_mean = 0.0; ///< m/s, mean over the domain cells
    double drain_capacity_max = 0.0;  ///< m/s
    double drain_efficiency_mean = 1.0;  ///< over the scenario's duration
    /// [infiltration]: the model's name (empty: none) and each parameter's range over the domain,
    /// in the scenario's units (mm/h, mm, 1/h, -).
    struct Range {
        std::string name;
        double lo = 0.0, hi = 0.0;
    };
    std::string infiltration_model;
    std::vector<Range> infiltration_params;
    /// [[inflow]]: name, cells, volume over the scenario's duration (m3).
    struct Inflow {
        std::string name;
        std::size_t cells = 0;
        double volume = 0.0;
    };
    std::vector<Inflow> inflows;
};
ModelFacts model_facts(const LoadedModel& m);

/// A cell of the DEM that stands out from all its neighbours (a DEM quality warning: an export
/// artefact, a misread nodata, a real sink such as an underpass entrance, or a chimney).
struct DemAnomaly {
    int i = 0, j = 0;     ///< cell (column, row; row 0 = north)
    double x = 0, y = 0;  ///< cell centre, map coordinates
    double z = 0;         ///< bed elevation, m
    double relief = 0;    ///< m below its lowest neighbour (pit) or above its highest (spike)
    bool pit = true;
};

/// The isolated pits and spikes of the model's bed: domain cells more than `height` m below all
/// their (up to 8) domain neighbours, or above all of them; cells without a domain neighbour are
/// not judged. Deepest relief first.
std::vector<DemAnomaly> dem_pits_and_spikes(const ModelSetup& m, double height);

/// The model as GeoTIFFs for GIS (`floodsim check --write-model DIR`, docs/terrain.md): the bed
/// after the terrain features (breaches closed), the cell kinds (model_mask.tif: 0 nodata,
/// 1 ground, 2 blocked building, 3 raised building, 4 channel, 5 wall, 6 breach) and Manning's n.
/// `dir` is created if missing; each file is written under a temporary name. Throws InputError(scenario, "--write-model", dir) if the folder or a file
/// cannot be written.
void write_model_rasters(const LoadedModel& m, const std::string& dir);

}  // namespace floodsim
