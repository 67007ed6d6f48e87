#pragma once
// The files of `floodsim risk` (INTERFACE section 6, docs/warnings.md "Products"): assets.csv,
// warnings.geojson, the hazard GeoTIFFs and map.png, from a RiskReport. (The CAP alerts are
// written by risk/cap_products.hpp from the same report.)
#include <string>
#include <vector>

#include "risk/asset_analysis.hpp"
#include "risk/flood_map.hpp"

namespace floodsim::risk {

/// assets.csv: `id,name,level,max_depth,max_speed,t_level4,t_level3,t_level2,t_level1,lead_time_s`,
/// one row per asset (RFC 4180 quoting), empty fields for never.
std::string assets_csv(const RiskReport& report);

/// warnings.geojson: an RFC 7946 FeatureCollection, one Feature per asset with its geometry in
/// WGS84 (lon, lat) and the properties id, name, level, colour, max_depth, max_speed,
/// t_level4..t_level1, lead_time_s (null for never).
std::string warnings_geojson(const RiskReport& report);

/// Names of the GeoTIFFs write_risk_products writes (hazard_value.tif for defra and arr only).
std::vector<std::string> raster_product_names(const RiskReport& report);

/// The map of the report (risk/flood_map.hpp): the maximum depth (depth criterion) or the most
/// severe level per cell (defra, arr) over the result's bed, each asset in the colour of its level.
MapInput report_map(const RiskReport& report);

/// Writes assets.csv, warnings.geojson, hazard.tif, max_depth.tif, time_above_level{4,3,2,1}.tif
/// (and hazard_value.tif for defra and arr) and map.png into `dir` (created if missing). Every file is
/// written under a temporary name first; they are renamed only when all are complete, and a
/// failure removes them (std::runtime_error naming the file). A hazard_value.tif of an earlier
/// run is removed when this one does not write it. Returns the paths written.
std::vector<std::string> write_risk_products(const RiskReport& report, const std::string& dir);

}  // namespace floodsim::risk
