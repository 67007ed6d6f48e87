#include "cli/export_commands.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "io/result_export.hpp"
#include "io/result_reader.hpp"
#include "cli/exit_status.hpp"
#include "mesh/input_error.hpp"
#include "risk/flood_map.hpp"
#include "scenarios/duration.hpp"

namespace floodsim {

namespace {

/// --time: a plain number of seconds, or a duration with a unit.
double parse_time(const std::string& text, const std::string& result) {
    std::size_t used = 0;
    try {
        const double v = std::stod(text, &used);
        if (used == text.size()) {
            if (!std::isfinite(v) || v < 0) throw InputError(result, "--time", text, "must be a time >= 0");
            return v;
        }
    } catch (const std::invalid_argument&) {
    } catch (const std::out_of_range&) {
    }
    return parse_duration(text, result, "--time");
}

/// `export RESULT map OUT.png`: the maximum depth over the hillshade, no assets (for looking).
void export_map(const ExportCli& c) {
    if (c.frame || !c.time.empty())
        throw InputError(c.result, "VAR", "map", "the map shows the maximum depth: --frame and --time do not apply");
    const ResultReader r(c.result);
    const Grid2D& g = r.grid();
    std::vector<float> bed;
    if (r.has("bed_elevation")) bed = r.raster("bed_elevation");
    const std::vector<double>& t = r.times();
    risk::MapInput in{.grid = g, .bed = std::move(bed), .value = r.raster("max_depth")};
    in.kind = risk::MapInput::Kind::Depth;
    in.title = "Maximum water depth: " + std::filesystem::path(c.result).stem().string();
    if (!t.empty()) in.time_text = "max over " + risk::format_map_time(t.back()).substr(4);
    if (c.out.empty()) throw InputError(c.result, "OUT", "", "no output file given for the map");
    if (std::filesystem::is_directory(c.out)) throw InputError(c.out, "", "", "is a folder, not a file for the map");
    risk::write_flood_map(c.out, in);
}

}  // namespace

int export_command(const ExportCli& c) {
    return with_exit_status([&] {
        if (c.xdmf) {
            if (!c.var.empty() || c.frame || !c.time.empty())
                throw InputError(c.result, "--xdmf", c.var, "--xdmf takes only the result (and the sidecar's name)");
            const std::string written = write_xdmf(c.result, c.xdmf_out);
            std::printf("wrote %s (XDMF for ParaView: %zu frames)\n", written.c_str(), ResultReader(c.result).times().size());
            return 0;
        }
        if (c.var.empty()) throw InputError(c.result, "VAR", "", "no variable given (or --xdmf)");
        if (c.var == "map") {
            export_map(c);
            std::printf("wrote %s (map of the maximum depth)\n", c.out.c_str());
            return 0;
        }
        if (c.out.empty()) throw InputError(c.result, "OUT", "", "no output file given");
        FrameChoice choice;
        if (c.frame) {
            if (*c.frame < 0)
                throw InputError(c.result, c.var, "--frame " + std::to_string(*c.frame), "frame numbers start at 0");
            choice.index = static_cast<std::size_t>(*c.frame);
        }
        if (!c.time.empty()) choice.time_s = parse_time(c.time, c.result);
        const ExportedRaster e = export_geotiff(c.result, c.var, c.out, choice);
        if (e.frame)
            std::printf("wrote %s (/%s frame %zu, t = %s s)\n", c.out.c_str(), e.var.c_str(), *e.frame,
                        format_number(e.time_s).c_str());
        else
            std::printf("wrote %s (/%s)\n", c.out.c_str(), e.var.c_str());
        return 0;
    });
}

}  // namespace floodsim
