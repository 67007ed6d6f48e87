#pragma once
// Terrain features from GIS on the model's bed (docs/terrain.md): buildings, river channels,
// walls and levees, and the breaches that open in walls during a run.
#include <cstddef>
#include <utility>
#include <vector>

#include "mesh/grid2d.hpp"
#include "scenarios/scenario.hpp"
#include "solver/model.hpp"

namespace floodsim {

struct TerrainFeatures {
    std::vector<BreachSpec> breaches;                             ///< for ModelSetup::breaches
    std::vector<std::pair<std::size_t, double>> channel_manning;  ///< (cell, n) of channels that give one
};

/// The scenario's features on the DEM `z` (nx*ny, NaN = nodata), in this order: buildings
/// (blocked cells become NaN), channels, walls, then the breaches located on the final terrain.
/// Fills `facts` (counts and each cell's kind). Bad input throws InputError naming the file, key
/// and value.
TerrainFeatures apply_terrain_features(const Scenario& sc, const Grid2D& g, std::vector<double>& z, FeatureFacts& facts);

}  // namespace floodsim
