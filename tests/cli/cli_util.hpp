#pragma once
// Helpers shared by the tests that run the real floodsim executable and read its HDF5 results
// with the HDF5 C API only (independently of floodsim's own reader): temporary folders,
// spawning floodsim (FLOODSIM_EXE) with captured output, reading datasets and attributes, and a
// digest of a whole result file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

extern char** environ;

namespace floodsim_test {

namespace fs = std::filesystem;

inline const char* const kExe = FLOODSIM_EXE;

// ---------------------------------------------------------------------------------------------
// Files and folders

/// A fresh folder under the system temp directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info ? info->name() : "test";
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        path_ = fs::temp_directory_path() /
                ("floodsim-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name);
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& s) const { return path_ / s; }

private:
    fs::path path_;
};

/// WGS 84 / UTM zone 49N (EPSG:32649), the CRS of Shangjie's inputs, as GDAL writes it in a .prj.
inline constexpr const char* kWktUtm49N =
    R"(PROJCS["WGS 84 / UTM zone 49N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,)"
    R"(298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,)"
    R"(AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],)"
    R"(AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],)"
    R"(PARAMETER["central_meridian",111],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],)"
    R"(PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],)"
    R"(AXIS["Northing",NORTH],AUTHORITY["EPSG","32649"]])";

inline void write_text(const fs::path& p, const std::string& text) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary);
    if (!f) throw std::runtime_error("cannot write " + p.string());
    f << text;
    if (!f) throw std::runtime_error("error writing " + p.string());
}

inline std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    if (pos == std::string::npos) throw std::logic_error("test bug: '" + from + "' not in the scenario text");
    text.replace(pos, from.size(), to);
    return text;
}

// ---------------------------------------------------------------------------------------------
// Running floodsim

struct ProcResult {
    int status = -1;  ///< exit status; 128 + signal number if killed by a signal
    std::string out, err;
};

/// Spawns the program `exe` (a path); `env` entries ("NAME=value") are added to (or replace) the
/// environment.
inline pid_t spawn_program(const char* exe, const std::vector<std::string>& args, const fs::path& out,
                           const fs::path& err, const std::vector<std::string>& env = {}) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& x) {
            return entry.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
        });
        if (!replaced) envp.push_back(*e);
    }
    for (const std::string& x : env) envp.push_back(const_cast<char*>(x.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, exe, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error(std::string("cannot start ") + exe + ": " + std::strerror(rc));
    return pid;
}

/// Spawns floodsim (spawn_program).
inline pid_t spawn_floodsim(const std::vector<std::string>& args, const fs::path& out, const fs::path& err,
                            const std::vector<std::string>& env = {}) {
    return spawn_program(kExe, args, out, err, env);
}

inline int decode_status(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

inline int wait_for(pid_t pid) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    return decode_status(st);
}

/// Runs the program `exe` with `args`; stdout and stderr are captured through files in a folder of
/// their own (so that they never show up among a test's inputs or outputs).
inline ProcResult run_program(const char* exe, const std::vector<std::string>& args,
                              const std::vector<std::string>& env = {}) {
    TempDir cap;
    const fs::path out = cap / "stdout.txt", err = cap / "stderr.txt";
    ProcResult r;
    r.status = wait_for(spawn_program(exe, args, out, err, env));
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

/// Runs floodsim with `args` (run_program).
inline ProcResult run_floodsim(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    return run_program(kExe, args, env);
}

inline std::string describe(const ProcResult& r) {
    return "exit status " + std::to_string(r.status) + "\n--- stdout:\n" + r.out + "--- stderr:\n" + r.err;
}

/// Writes `scenario` as dir/s.toml and runs it: exit 2 with one line holding every one of
/// `parts` (file, key, value), and no output folder (dir/out) left.
inline void expect_refused(const fs::path& dir, const std::string& scenario, const std::vector<std::string>& parts) {
    write_text(dir / "s.toml", scenario);
    const ProcResult r = run_floodsim({"run", (dir / "s.toml").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " not in " << r.err;
    EXPECT_FALSE(fs::exists(dir / "out"));
}

// ---------------------------------------------------------------------------------------------
// HDF5 reading

class Hid {
public:
    Hid() = default;
    Hid(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
        if (id < 0) throw std::runtime_error("HDF5: cannot open " + what);
    }
    ~Hid() {
        if (id_ >= 0 && close_) close_(id_);
    }
    Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
    Hid& operator=(Hid&& o) noexcept {
        std::swap(id_, o.id_);
        std::swap(close_, o.close_);
        return *this;
    }
    operator hid_t() const { return id_; }

private:
    hid_t id_ = -1;
    herr_t (*close_)(hid_t) = nullptr;
};

inline Hid open_h5(const fs::path& p) {
    return Hid(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, p.string());
}

/// Whether every link of an absolute path ("/gauges/g1/time") exists.
inline bool h5_exists(hid_t file, const std::string& path) {
    std::string prefix;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        const std::size_t next = std::min(path.find('/', pos), path.size());
        prefix = path.substr(0, next);
        if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        pos = next + 1;
    }
    return true;
}

template <class T>
struct Array {
    std::vector<hsize_t> dims;
    std::vector<T> v;
    H5T_class_t type_class = H5T_NO_CLASS;
    std::size_t type_size = 0;
    T at(std::size_t k) const { return v.at(k); }
};

template <class T>
inline Array<T> read_dataset(hid_t file, const std::string& name) {
    const hid_t mem = std::is_same_v<T, float> ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    Hid d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
    Hid type(H5Dget_type(d), H5Tclose, "type of " + name);
    Hid space(H5Dget_space(d), H5Sclose, "space of " + name);
    Array<T> a;
    a.type_class = H5Tget_class(type);
    a.type_size = H5Tget_size(type);
    const int rank = H5Sget_simple_extent_ndims(space);
    a.dims.resize(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, a.dims.data(), nullptr);
    std::size_t n = 1;
    for (hsize_t x : a.dims) n *= static_cast<std::size_t>(x);
    a.v.resize(n);
    if (n > 0 && H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.v.data()) < 0)
        throw std::runtime_error("HDF5: cannot read " + name);
    return a;
}

/// Layout and filters of a dataset: {chunked, deflate}.
inline std::pair<bool, bool> chunked_and_deflated(hid_t file, const std::string& name) {
    Hid d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "dataset " + name);
    Hid dcpl(H5Dget_create_plist(d), H5Pclose, "dcpl of " + name);
    const bool chunked = H5Pget_layout(dcpl) == H5D_CHUNKED;
    bool deflate = false;
    const int nf = H5Pget_nfilters(dcpl);
    for (int k = 0; k < nf; ++k) {
        unsigned flags = 0, cd[8];
        std::size_t ncd = 8;
        char fname[64];
        if (H5Pget_filter2(dcpl, static_cast<unsigned>(k), &flags, &ncd, cd, sizeof fname, fname, nullptr) ==
            H5Z_FILTER_DEFLATE)
            deflate = true;
    }
    return {chunked, deflate};
}

struct AttrInfo {
    H5T_class_t type_class = H5T_NO_CLASS;
    std::size_t type_size = 0;
    hssize_t count = 0;
};

inline AttrInfo attr_info(hid_t loc, const char* name) {
    Hid a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
    Hid t(H5Aget_type(a), H5Tclose, "type");
    Hid s(H5Aget_space(a), H5Sclose, "space");
    return {H5Tget_class(t), H5Tget_size(t), H5Sget_simple_extent_npoints(s)};
}

inline std::string read_string_attr(hid_t loc, const char* name) {
    Hid a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
    Hid t(H5Aget_type(a), H5Tclose, "type");
    if (H5Tget_class(t) != H5T_STRING) throw std::runtime_error(std::string("attribute ") + name + " is not a string");
    if (H5Tis_variable_str(t) > 0) {
        Hid mt(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        char* s = nullptr;
        if (H5Aread(a, mt, &s) < 0) throw std::runtime_error(std::string("cannot read attribute ") + name);
        std::string r = s ? s : "";
        H5free_memory(s);
        return r;
    }
    std::string r(H5Tget_size(t), '\0');
    Hid mt(H5Tcopy(t), H5Tclose, "string type");
    if (H5Aread(a, mt, r.data()) < 0) throw std::runtime_error(std::string("cannot read attribute ") + name);
    r.resize(std::strlen(r.c_str()));
    return r;
}

template <class T>
inline std::vector<T> read_num_attr(hid_t loc, const char* name) {
    const hid_t mem = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    Hid a(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose, std::string("attribute ") + name);
    Hid s(H5Aget_space(a), H5Sclose, "space");
    std::vector<T> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
    if (H5Aread(a, mem, v.data()) < 0) throw std::runtime_error(std::string("cannot read attribute ") + name);
    return v;
}

// ---------------------------------------------------------------------------------------------
// Whole-file digest: one line per attribute and dataset ("/path@attr" or "/path"), with a 64-bit
// FNV-1a hash of its values (decoded: independent of chunking and compression), so two result
// files can be compared object by object and a reference kept as a small text file.

inline std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 1099511628211ull;
    return h;
}

/// Hash of the values of an attribute (is_attr) or dataset `id` of file type `ftype`.
inline std::uint64_t hash_values(hid_t id, hid_t ftype, hid_t space, bool is_attr) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (H5Tget_class(ftype) == H5T_STRING && H5Tis_variable_str(ftype) > 0) {
        Hid mt(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ftype));
        std::vector<char*> v(static_cast<std::size_t>(n), nullptr);
        const herr_t rc =
            is_attr ? H5Aread(id, mt, v.data()) : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        if (rc < 0) throw std::runtime_error("HDF5: cannot read a string");
        std::uint64_t h = fnv1a("", 0);
        for (char* c : v) {
            h = fnv1a(c ? c : "", c ? std::strlen(c) + 1 : 1, h);
            H5free_memory(c);
        }
        return h;
    }
    Hid mt(H5Tget_class(ftype) == H5T_STRING ? H5Tcopy(ftype) : H5Tget_native_type(ftype, H5T_DIR_ASCEND), H5Tclose,
           "native type");
    std::vector<unsigned char> buf(static_cast<std::size_t>(n) * H5Tget_size(mt));
    const herr_t rc = buf.empty() ? 0
                      : is_attr   ? H5Aread(id, mt, buf.data())
                                  : H5Dread(id, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    if (rc < 0) throw std::runtime_error("HDF5: cannot read values");
    return fnv1a(buf.data(), buf.size());
}

/// "path hash" for every attribute and dataset of the file, except attributes named in `skip`.
inline std::map<std::string, std::string> h5_digest(const fs::path& file, const std::vector<std::string>& skip = {}) {
    Hid f = open_h5(file);
    std::map<std::string, std::string> out;
    auto hex = [](std::uint64_t h) {
        char b[17];
        std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
        return std::string(b);
    };
    auto attrs = [&](hid_t obj, const std::string& path) {
        H5O_info_t info;
        H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS);
        for (hsize_t k = 0; k < info.num_attrs; ++k) {
            Hid a(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, k, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                  "attribute");
            char name[256];
            H5Aget_name(a, sizeof name, name);
            if (std::find(skip.begin(), skip.end(), std::string(name)) != skip.end()) continue;
            Hid t(H5Aget_type(a), H5Tclose, "type");
            Hid s(H5Aget_space(a), H5Sclose, "space");
            out[path + "@" + name] = hex(hash_values(a, t, s, true));
        }
    };
    attrs(f, "/");
    std::vector<std::string> objects;
    H5Ovisit2(
        f, H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t, const char* name, const H5O_info_t*, void* op) -> herr_t {
            static_cast<std::vector<std::string>*>(op)->push_back(name);
            return 0;
        },
        &objects, H5O_INFO_BASIC);
    for (const std::string& name : objects) {
        if (name == ".") continue;
        const std::string path = "/" + name;
        Hid o(H5Oopen(f, name.c_str(), H5P_DEFAULT), H5Oclose, path);
        attrs(o, path);
        if (H5Iget_type(o) != H5I_DATASET) continue;
        Hid t(H5Dget_type(o), H5Tclose, "type");
        Hid s(H5Dget_space(o), H5Sclose, "space");
        out[path] = hex(hash_values(o, t, s, false));
    }
    return out;
}

}  // namespace floodsim_test
