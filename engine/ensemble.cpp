#include "engine/ensemble.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "engine/model_builder.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/splitmix.hpp"
#include "solver/simulation.hpp"

namespace floodsim {

namespace {

/// A uniform number in (0, 1) from 53 bits.
double uniform(std::uint64_t seed, int member, int draw) {
    const std::uint64_t bits =
        splitmix64(splitmix64(splitmix64(seed) ^ static_cast<std::uint64_t>(member)) ^ static_cast<std::uint64_t>(draw));
    return (static_cast<double>(bits >> 11) + 0.5) / 9007199254740992.0;
}

/// A standard normal number (Box-Muller on two uniforms).
double normal(std::uint64_t seed, int member, int draw) {
    const double u1 = uniform(seed, member, 2 * draw), u2 = uniform(seed, member, 2 * draw + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/// Rows of a step series (row k holds from times[k] to times[k + 1]) moved `shift` s later
/// (earlier when negative) and cut at t = 0: the rows kept (rows wholly before t = 0 dropped)
/// and their new start times; `dry_start`: a dry row at t = 0 goes first (nothing falls before
/// the moved storm).
struct ShiftedRows {
    bool dry_start = false;
    std::vector<std::size_t> kept;
    std::vector<double> times;  ///< the dry row's 0 included
};

ShiftedRows shift_rows(const std::vector<double>& t, double shift) {
    ShiftedRows r;
    if (!t.empty() && t.front() + shift > 0.0) {
        r.dry_start = true;
        r.times.push_back(0.0);
    }
    for (std::size_t k = 0; k < t.size(); ++k) {
        const double next = k + 1 < t.size() ? t[k + 1] + shift : HUGE_VAL;
        if (next <= 0.0) continue;  // wholly before t = 0
        r.kept.push_back(k);
        r.times.push_back(std::max(0.0, t[k] + shift));
    }
    return r;
}

/// The rain series scaled by `factor` and moved by `shift` s.
TimeSeries shifted(const TimeSeries& s, double factor, double shift) {
    ShiftedRows rows = shift_rows(s.times(), shift);
    std::vector<double> v;
    if (rows.dry_start) v.push_back(0.0);
    for (std::size_t k : rows.kept) v.push_back(s.values()[k] * factor);
    if (v.empty()) return TimeSeries::constant(0.0);
    return TimeSeries(std::move(rows.times), std::move(v), s.mode());
}

/// Rain grids moved by whole cells (east di, south dj), their times shifted, their values scaled.
void perturb_grids(RainGridSpec& g, const Grid2D& grid, const MemberPerturbation& p) {
    const int di = static_cast<int>(std::lround(p.displacement_m[0] / grid.dx));
    const int dj = static_cast<int>(std::lround(-p.displacement_m[1] / grid.dy));  // north is -j
    for (std::vector<float>& v : g.mm_h) {
        if (v.empty()) continue;
        std::vector<float> out(v.size(), 0.0f);
        for (int j = 0; j < grid.ny; ++j)
            for (int i = 0; i < grid.nx; ++i) {
                const int si = i - di, sj = j - dj;
                if (si < 0 || sj < 0 || si >= grid.nx || sj >= grid.ny) continue;
                out[static_cast<std::size_t>(j) * grid.nx + i] =
                    static_cast<float>(v[static_cast<std::size_t>(sj) * grid.nx + si] * p.scale);
            }
        v = std::move(out);
    }
    ShiftedRows rows = shift_rows(g.time_s, p.shift_s);
    std::vector<std::vector<float>> grids;
    if (rows.dry_start) grids.emplace_back();  // an empty grid rains nothing
    for (std::size_t k : rows.kept) grids.push_back(std::move(g.mm_h[k]));
    g.time_s = std::move(rows.times);
    g.mm_h = std::move(grids);
}

template <class Sim>
void run_member(ModelSetup setup, EnsembleResult& r, int k, double duration) {
    Sim sim(std::move(setup));
    sim.advance_to(duration);
    std::vector<float>& md = r.max_depth[static_cast<std::size_t>(k)];
    md.resize(r.grid.cells());
    sim.copy_max_depth(md.data());
    r.mass_balance_relative_error[static_cast<std::size_t>(k)] = sim.ledger().relative_error(sim.volume());
    r.steps[static_cast<std::size_t>(k)] = sim.steps();
}

}  // namespace

MemberPerturbation member_perturbation(const EnsembleOptions& o, int k) {
    MemberPerturbation p;
    if (k == 0) return p;  // the control
    p.scale = std::exp(o.scale_sigma * normal(o.seed, k, 0));
    p.shift_s = o.shift_sigma_s * normal(o.seed, k, 1);
    p.displacement_m = {o.displacement_sigma_m * normal(o.seed, k, 2), o.displacement_sigma_m * normal(o.seed, k, 3)};
    return p;
}

EnsembleResult run_ensemble(const LoadedModel& base, const EnsembleOptions& o,
                            const std::function<void(int, double)>& on_member) {
    const Scenario& sc = base.scenario;
    if (base.setup.rain.empty() && base.setup.rain_grids.time_s.empty())
        throw InputError(sc.path, "rain", "", "an ensemble perturbs the rain, and the scenario has none");
    EnsembleResult r;
    r.grid = base.setup.grid;
    r.scenario_text = sc.text;
    const auto m = static_cast<std::size_t>(o.members);
    r.max_depth.resize(m);
    r.mass_balance_relative_error.resize(m);
    r.steps.resize(m);
    for (int k = 0; k < o.members; ++k) r.perturbations.push_back(member_perturbation(o, k));

    std::atomic<int> next{0};
    std::mutex report;
    std::exception_ptr failure;
    const auto worker = [&] {
        for (int k = next++; k < o.members; k = next++) {
            const auto t0 = std::chrono::steady_clock::now();
            try {
                ModelSetup setup = base.setup;
                const MemberPerturbation& p = r.perturbations[static_cast<std::size_t>(k)];
                if (!setup.rain.empty()) setup.rain = shifted(setup.rain, p.scale, p.shift_s);
                if (!setup.rain_grids.time_s.empty()) perturb_grids(setup.rain_grids, setup.grid, p);
                setup.options.threads = o.threads;
                if (setup.options.precision == Precision::Single)
                    run_member<SimulationSingle>(std::move(setup), r, k, sc.duration_s);
                else
                    run_member<Simulation>(std::move(setup), r, k, sc.duration_s);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(report);
                if (!failure) failure = std::current_exception();
                next = o.members;  // the others stop taking members
                return;
            }
            const std::lock_guard<std::mutex> lock(report);
            if (on_member)
                on_member(k, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
    };
    std::vector<std::thread> pool;
    for (int j = 1; j < std::min(o.jobs, o.members); ++j) pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    return r;
}

std::vector<float> exceedance(const EnsembleResult& r, double depth) {
    const std::size_t n = r.grid.cells();
    std::vector<float> p(n);
    const double members = static_cast<double>(r.max_depth.size());
    for (std::size_t c = 0; c < n; ++c) {
        if (r.max_depth.empty() || std::isnan(r.max_depth[0][c])) {
            p[c] = std::numeric_limits<float>::quiet_NaN();
            continue;
        }
        int above = 0;
        for (const std::vector<float>& md : r.max_depth) above += md[c] > depth ? 1 : 0;
        p[c] = static_cast<float>(above / members);
    }
    return p;
}

std::vector<std::array<float, 4>> asset_level_probabilities(const EnsembleResult& r,
                                                           const std::vector<risk::Asset>& assets,
                                                           const risk::LevelScheme& scheme) {
    std::vector<std::array<float, 4>> p;
    const double members = static_cast<double>(r.max_depth.size());
    for (const risk::Asset& a : assets) {
        std::array<int, 4> reached{};  // members at level 4, 3, 2, 1 or more severe
        for (const std::vector<float>& md : r.max_depth) {
            double deepest = 0.0;
            for (std::size_t cell : a.cells)
                if (!std::isnan(md[cell])) deepest = std::max(deepest, static_cast<double>(md[cell]));
            const int level = scheme.level(deepest, 0.0);
            for (int k = 4; k >= 1; --k) reached[static_cast<std::size_t>(4 - k)] += level != 0 && level <= k ? 1 : 0;
        }
        std::array<float, 4> row{};
        for (std::size_t k = 0; k < 4; ++k) row[k] = static_cast<float>(reached[k] / members);
        p.push_back(row);
    }
    return p;
}

}  // namespace floodsim
