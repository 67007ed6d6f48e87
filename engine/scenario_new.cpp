// `floodsim scenario new`: the district and the template's inputs, written to a fresh folder.
#include "engine/scenario_new.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/district_writer.hpp"
#include "engine/storm_cell_grids.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/district.hpp"

namespace floodsim {
namespace {

namespace fs = std::filesystem;

void check_target(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    if (!fs::is_directory(dir, ec)) throw InputError(dir.string(), "DIR", "", "exists and is not a folder");
    if (!fs::is_empty(dir, ec)) throw InputError(dir.string(), "DIR", "", "folder is not empty");
}

void write_text(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary);
    f << text;
    if (!f.flush()) throw std::runtime_error(p.string() + ": cannot write");
}

/// The storm cell's grids on the DEM just written, with their rain_grids.csv.
void write_cell_rain(const CellRain& c, const fs::path& tmp) {
    StormCellGridsRequest r;
    r.dem = (tmp / "dem.tif").string();
    r.cell = c.cell;
    r.peak = c.peak;
    r.duration_s = c.duration_s;
    r.step_s = c.step_s;
    r.out_dir = (tmp / c.folder).string();
    r.description = c.description;
    write_storm_cell_grids(r);
}

void fill(const fs::path& tmp, const ScenarioNewOptions& o) {
    const district::District d = district::make_district({o.resolution_m, o.seed});
    write_district_files(d, tmp);
    const TemplateInputs in = template_inputs(d, o.kind);
    for (const TextFile& t : in.texts) write_text(tmp / t.name, t.text);
    if (in.cell_rain) write_cell_rain(*in.cell_rain, tmp);
}

}  // namespace

void create_scenario(const std::string& dir_text, const ScenarioNewOptions& o) {
    if (!(o.resolution_m > 0 && o.resolution_m <= 1000))
        throw InputError(dir_text, "--resolution", std::to_string(o.resolution_m),
                         "expected a cell size in (0, 1000] m");
    fs::path dir = fs::absolute(dir_text).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();  // "DIR/"
    check_target(dir);
    std::string hidden = ".";
    hidden += dir.filename().string();
    hidden += ".tmp-";
    hidden += std::to_string(::getpid());
    const fs::path tmp = dir.parent_path() / hidden;
    fs::create_directories(tmp);
    try {
        fill(tmp, o);
        std::error_code ec;
        fs::remove(dir, ec);  // an empty folder only (checked above)
        fs::rename(tmp, dir);
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
}

}  // namespace floodsim
