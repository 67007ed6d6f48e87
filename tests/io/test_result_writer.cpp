// The result file as written: every name, type, shape, attribute and value of INTERFACE.md §3,
// the .part convention, and readability by another process while the run goes on.
#include "io/hdf5_result_writer.hpp"
#include "io/hdf5_util.hpp"
#include "io_test_util.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

using namespace floodsim;
using namespace floodsim::test;
namespace fs = std::filesystem;

namespace {

h5::Handle open_file(const std::string& path) {
    h5::Handle fapl = h5::unlocked_fapl();
    h5::Handle f = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
    EXPECT_TRUE(f) << path;
    return f;
}

std::set<std::string> attribute_names(hid_t obj) {
    std::set<std::string> names;
    hsize_t idx = 0;
    H5Aiterate2(
        obj, H5_INDEX_NAME, H5_ITER_INC, &idx,
        [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
            static_cast<std::set<std::string>*>(data)->insert(name);
            return 0;
        },
        &names);
    return names;
}

std::set<std::string> link_names(hid_t group) {
    std::set<std::string> names;
    hsize_t idx = 0;
    H5Literate(
        group, H5_INDEX_NAME, H5_ITER_INC, &idx,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::set<std::string>*>(data)->insert(name);
            return 0;
        },
        &names);
    return names;
}

/// Variable-length UTF-8 scalar string attribute (what h5py reads as str).
std::string string_attr(hid_t obj, const char* name) {
    h5::Handle a = h5::attribute(H5Aopen(obj, name, H5P_DEFAULT));
    EXPECT_TRUE(a) << name;
    h5::Handle t = h5::datatype(H5Aget_type(a.get()));
    EXPECT_EQ(H5Tget_class(t.get()), H5T_STRING) << name;
    EXPECT_GT(H5Tis_variable_str(t.get()), 0) << name;
    EXPECT_EQ(H5Tget_cset(t.get()), H5T_CSET_UTF8) << name;
    h5::Handle s = h5::dataspace(H5Aget_space(a.get()));
    EXPECT_EQ(H5Sget_simple_extent_type(s.get()), H5S_SCALAR) << name;
    h5::Handle mt = h5::vlen_string_type();
    char* text = nullptr;
    EXPECT_GE(H5Aread(a.get(), mt.get(), &text), 0) << name;
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
}

/// Scalar numeric attribute; checks its file type class, size and scalar shape.
template <class T>
T scalar_attr(hid_t obj, const char* name, H5T_class_t cls, std::size_t size, hid_t mem_type) {
    h5::Handle a = h5::attribute(H5Aopen(obj, name, H5P_DEFAULT));
    EXPECT_TRUE(a) << name;
    h5::Handle t = h5::datatype(H5Aget_type(a.get()));
    EXPECT_EQ(H5Tget_class(t.get()), cls) << name;
    EXPECT_EQ(H5Tget_size(t.get()), size) << name;
    if (cls == H5T_INTEGER) {
        EXPECT_EQ(H5Tget_sign(t.get()), H5T_SGN_2) << name;
    }
    h5::Handle s = h5::dataspace(H5Aget_space(a.get()));
    EXPECT_EQ(H5Sget_simple_extent_type(s.get()), H5S_SCALAR) << name;
    T v{};
    EXPECT_GE(H5Aread(a.get(), mem_type, &v), 0) << name;
    return v;
}

std::vector<hsize_t> dims_of(hid_t d, std::vector<hsize_t>* maxdims = nullptr) {
    h5::Handle s = h5::dataspace(H5Dget_space(d));
    const int rank = H5Sget_simple_extent_ndims(s.get());
    std::vector<hsize_t> dims(rank), maxd(rank);
    H5Sget_simple_extent_dims(s.get(), dims.data(), maxd.data());
    if (maxdims) *maxdims = maxd;
    return dims;
}

/// Opens a dataset and checks its file type (float of `size` bytes, little endian) and dims.
h5::Handle open_float(hid_t loc, const std::string& name, std::size_t size, std::vector<hsize_t> dims) {
    h5::Handle d = h5::dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
    EXPECT_TRUE(d) << name;
    if (!d) return d;
    h5::Handle t = h5::datatype(H5Dget_type(d.get()));
    EXPECT_EQ(H5Tget_class(t.get()), H5T_FLOAT) << name;
    EXPECT_EQ(H5Tget_size(t.get()), size) << name;
    EXPECT_EQ(H5Tget_order(t.get()), H5T_ORDER_LE) << name;
    EXPECT_EQ(dims_of(d.get()), dims) << name;
    return d;
}

template <class T>
std::vector<T> read_all(hid_t d, hid_t mem_type) {
    std::size_t n = 1;
    for (auto x : dims_of(d)) n *= x;
    std::vector<T> v(n);
    if (n) {
        EXPECT_GE(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
    }
    return v;
}

void expect_same(float a, float b, const std::string& what) {
    if (std::isnan(b)) EXPECT_TRUE(std::isnan(a)) << what;
    else EXPECT_FLOAT_EQ(a, b) << what;
}

void expect_units(hid_t loc, const std::string& name, const std::string& units) {
    h5::Handle d = h5::dataset(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
    ASSERT_TRUE(d) << name;
    EXPECT_EQ(string_attr(d.get(), "units"), units) << name;
}

/// Chunked, shuffle + deflate 1, NaN fill.
void expect_raster_storage(hid_t file, const char* name, std::vector<hsize_t> chunk) {
    h5::Handle d = h5::dataset(H5Dopen2(file, name, H5P_DEFAULT));
    h5::Handle dcpl = h5::plist(H5Dget_create_plist(d.get()));
    ASSERT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED) << name;
    std::vector<hsize_t> got(chunk.size());
    ASSERT_EQ(H5Pget_chunk(dcpl.get(), static_cast<int>(got.size()), got.data()), static_cast<int>(chunk.size()));
    EXPECT_EQ(got, chunk) << name;
    std::set<H5Z_filter_t> filters;
    for (int i = 0; i < H5Pget_nfilters(dcpl.get()); ++i) {
        unsigned flags = 0, values[4] = {};
        std::size_t nvalues = 4;
        char fname[64];
        const H5Z_filter_t f = H5Pget_filter2(dcpl.get(), i, &flags, &nvalues, values, sizeof fname, fname, nullptr);
        filters.insert(f);
        if (f == H5Z_FILTER_DEFLATE) {
            EXPECT_EQ(values[0], 1u) << name;
        }
    }
    EXPECT_TRUE(filters.count(H5Z_FILTER_DEFLATE)) << name;
    EXPECT_TRUE(filters.count(H5Z_FILTER_SHUFFLE)) << name;
    float fill = 0;
    ASSERT_GE(H5Pget_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &fill), 0);
    EXPECT_TRUE(std::isnan(fill)) << name;
}

/// A Python with h5py, for the second-process reader; empty if none.
std::string python_with_h5py() {
    for (const char* py : {"/usr/bin/python3", "python3"})
        if (std::system((std::string(py) + " -c 'import h5py' >/dev/null 2>&1").c_str()) == 0) return py;
    return {};
}

}  // namespace

TEST(ResultWriter, WritesTheInterfaceLayout) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);
    ASSERT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));

    h5::Handle f = open_file(path);
    ASSERT_TRUE(f);
    const hid_t root = f.get();

    // Root attributes: exactly the contract's, with their types, and the precision (an extension:
    // docs/result-file.md).
    EXPECT_EQ(attribute_names(root),
              (std::set<std::string>{"format", "format_version", "crs_wkt", "geotransform", "scenario",
                                     "floodsim_version", "scheme", "precision", "steps", "wall_time_s", "threads"}));
    EXPECT_EQ(string_attr(root, "precision"), "double");
    EXPECT_EQ(string_attr(root, "format"), "floodsim-result");
    EXPECT_EQ((scalar_attr<std::int64_t>(root, "format_version", H5T_INTEGER, 4, H5T_NATIVE_INT64)), 1);
    EXPECT_EQ(string_attr(root, "crs_wkt"), sample_wkt);
    EXPECT_EQ(string_attr(root, "scenario"), sample_scenario);
    EXPECT_EQ(string_attr(root, "floodsim_version"), "0.1.0");
    EXPECT_EQ(string_attr(root, "scheme"), "fv1");
    EXPECT_EQ((scalar_attr<std::int64_t>(root, "steps", H5T_INTEGER, 8, H5T_NATIVE_INT64)), 1234);
    EXPECT_DOUBLE_EQ((scalar_attr<double>(root, "wall_time_s", H5T_FLOAT, 8, H5T_NATIVE_DOUBLE)), 5.5);
    EXPECT_EQ((scalar_attr<std::int64_t>(root, "threads", H5T_INTEGER, 8, H5T_NATIVE_INT64)), 4);
    {
        h5::Handle a = h5::attribute(H5Aopen(root, "geotransform", H5P_DEFAULT));
        h5::Handle t = h5::datatype(H5Aget_type(a.get()));
        EXPECT_EQ(H5Tget_class(t.get()), H5T_FLOAT);
        EXPECT_EQ(H5Tget_size(t.get()), 8u);
        h5::Handle s = h5::dataspace(H5Aget_space(a.get()));
        ASSERT_EQ(H5Sget_simple_extent_ndims(s.get()), 1);
        EXPECT_EQ(H5Sget_simple_extent_npoints(s.get()), 6);
        std::array<double, 6> gt{};
        H5Aread(a.get(), H5T_NATIVE_DOUBLE, gt.data());
        EXPECT_EQ(gt, sample_meta().geotransform);
    }

    EXPECT_EQ(link_names(root), (std::set<std::string>{"time", "depth", "velocity_x", "velocity_y", "max_depth",
                                                        "max_speed", "arrival_time", "gauges", "mass_balance"}));

    // /time, extendible.
    {
        h5::Handle d = open_float(root, "time", 8, {sample_frames});
        std::vector<hsize_t> maxd;
        dims_of(d.get(), &maxd);
        EXPECT_EQ(maxd[0], H5S_UNLIMITED);
        const auto t = read_all<double>(d.get(), H5T_NATIVE_DOUBLE);
        for (int k = 0; k < sample_frames; ++k) EXPECT_DOUBLE_EQ(t[k], sample_time(k));
    }
    // Frames: [nt, ny, nx], row-major as given, NaN preserved, extendible along nt only.
    struct FrameSet {
        const char* name;
        float (*value)(int, int);
        const char* units;
    };
    for (const FrameSet fs_ : {FrameSet{"depth", sample_depth, "m"}, FrameSet{"velocity_x", sample_vx, "m/s"},
                               FrameSet{"velocity_y", sample_vy, "m/s"}}) {
        h5::Handle d = open_float(root, fs_.name, 4, {sample_frames, sample_ny, sample_nx});
        std::vector<hsize_t> maxd;
        dims_of(d.get(), &maxd);
        EXPECT_EQ(maxd, (std::vector<hsize_t>{H5S_UNLIMITED, sample_ny, sample_nx})) << fs_.name;
        const auto v = read_all<float>(d.get(), H5T_NATIVE_FLOAT);
        for (int k = 0; k < sample_frames; ++k)
            for (int i = 0; i < sample_nx * sample_ny; ++i)
                expect_same(v[k * sample_nx * sample_ny + i], fs_.value(k, i), fs_.name);
        expect_raster_storage(root, fs_.name, {1, sample_ny, sample_nx});
        expect_units(root, fs_.name, fs_.units);
    }
    // Maxima, [ny, nx].
    {
        const auto md = max_depth_grid();
        h5::Handle d = open_float(root, "max_depth", 4, {sample_ny, sample_nx});
        const auto v = read_all<float>(d.get(), H5T_NATIVE_FLOAT);
        for (std::size_t i = 0; i < md.size(); ++i) expect_same(v[i], md[i], "max_depth");
        h5::Handle s = open_float(root, "max_speed", 4, {sample_ny, sample_nx});
        const auto sp = read_all<float>(s.get(), H5T_NATIVE_FLOAT);
        for (std::size_t i = 0; i < md.size(); ++i) expect_same(sp[i], 2.0f * md[i], "max_speed");
        h5::Handle a = open_float(root, "arrival_time", 4, {sample_ny, sample_nx});
        const auto at = read_all<float>(a.get(), H5T_NATIVE_FLOAT);
        for (std::size_t i = 0; i < md.size(); ++i)
            expect_same(at[i], md[i] > 0.01f ? static_cast<float>(10.0 * i) : NAN, "arrival_time");
        for (const char* n : {"max_depth", "max_speed", "arrival_time"})
            expect_raster_storage(root, n, {sample_ny, sample_nx});
        expect_units(root, "max_depth", "m");
        expect_units(root, "max_speed", "m/s");
        expect_units(root, "arrival_time", "s");
    }
    // Gauges.
    {
        h5::Handle g = h5::group(H5Gopen2(root, "gauges", H5P_DEFAULT));
        ASSERT_TRUE(g);
        EXPECT_EQ(link_names(g.get()), (std::set<std::string>{"outlet", "bridge"}));
        const char* names[2] = {"outlet", "bridge"};
        const char* cols[5] = {"time", "depth", "water_level", "velocity_x", "velocity_y"};
        const char* units[5] = {"s", "m", "m", "m/s", "m/s"};
        for (int gi = 0; gi < 2; ++gi) {
            h5::Handle gg = h5::group(H5Gopen2(g.get(), names[gi], H5P_DEFAULT));
            EXPECT_EQ(link_names(gg.get()), (std::set<std::string>(cols, cols + 5)));
            for (int c = 0; c < 5; ++c) {
                h5::Handle d = open_float(gg.get(), cols[c], 8, {static_cast<hsize_t>(gauge_samples[gi])});
                const auto v = read_all<double>(d.get(), H5T_NATIVE_DOUBLE);
                for (int k = 0; k < gauge_samples[gi]; ++k) {
                    const GaugeSample s = gauge_sample(gi, k);
                    const double want[5] = {s.time, s.depth, s.water_level, s.velocity_x, s.velocity_y};
                    EXPECT_DOUBLE_EQ(v[k], want[c]) << names[gi] << "/" << cols[c];
                }
                expect_units(gg.get(), cols[c], units[c]);
            }
        }
    }
    // Mass balance, with the extra column.
    {
        h5::Handle g = h5::group(H5Gopen2(root, "mass_balance", H5P_DEFAULT));
        ASSERT_TRUE(g);
        const char* cols[7] = {"time", "volume", "rain", "inflow", "outflow", "error", "infiltration"};
        EXPECT_EQ(link_names(g.get()), (std::set<std::string>(cols, cols + 7)));
        for (int c = 0; c < 7; ++c) {
            h5::Handle d = open_float(g.get(), cols[c], 8, {mass_rows});
            const auto v = read_all<double>(d.get(), H5T_NATIVE_DOUBLE);
            for (int k = 0; k < mass_rows; ++k) {
                const MassBalanceRow r = mass_row(k);
                const double want[7] = {r.time, r.volume, r.rain, r.inflow, r.outflow, r.error, r.extra[0]};
                EXPECT_DOUBLE_EQ(v[k], want[c]) << cols[c];
            }
            expect_units(g.get(), cols[c], c == 0 ? "s" : "m3");
        }
    }
}

TEST(ResultWriter, WithoutVelocityHasNoVelocityDatasets) {
    TempDir tmp;
    const std::string path = tmp.file("novel.h5");
    {
        Hdf5ResultWriter w(path, sample_meta(false));
        const auto d = frame_of(sample_depth, 0);
        w.write_frame(0.0, d.data(), nullptr, nullptr);
        w.finish(d.data(), d.data(), d.data(), 1, 0.1);
    }
    h5::Handle f = open_file(path);
    EXPECT_EQ(H5Lexists(f.get(), "velocity_x", H5P_DEFAULT), 0);
    EXPECT_EQ(H5Lexists(f.get(), "velocity_y", H5P_DEFAULT), 0);
    h5::Handle d = open_float(f.get(), "depth", 4, {1, sample_ny, sample_nx});
}

TEST(ResultWriter, LargeGridsUseTiles) {
    TempDir tmp;
    const std::string path = tmp.file("tiles.h5");
    ResultMetadata m = sample_meta(false);
    m.nx = 600;
    m.ny = 300;
    {
        Hdf5ResultWriter w(path, m);
        std::vector<float> d(static_cast<std::size_t>(m.nx) * m.ny, 0.25f);
        w.write_frame(0.0, d.data(), nullptr, nullptr);
        w.finish(d.data(), d.data(), d.data(), 1, 0.1);
    }
    h5::Handle f = open_file(path);
    expect_raster_storage(f.get(), "depth", {1, 256, 256});
    expect_raster_storage(f.get(), "max_depth", {256, 256});
    h5::Handle d = open_float(f.get(), "depth", 4, {1, 300, 600});
    const auto v = read_all<float>(d.get(), H5T_NATIVE_FLOAT);
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](float x) { return x == 0.25f; }));
}

TEST(ResultWriter, PartialFileExistsOnlyWhileWriting) {
    TempDir tmp;
    const std::string path = tmp.file("run.h5");
    const std::string part = Hdf5ResultWriter::partial_path(path);
    EXPECT_EQ(part, path + ".part");
    write_sample(path, [&] {
        EXPECT_TRUE(fs::exists(part));
        EXPECT_FALSE(fs::exists(path));
    });
    EXPECT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(part));
}

TEST(ResultWriter, PartialFileIsWellFormedAndReadableWhileWriting) {
    TempDir tmp;
    const std::string path = tmp.file("live.h5");
    const std::string part = Hdf5ResultWriter::partial_path(path);
    Hdf5ResultWriter w(path, sample_meta());
    for (int f = 0; f < 2; ++f) {
        auto d = frame_of(sample_depth, f), vx = frame_of(sample_vx, f), vy = frame_of(sample_vy, f);
        w.write_frame(sample_time(f), d.data(), vx.data(), vy.data());
    }
    w.write_gauge(1, gauge_sample(1, 0));
    w.write_mass_balance(mass_row(0));

    // A second process reads the finished frames while the writer keeps the file open.
    const std::string py = python_with_h5py();
    if (py.empty()) GTEST_SKIP() << "no python3 with h5py for the second-process reader";
    const std::string script = tmp.file("read.py");
    std::ofstream(script) << R"(import sys, math, h5py
f = h5py.File(sys.argv[1], 'r')
fmt = f.attrs['format']
assert isinstance(fmt, str) and fmt == 'floodsim-result', repr(fmt)
assert int(f.attrs['format_version']) == 1
assert int(f.attrs['steps']) == 0 and float(f.attrs['wall_time_s']) == 0.0
assert list(f['time'][:]) == [0.0, 300.0], f['time'][:]
d = f['depth']
assert d.shape == (2, 5, 7) and d.dtype == 'float32', (d.shape, d.dtype)
assert math.isnan(d[1, 0, 0])
assert abs(d[1, 4, 6] - (0.5 + 0.01 * 34)) < 1e-6, d[1, 4, 6]
assert f['velocity_y'].shape == (2, 5, 7)
assert f['gauges/bridge/depth'].shape == (1,) and f['gauges/outlet/depth'].shape == (0,)
assert f['mass_balance/volume'][0] == 100.0
assert f['max_depth'].shape == (5, 7) and math.isnan(f['max_depth'][0, 0])
print('ok')
)";
    const int rc = std::system((py + " " + script + " " + part).c_str());
    EXPECT_EQ(rc, 0);

    // The writer carries on after the reader.
    auto d = frame_of(sample_depth, 2), vx = frame_of(sample_vx, 2), vy = frame_of(sample_vy, 2);
    w.write_frame(sample_time(2), d.data(), vx.data(), vy.data());
    w.finish(d.data(), d.data(), d.data(), 3, 0.2);
    EXPECT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(part));
}

TEST(ResultWriter, DestroyedWithoutFinishLeavesNoFile) {
    TempDir tmp;
    const std::string path = tmp.file("abandoned.h5");
    {
        Hdf5ResultWriter w(path, sample_meta());
        auto d = frame_of(sample_depth, 0);
        w.write_frame(0.0, d.data(), d.data(), d.data());
        EXPECT_TRUE(fs::exists(Hdf5ResultWriter::partial_path(path)));
    }
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
}

TEST(ResultWriter, AbandonedRunKeepsThePreviousResult) {
    TempDir tmp;
    const std::string path = tmp.file("kept.h5");
    write_sample(path);
    const auto size = fs::file_size(path);
    { Hdf5ResultWriter w(path, sample_meta(false)); }
    ASSERT_TRUE(fs::exists(path));
    EXPECT_EQ(fs::file_size(path), size);
    EXPECT_FALSE(fs::exists(Hdf5ResultWriter::partial_path(path)));
}

TEST(ResultWriter, FinishReplacesAnExistingFile) {
    TempDir tmp;
    const std::string path = tmp.file("replace.h5");
    std::ofstream(path) << "old contents";
    write_sample(path);
    h5::Handle f = open_file(path);
    ASSERT_TRUE(f);
    EXPECT_EQ(string_attr(f.get(), "format"), "floodsim-result");
}

TEST(ResultWriter, CreatesMissingParentFolders) {
    TempDir tmp;
    const std::string path = tmp.file("a/b/c/result.h5");
    write_sample(path);
    EXPECT_TRUE(fs::exists(path));
}

TEST(ResultWriter, UnwritablePathThrowsNamingIt) {
    TempDir tmp;
    // A regular file where a folder should be: fails even for root, unlike permission bits.
    const std::string blocker = tmp.file("not_a_folder");
    std::ofstream(blocker) << "x";
    const std::string path = blocker + "/sub/result.h5";
    try {
        Hdf5ResultWriter w(path, sample_meta());
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("ot a directory"), std::string::npos) << e.what();
    }
    // The parent exists but the file itself cannot be created (HDF5 fails, not the folder step).
    const std::string inside = blocker + "/result.h5";
    try {
        Hdf5ResultWriter w(inside, sample_meta());
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(inside), std::string::npos) << e.what();
    }
    // A folder under the final name.
    fs::create_directories(tmp.file("dir.h5"));
    EXPECT_THROW(Hdf5ResultWriter(tmp.file("dir.h5"), sample_meta()), std::runtime_error);
}

TEST(ResultWriter, RejectsBadArguments) {
    TempDir tmp;
    ResultMetadata bad = sample_meta();
    bad.gauge_names = {"a/b"};
    EXPECT_THROW(Hdf5ResultWriter(tmp.file("x.h5"), bad), std::invalid_argument);
    bad = sample_meta();
    bad.extra_mass_columns = {"rain"};
    EXPECT_THROW(Hdf5ResultWriter(tmp.file("x.h5"), bad), std::invalid_argument);
    bad = sample_meta();
    bad.nx = 0;
    EXPECT_THROW(Hdf5ResultWriter(tmp.file("x.h5"), bad), std::invalid_argument);

    Hdf5ResultWriter w(tmp.file("y.h5"), sample_meta());
    const auto d = frame_of(sample_depth, 0);
    EXPECT_THROW(w.write_frame(0.0, d.data(), nullptr, nullptr), std::invalid_argument);
    EXPECT_THROW(w.write_gauge(2, gauge_sample(0, 0)), std::out_of_range);
    MassBalanceRow r = mass_row(0);
    r.extra.clear();
    EXPECT_THROW(w.write_mass_balance(r), std::invalid_argument);
    w.finish(d.data(), d.data(), d.data(), 0, 0.0);
    EXPECT_THROW(w.write_frame(0.0, d.data(), d.data(), d.data()), std::logic_error);
    EXPECT_THROW(w.finish(d.data(), d.data(), d.data(), 0, 0.0), std::logic_error);
}
