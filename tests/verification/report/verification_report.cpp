// verification_report: runs every analytic verification case for every scheme where it applies,
// at several resolutions, and writes
//   <out>/errors.csv        one row per (case, scheme, resolution): L1, L2, Linf and relative L1 of
//                           depth and unit discharge, observed orders against the previous resolution,
//                           steady residual, mass balance error, steps, wall time
//   <out>/crosscheck.csv    the C++ analytic solutions against the SWASHES 1.05.01 reference files
//   <out>/profiles/<case>_<scheme>_<n>.csv   x, z, h, h_exact, q, q_exact (for the plots)
// Usage: verification_report <out-dir> [tests/data/swashes dir] [--quick]
// Not run by ctest (several minutes); scripts/verification-report.sh builds it, runs it and turns
// the CSVs into docs/verification.md (tests/verification/report/make_report.py).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cases.hpp"

#ifndef FLOODSIM_SWASHES_DIR
#define FLOODSIM_SWASHES_DIR "tests/data/swashes"
#endif

namespace fs = std::filesystem;
using namespace floodsim;

namespace {

void write_profile(const fs::path& dir, const verif::Result& r) {
    std::ofstream f(dir / (r.name + "_" + r.scheme + "_" + std::to_string(r.n) + ".csv"));
    f << "x,z,h,h_exact,q,q_exact\n";
    f.precision(10);
    for (std::size_t k = 0; k < r.x.size(); ++k)
        f << r.x[k] << ',' << r.z[k] << ',' << r.hnum[k] << ',' << r.hex[k] << ',' << r.qnum[k] << ','
          << r.qex[k] << '\n';
}

double order(double coarse, double fine, double dxc, double dxf) {
    if (!(coarse > 0.0) || !(fine > 0.0) || !std::isfinite(coarse) || !std::isfinite(fine))
        return std::nan("");
    return std::log(coarse / fine) / std::log(dxc / dxf);
}

struct Table {
    std::vector<std::string> cols;
    std::vector<std::vector<double>> rows;
};

/// Reads a SWASHES CSV (header line with column names, numbers; "nan" allowed).
Table read_csv(const fs::path& p) {
    Table t;
    std::ifstream f(p);
    if (!f) throw std::runtime_error("cannot open " + p.string());
    std::string line;
    std::getline(f, line);
    std::stringstream hs(line);
    for (std::string c; std::getline(hs, c, ',');) t.cols.push_back(c);
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        std::stringstream ls(line);
        std::vector<double> row;
        for (std::string c; std::getline(ls, c, ',');) row.push_back(std::strtod(c.c_str(), nullptr));
        t.rows.push_back(row);
    }
    return t;
}

int col(const Table& t, const std::string& name) {
    for (std::size_t k = 0; k < t.cols.size(); ++k)
        if (t.cols[k] == name) return static_cast<int>(k);
    throw std::runtime_error("no column " + name);
}

struct Check {
    std::string file, quantity;
    int points;
    double max_diff, scale;
};

/// Max |analytic - SWASHES| of a 1D file's column over the points `use` accepts.
Check check1d(const fs::path& dir, const std::string& file, const std::string& column,
              const std::function<double(double)>& f, const std::function<bool(double)>& use = {}) {
    const Table t = read_csv(dir / (file + ".csv"));
    const int cx = col(t, "x"), cv = col(t, column);
    Check c{file, column, 0, 0.0, 0.0};
    for (const auto& r : t.rows) {
        if (use && !use(r[cx])) continue;
        c.max_diff = std::max(c.max_diff, std::abs(f(r[cx]) - r[cv]));
        c.scale = std::max(c.scale, std::abs(r[cv]));
        ++c.points;
    }
    return c;
}

std::vector<Check> crosscheck(const fs::path& dir) {
    std::vector<Check> out;
    for (bool stoker : {true, false}) {
        const verif::Strip c = verif::dambreak(stoker);
        const std::string file = stoker ? "dambreak_stoker_wet" : "dambreak_ritter_dry";
        out.push_back(check1d(dir, file, "h", c.h_exact));
        out.push_back(check1d(dir, file, "q", c.q_exact));
    }
    {
        const verif::Strip c = verif::thacker1d();
        out.push_back(check1d(dir, "thacker1d_planar", "h", c.h_exact));
        out.push_back(check1d(dir, "thacker1d_planar", "q", c.q_exact));
    }
    {
        const analytic::Thacker2D th;
        const double t = 0.5 * th.period();
        const Table tb = read_csv(dir / "thacker2d_planar_t2q.csv");
        const int cx = col(tb, "x"), cy = col(tb, "y"), ch = col(tb, "h"), cu = col(tb, "u"), cv = col(tb, "v");
        Check h{"thacker2d_planar_t2q", "h", 0, 0.0, 0.0}, u{"thacker2d_planar_t2q", "u,v (wet)", 0, 0.0, 0.0};
        for (const auto& r : tb.rows) {
            const double he = th.h(r[cx], r[cy], t);
            h.max_diff = std::max(h.max_diff, std::abs(he - r[ch]));
            h.scale = std::max(h.scale, r[ch]);
            ++h.points;
            if (he > 0.0) {
                u.max_diff = std::max({u.max_diff, std::abs(th.u(t) - r[cu]), std::abs(th.v(t) - r[cv])});
                u.scale = std::max(u.scale, std::hypot(r[cu], r[cv]));
                ++u.points;
            }
        }
        out.push_back(h);
        out.push_back(u);
    }
    const char* bumps[3] = {"bump_subcritical", "bump_transcritical_noshock", "bump_transcritical_shock"};
    for (int k = 0; k < 3; ++k) {
        const verif::Strip c = verif::bump(k);
        analytic::BumpFlow b;
        b.kind = 2; b.q = 0.18; b.hout = 0.33;
        const double xj = b.jump_x();
        // SWASHES places the jump with a loose tolerance (10/N) and copies the neighbour's depth
        // into the jump cell: leave +-0.15 m around it out (README).
        auto use = [&](double x) { return k != 2 || std::abs(x - xj) > 0.15; };
        out.push_back(check1d(dir, bumps[k], "h", c.h_exact, use));
        out.push_back(check1d(dir, bumps[k], "q", c.q_exact, use));
        out.push_back(check1d(dir, bumps[k], "z", c.z));
    }
    for (bool emerged : {false, true}) {
        const verif::Strip c = verif::lake_at_rest(emerged);
        out.push_back(check1d(dir, emerged ? "bump_lake_at_rest_emerged" : "bump_lake_at_rest_immersed", "h", c.h_exact));
    }
    const std::pair<const char*, const char*> mac[4] = {
        {"smooth_and_shock", "macdonald_L100_manning_smooth_and_shock"},
        {"sub_to_super", "macdonald_L100_manning_sub_to_super"},
        {"super", "macdonald_L100_manning_super"},
        {"rain_sub", "macdonald_rain_L1000_sub_manning"}};
    for (const auto& [which, file] : mac) {
        const verif::Strip c = verif::macdonald(which);
        // The shock cell of SWASHES' smooth_and_shock sits at x = 66.7 (200/3): leave +-1 m out.
        auto use = [&](double x) { return std::abs(x - 200.0 / 3.0) > 1.0; };
        out.push_back(check1d(dir, file, "h", c.h_exact, use));
        out.push_back(check1d(dir, file, "q", c.q_exact));
        // SWASHES integrates the bed with a first-order rule on its own grid: agreement to O(dx).
        out.push_back(check1d(dir, file, "z", c.z));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <out-dir> [swashes-data-dir] [--quick]\n", argv[0]);
        return 2;
    }
    const fs::path out = argv[1];
    fs::path data = FLOODSIM_SWASHES_DIR;
    bool quick = false;
    for (int a = 2; a < argc; ++a) {
        if (std::strcmp(argv[a], "--quick") == 0) quick = true;
        else data = argv[a];
    }
    fs::create_directories(out / "profiles");

    // 1) Cross-check of the analytic solutions against the SWASHES reference files.
    {
        std::ofstream f(out / "crosscheck.csv");
        f << "file,quantity,points,max_abs_diff,max_abs_ref\n";
        for (const auto& c : crosscheck(data)) {
            f << c.file << ',' << c.quantity << ',' << c.points << ',' << c.max_diff << ',' << c.scale << '\n';
            std::printf("crosscheck %-42s %-10s %4d points: max |diff| %.3g (scale %.3g)\n", c.file.c_str(),
                        c.quantity.c_str(), c.points, c.max_diff, c.scale);
        }
    }

    // 2) The convergence study.
    struct Job {
        verif::Strip strip;  // unused for thacker2d
        bool thacker2d = false;
        std::vector<int> n;
        std::vector<Scheme> schemes;
    };
    const std::vector<Scheme> all = {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial};
    std::vector<Job> jobs;
    const std::vector<int> n1d = quick ? std::vector<int>{100, 200} : std::vector<int>{125, 250, 500, 1000};
    const std::vector<int> n500 = quick ? std::vector<int>{50, 100} : std::vector<int>{125, 250, 500};
    jobs.push_back({verif::dambreak(true), false, n1d, all});
    jobs.push_back({verif::dambreak(false), false, n1d, all});
    jobs.push_back({verif::thacker1d(), false, n1d, all});
    jobs.push_back({{}, true, quick ? std::vector<int>{25, 50} : std::vector<int>{50, 100, 200}, all});
    jobs.push_back({verif::lake_at_rest(false), false, n500, all});
    jobs.push_back({verif::lake_at_rest(true), false, n500, all});
    for (int k = 0; k < 3; ++k) jobs.push_back({verif::bump(k), false, n500, all});
    jobs.push_back({verif::bump(1, true), false, n500, {Scheme::Fv1, Scheme::Fv2}});
    for (const char* m : {"rain_sub", "sub_to_super", "smooth_and_shock", "super"})
        jobs.push_back({verif::macdonald(m), false, n500, all});

    std::ofstream f(out / "errors.csv");
    f << "case,scheme,n,dx,t,L1_h,L2_h,Linf_h,relL1_h,L1_q,L2_q,Linf_q,relL1_q,"
         "order_L1_h,order_L2_h,order_Linf_h,order_L1_q,residual,mass_rel_err,steps,wall_s,finite\n";
    f.precision(6);
    double total = 0.0;
    for (const Job& job : jobs) {
        for (Scheme scheme : job.schemes) {
            verif::Result prev;
            bool have_prev = false;
            for (int n : job.n) {
                verif::Result r = job.thacker2d ? verif::run_thacker2d(n, scheme, 2) : verif::run_strip(job.strip, n, scheme);
                total += r.wall;
                double p[4] = {std::nan(""), std::nan(""), std::nan(""), std::nan("")};
                if (have_prev) {
                    p[0] = order(prev.h.l1, r.h.l1, prev.dx, r.dx);
                    p[1] = order(prev.h.l2, r.h.l2, prev.dx, r.dx);
                    p[2] = order(prev.h.linf, r.h.linf, prev.dx, r.dx);
                    p[3] = order(prev.q.l1, r.q.l1, prev.dx, r.dx);
                }
                f << r.name << ',' << r.scheme << ',' << r.n << ',' << r.dx << ',' << r.t << ',' << r.h.l1 << ','
                  << r.h.l2 << ',' << r.h.linf << ',' << r.h.rel_l1 << ',' << r.q.l1 << ',' << r.q.l2 << ','
                  << r.q.linf << ',' << r.q.rel_l1 << ',' << p[0] << ',' << p[1] << ',' << p[2] << ',' << p[3]
                  << ',' << r.residual << ',' << r.mass_rel << ',' << r.steps << ',' << r.wall << ','
                  << (r.finite ? 1 : 0) << '\n';
                f.flush();
                std::printf("%-28s %-8s n=%5d t=%8.2f L1h %.3e (rel %.3e) Linf h %.3e L1q %.3e order %5.2f %5.2f "
                            "res %.1e mass %.1e %.1fs\n",
                            r.name.c_str(), r.scheme.c_str(), r.n, r.t, r.h.l1, r.h.rel_l1, r.h.linf, r.q.l1, p[0],
                            p[3], r.residual, r.mass_rel, r.wall);
                std::fflush(stdout);
                write_profile(out / "profiles", r);
                prev = std::move(r);
                have_prev = true;
            }
        }
    }
    std::printf("total solver wall time %.1f s\n", total);
    return 0;
}
