#pragma once
// Scenario templates on the synthetic Shangjie district (`floodsim scenario new`, INTERFACE.md
// section 5; docs/scenarios.md): the text of scenario.toml and of its CSV inputs, and the rain
// grids of the flash flood, for each template. Pure computation: the district's rasters and
// vectors and these files are written by engine/scenario_new.cpp.
#include <optional>
#include <string>
#include <vector>

#include "scenarios/district.hpp"

namespace floodsim {

enum class TemplateKind { Urban, River, Flash, Storm720 };

/// "urban" | "river" | "flash" | "720"; empty for anything else.
std::optional<TemplateKind> parse_template_kind(const std::string& name);
std::string template_name(TemplateKind kind);

struct TextFile {
    std::string name;  ///< file name in the scenario folder
    std::string text;
};

/// A rain raster in mm/h on its own grid (north-up, EPSG:32649), written as a GeoTIFF.
struct RainFrame {
    std::string name;   ///< file name, e.g. "rain/cell_0600.tif"
    double time_s = 0;  ///< s: from when it holds
    int nx = 0, ny = 0;
    double west = 0, north = 0, dx = 0;  ///< m
    std::vector<float> mm_h;             ///< nx*ny, row 0 north
};

struct TemplateInputs {
    std::vector<TextFile> texts;         ///< scenario.toml, README.txt, landuse.csv, series CSVs
    std::vector<RainFrame> rain_frames;  ///< flash only (with rain/index.csv among the texts)
};

/// The template's scenario.toml and inputs on `d` (the district's own rasters and vectors come
/// from engine/district_writer: dem.tif, landuse.tif, drain_capacity.tif, district.gpkg,
/// assets.gpkg).
TemplateInputs template_inputs(const district::District& d, TemplateKind kind);

}  // namespace floodsim
