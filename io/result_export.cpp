#include "io/result_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "io/geotiff_writer.hpp"
#include "io/result_reader.hpp"
#include "mesh/input_error.hpp"

namespace floodsim {

namespace fs = std::filesystem;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

/// Refuses an output path that is a folder, and creates its missing parent folders.
void prepare_output(const std::string& out_path, const std::string& what) {
    std::error_code ec;
    if (out_path.empty()) throw InputError(out_path, "", "", "no output file given for the " + what);
    if (fs::is_directory(out_path, ec)) throw InputError(out_path, "", "", "is a folder, not a file for the " + what);
    const fs::path parent = fs::path(out_path).parent_path();
    if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (ec) throw InputError(out_path, "", "", "cannot create its folder: " + ec.message());
    }
}

/// A number that reads back as the same double (times, coordinates in the XDMF text).
std::string exact(double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%.17g", v);
    return b;
}

std::string xml_escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace

const std::vector<std::string>& exportable_rasters() {
    static const std::vector<std::string> v{"max_depth", "max_speed", "arrival_time", "bed_elevation"};
    return v;
}

const std::vector<std::string>& exportable_series() {
    static const std::vector<std::string> v{"depth", "velocity_x", "velocity_y"};
    return v;
}

std::size_t choose_frame(const ResultReader& result, const std::string& var, const FrameChoice& choice) {
    const std::vector<double>& t = result.times();
    if (t.empty()) throw InputError(result.path(), var, "", "the result has no frames");
    if (choice.index && choice.time_s)
        throw InputError(result.path(), var, "", "give either a frame number or a time, not both");
    if (choice.index) {
        if (*choice.index >= t.size())
            throw InputError(result.path(), var, "--frame " + std::to_string(*choice.index),
                             "frame out of range (the result has frames 0.." + std::to_string(t.size() - 1) + ")");
        return *choice.index;
    }
    if (choice.time_s) {
        const double want = *choice.time_s;
        for (std::size_t k = 0; k < t.size(); ++k)
            if (std::abs(t[k] - want) <= kFrameTimeTolerance) return k;
        throw InputError(result.path(), var, "--time " + format_number(want) + " s",
                         "no frame at that time (frames from " + format_number(t.front()) + " s to " +
                             format_number(t.back()) + " s, " + std::to_string(t.size()) + " of them)");
    }
    return t.size() - 1;
}

ExportedRaster export_geotiff(const std::string& result_path, const std::string& var, const std::string& out_path,
                              const FrameChoice& choice) {
    const bool is_raster = contains(exportable_rasters(), var), is_series = contains(exportable_series(), var);
    // The variable is checked before the file is opened: a typo is named as such.
    if (!is_raster && !is_series)
        throw InputError(result_path, "VAR", var,
                         "unknown variable (expected one of " + joined(exportable_rasters()) + ", " +
                             joined(exportable_series()) + ")");
    const ResultReader result(result_path);
    if (!result.has(var))
        throw InputError(result_path, "VAR", var,
                         var == "bed_elevation" ? "this result has no /bed_elevation (written since floodsim 1.1)"
                                                : "this result has no /" + var + " (velocities are written when asked)");
    ExportedRaster done{var, std::nullopt, 0.0};
    std::vector<float> values;
    if (is_raster) {
        if (choice.index || choice.time_s)
            throw InputError(result_path, "VAR", var, "is a single raster: --frame and --time apply to series only");
        values = result.raster(var);
    } else {
        const std::size_t k = choose_frame(result, var, choice);
        done.frame = k;
        done.time_s = result.times()[k];
        values = result.frame(var, k);
    }
    prepare_output(out_path, "GeoTIFF");
    std::string description = "floodsim result " + fs::path(result_path).filename().string() + ": /" + var;
    if (done.frame) description += " frame " + std::to_string(*done.frame) + " at t = " + format_number(done.time_s) + " s";
    write_geotiff(out_path, result.grid(), values, description);
    return done;
}

std::string write_xdmf(const std::string& result_path, const std::string& xmf_path) {
    const ResultReader result(result_path);
    std::string out = xmf_path;
    if (out.empty()) out = fs::path(result_path).replace_extension(".xmf").string();
    if (fs::path(out).extension() == ".h5" || fs::weakly_canonical(out) == fs::weakly_canonical(result_path))
        throw InputError(out, "--xdmf", out, "the sidecar would overwrite an HDF5 file (give a .xmf name)");
    prepare_output(out, "XDMF sidecar");

    const Grid2D& g = result.grid();
    const std::vector<double>& times = result.times();
    const std::string nx = std::to_string(g.nx), ny = std::to_string(g.ny), nt = std::to_string(times.size());
    // The HDF5 file relative to the sidecar: the pair can be moved together.
    const fs::path base = fs::absolute(out).parent_path();
    std::string h5 = fs::absolute(result_path).lexically_normal().lexically_relative(base).generic_string();
    if (h5.empty()) h5 = fs::absolute(result_path).generic_string();
    h5 = xml_escaped(h5);

    std::vector<std::string> series, statics;
    for (const std::string& s : exportable_series())
        if (result.has(s)) series.push_back(s);
    for (const std::string& s : exportable_rasters())
        if (result.has(s)) statics.push_back(s);

    const std::array<double, 6>& gt = g.geotransform;
    std::ostringstream x;
    x << "<?xml version=\"1.0\" ?>\n"
      << "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
      << "<!-- floodsim result " << xml_escaped(fs::path(result_path).filename().string())
      << ": cells of " << exact(g.dx) << " x " << exact(g.dy) << " m; row 0 of every raster is the NORTHERN row, so\n"
      << "     the mesh starts at the north-west corner and its y spacing is negative (north up).\n"
      << "     Origin and spacing are given slowest axis first: y, then x. CRS (not part of XDMF):\n"
      << "     " << xml_escaped(g.crs_wkt.empty() ? std::string("none") : g.crs_wkt) << " -->\n"
      << "<Xdmf Version=\"3.0\">\n"
      << "  <Domain>\n"
      << "    <Grid Name=\"floodsim\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    for (std::size_t k = 0; k < times.size(); ++k) {
        x << "      <Grid Name=\"frame " << k << "\" GridType=\"Uniform\">\n"
          << "        <Time Value=\"" << exact(times[k]) << "\" />\n"
          << "        <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"" << g.ny + 1 << " " << g.nx + 1 << "\" />\n"
          << "        <Geometry GeometryType=\"ORIGIN_DXDY\">\n"
          << "          <DataItem Name=\"Origin\" Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
          << exact(gt[3]) << " " << exact(gt[0]) << "</DataItem>\n"
          << "          <DataItem Name=\"Spacing\" Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
          << exact(gt[5]) << " " << exact(gt[1]) << "</DataItem>\n"
          << "        </Geometry>\n";
        for (const std::string& s : series) {
            x << "        <Attribute Name=\"" << s << "\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
              << "          <DataItem ItemType=\"HyperSlab\" Dimensions=\"" << ny << " " << nx
              << "\" Type=\"HyperSlab\">\n"
              << "            <DataItem Dimensions=\"3 3\" NumberType=\"UInt\" Format=\"XML\">" << k << " 0 0 1 1 1 1 "
              << ny << " " << nx << "</DataItem>\n"
              << "            <DataItem Dimensions=\"" << nt << " " << ny << " " << nx
              << "\" NumberType=\"Float\" Precision=\"4\" Format=\"HDF\">" << h5 << ":/" << s << "</DataItem>\n"
              << "          </DataItem>\n"
              << "        </Attribute>\n";
        }
        for (const std::string& s : statics) {
            x << "        <Attribute Name=\"" << s << "\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
              << "          <DataItem Dimensions=\"" << ny << " " << nx
              << "\" NumberType=\"Float\" Precision=\"4\" Format=\"HDF\">" << h5 << ":/" << s << "</DataItem>\n"
              << "        </Attribute>\n";
        }
        x << "      </Grid>\n";
    }
    x << "    </Grid>\n  </Domain>\n</Xdmf>\n";

    const std::string tmp = out + ".part";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << x.str();
        f.close();
        if (!f) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw std::runtime_error(out + ": cannot write the XDMF sidecar");
        }
    }
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error(out + ": cannot rename the XDMF sidecar into place: " + ec.message());
    }
    return out;
}

}  // namespace floodsim
