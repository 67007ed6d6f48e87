#pragma once
// ModelSetup: everything the solver needs for a run, as plain values on the model grid.
// Built from a scenario by the driver (cli/), or directly by tests and benchmarks.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mesh/grid2d.hpp"
#include "solver/time_series.hpp"

namespace floodsim {

enum class Scheme { Fv1, Fv2, Inertial };

/// Floating-point type of the solver state (solver.precision): the driver builds a
/// BasicSimulation<double> or BasicSimulation<float> from it (time and the mass ledger are double
/// in both).
enum class Precision { Double, Single };

enum class BoundarySide { West, East, North, South };
/// NormalDepth and Critical: outflow-only river ends (docs/processes.md); appended last so the
/// existing kinds keep their numbers.
enum class BoundaryType { Closed, Free, Level, Discharge, NormalDepth, Critical };

/// One boundary condition on a segment of one side of the grid.
struct BoundarySpec {
    BoundarySide side = BoundarySide::West;
    BoundaryType type = BoundaryType::Closed;
    /// Level: water level, m. Discharge: m3/s through the whole segment, inflow positive.
    TimeSeries value;
    /// Cells along the side covered by the segment: [first, last] inclusive (column index for
    /// north/south, row index for west/east).
    int first = 0;
    int last = -1;  ///< -1: to the end of the side
    /// NormalDepth: bed slope S (> 0) of the reach beyond the side, in q = h^(5/3) S^(1/2) / n.
    double slope = 0.0;
};

struct GaugeSpec {
    std::string name;
    double x = 0.0, y = 0.0;  ///< map coordinates
    int i = 0, j = 0;         ///< cell containing the point
};

/// Local time stepping: the most levels (a chunk steps at most 2^6 = 64 x the smallest step).
inline constexpr int kMaxLtsLevels = 6;

struct SolverOptions {
    Scheme scheme = Scheme::Fv1;
    Precision precision = Precision::Double;
    double cfl = 0.5;
    int threads = 1;             ///< >= 1
    double dry_depth = 1e-6;     ///< m: below it a cell carries no momentum
    double velocity_eps = 1e-4;  ///< m: desingularisation depth for velocities (Kurganov-Petrova)
    double arrival_depth = 0.01; ///< m: arrival time = first time depth exceeds this
    /// fv1, fv2 and inertial: skip chunks of dry cells that no water can reach in the step (same
    /// results, bit for bit, as sweeping everything; off only to prove that).
    bool skip_dry_tiles = true;
    double max_dt = 60.0;        ///< s: longest step (a dry domain has no CFL limit)
    double gravity = 9.81;
    /// inertial scheme: weight of the face's own discharge against its two neighbours' (de Almeida
    /// et al. 2012; 1 = Bates et al. 2010 without smoothing) and the time-step factor alpha in
    /// dt = alpha dx / sqrt(g max h).
    double inertial_theta = 0.7;
    double inertial_alpha = 0.7;
    /// s: the surface sinks (drains, infiltration) act once per interval of simulated time, at the
    /// end of the step that reaches or passes each multiple of it, over the time since their last
    /// action; 0 = every step (solver/surface_sinks.hpp)
    double sinks_interval = 0.0;
    /// fv1 only, serial and OpenMP runs: local time stepping with levels 0..lts_levels, each chunk
    /// of cells stepping 2^level times the smallest step (sweep_fv1_lts.cpp,
    /// docs/local-time-stepping.md); 0 = every cell takes the global step.
    int lts_levels = 0;
};

/// Storm drains (scenario [drainage]): a sink of capacity(cell) x efficiency(t), taking at most
/// the water present; booked as `drainage`.
struct DrainageSpec {
    std::vector<double> capacity;  ///< m/s per cell (nx*ny row-major), >= 0; empty = no drains
    TimeSeries efficiency;         ///< 0..1, piecewise constant; empty = 1
};

/// Infiltration (scenario [infiltration]; solver/surface_sinks.hpp). Each parameter holds one value
/// (uniform) or one per cell (nx*ny row-major); SI units.
struct InfiltrationSpec {
    enum class Model { None, GreenAmpt, Horton, ScsCn };
    Model model = Model::None;
    std::vector<double> ks, psi, dtheta;  ///< Green-Ampt: m/s, m, -
    std::vector<double> f0, fc, k;        ///< Horton: m/s, m/s, 1/s
    std::vector<double> cn;               ///< SCS-CN: curve number 30..100
    double ia_ratio = 0.2;                ///< SCS-CN: initial abstraction / S
};

/// A hydrograph entering inside the domain (scenario [[inflow]]): at one cell, or shared by the
/// cells a line crosses in proportion to their depth (equally while they are all dry).
struct InflowSpec {
    std::string name;
    std::vector<std::pair<int, int>> cells;  ///< (i, j), domain cells, at least one
    TimeSeries discharge;                    ///< m3/s >= 0, piecewise linear
};

/// A pump station (scenario [[pump]]): takes water from its intake cell at `capacity` while it
/// runs, starting when the intake depth reaches `on_depth` and stopping at `off_depth`
/// (hysteresis); the water goes to the discharge cell, or out of the model (booked as `pumped`).
struct PumpSpec {
    std::string name;
    int i = 0, j = 0;           ///< intake cell
    int to_i = -1, to_j = -1;   ///< discharge cell; -1: out of the model
    double capacity = 0.0;      ///< m3/s > 0
    double on_depth = 0.0;      ///< m
    double off_depth = 0.0;     ///< m, < on_depth
};

/// Rain grids (scenario rain.grids): intensity rasters on the model grid, each holding from its
/// time until the next one's (the last to the end); added to the uniform rain, booked as `rain`.
struct RainGridSpec {
    std::vector<double> time_s;             ///< s, strictly increasing; empty = no rain grids
    /// Per grid: mm/h per cell (nx*ny row-major), >= 0 and finite. float: 4 bytes a cell and grid
    /// (a Float32 raster's values exactly); cells outside the domain are ignored. An empty grid
    /// rains nothing (dry radar frames take no memory).
    std::vector<std::vector<float>> mm_h;
};

/// A breach (scenario [[breach]]; docs/terrain.md): an opening in a wall that grows from its
/// start, linearly over its duration, to its final width along the wall and its bottom elevation.
/// The simulation sets the bed of its cells from the time (solver/breach.hpp) at the start of every
/// step; the bed only drops, and the depth is kept, so the water volume does not change.
struct BreachCell {
    int i = 0, j = 0;     ///< the cell
    double offset = 0.0;  ///< m: signed distance along the wall from the opening's centre to the cell's
    double top = 0.0;     ///< m: the bed before the breach (the wall's crest there)
};
struct BreachSpec {
    std::string name;            ///< for messages: the wall's name
    double start = 0.0;          ///< s
    double duration = 0.0;       ///< s, 0: opens at once
    double width = 0.0;          ///< m: final width
    double bottom = 0.0;         ///< m: final bottom elevation
    double cell_length = 1.0;    ///< m: the length of wall one cell holds
    std::vector<BreachCell> cells;  ///< the cells the full opening lowers
};

/// What a cell is after the terrain features (FeatureFacts::cell_kind, the mask `floodsim check
/// --write-model` writes; docs/terrain.md). A later feature overrides an earlier one.
enum class CellKind : std::uint8_t {
    Outside = 0,          ///< nodata in the DEM
    Ground = 1,
    BuildingBlocked = 2,  ///< a wall: outside the domain
    BuildingRaised = 3,
    Channel = 4,
    Wall = 5,
    Breach = 6,           ///< a wall cell a breach lowers when fully open
};

/// What the terrain features did to the model (for `floodsim check`; docs/terrain.md).
struct FeatureFacts {
    /// Per cell (nx*ny row-major): its CellKind, as uint8_t.
    std::vector<std::uint8_t> cell_kind;
    std::size_t buildings = 0;       ///< footprints read
    std::size_t building_cells = 0;  ///< cells blocked or raised
    bool buildings_blocked = true;   ///< block (walls) or raise
    std::size_t walls = 0;           ///< [[wall]] entries
    std::size_t wall_cells = 0;      ///< cells raised by walls
    std::size_t breach_cells = 0;    ///< cells the breaches lower when fully open
    std::size_t channels = 0;        ///< [[channel]] entries
    std::size_t channel_cells = 0;   ///< cells channels take (burned to their bed, never raised)
    double channel_bed_min = std::numeric_limits<double>::infinity();   ///< lowest channel cell after burning, m
    double channel_bed_max = -std::numeric_limits<double>::infinity();  ///< highest, m
};

struct ModelSetup {
    Grid2D grid;
    /// Per cell, nx*ny row-major (row 0 = north): bed elevation (NaN = outside the domain),
    /// Manning n (s/m^(1/3)), initial depth (m), initial velocities (m/s, x east, y north).
    std::vector<double> z, manning, h0, u0, v0;
    std::vector<BoundarySpec> boundaries;   ///< sides not covered are closed
    TimeSeries rain;                        ///< m/s (already converted from mm/h)
    DrainageSpec drainage;
    InfiltrationSpec infiltration;
    std::vector<InflowSpec> inflows;        ///< booked with the boundaries' inflow
    std::vector<PumpSpec> pumps;
    std::vector<BreachSpec> breaches;
    RainGridSpec rain_grids;
    std::vector<GaugeSpec> gauges;
    SolverOptions options;
    FeatureFacts features;  ///< report only: the solver does not read it
    /// Hot start: initial values of the sources' per-cell state (State::extra) by name, nx*ny
    /// row-major (e.g. infiltration_depth); a name no source of this model carries is ignored.
    std::vector<std::pair<std::string, std::vector<double>>> initial_fields;
};

}  // namespace floodsim
