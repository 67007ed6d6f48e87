// The fv1, fv2 and inertial solvers on one block per rank (parallel/distributed_simulation.hpp)
// under mpiexec -np 1..4 (tests/parallel/CMakeLists.txt): after the same steps, the blocks' cells
// gathered to rank 0 are bitwise the serial run's (h, hu, hv, inertial's face discharges and the
// monitors), with the same time, step count, volume, ledger and wet cells, for any rank count.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "parallel/distributed_simulation.hpp"
#include "solver/simulation.hpp"

using namespace floodsim;
using namespace floodsim::parallel;

namespace {

int comm_rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int comm_size() {
    int s = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

enum class Domain {
    holes,  // nodata: a round hole, a strip along part of the west edge, the south-east corner
    pair,   // two domain cells side by side: with 3+ ranks some blocks hold nodata only
    band,   // one row only: the blocks cut the columns, down to one column wide
    chute,  // every cell inside, a steep bed falling to the south-east under a thin sheet and a
            // column in the north-west: fast flow diagonal to the grid leaves cells through two
            // faces at once, faster than they hold at a Courant number of 0.9 (fv2's positivity
            // limiter scales it, along the block edges too)
};

enum class Edges {
    closed,  // every side closed
    open,    // free east side, a level on part of the north side, critical outflow on part of the
             // west, a discharge on a few faces of the south
    inflows,  // discharges along the whole west and south sides (cut by any layout), free east
};

enum class Processes {
    none,
    drains_green_ampt,  // drains (capacity per cell, an efficiency series) and Green-Ampt (ks per cell)
    horton_hot_start,   // Horton (k per cell), its states given as a hot start's fields
    scs_rain_grids,     // SCS-CN (cn per cell) with rain grids (per cell, two of them) and uniform drains
    pumps_inflows,      // an inflow along a row across the blocks and one at a cell; a pump from the
                        // dam break's column to the far corner, one out of the model, one that
                        // never starts
    breach,             // a wall across the grid below the dam break, with an opening that grows
                        // from 3 s to 11 s across block edges
};

struct Case {
    int nx = 40, ny = 30;
    Domain domain = Domain::holes;
    Edges edges = Edges::closed;
    bool rain = true;
    int block_threads = 1;  // OpenMP threads of each block (the serial run: 1)
    Scheme scheme = Scheme::Fv1;
    Processes processes = Processes::none;
};

// A tilted, wavy bed with Manning friction (so that the halo's friction matters), a column of water
// in the north-west (a dam break that crosses block edges), rain for the first 10 s.
ModelSetup make_setup(const Case& c) {
    ModelSetup s;
    s.options.scheme = c.scheme;
    const double dx = 2.0;
    s.grid = Grid2D::make(c.nx, c.ny, dx, dx, 0.0, c.ny * dx);
    const std::size_t n = s.grid.cells();
    s.z.resize(n);
    s.manning.resize(n);
    s.h0.assign(n, 0.0);
    s.u0.assign(n, 0.0);
    s.v0.assign(n, 0.0);
    for (int j = 0; j < c.ny; ++j)
        for (int i = 0; i < c.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * c.nx + i;
            s.z[k] = 0.01 * i + 0.2 * std::sin(0.35 * j) * std::cos(0.2 * i);
            s.manning[k] = 0.02 + 0.0005 * ((i + 2 * j) % 7);
            bool inside = true;
            if (c.domain == Domain::holes) {
                const int di = i - c.nx / 2, dj = j - c.ny / 2;
                inside = di * di + dj * dj > 9 && !(i < 2 && j > c.ny / 2) && !(i > c.nx - 6 && j > c.ny - 5);
                if (i < c.nx / 4 && j < c.ny / 3) s.h0[k] = 1.2;
                if (i < c.nx / 4 && j < c.ny / 3) s.u0[k] = 0.3;  // a moving start: momentum crosses edges
            } else if (c.domain == Domain::band) {
                inside = j == c.ny / 2;
                if (i < c.nx / 2) s.h0[k] = 0.8;
            } else if (c.domain == Domain::chute) {
                s.z[k] = -0.3 * (i + j) + 0.05 * std::sin(0.7 * i) * std::cos(0.5 * j);
                s.h0[k] = i < 6 && j < 6 ? 0.5 : 0.02;
            } else {
                inside = (i == c.nx / 2 || i == c.nx / 2 + 1) && j == c.ny / 2;
                if (inside) s.h0[k] = 0.5 + 0.1 * i;
            }
            if (!inside) s.z[k] = std::numeric_limits<double>::quiet_NaN();
        }
    // Gauges spread over the grid (so over the blocks), one on a nodata cell of the hole.
    for (const auto& [gi, gj] : {std::pair{1, 1}, std::pair{c.nx / 2, c.ny / 2}, std::pair{c.nx - 1, c.ny - 1},
                                 std::pair{c.nx / 3, c.ny - 2}, std::pair{c.nx - 2, 0}}) {
        GaugeSpec gauge;
        gauge.name = "g";
        gauge.name += std::to_string(s.gauges.size());
        gauge.i = gi;
        gauge.j = gj;
        gauge.x = s.grid.x_center(gi);
        gauge.y = s.grid.y_center(gj);
        s.gauges.push_back(gauge);
    }
    if (c.domain == Domain::chute) s.options.cfl = 0.9;
    if (c.rain) s.rain = TimeSeries({0.0, 10.0}, {2e-4, 0.0}, TimeSeries::Mode::Step);
    if (c.edges == Edges::open) {
        BoundarySpec free;
        free.side = BoundarySide::East;
        free.type = BoundaryType::Free;
        s.boundaries.push_back(free);
        BoundarySpec level;  // crosses the blocks of the northern strip; its value changes at 12 s
        level.side = BoundarySide::North;
        level.type = BoundaryType::Level;
        level.first = c.nx / 4;
        level.last = c.nx - 3;
        level.value = TimeSeries({0.0, 12.0, 40.0}, {0.9, 1.1, 0.6}, TimeSeries::Mode::Linear);
        s.boundaries.push_back(level);
        BoundarySpec critical;
        critical.side = BoundarySide::West;
        critical.type = BoundaryType::Critical;
        critical.first = 0;
        critical.last = c.ny / 2;
        s.boundaries.push_back(critical);
        BoundarySpec inflow;  // an inflow hydrograph on a few faces of the south side (one block
                              // on grids wide enough)
        inflow.side = BoundarySide::South;
        inflow.type = BoundaryType::Discharge;
        inflow.first = 3;
        inflow.last = 6;
        inflow.value = TimeSeries({0.0, 8.0, 30.0}, {0.0, 2.0, 0.5}, TimeSeries::Mode::Linear);
        if (c.nx >= 20) s.boundaries.push_back(inflow);
    }
    if (c.edges == Edges::inflows) {
        BoundarySpec free;
        free.side = BoundarySide::East;
        free.type = BoundaryType::Free;
        s.boundaries.push_back(free);
        for (const BoundarySide side : {BoundarySide::West, BoundarySide::South}) {
            BoundarySpec q;  // shared among the side's faces by h^(5/3): a sum over the blocks
            q.side = side;
            q.type = BoundaryType::Discharge;
            q.value = TimeSeries({0.0, 8.0, 30.0}, {0.5, 3.0, 1.0}, TimeSeries::Mode::Linear);
            s.boundaries.push_back(q);
        }
    }
    const auto per_cell = [&](auto value) {
        std::vector<double> v(n);
        for (int j = 0; j < c.ny; ++j)
            for (int i = 0; i < c.nx; ++i) v[static_cast<std::size_t>(j) * c.nx + i] = value(i, j);
        return v;
    };
    switch (c.processes) {
        case Processes::none:
            break;
        case Processes::drains_green_ampt:
            s.drainage.capacity = per_cell([](int i, int j) { return 2e-5 * (1 + (i * 3 + j) % 5); });
            s.drainage.efficiency = TimeSeries({0.0, 9.0}, {1.0, 0.4}, TimeSeries::Mode::Step);
            s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
            s.infiltration.ks = per_cell([](int i, int j) { return 1e-6 * (1 + (i + 2 * j) % 4); });
            s.infiltration.psi = {0.11};
            s.infiltration.dtheta = {0.3};
            break;
        case Processes::horton_hot_start:
            s.infiltration.model = InfiltrationSpec::Model::Horton;
            s.infiltration.f0 = {2e-5};
            s.infiltration.fc = {3e-6};
            s.infiltration.k = per_cell([](int i, int j) { return 1e-3 * (1 + (i + j) % 3); });
            s.initial_fields.emplace_back("infiltration_depth", per_cell([](int i, int j) { return 1e-4 * (i % 4 + j % 3); }));
            s.initial_fields.emplace_back("horton_decay", per_cell([](int i, int) { return 0.05 * (i % 5); }));
            break;
        case Processes::scs_rain_grids: {
            s.infiltration.model = InfiltrationSpec::Model::ScsCn;
            s.infiltration.cn = per_cell([](int i, int j) { return 60.0 + (i * 7 + j) % 35; });
            s.drainage.capacity = {3e-5};
            s.rain_grids.time_s = {0.0, 6.0, 11.0};
            for (int k = 0; k < 2; ++k) {
                std::vector<float>& grid = s.rain_grids.mm_h.emplace_back(n);
                for (int j = 0; j < c.ny; ++j)
                    for (int i = 0; i < c.nx; ++i)
                        grid[static_cast<std::size_t>(j) * c.nx + i] = static_cast<float>(200.0 + 150.0 * k + 10.0 * ((i + k * j) % 9));
            }
            s.rain_grids.mm_h.emplace_back();  // a dry frame
            break;
        }
        case Processes::breach: {
            BreachSpec b;
            b.name = "wall";
            b.start = 3.0;
            b.duration = 8.0;
            b.width = 16.0;
            b.cell_length = dx;
            const int wall_j = c.ny / 3 + 3, centre = c.nx / 4;
            double lowest = 1e9;
            for (int i = 0; i < c.nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(wall_j) * c.nx + i;
                if (std::isnan(s.z[k])) continue;
                s.z[k] += 1.5;
                if (std::abs(i - centre) <= 5) {
                    b.cells.push_back({i, wall_j, (i - centre) * dx, s.z[k]});
                    lowest = std::min(lowest, s.z[k] - 1.6);
                }
            }
            b.bottom = lowest;
            s.breaches.push_back(b);
            break;
        }
        case Processes::pumps_inflows: {
            InflowSpec line;
            line.name = "line";
            for (int i = 3; i < c.nx - 3; ++i) line.cells.emplace_back(i, c.ny / 3);
            line.discharge = TimeSeries({0.0, 5.0, 20.0}, {0.0, 1.5, 0.3}, TimeSeries::Mode::Linear);
            s.inflows.push_back(line);
            InflowSpec point;
            point.name = "point";
            point.cells.emplace_back(c.nx - 8, 2);
            point.discharge = TimeSeries({0.0, 30.0}, {0.4, 0.4}, TimeSeries::Mode::Step);
            s.inflows.push_back(point);
            PumpSpec across;  // intake in the dam break's column, outlet in the far corner
            across.name = "across";
            across.i = 2;
            across.j = 2;
            across.to_i = c.nx - 8;
            across.to_j = c.ny - 7;
            across.capacity = 0.8;
            across.on_depth = 0.3;
            across.off_depth = 0.1;
            s.pumps.push_back(across);
            PumpSpec out = across;  // out of the model, its intake the line's cell
            out.name = "out";
            out.i = c.nx / 2;
            out.j = c.ny / 3;
            out.to_i = out.to_j = -1;
            out.capacity = 0.2;
            out.on_depth = 0.02;
            out.off_depth = 0.005;
            s.pumps.push_back(out);
            PumpSpec idle = out;
            idle.name = "idle";
            idle.i = c.nx - 3;
            idle.j = 1;
            idle.on_depth = 50.0;
            s.pumps.push_back(idle);
            break;
        }
    }
    return s;
}

// The interior of a serial field, row-major, as the gather gives it.
template <class T>
std::vector<T> interior(const Grid2D& g, const Field<T>& f) {
    std::vector<T> out(g.cells());
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) out[static_cast<std::size_t>(j) * g.nx + i] = f(i, j);
    return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <class T>
std::size_t first_difference(const std::vector<T>& a, const std::vector<T>& b) {
    for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
        if (std::memcmp(&a[k], &b[k], sizeof(T)) != 0) return k;
    return a.size();
}

// Inertial's face discharges as fields of cells: the west (x) or north (y) face of each cell as
// stored, or its east or south face (the state's next column or row), which includes the faces on
// the grid's east and south edges.
template <class Real>
Field<Real> faces_of_cells(const Grid2D& g, const Field<Real>& q, int di, int dj) {
    Field<Real> out(g, 0.0);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) out(i, j) = q(i + di, j + dj);
    return out;
}

// Runs the case serially on rank 0 and distributed on every rank: `t_first` by advance_to (the
// rain's end and the level's breakpoint land inside it), then `more_steps` steps.
template <class Real>
void check_case(const Case& c, double t_first, int more_steps) {
    const ModelSetup global = make_setup(c);
    ModelSetup blocks_setup = global;
    blocks_setup.options.threads = c.block_threads;
    DistributedSimulation<Real> dist(blocks_setup, MPI_COMM_WORLD);
    dist.advance_to(t_first);
    for (int k = 0; k < more_steps; ++k) dist.step(1e9);

    const double volume = dist.volume();
    const std::int64_t wet = dist.wet_cells();
    const BasicSimulation<Real>& b = dist.block();
    const auto h = dist.gather(b.h()), hu = dist.gather(b.hu()), hv = dist.gather(b.hv());
    const auto max_h = dist.gather(b.state().max_h), arrival = dist.gather(b.state().arrival);
    const auto max_speed = dist.gather(b.state().max_speed);
    std::vector<GaugeReading> gauges;
    for (std::size_t k = 0; k < global.gauges.size(); ++k) gauges.push_back(dist.gauge(k));
    const bool inertial = c.scheme == Scheme::Inertial;
    // inertial: the faces of every cell (west, east, north, south), so every face of the grid
    std::vector<std::vector<Real>> faces;
    if (inertial)
        for (const auto& [q, di, dj] : {std::tuple{&b.state().qx, 0, 0}, std::tuple{&b.state().qx, 1, 0},
                                        std::tuple{&b.state().qy, 0, 0}, std::tuple{&b.state().qy, 0, 1}})
            faces.push_back(dist.gather(faces_of_cells(b.grid(), *q, di, dj)));
    const MassLedger ledger = dist.ledger();  // every block holds the whole domain's
    std::vector<std::vector<double>> extra;   // the processes' per-cell states
    for (const NamedField& f : b.state().extra) extra.push_back(dist.gather(f.values));
    const auto fastest = dist.fastest_cell();
    std::vector<float> depth(comm_rank() == 0 ? global.grid.cells() : 0), arrival_copy(depth.size());
    dist.copy_depth(depth.data());
    dist.copy_arrival_time(arrival_copy.data());

    // Every rank took the same steps to the same time.
    double t[2] = {dist.time(), static_cast<double>(dist.steps())}, t_min[2], t_max[2];
    MPI_Allreduce(t, t_min, 2, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(t, t_max, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_EQ(t_min[0], t_max[0]);
    EXPECT_EQ(t_min[1], t_max[1]);
    // ...and books the same ledger (the serial one, below).
    double books[4] = {ledger.volume0, ledger.rain, ledger.inflow, ledger.outflow}, books0[4];
    std::memcpy(books0, books, sizeof books);
    MPI_Bcast(books0, 4, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    EXPECT_EQ(std::memcmp(books, books0, sizeof books), 0) << "the blocks' ledgers differ";
    std::vector<double> terms, terms0;
    for (const LedgerTerm& term : ledger.terms) terms.push_back(term.volume);
    terms0 = terms;
    MPI_Bcast(terms0.data(), static_cast<int>(terms0.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    EXPECT_TRUE(same_bits(terms, terms0)) << "the blocks' process terms differ";
    if (comm_rank() != 0) return;

    BasicSimulation<Real> serial(global);
    serial.advance_to(t_first);
    for (int k = 0; k < more_steps; ++k) serial.step(1e9);
    const Grid2D& g = serial.grid();

    EXPECT_EQ(std::memcmp(&t[0], &serial.state().t, sizeof(double)), 0) << dist.time() << " vs " << serial.time();
    EXPECT_EQ(dist.steps(), serial.steps());
    const double serial_volume = serial.volume();
    EXPECT_EQ(std::memcmp(&volume, &serial_volume, sizeof(double)), 0) << volume << " vs " << serial_volume;
    EXPECT_EQ(wet, serial.wet_cells());
    const auto sh = interior(g, serial.h()), shu = interior(g, serial.hu()), shv = interior(g, serial.hv());
    EXPECT_TRUE(same_bits(h, sh)) << "h differs first at cell " << first_difference(h, sh);
    EXPECT_TRUE(same_bits(hu, shu)) << "hu differs first at cell " << first_difference(hu, shu);
    EXPECT_TRUE(same_bits(hv, shv)) << "hv differs first at cell " << first_difference(hv, shv);
    EXPECT_TRUE(same_bits(max_h, interior(g, serial.state().max_h)));
    EXPECT_TRUE(same_bits(arrival, interior(g, serial.state().arrival)));
    EXPECT_TRUE(same_bits(max_speed, interior(g, serial.state().max_speed)));
    const MassLedger& sl = serial.ledger();
    const double serial_books[4] = {sl.volume0, sl.rain, sl.inflow, sl.outflow};
    EXPECT_EQ(std::memcmp(books, serial_books, sizeof books), 0)
        << "ledger (volume0, rain, inflow, outflow): " << books[0] << ", " << books[1] << ", " << books[2] << ", "
        << books[3] << " vs " << sl.volume0 << ", " << sl.rain << ", " << sl.inflow << ", " << sl.outflow;
    ASSERT_EQ(terms.size(), sl.terms.size());
    for (std::size_t k = 0; k < terms.size(); ++k) {
        EXPECT_EQ(std::memcmp(&terms[k], &sl.terms[k].volume, sizeof(double)), 0)
            << sl.terms[k].name << ": " << terms[k] << " vs " << sl.terms[k].volume;
        if (c.processes != Processes::none) {
            EXPECT_GT(sl.terms[k].volume, 0.0) << sl.terms[k].name;
        }
    }
    ASSERT_EQ(extra.size(), serial.state().extra.size());
    for (std::size_t k = 0; k < extra.size(); ++k) {
        const NamedField& f = serial.state().extra[k];
        const auto sf = interior(g, f.values);
        EXPECT_TRUE(same_bits(extra[k], sf)) << f.name << " differs first at cell " << first_difference(extra[k], sf);
    }
    ASSERT_EQ(b.state().values.size(), serial.state().values.size());
    for (std::size_t k = 0; k < b.state().values.size(); ++k)  // the pumps' states
        EXPECT_TRUE(same_bits(b.state().values[k].values, serial.state().values[k].values))
            << serial.state().values[k].name;
    const auto sf = serial.fastest_cell();
    EXPECT_EQ(fastest.i, sf.i);
    EXPECT_EQ(fastest.j, sf.j);
    EXPECT_EQ(fastest.speed, sf.speed);
    std::vector<float> serial_depth(g.cells()), serial_arrival(g.cells());
    serial.copy_depth(serial_depth.data());
    serial.copy_arrival_time(serial_arrival.data());
    EXPECT_TRUE(same_bits(depth, serial_depth)) << "copy_depth differs first at cell " << first_difference(depth, serial_depth);
    EXPECT_TRUE(same_bits(arrival_copy, serial_arrival));
    if (inertial) {
        const char* names[] = {"qx west", "qx east", "qy north", "qy south"};
        int k = 0;
        for (const auto& [q, di, dj] : {std::tuple{&serial.state().qx, 0, 0}, std::tuple{&serial.state().qx, 1, 0},
                                        std::tuple{&serial.state().qy, 0, 0}, std::tuple{&serial.state().qy, 0, 1}}) {
            const auto sq = interior(g, faces_of_cells(g, *q, di, dj));
            EXPECT_TRUE(same_bits(faces[k], sq))
                << names[k] << " differs first at cell " << first_difference(faces[k], sq);
            ++k;
        }
    }
    for (std::size_t k = 0; k < gauges.size(); ++k) {
        const GaugeReading r = serial.gauge(k);
        EXPECT_EQ(std::memcmp(&gauges[k], &r, sizeof r), 0)
            << "gauge " << k << ": depth " << gauges[k].depth << " vs " << r.depth;
    }

    if (c.processes == Processes::breach) {  // the dam break came through the opening
        EXPECT_GT(serial.state().max_h(c.nx / 4, c.ny / 3 + 5), 0.05f);
    }
    // The case is not trivial: water moved, and the run went past the events.
    float speed = 0.0f;
    for (const float v : interior(g, serial.state().max_speed)) speed = std::max(speed, v);
    EXPECT_GT(speed, 1e-2f);
    EXPECT_GT(serial.time(), t_first);
    EXPECT_GT(serial.steps(), more_steps);
}

// The cases every scheme runs (fv2: each stage exchanges its input at width 2, the corner ghosts
// of the global boundary next to a block's corners, and the donor factors along the halo sides;
// inertial: the blocks compute the faces on their halo sides from the neighbours' face
// discharges, width 2, and take the neighbours' donor factors there).
class EveryScheme : public ::testing::TestWithParam<Scheme> {
protected:
    Case make_case() const {
        Case c;
        c.scheme = GetParam();
        return c;
    }
};

TEST_P(EveryScheme, ClosedRainHoles) {
    const Case c = make_case();
    check_case<double>(c, 15.0, 150);
    check_case<float>(c, 15.0, 150);
}

TEST_P(EveryScheme, OpenBoundaries) {
    Case c = make_case();
    c.edges = Edges::open;
    check_case<double>(c, 15.0, 150);
    check_case<float>(c, 15.0, 150);
}

TEST_P(EveryScheme, TallGridStrips) {
    // 20 x 60: the grid is cut into strips (rows) as well, so that the west boundary segments and
    // the dam break cross strip edges, and blocks of different strips have their own column cuts
    // (inertial: the south face rows of the northern blocks are computed on both sides of the
    // edge, and the faces on the east edge of a strip are read by the strip below).
    Case c = make_case();
    c.nx = 20;
    c.ny = 60;
    c.edges = Edges::open;
    const ModelSetup s = make_setup(c);
    const Decomposition d(s.grid.nx, s.grid.ny, domain_mask(s), comm_size());
    if (comm_rank() == 0) std::printf("  layout %d x %d\n", d.px(), d.py());
    if (comm_size() > 1) {
        EXPECT_GT(d.py(), 1);
    }
    check_case<double>(c, 15.0, 150);
    check_case<float>(c, 15.0, 150);
}

TEST_P(EveryScheme, BlocksOneColumnWide) {
    // 3 x 10 with a domain of one row: 3 ranks split the columns (a strip would hold the whole
    // row), into blocks one column wide: the free east boundary's next cell inward lies in the
    // halo, a width-2 halo reaches two blocks away, and inertial's east face reads the face beyond
    // the neighbour's column (the free east boundary's, stored beyond the grid).
    Case c = make_case();
    c.nx = 3;
    c.ny = 10;
    c.domain = Domain::band;
    c.edges = Edges::open;
    const ModelSetup s = make_setup(c);
    const Decomposition d(s.grid.nx, s.grid.ny, domain_mask(s), comm_size());
    int narrowest = c.nx;
    for (const Block& b : d.blocks()) narrowest = std::min(narrowest, b.cells.nx);
    if (comm_rank() == 0) std::printf("  layout %d x %d, narrowest block %d columns\n", d.px(), d.py(), narrowest);
    if (comm_size() == 3) {
        EXPECT_EQ(narrowest, 1);
    }
    check_case<double>(c, 15.0, 100);
}

TEST_P(EveryScheme, HybridTwoThreadsPerBlock) {
    // Two threads per block against the serial run's one (inertial: the rows where a thread's
    // rows end, inside a block and at its south edge, take the serial run's factors).
    Case c = make_case();
    c.block_threads = 2;
    check_case<double>(c, 12.0, 100);
    c.edges = Edges::open;
    check_case<float>(c, 12.0, 100);
}

TEST_P(EveryScheme, DryTilesWideGridNoRain) {
    // 150 columns: three dry-tile chunks per row in the serial run, cut elsewhere in the blocks
    // (chunks start at each block's west edge); without rain, dry chunks are skipped.
    Case c = make_case();
    c.nx = 150;
    c.ny = 20;
    c.rain = false;
    check_case<double>(c, 5.0, 200);
}

TEST_P(EveryScheme, BlocksOfNodataOnly) {
    Case c = make_case();
    c.domain = Domain::pair;
    const ModelSetup s = make_setup(c);
    const Decomposition d(s.grid.nx, s.grid.ny, domain_mask(s), comm_size());
    int empty = 0;
    for (const Block& b : d.blocks()) empty += b.domain_cells == 0 ? 1 : 0;
    if (comm_size() > 2) {
        EXPECT_GT(empty, 0);
    }
    if (comm_rank() == 0) std::printf("  %d of %d blocks hold nodata only\n", empty, comm_size());
    check_case<double>(c, 15.0, 50);
}

// The processes: their per-cell parameters, rain grids and hot-start fields are cut to the blocks,
// their ledger terms summed over the global rows (blocks start at multiples of 8 columns).
TEST(DistributedSolver, Fv1DrainsAndGreenAmpt) {
    Case c;
    c.processes = Processes::drains_green_ampt;
    check_case<double>(c, 15.0, 150);
}

TEST(DistributedSolver, Fv1HortonHotStartSingleTwoThreads) {
    Case c;
    c.processes = Processes::horton_hot_start;
    c.block_threads = 2;
    check_case<float>(c, 15.0, 100);
}

TEST(DistributedSolver, Fv1ScsCnWithRainGridsWideGrid) {
    // 150 columns: blocks start at multiples of 8; the last group of a row is partial.
    Case c;
    c.nx = 150;
    c.ny = 20;
    c.processes = Processes::scs_rain_grids;
    check_case<double>(c, 15.0, 100);
}

TEST(DistributedSolver, Fv1PumpsAndInflowsAcrossBlocks) {
    Case c;
    c.processes = Processes::pumps_inflows;
    c.edges = Edges::open;
    check_case<double>(c, 15.0, 150);
}

TEST(DistributedSolver, Fv2PumpsAndInflowsSingleTwoThreads) {
    Case c;
    c.scheme = Scheme::Fv2;
    c.processes = Processes::pumps_inflows;
    c.block_threads = 2;
    check_case<float>(c, 15.0, 100);
}

TEST(DistributedSolver, InertialPumpsAndInflows) {
    Case c;
    c.scheme = Scheme::Inertial;
    c.processes = Processes::pumps_inflows;
    check_case<double>(c, 15.0, 150);
}

TEST(DistributedSolver, Fv1BreachAcrossBlocks) {
    Case c;
    c.processes = Processes::breach;
    check_case<double>(c, 15.0, 150);
}

TEST(DistributedSolver, Fv2BreachAcrossBlocksSingle) {
    Case c;
    c.scheme = Scheme::Fv2;
    c.processes = Processes::breach;
    check_case<float>(c, 15.0, 100);
}

TEST(DistributedSolver, InertialBreachAcrossBlocksTwoThreads) {
    Case c;
    c.scheme = Scheme::Inertial;
    c.processes = Processes::breach;
    c.block_threads = 2;
    check_case<double>(c, 15.0, 150);
}

TEST(DistributedSolver, Fv2DrainsAndGreenAmpt) {
    Case c;
    c.scheme = Scheme::Fv2;
    c.processes = Processes::drains_green_ampt;
    c.edges = Edges::open;
    check_case<double>(c, 15.0, 100);
}

TEST(DistributedSolver, InertialScsCnWithRainGridsSingle) {
    Case c;
    c.scheme = Scheme::Inertial;
    c.processes = Processes::scs_rain_grids;
    check_case<float>(c, 15.0, 150);
}

TEST(DistributedSolver, BlocksWithSinksStartAtMultiplesOf8Columns) {
    Case c;
    c.nx = 45;
    c.processes = Processes::drains_green_ampt;
    const ModelSetup s = make_setup(c);
    EXPECT_EQ(column_align(s), 8);
    for (int parts = 1; parts <= 6; ++parts) {
        const Decomposition d(s.grid.nx, s.grid.ny, domain_mask(s), parts, column_align(s));
        for (const Block& b : d.blocks()) EXPECT_EQ(b.cells.i0 % 8, 0) << parts << " parts";
    }
    c.processes = Processes::none;
    EXPECT_EQ(column_align(make_setup(c)), 1);
    // 9 columns hold two groups: at most two blocks across.
    const Decomposition narrow(9, 1, {}, 2, 8);
    EXPECT_EQ(narrow.block(1).cells.i0, 8);
    EXPECT_THROW(Decomposition(9, 1, {}, 3, 8), std::invalid_argument);
}

// fv2's positivity limiter scales the outflow of cells that would empty, along the block edges too.
TEST(DistributedSolver, Fv2PositivityLimiterAcrossBlockEdges) {
    Case c;
    c.scheme = Scheme::Fv2;
    c.domain = Domain::chute;
    c.rain = false;
    check_case<double>(c, 2.0, 100);
    c.edges = Edges::open;
    check_case<float>(c, 2.0, 100);
}

// A block's state restored into a fresh distributed simulation (same rank count) continues the
// run bit for bit: the state holds all a block needs, its halo is refilled by the next step.
void check_restored_state(Scheme scheme) {
    Case c;
    c.edges = Edges::open;
    c.scheme = scheme;
    const ModelSetup global = make_setup(c);
    DistributedSimulation<double> first(global, MPI_COMM_WORLD);
    first.advance_to(9.0);
    const State<double> saved = first.block().state();
    first.advance_to(25.0);
    DistributedSimulation<double> resumed(global, MPI_COMM_WORLD);
    resumed.restore_state(saved);
    resumed.advance_to(25.0);
    const Grid2D& g = first.block().grid();
    int same = resumed.steps() == first.steps() ? 1 : 0;
    same &= same_bits(interior(g, resumed.block().h()), interior(g, first.block().h())) ? 1 : 0;
    same &= same_bits(interior(g, resumed.block().hu()), interior(g, first.block().hu())) ? 1 : 0;
    same &= same_bits(interior(g, resumed.block().hv()), interior(g, first.block().hv())) ? 1 : 0;
    if (scheme == Scheme::Inertial) {
        same &= same_bits(interior(g, resumed.block().state().qx), interior(g, first.block().state().qx)) ? 1 : 0;
        same &= same_bits(interior(g, resumed.block().state().qy), interior(g, first.block().state().qy)) ? 1 : 0;
    }
    int all = 0;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    EXPECT_EQ(all, 1);
    EXPECT_GT(first.steps(), 50);
}

TEST_P(EveryScheme, RestoredStateContinuesBitwise) { check_restored_state(GetParam()); }

INSTANTIATE_TEST_SUITE_P(DistributedSolver, EveryScheme, ::testing::Values(Scheme::Fv1, Scheme::Fv2, Scheme::Inertial),
                         [](const ::testing::TestParamInfo<Scheme>& info) {
                             return std::string(info.param == Scheme::Fv1   ? "fv1"
                                                : info.param == Scheme::Fv2 ? "fv2"
                                                                            : "inertial");
                         });

// A setup that one block finds wrong fails on every rank (none is left waiting in an exchange):
// a negative Manning n in the south-east.
TEST(DistributedSolver, ErrorsOnOneBlockThrowOnAll) {
    ModelSetup bad_cell = make_setup({});
    bad_cell.manning[bad_cell.manning.size() - 10] = -0.01;
    EXPECT_THROW(DistributedSimulation<double>(bad_cell, MPI_COMM_WORLD), std::invalid_argument);
}

// Discharge boundaries along whole sides, so cut by the blocks (columns or strips): each face's
// share of the discharge is its h^(5/3) over the whole segment's sum, gathered and summed in the
// serial order. In blocks and in strips, double and single precision.
TEST(DistributedSolver, Fv1DischargeAcrossBlocks) {
    Case c;
    c.edges = Edges::inflows;
    check_case<double>(c, 12.0, 100);
    check_case<float>(c, 12.0, 100);
    c.nx = 20;
    c.ny = 60;
    check_case<double>(c, 12.0, 100);
    if (comm_rank() == 0) {
        const ModelSetup s = make_setup(c);
        const Decomposition d(s.grid.nx, s.grid.ny, domain_mask(s), comm_size());
        std::printf("  20 x 60: layout %d x %d\n", d.px(), d.py());
    }
}

// The boundary flow of a step is gathered while the next step runs (docs/parallel.md, "Overlap"):
// the ledger read right after a step, before anything else reads the state, is the serial one of
// that step, at every step. With point inflows, which book into the same column after each sweep
// (booked before the last step's boundary flow, the sum's order would differ), and open edges.
TEST(DistributedSolver, TheLedgerAfterEachStepIsTheSerialOne) {
    Case c;
    c.processes = Processes::pumps_inflows;
    c.edges = Edges::open;
    const ModelSetup global = make_setup(c);
    DistributedSimulation<double> dist(global, MPI_COMM_WORLD);
    std::unique_ptr<Simulation> serial = comm_rank() == 0 ? std::make_unique<Simulation>(global) : nullptr;
    int checked = 0, first_difference = -1;  // (every rank takes every step: no early return)
    for (int k = 1; k <= 120; ++k) {
        dist.step(1e9);
        const MassLedger& l = dist.ledger();
        const double books[3] = {l.rain, l.inflow, l.outflow};
        if (!serial) continue;
        serial->step(1e9);
        const MassLedger& sl = serial->ledger();
        const double serial_books[3] = {sl.rain, sl.inflow, sl.outflow};
        if (std::memcmp(books, serial_books, sizeof books) != 0 && first_difference < 0) {
            first_difference = k;
            ADD_FAILURE() << "step " << k << ": inflow " << l.inflow << " vs " << sl.inflow << ", outflow "
                          << l.outflow << " vs " << sl.outflow;
        }
        checked += sl.inflow > 0.0 && sl.outflow > 0.0 ? 1 : 0;
    }
    if (serial) {
        EXPECT_GT(checked, 50) << "water should come in by the inflows and leave by the open edges";
    }
}

// The comparison can fail: the block of rank 0 stepped alone (its halo sides closed walls) is not
// the serial run once the water has crossed a block edge.
TEST(DistributedSolver, IsolatedBlockDiffers) {
    if (comm_size() < 2) GTEST_SKIP() << "one block is the whole grid";
    if (comm_rank() != 0) return;
    const ModelSetup global = make_setup({});
    const Decomposition d(global.grid.nx, global.grid.ny, domain_mask(global), comm_size());
    ModelSetup alone = block_setup(global, d, 0);
    alone.grid = Grid2D::make(alone.grid.nx, alone.grid.ny, alone.grid.dx, alone.grid.dy);  // a whole grid
    Simulation block(alone), serial(global);
    block.advance_to(15.0);
    serial.advance_to(15.0);
    const Block& b = d.block(0);
    bool differs = block.steps() != serial.steps();
    for (int j = 0; j < b.cells.ny && !differs; ++j)
        for (int i = 0; i < b.cells.nx && !differs; ++i)
            differs = block.h()(i, j) != serial.h()(b.cells.i0 + i, b.cells.j0 + j);
    EXPECT_TRUE(differs);
}

}  // namespace
