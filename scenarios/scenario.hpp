#pragma once
// Scenario: the parsed, validated contents of a scenario TOML file (INTERFACE.md section 2).
// A plain value: no physics, no rasters read. Paths are absolute (resolved against the folder
// of the scenario file). Units are SI (seconds, metres, m/s) except where a name says otherwise.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/clock_time.hpp"
#include "scenarios/rain_grid_index.hpp"

namespace floodsim {

/// A number or the path of a raster (exactly one is set).
struct ValueOrRaster {
    std::optional<double> value;
    std::string raster;   ///< absolute path; empty when `value` is set
    std::string key;      ///< scenario key this came from, e.g. "domain.manning" (for messages)
    bool is_raster() const { return !raster.empty(); }
};

/// A time series read from CSV: strictly increasing times (s) and values.
struct SeriesData {
    std::vector<double> time_s;
    std::vector<double> value;
    std::string path;     ///< absolute path of the CSV file
    std::string key;      ///< scenario key, e.g. "boundary[1].series"
};

enum class Side { West, East, North, South };
enum class BoundaryKind { Closed, Free, Level, Discharge, NormalDepth, Critical };

struct BoundaryConfig {
    Side side = Side::West;
    BoundaryKind kind = BoundaryKind::Closed;
    std::optional<double> value;         ///< level (m) or discharge (m3/s, inflow positive)
    std::optional<SeriesData> series;    ///< instead of value
    std::optional<double> slope;         ///< normal_depth only: bed slope beyond the side, > 0
    std::optional<std::array<double, 2>> from;  ///< segment start, map coordinates
    std::optional<std::array<double, 2>> to;    ///< segment end, map coordinates
    int index = 0;                       ///< position in the [[boundary]] array (0-based)
};

struct RainConfig {
    std::optional<double> intensity_mm_h;   ///< constant intensity
    std::optional<SeriesData> series;       ///< piecewise constant, column intensity_mm_h
    /// rain.grids: rasters of intensity (mm/h), added to the uniform rain (docs/processes.md).
    /// Absolute path of a CSV index (grid_rows filled) or of a raster whose bands are the times.
    std::string grids;
    std::vector<RainGridRow> grid_rows;     ///< from a CSV index: time and raster per row
    std::optional<double> grid_interval_s;  ///< rain.grid_interval: band k holds from k * interval
};

/// [drainage]: storm drains as a sink per unit area (INTERFACE.md section 4).
struct DrainageConfig {
    ValueOrRaster capacity_mm_h;               ///< >= 0, mm/h; no value and no raster: from [landuse]
    std::optional<double> efficiency;          ///< 0..1, constant (default 1)
    std::optional<SeriesData> efficiency_series;  ///< 0..1 over time, each value holding until the next row
};

/// [landuse]: a class raster and a table of parameters per class (INTERFACE.md section 4). A
/// column replaces the scenario key of the same name (manning -> domain.manning, drain_mm_h ->
/// drainage.capacity_mm_h, the infiltration parameters -> [infiltration]).
struct LanduseConfig {
    std::string map;                              ///< integer class raster, or polygons, absolute path
    std::string field;                            ///< polygons: the integer class attribute; empty: a raster
    std::string layer;                            ///< polygons: the layer; empty: the first
    std::optional<long long> default_class;       ///< polygons: the class of cells no polygon covers
    std::string table;                            ///< CSV, absolute path
    std::vector<std::string> columns;             ///< parameter columns (class excluded)
    std::map<long long, std::vector<double>> classes;  ///< class -> one value per column
    bool has(const std::string& column) const {
        for (const auto& c : columns)
            if (c == column) return true;
        return false;
    }
};

/// One parameter of an infiltration model: its key and its range (inclusive).
struct InfiltrationParam {
    std::string key;   ///< e.g. "ks_mm_h"
    double lo, hi;
    std::string unit;  ///< for messages
    /// "" when v is in range, else the reason.
    std::string why_not(double v) const;
};

/// [infiltration]: one model and its parameters (INTERFACE.md section 4), by key name: green_ampt
/// takes ks_mm_h, psi_mm, dtheta; horton f0_mm_h, fc_mm_h, k_h; scs_cn cn (and ia_ratio).
struct InfiltrationConfig {
    std::string model;                               ///< green_ampt | horton | scs_cn
    std::map<std::string, ValueOrRaster> params;     ///< the model's parameters not from [landuse]
    double ia_ratio = 0.2;                           ///< scs_cn: initial abstraction / S
};

/// [buildings]: footprints from a vector file (INTERFACE.md section 4; docs/terrain.md).
struct BuildingsConfig {
    std::string file;                    ///< absolute path, any vector GDAL reads
    std::string layer;                   ///< empty: the first layer
    std::string method = "block";        ///< block | raise
    std::optional<double> height;        ///< raise: metres above the ground, or
    std::string height_field;            ///< raise: a numeric attribute with each footprint's height
};

/// [[wall]]: a levee or flood wall along a polyline, or along the lines of a vector file.
struct WallConfig {
    std::string name;
    std::vector<std::array<double, 2>> line;  ///< vertices (>= 2), or
    std::string file;                         ///< absolute path of a vector file (its lines)
    std::string layer;                        ///< with file: empty = the first layer
    std::optional<double> crest;              ///< crest elevation, m, or
    std::optional<double> height;             ///< height above the ground, m (> 0)
    int index = 0;                            ///< position in the [[wall]] array
};

/// [[breach]]: an opening growing in a named wall (docs/terrain.md).
struct BreachConfig {
    std::string wall;              ///< the [[wall]] it opens
    std::array<double, 2> at{};    ///< x, y: a point on the wall, the centre of the opening
    double start_s = 0.0;          ///< s >= 0: when it starts to open
    double duration_s = 0.0;       ///< s >= 0: time to reach the full opening (0: at once)
    double width = 0.0;            ///< m > 0: final width along the wall
    double bottom = 0.0;           ///< m: final elevation of the opening's bottom
    int index = 0;                 ///< position in the [[breach]] array
};

/// [[channel]]: a river channel burned into the DEM along a polyline, or along the lines of a
/// vector file (docs/terrain.md).
struct ChannelConfig {
    std::string name;
    std::vector<std::array<double, 2>> line;  ///< vertices (>= 2), or
    std::string file;                         ///< absolute path of a vector file (its lines)
    std::string layer;                        ///< with file: empty = the first layer
    double width = 0.0;                       ///< m, (0, 10000]
    std::optional<double> depth;              ///< m below the lowest bank nearby, (0, 100], or
    std::string bed_file;                     ///< absolute path of a profile CSV (distance_m, bed_m)
    std::vector<double> bed_distance;         ///< with bed_file: m along the line, from 0, increasing
    std::vector<double> bed_level;            ///< with bed_file: bed elevation, m
    std::optional<double> manning;            ///< Manning's n on the channel cells
    int index = 0;                            ///< position in the [[channel]] array
};

/// [[pump]]: a pump station (INTERFACE.md section 4).
struct PumpConfig {
    std::string name;
    std::array<double, 2> at{};                  ///< intake, x and y
    std::optional<std::array<double, 2>> to;     ///< discharge point; empty: out of the model
    double capacity_m3_s = 0.0;                  ///< > 0
    double on_depth = 0.0, off_depth = 0.0;      ///< m, 0 <= off < on
    int index = 0;                               ///< position in the [[pump]] array
};

/// [[inflow]]: a hydrograph entering inside the domain (a river reach, a culvert).
struct InflowConfig {
    std::string name;
    std::optional<std::array<double, 2>> point;         ///< x, y
    std::vector<std::array<double, 2>> line;            ///< or a polyline (>= 2 vertices)
    std::optional<double> value;                        ///< m3/s >= 0, constant
    std::optional<SeriesData> series;                   ///< or time_s,value (linear between rows)
    int index = 0;                                      ///< position in the [[inflow]] array
};

struct GaugeConfig {
    std::string name;
    double x = 0.0;
    double y = 0.0;
};

/// [checkpoint] (INTERFACE section 8; docs/checkpoints.md): states to resume the run from.
struct CheckpointConfig {
    /// checkpoint.interval, s of simulated time (a checkpoint at the end of the first time step
    /// at or after each multiple of it: checkpoints never change the time steps, so the results
    /// do not depend on them); empty: only at the end of the run
    std::optional<double> interval_s;
    std::string file;  ///< checkpoint.file, absolute; default out/<name>.ckpt beside the scenario
};

/// [warning] (INTERFACE section 6; docs/warnings.md): warnings issued while the run goes on.
struct WarningConfig {
    std::string assets;        ///< absolute path of the assets vector file (id and name attributes)
    std::string layer;         ///< its layer; empty: the first
    std::string levels;        ///< absolute path of a LEVELS.toml; empty: the default depth bands
    std::optional<ClockTime> issue_time;  ///< empty: the [time] start, else the moment the run starts
    std::string webhook;       ///< http(s) URL that receives each CAP alert by POST; empty: spool only
    std::string spool;         ///< absolute folder of the alerts (default: <output stem>.alerts/ beside it)
    bool spool_given = false;  ///< warning.spool was in the file (else the spool follows the run's result path)
    std::string region_code = "410106";  ///< GB/T 2260 code of the area (Shangjie district)
    std::string status = "Exercise";     ///< CAP status: Actual | Exercise | System | Test | Draft
};

/// solver.local_time_stepping's most levels (the solver's kMaxLtsLevels: model_builder.cpp checks).
inline constexpr int kScenarioMaxLtsLevels = 6;

struct Scenario {
    std::string path;        ///< absolute path of the scenario file
    std::string text;        ///< the scenario file's text, verbatim
    int format = 1;
    std::string name;

    // [domain]
    std::string dem;                      ///< absolute path
    ValueOrRaster manning;                ///< default 0.03
    bool manning_given = false;           ///< domain.manning was in the file (not the default)
    std::string crs;                      ///< optional target CRS (any string GDAL understands); empty = auto
    std::optional<double> resolution;     ///< optional model cell size, m; empty = the DEM's
    double z_scale = 1.0;                 ///< domain.z_scale: metres per DEM elevation unit

    // [initial]
    std::optional<ValueOrRaster> depth;
    std::optional<ValueOrRaster> water_level;
    std::optional<ValueOrRaster> velocity_x;
    std::optional<ValueOrRaster> velocity_y;
    /// initial.state: a state file (floodsim run --save-state, the C API's floodsim_save_state)
    /// to hot-start from: depths, velocities and process states (absolute path; empty: none)
    std::string initial_state;

    // [time]
    double duration_s = 0.0;
    double output_interval_s = 0.0;
    double gauge_interval_s = 0.0;        ///< defaults to output_interval_s
    std::optional<ClockTime> start;       ///< time.start: the clock time of t = 0; empty: not given

    // [solver]
    std::string scheme = "fv1";           ///< fv1 | fv2 | inertial
    double cfl = 0.5;
    int threads = 0;                      ///< 0 = all cores
    double dry_depth = 1e-6;              ///< solver.dry_depth, m: below it a cell has no momentum
    std::string precision = "double";     ///< solver.precision: double | single
    /// solver.min_dt, s: a stable time step below it stops the run (the state has blown up);
    /// empty = cfl * min(dx, dy) / 200 m/s (engine/run.cpp)
    std::optional<double> min_dt;
    /// solver.max_speed, m/s: a wave |u| + sqrt(g h) faster than this anywhere stops the run
    /// (checked at every gauge sample; the inertial scheme's time step does not see velocities)
    double max_speed = 200.0;
    /// solver.sinks_interval, s: the drains and the soil ([drainage], [infiltration]) act once per
    /// interval of simulated time, over the whole interval; 0 (the default) = every step
    double sinks_interval = 0.0;
    /// solver.local_time_stepping: levels of fv1's local time stepping (0 = off; true = 3): a chunk
    /// of cells steps up to 2^levels x the smallest step (docs/local-time-stepping.md)
    int lts_levels = 0;  ///< 0 .. kScenarioMaxLtsLevels

    std::vector<BoundaryConfig> boundaries;
    RainConfig rain;                      ///< both unset = no rain
    std::optional<LanduseConfig> landuse;
    std::optional<BuildingsConfig> buildings;
    std::vector<WallConfig> walls;
    std::vector<BreachConfig> breaches;
    std::vector<ChannelConfig> channels;
    std::optional<DrainageConfig> drainage;
    std::optional<InfiltrationConfig> infiltration;
    std::vector<InflowConfig> inflows;
    std::vector<PumpConfig> pumps;
    std::vector<GaugeConfig> gauges;

    // [output]
    std::string output_file;              ///< absolute path
    bool write_velocity = false;          ///< "velocity" in output.variables

    std::optional<WarningConfig> warning;  ///< [warning]
    std::optional<CheckpointConfig> checkpoint;  ///< [checkpoint]
};

}  // namespace floodsim
