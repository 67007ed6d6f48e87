#include "io/result_info.hpp"

#include "io/file_seal.hpp"
#include "io/hdf5_util.hpp"
#include "mesh/input_error.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

namespace floodsim {

namespace {

using h5::read_number_attr;
using h5::read_string_attr;


std::vector<hsize_t> dims_of(hid_t dset) {
    h5::Handle space = h5::dataspace(H5Dget_space(dset));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
    return d;
}

/// A whole 1-D dataset as doubles; nullopt if it does not exist.
std::optional<std::vector<double>> read_series(hid_t loc, const std::string& name) {
    if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
    h5::Handle d = h5::dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
    if (!d) return std::nullopt;
    const auto dims = dims_of(d.get());
    if (dims.size() != 1) return std::nullopt;
    std::vector<double> v(dims[0]);
    if (!v.empty() && H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        return std::nullopt;
    return v;
}

std::string fmt(double v, int precision = 6) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}

/// Duration in seconds, with a friendlier unit when long.
std::string fmt_time(double s) {
    if (std::isnan(s)) return "n/a";
    std::string out = fmt(s) + " s";
    if (std::abs(s) >= 7200) out += " (" + fmt(s / 3600, 4) + " h)";
    else if (std::abs(s) >= 120) out += " (" + fmt(s / 60, 4) + " min)";
    return out;
}

/// A quoted WKT string starting at text[i] == '"' (doubled quotes escape one); advances i.
std::string quoted_at(const std::string& text, std::size_t& i) {
    std::string out;
    for (++i; i < text.size(); ++i) {
        if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
                out += '"';
                ++i;
            } else {
                ++i;
                break;
            }
        } else {
            out += text[i];
        }
    }
    return out;
}

/// Short CRS name: the WKT's first quoted name, plus the top-level authority code when the
/// CRS has one (AUTHORITY["EPSG","32633"] in WKT1, ID["EPSG",32633] in WKT2).
std::string crs_short_name(const std::string& wkt) {
    if (wkt.empty()) return "(none)";
    std::size_t q = wkt.find('"');
    if (q == std::string::npos) return "(unnamed)";
    std::string name = quoted_at(wkt, q);

    int depth = 0;
    std::string code;
    for (std::size_t i = 0; i < wkt.size();) {
        const char c = wkt[i];
        if (c == '"') {
            quoted_at(wkt, i);
            continue;
        }
        if (c == '[' || c == '(') ++depth;
        if (c == ']' || c == ')') --depth;
        if (depth == 1 && (c == ',' || c == '[')) {
            std::size_t k = i + 1;
            while (k < wkt.size() && std::isspace(static_cast<unsigned char>(wkt[k]))) ++k;
            for (const char* kw : {"AUTHORITY[", "ID["}) {
                const std::string key = kw;
                if (wkt.compare(k, key.size(), key) != 0) continue;
                std::size_t j = k + key.size();
                if (j >= wkt.size() || wkt[j] != '"') continue;
                const std::string auth = quoted_at(wkt, j);
                while (j < wkt.size() && (wkt[j] == ',' || std::isspace(static_cast<unsigned char>(wkt[j])))) ++j;
                std::string value;
                if (j < wkt.size() && wkt[j] == '"') {
                    value = quoted_at(wkt, j);
                } else {
                    while (j < wkt.size() && std::isalnum(static_cast<unsigned char>(wkt[j]))) value += wkt[j++];
                }
                if (!auth.empty() && !value.empty()) code = auth + ":" + value;
            }
        }
        ++i;
    }
    return code.empty() ? name : name + " (" + code + ")";
}

/// The scenario's `name = "..."` (top-level key), if present.
std::string scenario_name(const std::string& toml) {
    std::istringstream in(toml);
    std::string line;
    while (std::getline(in, line)) {
        std::size_t i = line.find_first_not_of(" \t");
        if (i == std::string::npos) continue;
        if (line[i] == '[') break;  // first table: top-level keys are over
        if (line.compare(i, 4, "name") != 0) continue;
        std::size_t j = line.find_first_not_of(" \t", i + 4);
        if (j == std::string::npos || line[j] != '=') continue;
        std::size_t a = line.find_first_of("\"'", j);
        if (a == std::string::npos) continue;
        std::size_t b = line.find(line[a], a + 1);
        if (b == std::string::npos) continue;
        return line.substr(a + 1, b - a - 1);
    }
    return {};
}

/// The members of a group in creation order where it was tracked, else by name.
std::vector<std::string> member_names(hid_t group) {
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
    };
    hsize_t idx = 0;
    if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect, &names) < 0) {
        H5Eclear2(H5E_DEFAULT);
        names.clear();
        idx = 0;
        H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names);
    }
    return names;
}

struct MaxDepthStats {
    double max = std::numeric_limits<double>::quiet_NaN();
    std::size_t flooded = 0, valid = 0;
};

/// Scans /max_depth in bands of rows so that a huge grid does not need one huge buffer.
MaxDepthStats scan_max_depth(hid_t dset, hsize_t ny, hsize_t nx) {
    MaxDepthStats st;
    const hsize_t band = std::max<hsize_t>(1, std::min<hsize_t>(ny, (hsize_t{16} << 20) / std::max<hsize_t>(nx, 1)));
    std::vector<float> buf;
    h5::Handle fspace = h5::dataspace(H5Dget_space(dset));
    for (hsize_t r = 0; r < ny; r += band) {
        const hsize_t rows = std::min(band, ny - r);
        const std::array<hsize_t, 2> start{r, 0}, count{rows, nx};
        buf.resize(rows * nx);
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
        h5::Handle mspace = h5::dataspace(H5Screate_simple(2, count.data(), nullptr));
        if (H5Dread(dset, H5T_NATIVE_FLOAT, mspace.get(), fspace.get(), H5P_DEFAULT, buf.data()) < 0) break;
        for (float v : buf) {
            if (std::isnan(v)) continue;
            ++st.valid;
            if (std::isnan(st.max) || v > st.max) st.max = v;
            if (v > 0.01f) ++st.flooded;
        }
    }
    return st;
}


/// The summary, parsed in this process (the file is sealed and intact, or trusted).
std::string describe_parsed(const std::string& path, bool sealed) {
    h5::QuietErrors quiet;
    if (H5Fis_hdf5(path.c_str()) <= 0) {
        H5Eclear2(H5E_DEFAULT);
        throw InputError(path, "", "", "not an HDF5 file (not a floodsim result)");
    }
    // No lock: `floodsim info` may look at a partial file while its run goes on.
    h5::Handle fapl = h5::unlocked_fapl();
    h5::Handle file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
    if (!file) throw InputError(path, "", "", "cannot open HDF5 file: " + h5::error_text());
    const hid_t root = file.get();

    const auto format = read_string_attr(root, "format");
    if (!format) throw InputError(path, "format", "", "not a floodsim result (no 'format' attribute)");
    if (*format != "floodsim-result")
        throw InputError(path, "format", *format, "not a floodsim result (expected 'floodsim-result')");
    const auto version = read_number_attr(root, "format_version");

    auto open = [&](const char* name) {
        if (H5Lexists(root, name, H5P_DEFAULT) <= 0)
            throw InputError(path, name, "", std::string("damaged floodsim result: dataset /") + name + " missing");
        return h5::dataset(H5Dopen2(root, name, H5P_DEFAULT));
    };

    std::ostringstream out;
    out << "floodsim result " << path << "\n";
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".part") == 0)
        out << "  (partial file: the run is still going or was interrupted)\n";
    out << "  format:        " << *format << ", version " << (version.empty() ? std::string("?") : fmt(version[0]))
        << "\n";
    out << "  floodsim:      " << read_string_attr(root, "floodsim_version").value_or("?") << "\n";
    out << "  seal:          " << (sealed ? "intact (size and CRC-32 match)" : "none (an older or partial file)") << "\n";
    const std::string scen = scenario_name(read_string_attr(root, "scenario").value_or(""));
    if (!scen.empty()) out << "  scenario:      " << scen << "\n";
    if (const auto reason = read_string_attr(root, "stop_reason"))
        out << "  INCOMPLETE:    " << *reason << "\n";
    out << "  scheme:        " << read_string_attr(root, "scheme").value_or("?");
    if (const auto precision = read_string_attr(root, "precision")) out << ", " << *precision << " precision";
    out << "\n";

    h5::Handle max_depth = open("max_depth");
    const auto md_dims = dims_of(max_depth.get());
    if (md_dims.size() != 2) throw InputError(path, "max_depth", "", "damaged floodsim result: /max_depth is not 2-D");
    const hsize_t ny = md_dims[0], nx = md_dims[1];
    auto gt = read_number_attr(root, "geotransform");
    if (gt.size() != 6) gt.assign(6, std::numeric_limits<double>::quiet_NaN());
    const double cell_area = std::abs(gt[1] * gt[5] - gt[2] * gt[4]);
    out << "  grid:          " << nx << " x " << ny << " cells (nx x ny), cell " << fmt(std::abs(gt[1])) << " x "
        << fmt(std::abs(gt[5])) << ", origin (" << fmt(gt[0], 10) << ", " << fmt(gt[3], 10) << ")\n";
    out << "  CRS:           " << crs_short_name(read_string_attr(root, "crs_wkt").value_or("")) << "\n";

    const auto times = read_series(root, "time").value_or(std::vector<double>{});
    out << "  frames:        " << times.size();
    if (!times.empty()) {
        if (times.size() <= 12) {
            out << ", t =";
            for (std::size_t i = 0; i < times.size(); ++i) out << (i ? ", " : " ") << fmt(times[i]);
            out << " s";
        } else {
            out << ", t = " << fmt(times.front()) << " .. " << fmt(times.back()) << " s, every "
                << fmt((times.back() - times.front()) / static_cast<double>(times.size() - 1)) << " s";
        }
    }
    out << "\n";
    const bool velocity = H5Lexists(root, "velocity_x", H5P_DEFAULT) > 0;
    out << "  variables:     depth" << (velocity ? ", velocity_x, velocity_y" : "") << "\n";

    const auto steps = read_number_attr(root, "steps");
    const auto wall = read_number_attr(root, "wall_time_s");
    const auto threads = read_number_attr(root, "threads");
    out << "  steps:         " << (steps.empty() ? std::string("?") : fmt(steps[0], 15)) << "\n";
    out << "  wall time:     " << (wall.empty() ? std::string("?") : fmt_time(wall[0])) << "\n";
    out << "  threads:       " << (threads.empty() ? std::string("?") : fmt(threads[0], 15)) << "\n";

    const MaxDepthStats st = scan_max_depth(max_depth.get(), ny, nx);
    out << "  max depth:     " << (std::isnan(st.max) ? std::string("n/a") : fmt(st.max) + " m") << "\n";
    out << "  flooded area:  " << fmt(static_cast<double>(st.flooded) * cell_area) << " m2 (" << st.flooded
        << " cells with max depth > 0.01 m)\n";

    // Gauges, in creation order where it was tracked, else by name.
    if (H5Lexists(root, "gauges", H5P_DEFAULT) > 0) {
        h5::Handle g = h5::group(H5Gopen2(root, "gauges", H5P_DEFAULT));
        const std::vector<std::string> gauge_names = member_names(g.get());
        out << "  gauges:        " << gauge_names.size() << "\n";
        for (const auto& name : gauge_names) {
            const auto t = read_series(g.get(), name + "/time").value_or(std::vector<double>{});
            const auto d = read_series(g.get(), name + "/depth").value_or(std::vector<double>{});
            out << "    " << name << ": " << d.size() << " samples";
            std::size_t peak = d.size();
            for (std::size_t i = 0; i < d.size(); ++i)
                if (!std::isnan(d[i]) && (peak == d.size() || d[i] > d[peak])) peak = i;
            if (peak < d.size()) {
                out << ", peak depth " << fmt(d[peak]) << " m";
                if (peak < t.size()) out << " at t = " << fmt_time(t[peak]);
            }
            out << "\n";
        }
    } else {
        out << "  gauges:        0\n";
    }

    // Pump stations: volume moved and time at capacity over the run.
    if (H5Lexists(root, "pumps", H5P_DEFAULT) > 0) {
        h5::Handle g = h5::group(H5Gopen2(root, "pumps", H5P_DEFAULT));
        const std::vector<std::string> names = member_names(g.get());
        out << "  pumps:         " << names.size() << "\n";
        for (const auto& name : names) {
            const auto v = read_series(g.get(), name + "/volume").value_or(std::vector<double>{});
            const auto rt = read_series(g.get(), name + "/running_time").value_or(std::vector<double>{});
            out << "    " << name << ": " << v.size() << " samples";
            if (!v.empty() && !rt.empty()) out << ", " << fmt(v.back()) << " m3 in " << fmt_time(rt.back()) << " at capacity";
            out << "\n";
        }
    }

    // Final mass-balance row; relative error against all the water that was ever there:
    // initial volume (first row) + rain + inflow.
    if (H5Lexists(root, "mass_balance", H5P_DEFAULT) > 0) {
        h5::Handle mb = h5::group(H5Gopen2(root, "mass_balance", H5P_DEFAULT));
        const std::vector<std::string> cols = member_names(mb.get());
        const auto t = read_series(mb.get(), "time").value_or(std::vector<double>{});
        if (t.empty()) {
            out << "  mass balance:  no rows\n";
        } else {
            auto last = [&](const std::string& c) {
                const auto v = read_series(mb.get(), c);
                return v && !v->empty() ? v->back() : std::numeric_limits<double>::quiet_NaN();
            };
            const auto volume = read_series(mb.get(), "volume").value_or(std::vector<double>{});
            const double v0 = volume.empty() ? std::numeric_limits<double>::quiet_NaN() : volume.front();
            out << "  mass balance:  " << t.size() << " rows; at t = " << fmt_time(t.back()) << ":\n   ";
            for (const auto& c : cols) {
                if (c == "time" || c == "error") continue;
                out << " " << c << " " << fmt(last(c)) << " m3,";
            }
            const double err = last("error");
            const double ref = v0 + last("rain") + last("inflow");
            out << " error " << fmt(err) << " m3";
            if (ref > 0 && !std::isnan(err)) out << " (relative " << fmt(err / ref, 3) << ")";
            out << "\n";
        }
    }
    return out.str();
}

/// The summary of an unsealed file, parsed in a child process: the HDF5 library may crash or
/// hang on a damaged file (found by fuzzing: heap overflows in H5Aopen and the object header
/// code of HDF5 1.10), and `info` must end with one line and exit 2 instead. The child sends back
/// 'O' + the summary, or 'E' + the InputError's file, key, value and reason (NUL-separated).
std::string describe_isolated(const std::string& path) {
    int fds[2];
    if (::pipe(fds) != 0) return describe_parsed(path, false);  // no pipe: parse here
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return describe_parsed(path, false);
    }
    if (pid == 0) {
        ::close(fds[0]);
        std::string msg(1, 'O');
        const auto error = [&msg](const std::string& file, const std::string& key, const std::string& value,
                                  const std::string& why) {
            msg.assign(1, 'E');
            for (const std::string* part : {&file, &key, &value}) msg.append(*part).push_back('\0');
            msg.append(why);
        };
        try {
            msg.append(describe_parsed(path, false));
        } catch (const InputError& e) {
            error(e.file(), e.key(), e.value(), e.why());
        } catch (const std::exception& e) {
            error(path, "", "", e.what());
        }
        const char* p = msg.data();
        std::size_t left = msg.size();
        while (left > 0) {
            const ssize_t n = ::write(fds[1], p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        ::_exit(0);  // no atexit handlers, no HDF5 shutdown of the parent's state
    }
    ::close(fds[1]);
    std::string msg;
    char buf[65536];
    // A hang is bounded: the child has 20 s to answer (a summary of the largest result takes well under a second).
    constexpr int kTimeoutMs = 20000;
    bool timed_out = false;
    while (true) {
        pollfd pfd{fds[0], POLLIN, 0};
        const int r = ::poll(&pfd, 1, kTimeoutMs);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        msg.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out)
        throw InputError(path, "", "", "damaged HDF5 file: reading it did not finish within 20 s");
    if (WIFSIGNALED(status) || msg.empty())
        throw InputError(path, "", "", "damaged HDF5 file: the HDF5 library failed reading it" +
                                           (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")"
                                                                : std::string()));
    if (msg[0] == 'O') return msg.substr(1);
    std::vector<std::string> parts;
    std::size_t at = 1;
    for (int k = 0; k < 3; ++k) {
        const std::size_t z = msg.find('\0', at);
        if (z == std::string::npos) break;
        parts.push_back(msg.substr(at, z - at));
        at = z + 1;
    }
    if (parts.size() != 3) throw InputError(path, "", "", "damaged HDF5 file");
    throw InputError(parts[0], parts[1], parts[2], msg.substr(at));
}

}  // namespace

std::string describe_result(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, "", "", "no such file");
    if (fs::is_directory(path, ec)) throw InputError(path, "", "", "is a folder, not a result file");
    // A sealed result is checked before the HDF5 library parses it: a damaged file is refused
    // here. An unsealed one (an older result, the partial file of a run still going) is parsed
    // in a child process.
    if (check_seal(path, "floodsim-result")) return describe_parsed(path, true);
    return describe_isolated(path);
}

}  // namespace floodsim
