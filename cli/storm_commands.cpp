#include "cli/storm_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/storm_cell_grids.hpp"
#include "cli/exit_status.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"
#include "scenarios/series_csv.hpp"
#include "scenarios/storm.hpp"

namespace floodsim {
namespace {

/// A bad command-line argument: printed as one line "storm <sub>: --opt = value: why".
struct ArgError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void bad_arg(const std::string& cmd, const std::string& option, const std::string& value,
                          const std::string& why) {
    throw ArgError(cmd + ": " + option + " = " + value + ": " + why);
}

double seconds(const std::string& cmd, const std::string& option, const std::string& text) {
    try {
        return parse_duration(text, cmd, option);
    } catch (const InputError& e) {
        bad_arg(cmd, option, text, e.why());
    }
}

/// An option as the command line names it, and the text it was given as when that was a duration.
struct Named {
    std::string option, text;
};

/// The library names its parameters ("a1 = -1: why", durations in seconds); the message names the
/// options instead, with a duration as typed ("--step = 7min (420 s): why").
[[noreturn]] void rethrow_named(const std::string& cmd, const std::invalid_argument& e,
                                const std::map<std::string, Named>& option_of) {
    std::string msg = e.what();
    const std::size_t eq = msg.find(" = "), colon = msg.find(": ", eq == std::string::npos ? 0 : eq);
    if (eq != std::string::npos && colon != std::string::npos) {
        const auto it = option_of.find(msg.substr(0, eq));
        if (it != option_of.end()) {
            const std::string value = msg.substr(eq + 3, colon - eq - 3);
            const Named& n = it->second;
            msg = n.option + " = " + (n.text.empty() ? value : n.text + " (" + value + " s)") + msg.substr(colon);
        }
    }
    throw ArgError(cmd + ": " + msg);
}

/// Runs a command body: argument and input errors give one line and status 2.
template <class F>
int guarded(F body) {
    return with_exit_status([&] {
        try {
            return body();
        } catch (const ArgError& e) {
            std::fprintf(stderr, "floodsim: error: %s\n", e.what());
            return 2;
        }
    });
}

void emit(const std::string& cmd, const std::string& out, const Hyetograph& h) {
    if (out.empty()) {
        write_hyetograph_csv(std::cout, h);
        std::cout.flush();
        return;
    }
    std::ofstream f(out);
    if (!f) bad_arg(cmd, "--out", out, "cannot open the file for writing");
    write_hyetograph_csv(f, h);
    f.close();
    if (!f) bad_arg(cmd, "--out", out, "error writing the file");
}

}  // namespace

int storm_chicago_command(const ChicagoCli& o) {
    const std::string cmd = "storm chicago";
    return guarded([&] {
        ChicagoParams p;
        p.a1_mm_min = o.a;
        p.c = o.c;
        p.b_min = o.b;
        p.n = o.n;
        p.return_period_years = o.return_period;
        p.peak_fraction = o.peak;
        p.duration_s = seconds(cmd, "--duration", o.duration);
        p.step_s = seconds(cmd, "--step", o.step);
        if (o.method == "blocks")
            p.method = ChicagoMethod::Blocks;
        else if (o.method == "curve")
            p.method = ChicagoMethod::Curve;
        else
            bad_arg(cmd, "--method", o.method, "must be blocks or curve");
        Hyetograph h;
        try {
            h = chicago_storm(p);
        } catch (const std::invalid_argument& e) {
            rethrow_named(cmd, e,
                          {{"a1", {"--a", ""}},
                           {"c", {"--c", ""}},
                           {"b", {"--b", ""}},
                           {"n", {"--n", ""}},
                           {"return_period", {"--return-period", ""}},
                           {"duration", {"--duration", o.duration}},
                           {"peak", {"--peak", ""}},
                           {"step", {"--step", o.step}}});
        }
        emit(cmd, o.out, h);
        return 0;
    });
}

int storm_720_command(const Storm720Cli& o) {
    const std::string cmd = "storm 720";
    return guarded([&] {
        Storm720Options s;
        s.scale = o.scale;
        s.shift_s = seconds(cmd, "--shift", o.shift);
        s.step_s = seconds(cmd, "--step", o.step);
        Hyetograph h;
        try {
            h = storm_720(s);
        } catch (const std::invalid_argument& e) {
            rethrow_named(cmd, e,
                          {{"scale", {"--scale", ""}}, {"shift", {"--shift", o.shift}}, {"step", {"--step", o.step}}});
        }
        emit(cmd, o.out, h);
        return 0;
    });
}

int storm_fit_command(const StormFitCli& o) {
    return guarded([&] {
        const TableData t = read_table_csv(o.table, "table");
        auto column = [&](const std::string& name) {
            const auto it = std::find(t.columns.begin(), t.columns.end(), name);
            return it == t.columns.end() ? -1 : static_cast<int>(it - t.columns.begin());
        };
        const int cd = column("duration_min"), cp = column("return_period_years"), cdep = column("depth_mm"),
                  ci = column("intensity_mm_min");
        if (cd < 0 || cp < 0 || (cdep < 0) == (ci < 0))
            throw InputError(o.table, "table", "",
                             "needs the columns duration_min, return_period_years and one of depth_mm or "
                             "intensity_mm_min");
        std::vector<IdfObservation> rows;
        std::set<double> periods, durations;
        for (std::size_t k = 0; k < t.rows.size(); ++k) {
            const std::vector<double>& r = t.rows[k];
            for (int c : {cd, cp, cdep >= 0 ? cdep : ci})
                if (!(r[c] > 0))
                    throw InputError(o.table, "table row " + std::to_string(t.lines[k]) + " column " + t.columns[c],
                                     format_number(r[c], 10), "must be > 0");
            const double depth = cdep >= 0 ? r[cdep] : r[ci] * r[cd];
            rows.push_back({r[cd], r[cp], depth});
            periods.insert(r[cp]);
            durations.insert(r[cd]);
        }
        IdfFit fit;
        try {
            fit = fit_idf(rows);
        } catch (const std::invalid_argument& e) {
            throw InputError(o.table, "table", "", e.what());
        }
        const IdfParams& f = fit.params;
        double mean = 0;
        for (const IdfObservation& r : rows) mean += r.depth_mm / r.duration_min / static_cast<double>(rows.size());
        std::printf(
            "IDF fit: i = A1 (1 + C lg P) / (t + b)^n, i in mm/min, t in minutes (Levenberg-Marquardt, "
            "least squares on intensities)\n");
        std::printf("  table        %s: %zu rows, %zu return periods, %zu durations\n", o.table.c_str(), rows.size(),
                    periods.size(), durations.size());
        std::printf("  a1_mm_min    %.10g\n  c            %.10g\n  b_min        %.10g\n  n            %.10g\n",
                    f.a1_mm_min, f.c, f.b_min, f.n);
        std::printf("  iterations   %d (%s)\n", fit.iterations, fit.converged ? "converged" : "NOT converged");
        std::printf("  rms_mm_min   %.6g (%.3g %% of the mean intensity %.6g mm/min)\n", fit.rms_mm_min,
                    100.0 * fit.rms_mm_min / mean, mean);
        std::printf(
            "  as a storm   floodsim storm chicago --a %.6g --c %.6g --b %.6g --n %.6g --return-period P "
            "--duration D\n",
            f.a1_mm_min, f.c, f.b_min, f.n);
        std::printf("residuals (fitted - observed):\n");
        std::printf(
            "line,duration_min,return_period_years,observed_mm_min,fitted_mm_min,residual_mm_min,"
            "residual_percent\n");
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const double obs = rows[k].depth_mm / rows[k].duration_min;
            std::printf("%d,%g,%g,%.6g,%.6g,%.6g,%.3f\n", t.lines[k], rows[k].duration_min, rows[k].return_period_years,
                        obs, obs + fit.residual_mm_min[k], fit.residual_mm_min[k],
                        100.0 * fit.residual_mm_min[k] / obs);
        }
        return fit.converged ? 0 : 1;
    });
}

int storm_cell_command(const StormCellCli& o) {
    const std::string cmd = "storm cell";
    return guarded([&] {
        StormCell c;
        {
            std::vector<double> v;
            std::stringstream s(o.track);
            std::string item;
            while (std::getline(s, item, ',')) {
                std::size_t used = 0;
                double x = NAN;
                try {
                    x = std::stod(item, &used);
                } catch (const std::exception&) {
                }
                if (!std::isfinite(x) || item.find_first_not_of(" ", used) != std::string::npos)
                    bad_arg(cmd, "--track", o.track, "must be x0,y0,x1,y1 (four numbers, map coordinates)");
                v.push_back(x);
            }
            if (v.size() != 4) bad_arg(cmd, "--track", o.track, "must be x0,y0,x1,y1 (four numbers, map coordinates)");
            c.x0 = v[0], c.y0 = v[1], c.x1 = v[2], c.y1 = v[3];
        }
        if (!(o.radius > 0) || !std::isfinite(o.radius)) bad_arg(cmd, "--radius", format_number(o.radius, 10), "must be > 0 m");
        if (!(o.speed >= 0) || !std::isfinite(o.speed)) bad_arg(cmd, "--speed", format_number(o.speed, 10), "must be >= 0 m/s");
        c.radius_m = o.radius;
        c.speed_m_s = o.speed;
        if (o.profile == "gaussian")
            c.gaussian = true;
        else if (o.profile == "cylinder")
            c.gaussian = false;
        else
            bad_arg(cmd, "--profile", o.profile, "must be gaussian or cylinder");
        const double duration = seconds(cmd, "--duration", o.duration), step = seconds(cmd, "--step", o.step);
        if (!(duration > 0)) bad_arg(cmd, "--duration", o.duration, "must be > 0");
        if (!(step > 0) || step > duration) bad_arg(cmd, "--step", o.step, "must be > 0 and at most the duration");
        Hyetograph peak;  // the centre's intensity
        if (o.series.empty() == !o.peak_given)
            bad_arg(cmd, o.series.empty() ? "--peak-intensity" : "--series", o.series.empty() ? "(none)" : o.series,
                    "give exactly one of --peak-intensity and --series");
        if (o.series.empty()) {
            if (!std::isfinite(o.peak_intensity) || o.peak_intensity < 0)
                bad_arg(cmd, "--peak-intensity", format_number(o.peak_intensity, 10), "must be a number >= 0 (mm/h)");
            peak.time_s = {0.0};
            peak.intensity_mm_h = {o.peak_intensity};
        } else {
            const SeriesData s = read_series_csv(o.series, "--series", "intensity_mm_h", true);
            peak.time_s = s.time_s;
            peak.intensity_mm_h = s.value;
        }
        if (o.out.empty()) bad_arg(cmd, "--out", "(none)", "the folder for the grids is required");
        StormCellGridsRequest req;
        req.dem = o.dem;
        req.cell = c;
        req.peak = peak;
        req.duration_s = duration;
        req.step_s = step;
        req.out_dir = o.out;
        req.dem_key = "--dem";
        req.out_key = "--out";
        req.description = "storm cell (floodsim storm cell, docs/storms.md): " + o.profile + " profile, radius " +
                          format_number(o.radius, 10) + " m, from (" + format_number(c.x0, 10) + ", " + format_number(c.y0, 10) + ") towards (" + format_number(c.x1, 10) +
                          ", " + format_number(c.y1, 10) + ") at " + format_number(o.speed, 10) + " m/s";
        const StormCellGridsSummary s = write_storm_cell_grids(req);
        std::printf("storm cell: %ld grids of %d x %d cells and the index %s\n", s.grids, s.nx, s.ny, s.index.c_str());
        std::printf("  rain volume on the grid %.6g m3 (the whole cell: %.6g m3)\n", s.grid_volume_m3,
                    s.cell_volume_m3);
        return 0;
    });
}

}  // namespace floodsim
