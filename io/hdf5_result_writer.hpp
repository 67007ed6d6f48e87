#pragma once
// Writer of the floodsim result file (INTERFACE.md section 3), frame by frame as the run goes.
//
// The file is written as `<final path>.part` next to its final name; every finished frame is
// flushed and readable there while the run continues; finish() writes the maxima and the run
// attributes and renames it to the final name. A writer destroyed before finish() removes the
// partial file, so nothing half-written is ever left under the final name.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace floodsim {

/// Storage of the raster datasets. The defaults are the documented layout (docs/result-file.md);
/// the others exist for bench/bench_output.cpp. Every setting stores the same values.
struct RasterStorage {
    int tile_edge = 256;    ///< chunks of 1 x min(ny, edge) x min(nx, edge) cells
    int deflate_level = 1;  ///< 0..9; 0 = no deflate filter (1: docs/output-performance.md)
    bool shuffle = true;    ///< byte shuffle before deflate
};

struct ResultMetadata {
    int nx = 0, ny = 0;
    std::string crs_wkt;
    std::array<double, 6> geotransform{};
    std::string scenario_text;
    std::string floodsim_version;
    std::string scheme;
    std::string precision = "double";  ///< solver.precision of the run: "double" or "single"
    std::int64_t threads = 1;
    bool write_velocity = false;
    std::vector<std::string> gauge_names;       ///< one group /gauges/NAME each
    std::vector<std::string> pump_names;        ///< one group /pumps/NAME each
    std::vector<std::string> extra_mass_columns; ///< further cumulative sinks (e.g. "infiltration")
    /// The model bed, m (nx*ny float32, row 0 = north, NaN outside the domain), written once as
    /// the static /bed_elevation when the file is created; empty: no /bed_elevation.
    std::vector<float> bed_elevation;
    RasterStorage storage;
};

/// A block of the rasters: columns i0 .. i0 + nx - 1 and rows j0 .. j0 + ny - 1 of the grid (the
/// part of a result one rank of a run over MPI writes: io/collective_result_writer.hpp).
struct RasterPart {
    int i0 = 0, j0 = 0, nx = 0, ny = 0;
};

/// One sample of a gauge (SI units).
struct GaugeSample {
    double time, depth, water_level, velocity_x, velocity_y;
};

/// One sample of a pump station: mean discharge since the previous sample (m3/s), running at the
/// sample time, volume moved and time at capacity since t = 0 (m3, s).
struct PumpSample {
    double time, discharge;
    bool running;
    double volume, running_time;
};

/// One row of /mass_balance (m3; rain, inflow, outflow and extras cumulative since start).
struct MassBalanceRow {
    double time, volume, rain, inflow, outflow, error;
    std::vector<double> extra;  ///< same order as ResultMetadata::extra_mass_columns
};

/// Tells HDF5 not to register its clean-up at process exit. For programs, not libraries: HDF5
/// 1.10 cannot close a file whose writes failed (disk full, file size limit), and its clean-up
/// at exit then crashes on it (SIGSEGV after the program's own error message). Effective only
/// before HDF5's first use. The floodsim CLI calls it first thing; the library never does (the
/// host owns its process: docs/library.md).
void skip_hdf5_cleanup_at_exit();

class Hdf5ResultWriter {
public:
    /// Creates `<final_path>.part` (and missing parent folders) with every dataset of the layout,
    /// and writes /bed_elevation when meta has one. Throws std::runtime_error with a clear message
    /// if the file cannot be created, std::invalid_argument if the bed is not nx*ny.
    Hdf5ResultWriter(const std::string& final_path, const ResultMetadata& meta);
    ~Hdf5ResultWriter();
    Hdf5ResultWriter(const Hdf5ResultWriter&) = delete;
    Hdf5ResultWriter& operator=(const Hdf5ResultWriter&) = delete;

    /// Path of the partial file while the run goes on.
    static std::string partial_path(const std::string& final_path) { return final_path + ".part"; }

    /// Append one frame: depth (and, if asked, velocities), each nx*ny float32, row 0 = north,
    /// NaN outside the domain. vx/vy may be null when velocities are not written.
    void write_frame(double time, const float* depth, const float* vx, const float* vy);
    /// Append one sample to gauge number `gauge` (index into meta.gauge_names).
    void write_gauge(std::size_t gauge, const GaugeSample& s);
    /// Append one sample to pump number `pump` (index into meta.pump_names).
    void write_pump(std::size_t pump, const PumpSample& s);
    /// Append one mass-balance row.
    void write_mass_balance(const MassBalanceRow& row);
    /// Flush everything to disk (frames become readable by other processes).
    void flush();

    /// Write /max_depth, /max_speed, /arrival_time (nx*ny float32 each) and the run attributes
    /// (steps, wall_time_s), close the file and rename it to its final name. A non-empty
    /// `incomplete_reason` marks the file of a run that had to stop before its end: root
    /// attributes `incomplete` (int32 1) and `stop_reason` (the one-line reason).
    void finish(const float* max_depth, const float* max_speed, const float* arrival_time,
                std::int64_t steps, double wall_time_s, const std::string& incomplete_reason = "");

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace floodsim
