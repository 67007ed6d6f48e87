#pragma once
// Scenario templates on the synthetic Shangjie district (`floodsim scenario new`, INTERFACE.md
// section 5; docs/scenarios.md): the text of scenario.toml and of its CSV inputs, and the rain
// storm cell of the flash flood, for each template. Pure computation: the district's rasters and
// vectors, these files and the storm cell's grids are written by engine/scenario_new.cpp.
#include <optional>
#include <string>
#include <vector>

#include "scenarios/district.hpp"
#include "scenarios/storm.hpp"

namespace floodsim {

enum class TemplateKind { Urban, River, Flash, Storm720 };

/// "urban" | "river" | "flash" | "720"; empty for anything else.
std::optional<TemplateKind> parse_template_kind(const std::string& name);
std::string template_name(TemplateKind kind);

struct TextFile {
    std::string name;  ///< file name in the scenario folder
    std::string text;
};

/// A storm cell to write as rain grids on the district's DEM grid (engine/storm_cell_grids, the
/// library function behind `floodsim storm cell`): its files go to `folder` with rain_grids.csv.
struct CellRain {
    StormCell cell;
    Hyetograph peak;          ///< mm/h at the centre, each row holding until the next
    double duration_s = 0;    ///< s: rain from 0 to here
    double step_s = 600;      ///< s: one grid per step
    std::string folder;       ///< in the scenario folder, e.g. "rain"
    std::string description;  ///< '#' line of the index
};

struct TemplateInputs {
    std::vector<TextFile> texts;        ///< scenario.toml, README.txt, landuse.csv, series CSVs
    std::optional<CellRain> cell_rain;  ///< flash only
};

/// The template's scenario.toml and inputs on `d` (the district's own rasters and vectors come
/// from engine/district_writer: dem.tif, landuse.tif, drain_capacity.tif, district.gpkg,
/// assets.gpkg).
TemplateInputs template_inputs(const district::District& d, TemplateKind kind);

}  // namespace floodsim
