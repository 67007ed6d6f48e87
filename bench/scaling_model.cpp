// The scaling model of distributed runs (docs/parallel.md, "Scaling model"): builds floodsim's
// Decomposition of a city-shaped domain for 1 to 256 ranks and prints, per scheme, the load per
// rank, the halo traffic per step and the predicted time per step and parallel efficiency, as
// floodsim steps now (the first exchange overlapped with the time step's allreduce) and with the
// exchanges hidden behind the interior work (parallel/scaling_model.hpp). A model, not a
// measurement (bench/mpi_steps measures).
//
//   scaling_model [options]
//     --nx N --ny N       grid (default 17500 x 17500: 35 km x 35 km at 2 m)
//     --dx M              cell size in metres (default 2; only scales the mask's features)
//     --mask city|full    city: an irregular blob with rivers and holes of nodata (default);
//                         full: every cell in the domain
//     --seed N            the city's random layout (default 1)
//     --ranks LIST        comma-separated rank counts (default 1,2,4,16,32,64,128,256)
//     --threads N         OpenMP threads per rank (default 16)
//     --network NAME      ib (1.5 us, 12 GB/s: InfiniBand EDR/HDR100 class, default) or
//                         eth (10 us, 10 GB/s: 100 Gb Ethernet, TCP)
//     --latency S --bandwidth B    override the network (seconds, bytes per second)
//     --rate-fv1 R --rate-fv2 R --rate-inertial R   cell updates per second per core
//                         (defaults: measured here, see docs/parallel.md)
//     --steps-per-sample N   steps between volume samples (default 100)
//     --schemes LIST      fv1,fv2,inertial (default), fv2-factors, inertial-factors
//     --ledger-blocking   the step's ledger gather waited for at the end of the step (floodsim
//                         before stop 35); default: it travels during the next step, not counted
//     --csv               one CSV table instead of the text tables
//     --pgm FILE          also write the mask, shrunk to at most 1000 pixels a side (PGM, white =
//                         domain), to look at it
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "parallel/decomposition.hpp"
#include "parallel/scaling_model.hpp"

using namespace floodsim::parallel;

namespace {

// Cell-update rates per core of whole double-precision steps, all cells wet, one thread, 2048²:
// bench_steps medians measured on this machine (docs/parallel.md, "Scaling model").
constexpr double kRateFv1 = 34.6e6;
constexpr double kRateFv2 = 20.3e6;
constexpr double kRateInertial = 66.2e6;

struct Options {
    int nx = 17500, ny = 17500;
    double dx = 2.0;
    std::string mask = "city";
    unsigned seed = 1;
    std::vector<int> ranks{1, 2, 4, 16, 32, 64, 128, 256};
    std::vector<std::string> schemes{"fv1", "fv2", "inertial"};
    MachineModel machine;
    std::map<std::string, double> rates{{"fv1", kRateFv1}, {"fv2", kRateFv2}, {"inertial", kRateInertial}};
    bool csv = false;
    std::string pgm;
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

Options parse(int argc, char** argv) {
    Options o;
    o.machine.threads = 16;
    o.machine.latency = 1.5e-6;
    o.machine.bandwidth = 12e9;
    for (int a = 1; a < argc; ++a) {
        const std::string k = argv[a];
        if (k == "--csv") {
            o.csv = true;
            continue;
        }
        if (k == "--ledger-blocking") {
            o.machine.ledger_blocking = true;
            continue;
        }
        if (a + 1 >= argc) throw std::invalid_argument("option " + k + " needs a value");
        const std::string v = argv[++a];
        if (k == "--nx")
            o.nx = std::stoi(v);
        else if (k == "--ny")
            o.ny = std::stoi(v);
        else if (k == "--dx")
            o.dx = std::stod(v);
        else if (k == "--mask")
            o.mask = v;
        else if (k == "--seed")
            o.seed = static_cast<unsigned>(std::stoul(v));
        else if (k == "--threads")
            o.machine.threads = std::stoi(v);
        else if (k == "--latency")
            o.machine.latency = std::stod(v);
        else if (k == "--bandwidth")
            o.machine.bandwidth = std::stod(v);
        else if (k == "--steps-per-sample")
            o.machine.steps_per_sample = std::stoi(v);
        else if (k == "--rate-fv1")
            o.rates["fv1"] = std::stod(v);
        else if (k == "--rate-fv2")
            o.rates["fv2"] = std::stod(v);
        else if (k == "--rate-inertial")
            o.rates["inertial"] = std::stod(v);
        else if (k == "--schemes")
            o.schemes = split(v);
        else if (k == "--pgm")
            o.pgm = v;
        else if (k == "--ranks") {
            o.ranks.clear();
            for (const std::string& r : split(v)) o.ranks.push_back(std::stoi(r));
        } else if (k == "--network") {
            if (v == "ib") {
                o.machine.latency = 1.5e-6;
                o.machine.bandwidth = 12e9;
            } else if (v == "eth") {
                o.machine.latency = 10e-6;
                o.machine.bandwidth = 10e9;
            } else {
                throw std::invalid_argument("unknown network " + v + " (ib or eth)");
            }
        } else {
            throw std::invalid_argument("unknown option " + k);
        }
    }
    if (o.nx < 1 || o.ny < 1 || o.dx <= 0) throw std::invalid_argument("bad grid");
    if (o.mask != "city" && o.mask != "full") throw std::invalid_argument("unknown mask " + o.mask);
    return o;
}

// A synthetic city, one byte per cell (17500² cells: 306 MB): a union of discs (a core and
// districts around it, so the outline is irregular and some rows are far fuller than others),
// minus two meandering rivers 60 m wide (one north-south, one west-east: cuts through the
// domain, as the nodata of rivers and canals in a real city mask) and round holes 100-400 m
// across (lakes, reservoirs, excluded areas). Built row by row from intervals: a few seconds at
// 300 million cells. Features are in metres, so the shape does not depend on the cell size.
std::vector<std::uint8_t> city_mask(int nx, int ny, double dx, unsigned seed) {
    // Uniform in [0, 1) from the engine's top 53 bits: the engine's output is fixed by the standard,
    // std::uniform_real_distribution's is not, and the doc's numbers should not depend on the library.
    std::mt19937_64 rng(seed);
    auto u = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
    const double w = nx * dx, h = ny * dx;  // metres
    const double side = std::min(w, h);
    struct Disc {
        double x, y, r;
    };
    std::vector<Disc> fill{{0.5 * w, 0.5 * h, 0.34 * side}};
    for (int k = 0; k < 40; ++k) {
        // Districts: centres on a ring around the core at random radii, sizes 9-19 % of the side.
        const double a = 2 * std::numbers::pi * u(), d = side * (0.15 + 0.22 * u());
        fill.push_back({0.5 * w + d * std::cos(a), 0.5 * h + d * std::sin(a), side * (0.09 + 0.10 * u())});
    }
    std::vector<Disc> holes;
    for (int k = 0; k < 60; ++k) holes.push_back({w * u(), h * u(), 50.0 + 150.0 * u()});
    const double river_half = 30.0;
    const double ph1 = 2 * std::numbers::pi * u(), ph2 = 2 * std::numbers::pi * u();
    // The west-east river's northing at each column (metres).
    std::vector<double> river_we(static_cast<std::size_t>(nx));
    for (int i = 0; i < nx; ++i) {
        const double x = (i + 0.5) * dx;
        river_we[i] = 0.62 * h + 0.05 * h * std::sin(2 * std::numbers::pi * x / (0.4 * w) + ph1);
    }
    std::vector<std::uint8_t> m(static_cast<std::size_t>(nx) * ny, 0);
    auto span_of = [&](const Disc& c, double y, int& i0, int& i1) {
        const double dy = y - c.y;
        if (std::abs(dy) >= c.r) return false;
        const double half = std::sqrt(c.r * c.r - dy * dy);
        i0 = std::max(0, static_cast<int>(std::ceil((c.x - half) / dx - 0.5)));
        i1 = std::min(nx, static_cast<int>(std::floor((c.x + half) / dx - 0.5)) + 1);
        return i0 < i1;
    };
    for (int j = 0; j < ny; ++j) {
        std::uint8_t* row = m.data() + static_cast<std::size_t>(j) * nx;
        const double y = (j + 0.5) * dx;
        int i0 = 0, i1 = 0;
        for (const Disc& c : fill)
            if (span_of(c, y, i0, i1)) std::fill(row + i0, row + i1, std::uint8_t{1});
        for (const Disc& c : holes)
            if (span_of(c, y, i0, i1)) std::fill(row + i0, row + i1, std::uint8_t{0});
        // The north-south river: a band around its easting at this row.
        const double xr = 0.4 * w + 0.06 * w * std::sin(2 * std::numbers::pi * y / (0.3 * h) + ph2);
        const int r0 = std::max(0, static_cast<int>(std::ceil((xr - river_half) / dx - 0.5)));
        const int r1 = std::min(nx, static_cast<int>(std::floor((xr + river_half) / dx - 0.5)) + 1);
        if (r0 < r1) std::fill(row + r0, row + r1, std::uint8_t{0});
        for (int i = 0; i < nx; ++i)
            if (std::abs(y - river_we[i]) < river_half) row[i] = 0;
    }
    return m;
}

// The mask shrunk by an integer factor (a pixel is white if any of its cells is in the domain).
void write_pgm(const std::string& path, const std::vector<std::uint8_t>& m, int nx, int ny) {
    const int f = std::max(1, (std::max(nx, ny) + 999) / 1000);
    const int w = (nx + f - 1) / f, h = (ny + f - 1) / f;
    std::vector<std::uint8_t> img(static_cast<std::size_t>(w) * h, 0);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            if (m.empty() || m[static_cast<std::size_t>(j) * nx + i])
                img[static_cast<std::size_t>(j / f) * w + i / f] = 255;
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) throw std::runtime_error("cannot write " + path);
    std::fprintf(out, "P5\n%d %d\n255\n", w, h);
    std::fwrite(img.data(), 1, img.size(), out);
    std::fclose(out);
}

SchemeCost scheme_cost(const std::string& name) {
    if (name == "fv1") return fv1_cost();
    if (name == "fv2") return fv2_cost();
    if (name == "inertial") return inertial_cost();
    if (name == "fv2-factors") return fv2_factor_exchange_cost();
    if (name == "inertial-factors") return inertial_factor_exchange_cost();
    throw std::invalid_argument("unknown scheme " + name);
}

double rate_of(const Options& o, const std::string& scheme) {
    // The factor-exchange variants compute what their scheme computes.
    const std::string base = scheme.substr(0, scheme.find('-'));
    return o.rates.at(base);
}

std::string widths(const SchemeCost& s) {
    std::string out;
    for (const ExchangeSpec& e : s.exchanges) {
        if (!out.empty()) out += "+";
        out += std::to_string(e.width) + "x" + std::to_string(e.bytes_per_cell) + "B";
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<std::uint8_t> mask =
        o.mask == "city" ? city_mask(o.nx, o.ny, o.dx, o.seed) : std::vector<std::uint8_t>{};
    std::int64_t domain = 0;
    for (std::uint8_t v : mask) domain += v;
    if (mask.empty()) domain = static_cast<std::int64_t>(o.nx) * o.ny;
    const double mask_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.pgm.empty()) write_pgm(o.pgm, mask, o.nx, o.ny);

    // Decompose once per rank count; one rank always, for T(1).
    std::vector<int> ranks = o.ranks;
    if (std::find(ranks.begin(), ranks.end(), 1) == ranks.end()) ranks.insert(ranks.begin(), 1);
    std::vector<Decomposition> decs;
    for (int p : ranks) decs.emplace_back(o.nx, o.ny, mask, p);

    if (!o.csv) {
        std::printf(
            "grid %d x %d cells of %.3g m (%.1f x %.1f km), mask %s: %lld domain cells (%.1f %% of the box, "
            "%.2f km2); mask built in %.1f s\n",
            o.nx, o.ny, o.dx, o.nx * o.dx / 1e3, o.ny * o.dx / 1e3, o.mask.c_str(), static_cast<long long>(domain),
            100.0 * domain / (static_cast<double>(o.nx) * o.ny), domain * o.dx * o.dx / 1e6, mask_s);
        std::printf(
            "threads per rank %d, latency %.3g us, bandwidth %.3g GB/s, %d steps per volume sample, "
            "ledger gather per step %s\n",
            o.machine.threads, o.machine.latency * 1e6, o.machine.bandwidth / 1e9, o.machine.steps_per_sample,
            o.machine.ledger_blocking ? "blocking" : "overlapped (not counted)");
    } else {
        std::printf(
            "scheme,ranks,px,py,max_cells,mean_cells,imbalance,halo_widths,messages_per_step,"
            "max_halo_cells,halo_bytes_per_step,compute_ms,halo_ms,dt_reduce_ms,ledger_ms,volume_ms,"
            "step_ms,efficiency,step_overlap_ms,efficiency_overlap\n");
    }
    for (const std::string& name : o.schemes) {
        const SchemeCost s = scheme_cost(name);
        MachineModel m = o.machine;
        m.cell_rate = rate_of(o, name);
        const Prediction one = predict(decs.front(), s, m);
        if (!o.csv) {
            std::printf("\n%s: exchanges per step (width x bytes per cell) %s, %.3g M cell updates/s per core\n",
                        s.name.c_str(), widths(s).c_str(), m.cell_rate / 1e6);
            std::printf("%6s %7s %12s %6s %5s %10s %10s %9s %8s %8s %8s %9s %6s %9s %6s\n", "ranks", "layout",
                        "max cells", "max/mn", "msgs", "halo cells", "halo KB", "compute", "halo", "reduce", "ledger",
                        "step", "eff", "overlap", "eff");
            std::printf("%6s %7s %12s %6s %5s %10s %10s %9s %8s %8s %8s %9s %6s %9s %6s\n", "", "", "per rank", "",
                        "/step", "/exchange", "/step", "ms", "ms", "ms", "ms", "ms", "%", "step ms", "%");
        }
        for (std::size_t k = 0; k < ranks.size(); ++k) {
            if (std::find(o.ranks.begin(), o.ranks.end(), ranks[k]) == o.ranks.end()) continue;
            const Prediction p = predict(decs[k], s, m);
            int messages = 0;
            double bytes = 0;
            std::int64_t halo_cells = 0;
            for (const ExchangeCost& e : p.exchanges) {
                messages += e.max_messages;
                bytes += e.max_bytes;
                halo_cells = std::max(halo_cells, e.max_halo_cells);
            }
            const double eff = efficiency(one.step_s, p.parts, p.step_s);
            const double eff_o = efficiency(one.step_overlap_s, p.parts, p.step_overlap_s);
            if (o.csv) {
                std::printf("%s,%d,%d,%d,%lld,%.1f,%.4f,%s,%d,%lld,%.0f,%.5g,%.5g,%.5g,%.5g,%.5g,%.5g,%.4f,%.5g,%.4f\n",
                            s.name.c_str(), p.parts, p.px, p.py, static_cast<long long>(p.max_cells), p.mean_cells,
                            p.imbalance, widths(s).c_str(), messages, static_cast<long long>(halo_cells), bytes,
                            p.compute_s * 1e3, p.halo_s * 1e3, p.dt_reduce_s * 1e3, p.ledger_s * 1e3, p.volume_s * 1e3,
                            p.step_s * 1e3, eff, p.step_overlap_s * 1e3, eff_o);
            } else {
                const std::string layout = std::to_string(p.px) + "x" + std::to_string(p.py);
                std::printf("%6d %7s %12lld %6.3f %5d %10lld %10.1f %9.3f %8.4f %8.4f %8.4f %9.3f %6.1f %9.3f %6.1f\n",
                            p.parts, layout.c_str(), static_cast<long long>(p.max_cells), p.imbalance, messages,
                            static_cast<long long>(halo_cells), bytes / 1e3, p.compute_s * 1e3, p.halo_s * 1e3,
                            (p.dt_reduce_s + p.volume_s) * 1e3, p.ledger_s * 1e3, p.step_s * 1e3, 100 * eff,
                            p.step_overlap_s * 1e3, 100 * eff_o);
            }
        }
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "scaling_model: %s\n", e.what());
    return 2;
}
