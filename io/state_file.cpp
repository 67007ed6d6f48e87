#include "io/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

#include "io/file_seal.hpp"
#include "io/hdf5_util.hpp"
#include "mesh/input_error.hpp"

namespace floodsim {
namespace {

namespace fs = std::filesystem;

constexpr std::int32_t kFormatVersion = 2;  // 2: sealed (io/file_seal.hpp)
constexpr const char* kSealKind = "floodsim-state";

template <class T>
hid_t native_type() {
    if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
    if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
    if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
    if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
}
template <class T>
hid_t file_type() {
    if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
    if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
    if constexpr (std::is_same_v<T, std::int64_t>) return H5T_STD_I64LE;
    if constexpr (std::is_same_v<T, std::int32_t>) return H5T_STD_I32LE;
}

/// Writing: every HDF5 failure throws one line naming the file.
struct Writer {
    std::string path;
    bool deflate = true;  ///< shuffle + deflate 1 on the fields
    hid_t id(hid_t v, const std::string& what) const {
        if (v < 0) throw std::runtime_error("cannot write state file " + path + ": " + what + ": " + h5::error_text());
        return v;
    }
    void ok(herr_t rc, const std::string& what) const { id(rc, what); }

    template <class T>
    void scalar(hid_t loc, const char* name, T v) const {
        ok(h5::write_scalar_attr(loc, name, file_type<T>(), native_type<T>(), &v), name);
    }
    void text(hid_t loc, const char* name, const std::string& v) const {
        ok(h5::write_string_attr(loc, name, v), name);
    }

    /// A field's whole storage (ghosts and padding included: [rows, pitch]), chunked by rows
    /// and, unless `deflate` is off, deflated (the padding then costs nothing).
    template <class T>
    void field(hid_t loc, const std::string& name, const Field<T>& f, const Grid2D& g,
               bool /*optional*/ = false) const {
        if (f.size() == 0) return;  // a field the scheme does not have (qx, qy)
        const hsize_t dims[2] = {static_cast<hsize_t>(g.rows()), static_cast<hsize_t>(g.pitch)};
        const hsize_t chunk[2] = {std::min<hsize_t>(dims[0], std::max<hsize_t>(1, (1u << 18) / dims[1])), dims[1]};
        h5::Handle space = h5::dataspace(H5Screate_simple(2, dims, nullptr));
        h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
        ok(H5Pset_chunk(dcpl.get(), 2, chunk), name);
        if (deflate) {
            ok(H5Pset_shuffle(dcpl.get()), name);
            ok(H5Pset_deflate(dcpl.get(), 1), name);
        }
        h5::Handle d = h5::dataset(
            id(H5Dcreate2(loc, name.c_str(), file_type<T>(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), name));
        ok(H5Dwrite(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, f.data()), name);
    }
};

/// Reading: every problem is an InputError naming the file and the object.
struct Reader {
    std::string path;
    [[noreturn]] void bad(const std::string& key, const std::string& value, const std::string& why) const {
        throw InputError(path, key, value, why);
    }
    std::string text(hid_t loc, const char* name) const {
        auto v = h5::read_string_attr(loc, name);
        if (!v) bad(name, "", "missing (not a floodsim state file?)");
        return *v;
    }
    double number(hid_t loc, const char* name) const {
        const std::vector<double> v = h5::read_number_attr(loc, name);
        if (v.size() != 1) bad(name, "", "missing or not a number");
        return v[0];
    }
    /// The numbers of a text attribute written by exact_lines (`key` names it in messages).
    std::vector<double> exact_numbers(hid_t loc, const char* name, const std::string& key) const;
    template <class T>
    T exact(hid_t loc, const char* name) const {
        if (H5Aexists(loc, name) <= 0) bad(name, "", "missing");
        h5::Handle a = h5::attribute(H5Aopen(loc, name, H5P_DEFAULT));
        T v{};
        if (H5Aread(a.get(), native_type<T>(), &v) < 0) bad(name, "", "unreadable: " + h5::error_text());
        return v;
    }
    template <class T>
    void field(hid_t loc, const std::string& name, Field<T>& f, const Grid2D& g, bool optional = false) const {
        if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) {
            if (optional) return;
            bad(name, "", "dataset missing");
        }
        h5::Handle d = h5::dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
        h5::Handle t = h5::datatype(H5Dget_type(d.get()));
        if (H5Tget_class(t.get()) != H5T_FLOAT || H5Tget_size(t.get()) != sizeof(T))
            bad(name, std::to_string(H5Tget_size(t.get()) * 8) + "-bit",
                "not a float" + std::to_string(sizeof(T) * 8) + " dataset");
        h5::Handle s = h5::dataspace(H5Dget_space(d.get()));
        hsize_t dims[2] = {0, 0};
        if (H5Sget_simple_extent_ndims(s.get()) != 2 || H5Sget_simple_extent_dims(s.get(), dims, nullptr) != 2 ||
            dims[0] != static_cast<hsize_t>(g.rows()) || dims[1] != static_cast<hsize_t>(g.pitch))
            bad(name, std::to_string(dims[0]) + " x " + std::to_string(dims[1]),
                "shape differs from the grid's " + std::to_string(g.rows()) + " x " + std::to_string(g.pitch));
        f = Field<T>(g);
        if (H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, f.data()) < 0)
            bad(name, "", "unreadable: " + h5::error_text());
    }
};

void fsync_path(const std::string& p, int flags) {
    const int fd = ::open(p.c_str(), flags);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

std::string join_lines(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : "\n") + n;
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> v;
    std::size_t a = 0;
    while (a < text.size()) {
        const std::size_t b = std::min(text.find('\n', a), text.size());
        v.push_back(text.substr(a, b - a));
        a = b + 1;
    }
    return v;
}

std::vector<double> Reader::exact_numbers(hid_t loc, const char* name, const std::string& key) const {
    std::vector<double> out;
    for (const std::string& x : split_lines(text(loc, name))) {
        char* end = nullptr;
        const double d = std::strtod(x.c_str(), &end);
        if (end == x.c_str() || *end != '\0') bad(key, x, "not a number");
        out.push_back(d);
    }
    return out;
}

/// Numbers as text, one per line, in hexadecimal floating point (%a: exact).
std::string exact_lines(const std::vector<double>& values) {
    std::vector<std::string> numbers;
    for (double x : values) {
        char b[40];
        std::snprintf(b, sizeof b, "%a", x);
        numbers.push_back(b);
    }
    return join_lines(numbers);
}

// --- the parts of a state file, each written and read by one pair of functions -----------------

constexpr const char* kGridInts[] = {"nx", "ny", "ghost", "pitch", "i0", "j0", "global_nx", "global_ny"};

void write_grid(const Writer& w, hid_t root, const Grid2D& g) {
    const std::int64_t ints[] = {g.nx, g.ny, g.ghost, g.pitch, g.i0, g.j0, g.global_nx, g.global_ny};
    for (std::size_t k = 0; k < std::size(ints); ++k) w.scalar<std::int64_t>(root, kGridInts[k], ints[k]);
    w.scalar<double>(root, "dx", g.dx);
    w.scalar<double>(root, "dy", g.dy);
    const hsize_t six = 6;
    h5::Handle space = h5::dataspace(H5Screate_simple(1, &six, nullptr));
    h5::Handle a = h5::attribute(
        w.id(H5Acreate2(root, "geotransform", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), "geotransform"));
    w.ok(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, g.geotransform.data()), "geotransform");
    w.text(root, "crs_wkt", g.crs_wkt);
}

Grid2D read_grid(const Reader& r, hid_t root) {
    Grid2D g;
    int* ints[] = {&g.nx, &g.ny, &g.ghost, &g.pitch, &g.i0, &g.j0, &g.global_nx, &g.global_ny};
    for (std::size_t k = 0; k < std::size(ints); ++k)
        *ints[k] = static_cast<int>(r.exact<std::int64_t>(root, kGridInts[k]));
    if (g.nx < 1 || g.ny < 1 || g.ghost < 0 || g.pitch < g.nx + 2 * g.ghost)
        r.bad("nx", std::to_string(g.nx) + " x " + std::to_string(g.ny), "not a valid grid");
    g.dx = r.exact<double>(root, "dx");
    g.dy = r.exact<double>(root, "dy");
    h5::Handle a = h5::attribute(H5Aopen(root, "geotransform", H5P_DEFAULT));
    if (!a || H5Aread(a.get(), H5T_NATIVE_DOUBLE, g.geotransform.data()) < 0) r.bad("geotransform", "", "missing");
    g.crs_wkt = r.text(root, "crs_wkt");
    return g;
}

/// The state's fields (qx, qy only when the scheme has them), written (Io = Writer, a const State)
/// or read (Reader) by one list.
template <class S, class Io>
void fields(const Io& io, hid_t root, S& s) {
    io.field(root, "h", s.h, s.grid);
    io.field(root, "hu", s.hu, s.grid);
    io.field(root, "hv", s.hv, s.grid);
    io.field(root, "qx", s.qx, s.grid, true);
    io.field(root, "qy", s.qy, s.grid, true);
    io.field(root, "max_depth", s.max_h, s.grid);
    io.field(root, "max_speed", s.max_speed, s.grid);
    io.field(root, "arrival_time", s.arrival, s.grid);
}

void write_extra(const Writer& w, hid_t root, const std::vector<NamedField>& extra, const Grid2D& g) {
    h5::Handle grp = h5::group(w.id(H5Gcreate2(root, "extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "extra"));
    std::vector<std::string> order;
    for (const NamedField& e : extra) {
        w.field(grp.get(), e.name, e.values, g);
        order.push_back(e.name);
    }
    w.text(grp.get(), "order", join_lines(order));
}

std::vector<NamedField> read_extra(const Reader& r, hid_t root, const Grid2D& g) {
    h5::Handle grp = h5::group(H5Gopen2(root, "extra", H5P_DEFAULT));
    if (!grp) r.bad("extra", "", "group missing");
    std::vector<NamedField> extra;
    for (const std::string& name : split_lines(r.text(grp.get(), "order"))) {
        NamedField e{name, {}};
        r.field(grp.get(), name, e.values, g);
        extra.push_back(std::move(e));
    }
    return extra;
}

/// Per-source values (State::values): group "values", one text per name holding the numbers in
/// hexadecimal floating point (exact), and "order". A file without the group (written before any
/// source kept values) has none.
void write_values(const Writer& w, hid_t root, const std::vector<NamedValues>& values) {
    h5::Handle grp = h5::group(w.id(H5Gcreate2(root, "values", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "values"));
    std::vector<std::string> order;
    for (const NamedValues& v : values) {
        w.text(grp.get(), v.name.c_str(), exact_lines(v.values));
        order.push_back(v.name);
    }
    w.text(grp.get(), "order", join_lines(order));
}

std::vector<NamedValues> read_values(const Reader& r, hid_t root) {
    if (H5Lexists(root, "values", H5P_DEFAULT) <= 0) return {};
    h5::Handle grp = h5::group(H5Gopen2(root, "values", H5P_DEFAULT));
    if (!grp) r.bad("values", "", "group missing");
    std::vector<NamedValues> out;
    for (const std::string& name : split_lines(r.text(grp.get(), "order"))) {
        NamedValues v{name, {}};
        v.values = r.exact_numbers(grp.get(), name.c_str(), "values/" + name);
        out.push_back(std::move(v));
    }
    return out;
}

constexpr const char* kLedgerVolumes[] = {"volume0", "rain", "inflow", "outflow", "positivity_fix"};

void write_ledger(const Writer& w, hid_t root, const MassLedger& m) {
    h5::Handle l = h5::group(w.id(H5Gcreate2(root, "ledger", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "ledger"));
    const double volumes[] = {m.volume0, m.rain, m.inflow, m.outflow, m.positivity_fix};
    for (std::size_t k = 0; k < std::size(volumes); ++k) w.scalar<double>(l.get(), kLedgerVolumes[k], volumes[k]);
    std::vector<std::string> order;
    for (const LedgerTerm& t : m.terms) {
        h5::Handle tg = h5::group(
            w.id(H5Gcreate2(l.get(), t.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "ledger/" + t.name));
        w.scalar<std::int32_t>(tg.get(), "adds", t.adds ? 1 : 0);
        w.scalar<double>(tg.get(), "volume", t.volume);
        order.push_back(t.name);
    }
    w.text(l.get(), "terms", join_lines(order));
}

MassLedger read_ledger(const Reader& r, hid_t root) {
    h5::Handle l = h5::group(H5Gopen2(root, "ledger", H5P_DEFAULT));
    if (!l) r.bad("ledger", "", "group missing");
    MassLedger m;
    double* volumes[] = {&m.volume0, &m.rain, &m.inflow, &m.outflow, &m.positivity_fix};
    for (std::size_t k = 0; k < std::size(volumes); ++k) *volumes[k] = r.exact<double>(l.get(), kLedgerVolumes[k]);
    for (const std::string& name : split_lines(r.text(l.get(), "terms"))) {
        h5::Handle tg = h5::group(H5Gopen2(l.get(), name.c_str(), H5P_DEFAULT));
        if (!tg) r.bad("ledger/" + name, "", "group missing");
        m.terms.push_back({name, r.exact<std::int32_t>(tg.get(), "adds") != 0, r.exact<double>(tg.get(), "volume")});
    }
    return m;
}

/// A checkpoint's run position (group /run): counters and times as attributes, the pumps' volumes
/// as exact hexadecimal text like /values.
void write_run_position(const Writer& w, hid_t root, const RunPosition& p) {
    h5::Handle grp = h5::group(w.id(H5Gcreate2(root, "run", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "run"));
    const hid_t g = grp.get();
    w.text(g, "result_path", p.result_path);
    w.scalar<std::int64_t>(g, "journal_bytes", static_cast<std::int64_t>(p.journal_bytes));
    w.scalar<std::int64_t>(g, "frames_taken", p.frames_taken);
    w.scalar<std::int64_t>(g, "samples_taken", p.samples_taken);
    w.scalar<double>(g, "frames_written_at", p.frames_written_at);
    w.scalar<double>(g, "pump_last_t", p.pump_last_t);
    w.text(g, "pump_last", exact_lines(p.pump_last));
    w.scalar<std::int32_t>(g, "warned_supercritical", p.warned_supercritical ? 1 : 0);
    w.text(g, "online_warnings", p.online_warnings);
}

std::optional<RunPosition> read_run_position(const Reader& r, hid_t root) {
    if (H5Lexists(root, "run", H5P_DEFAULT) <= 0) return std::nullopt;
    h5::Handle grp = h5::group(H5Gopen2(root, "run", H5P_DEFAULT));
    if (!grp) r.bad("run", "", "group unreadable");
    const hid_t g = grp.get();
    RunPosition p;
    p.result_path = r.text(g, "result_path");
    const auto bytes = r.exact<std::int64_t>(g, "journal_bytes");
    if (bytes < 0) r.bad("run/journal_bytes", std::to_string(bytes), "must be >= 0");
    p.journal_bytes = static_cast<std::uint64_t>(bytes);
    p.frames_taken = r.exact<std::int64_t>(g, "frames_taken");
    p.samples_taken = r.exact<std::int64_t>(g, "samples_taken");
    if (p.frames_taken < 0 || p.samples_taken < 0)
        r.bad("run/frames_taken", std::to_string(p.frames_taken) + ", " + std::to_string(p.samples_taken),
              "counts must be >= 0");
    p.frames_written_at = r.exact<double>(g, "frames_written_at");
    p.pump_last_t = r.exact<double>(g, "pump_last_t");
    p.pump_last = r.exact_numbers(g, "pump_last", "run/pump_last");
    p.warned_supercritical = r.exact<std::int32_t>(g, "warned_supercritical") != 0;
    p.online_warnings = r.text(g, "online_warnings");
    return p;
}

/// Removes a file when destroyed, unless disarmed (a temporary file that did not make it).
struct RemoveOnFailure {
    std::string path;
    bool armed = true;
    ~RemoveOnFailure() {
        std::error_code ec;
        if (armed) fs::remove(path, ec);
    }
};

}  // namespace

std::string scenario_hash(const std::string& scenario_text) {
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(scenario_text.data()), static_cast<uInt>(scenario_text.size()));
    char b[16];
    std::snprintf(b, sizeof b, "%08lx", static_cast<unsigned long>(crc));
    return b;
}

template <class Real>
void write_state_file(const std::string& path, const State<Real>& s, const StateFileInfo& info, StateStorage storage) {
    static std::atomic<unsigned> counter{0};
    const fs::path target(path);
    const std::string tmp = (target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                                     std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                                .string();
    Writer w{path, storage == StateStorage::Deflate};
    h5::QuietErrors quiet;
    RemoveOnFailure cleanup{tmp};
    {
        std::error_code ec;
        if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
        h5::Handle fcpl = h5::plist(H5Pcreate(H5P_FILE_CREATE));
        w.ok(H5Pset_userblock(fcpl.get(), kSealBytes), "reserving the seal block");
        h5::Handle f = h5::file(
            w.id(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl.get(), h5::unlocked_fapl().get()), "creating " + tmp));
        const hid_t root = f.get();
        w.text(root, "format", "floodsim-state");
        w.scalar<std::int32_t>(root, "format_version", kFormatVersion);
        w.text(root, "floodsim_version", info.floodsim_version);
        w.text(root, "scheme", info.scheme);
        w.text(root, "precision", std::is_same_v<Real, float> ? "single" : "double");
        w.text(root, "scenario_name", info.scenario_name);
        w.text(root, "scenario", info.scenario_text);
        w.text(root, "scenario_crc32", scenario_hash(info.scenario_text));
        write_grid(w, root, s.grid);
        // Time and what the next step depends on.
        w.scalar<double>(root, "time", s.t);
        w.scalar<std::int64_t>(root, "steps", s.steps);
        w.scalar<double>(root, "smax_x", s.smax_x);
        w.scalar<double>(root, "smax_y", s.smax_y);
        w.scalar<double>(root, "inertial_hmax", s.inertial_hmax);
        w.scalar<std::int64_t>(root, "wet_cells", s.wet_cells);
        fields(w, root, s);
        write_extra(w, root, s.extra, s.grid);
        write_values(w, root, s.values);
        write_ledger(w, root, s.ledger);
        if (info.run) write_run_position(w, root, *info.run);
        w.ok(H5Fflush(root, H5F_SCOPE_GLOBAL), "flushing");
        w.ok(f.close(), "closing");
    }
    try {
        seal_file(tmp, kSealKind);  // fsync'ed
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write state file " + path + ": " + e.what());
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw std::runtime_error("cannot write state file " + path + ": renaming " + tmp + ": " + ec.message());
    cleanup.armed = false;
    fsync_path(target.has_parent_path() ? target.parent_path().string() : ".", O_RDONLY | O_DIRECTORY);
}

template <class Real>
State<Real> read_state_file(const std::string& path, StateFileInfo* info) {
    Reader r{path};
    h5::QuietErrors quiet;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) r.bad("", "", "no such state file");
    // Checked before the HDF5 library parses the file (which may crash on a damaged one).
    if (!check_seal(path, kSealKind))
        r.bad("seal", "", "not a floodsim state file (no seal; unsealed state files of format_version 1 "
                          "are not read)");
    h5::Handle f = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, h5::unlocked_fapl().get()));
    if (!f) r.bad("", "", "not an HDF5 file: " + h5::error_text());
    const hid_t root = f.get();
    const std::string format = r.text(root, "format");
    if (format != "floodsim-state") r.bad("format", format, "not a floodsim state file");
    const auto version = r.exact<std::int32_t>(root, "format_version");
    if (version != kFormatVersion)
        r.bad("format_version", std::to_string(version),
              "this floodsim reads state files of version " + std::to_string(kFormatVersion));
    const std::string precision = r.text(root, "precision");
    const char* want = std::is_same_v<Real, float> ? "single" : "double";
    if (precision != want) r.bad("precision", precision, std::string("the run is in ") + want + " precision");
    if (info)
        *info = {r.text(root, "scheme"),           precision,
                 r.text(root, "scenario_name"),    r.text(root, "scenario"),
                 r.text(root, "floodsim_version"), read_run_position(r, root)};
    State<Real> s;
    s.grid = read_grid(r, root);
    s.t = r.exact<double>(root, "time");
    s.steps = r.exact<std::int64_t>(root, "steps");
    s.smax_x = r.exact<double>(root, "smax_x");
    s.smax_y = r.exact<double>(root, "smax_y");
    s.inertial_hmax = r.exact<double>(root, "inertial_hmax");
    s.wet_cells = r.exact<std::int64_t>(root, "wet_cells");
    fields(r, root, s);
    s.extra = read_extra(r, root, s.grid);
    s.values = read_values(r, root);
    s.ledger = read_ledger(r, root);
    return s;
}

template void write_state_file(const std::string&, const State<double>&, const StateFileInfo&, StateStorage);
template void write_state_file(const std::string&, const State<float>&, const StateFileInfo&, StateStorage);
template State<double> read_state_file(const std::string&, StateFileInfo*);
template State<float> read_state_file(const std::string&, StateFileInfo*);

}  // namespace floodsim
