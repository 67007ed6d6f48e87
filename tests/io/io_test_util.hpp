#pragma once
// Shared fixtures for the io tests: a private temporary folder and a small sample result.
#include "io/hdf5_result_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

namespace floodsim::test {

/// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = std::filesystem::temp_directory_path() /
                ("floodsim_io_test_" + std::to_string(::getpid()) + "_" + std::to_string(stamp) + "_" +
                 std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline const char* sample_wkt =
    "PROJCS[\"WGS 84 / UTM zone 33N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,"
    "298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],"
    "PARAMETER[\"central_meridian\",15],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],"
    "PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],"
    "AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"32633\"]]";

inline const char* sample_scenario = "format = 1\nname = \"io-test\"\n\n[domain]\ndem = \"dem.tif\"\n";

constexpr int sample_nx = 7, sample_ny = 5, sample_frames = 3;

inline ResultMetadata sample_meta(bool velocity = true) {
    ResultMetadata m;
    m.nx = sample_nx;
    m.ny = sample_ny;
    m.crs_wkt = sample_wkt;
    m.geotransform = {500000.0, 2.0, 0.0, 6000010.0, 0.0, -2.0};
    m.scenario_text = sample_scenario;
    m.floodsim_version = "0.1.0";
    m.scheme = "fv1";
    m.threads = 4;
    m.write_velocity = velocity;
    m.gauge_names = {"outlet", "bridge"};
    m.extra_mass_columns = {"infiltration"};
    return m;
}

/// Depth of frame f at cell i; cell 0 lies outside the domain (NaN).
inline float sample_depth(int f, int i) {
    if (i == 0) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>(0.5 * f + 0.01 * i);
}
inline float sample_vx(int f, int i) { return -sample_depth(f, i); }
inline float sample_vy(int f, int i) { return 2.0f * sample_depth(f, i); }
inline double sample_time(int f) { return 300.0 * f; }

inline std::vector<float> frame_of(float (*value)(int, int), int f) {
    std::vector<float> v(sample_nx * sample_ny);
    for (int i = 0; i < static_cast<int>(v.size()); ++i) v[i] = value(f, i);
    return v;
}

inline GaugeSample gauge_sample(int g, int k) {
    return {60.0 * k, 0.1 * (g + 1) * k, 10.0 + 0.1 * k, 0.2 * k, -0.3 * k};
}
constexpr int gauge_samples[2] = {4, 2};

inline MassBalanceRow mass_row(int k) {
    return {300.0 * k, 100.0 + 10.0 * k, 12.0 * k, 3.0 * k, 4.0 * k, 1e-3 * k, {1.0 * k}};
}
constexpr int mass_rows = 3;

inline std::vector<float> max_depth_grid() {
    std::vector<float> v(sample_nx * sample_ny);
    for (int i = 0; i < static_cast<int>(v.size()); ++i) v[i] = i == 0 ? NAN : static_cast<float>(0.005 * i);
    return v;  // max 0.17 m at the last cell; cells 3.. exceed 0.01 m
}

/// Writes the full sample result; if `before_finish` is given, calls it before finish().
template <class F>
void write_sample(const std::string& path, F&& before_finish) {
    Hdf5ResultWriter w(path, sample_meta());
    for (int f = 0; f < sample_frames; ++f) {
        auto d = frame_of(sample_depth, f), vx = frame_of(sample_vx, f), vy = frame_of(sample_vy, f);
        w.write_frame(sample_time(f), d.data(), vx.data(), vy.data());
    }
    for (int g = 0; g < 2; ++g)
        for (int k = 0; k < gauge_samples[g]; ++k) w.write_gauge(g, gauge_sample(g, k));
    for (int k = 0; k < mass_rows; ++k) w.write_mass_balance(mass_row(k));
    before_finish();
    const auto md = max_depth_grid();
    std::vector<float> speed(md.size()), arrival(md.size());
    for (std::size_t i = 0; i < md.size(); ++i) {
        speed[i] = 2.0f * md[i];
        arrival[i] = md[i] > 0.01f ? static_cast<float>(10.0 * i) : NAN;
    }
    w.finish(md.data(), speed.data(), arrival.data(), 1234, 5.5);
}
inline void write_sample(const std::string& path) {
    write_sample(path, [] {});
}

}  // namespace floodsim::test
