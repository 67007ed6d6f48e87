#include "cli/ensemble_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "cli/exit_status.hpp"
#include "engine/ensemble.hpp"
#include "floodsim/run.hpp"
#include "io/ensemble_file.hpp"
#include "mesh/input_error.hpp"
#include "risk/assets.hpp"
#include "risk/level_scheme.hpp"

namespace floodsim {

int ensemble_command(const EnsembleCli& c) {
    return with_exit_status([&] {
        if (c.out.empty()) throw InputError(c.scenario, "--out", "", "no ensemble file given");
        for (const auto& [key, v] : {std::pair{"--scale-sigma", c.scale_sigma}, std::pair{"--shift-sigma", c.shift_sigma_min},
                                     std::pair{"--displacement-sigma", c.displacement_sigma_m}})
            if (!(v >= 0.0) || !std::isfinite(v))
                throw InputError(c.scenario, key, format_number(v), "must be a finite number >= 0");
        // Assets and levels are checked before any member runs.
        risk::LevelScheme scheme;
        if (!c.levels.empty()) {
            scheme = risk::load_level_scheme(c.levels);
            if (scheme.criterion != risk::Criterion::depth)
                throw InputError(c.levels, "criterion", risk::criterion_name(scheme.criterion),
                                 "an ensemble keeps each member's maximum depth only: its levels use the depth criterion");
        }
        const LoadedModel base = load_model(c.scenario);
        std::vector<risk::Asset> assets;
        if (!c.assets.empty()) assets = risk::read_assets(c.assets, base.setup.grid, c.scenario);
        const int cores = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
        EnsembleOptions o;
        o.members = c.members;
        o.seed = c.seed;
        o.jobs = std::min(c.jobs > 0 ? c.jobs : cores, c.members);
        o.threads = c.threads > 0 ? c.threads : std::max(1, cores / o.jobs);
        o.scale_sigma = c.scale_sigma;
        o.shift_sigma_s = 60.0 * c.shift_sigma_min;
        o.displacement_sigma_m = c.displacement_sigma_m;
        std::fprintf(stderr, "floodsim ensemble: %d members of %s, seed %llu, %d at once on %d threads each\n",
                     o.members, c.scenario.c_str(), static_cast<unsigned long long>(o.seed), o.jobs, o.threads);
        const EnsembleResult r = run_ensemble(base, o, [&](int k, double s) {
            const MemberPerturbation& p = member_perturbation(o, k);
            std::fprintf(stderr, "  member %3d: rain x %.3f, shifted %+.1f min, grids moved %+.0f m E %+.0f m N: %.2f s\n", k,
                         p.scale, p.shift_s / 60.0, p.displacement_m[0], p.displacement_m[1], s);
        });
        EnsembleFileData d;
        d.grid = r.grid;
        d.scenario_text = r.scenario_text;
        d.floodsim_version = version();
        d.seed = o.seed;
        d.scale_sigma = o.scale_sigma;
        d.shift_sigma_s = o.shift_sigma_s;
        d.displacement_sigma_m = o.displacement_sigma_m;
        for (const MemberPerturbation& p : r.perturbations) {
            d.rain_scale.push_back(p.scale);
            d.time_shift_s.push_back(p.shift_s);
            d.displacement_m.insert(d.displacement_m.end(), p.displacement_m.begin(), p.displacement_m.end());
        }
        d.steps = r.steps;
        d.mass_balance_relative_error = r.mass_balance_relative_error;
        d.max_depth = r.max_depth;
        for (double depth : kExceedanceDepths) {
            char name[16];
            std::snprintf(name, sizeof name, "%.2f", depth);
            d.exceedance.emplace_back(name, exceedance(r, depth));
        }
        for (const risk::Asset& a : assets) {
            d.asset_ids.push_back(a.id);
            d.asset_names.push_back(a.name);
        }
        for (const std::array<float, 4>& row : asset_level_probabilities(r, assets, scheme))
            d.asset_level_probability.insert(d.asset_level_probability.end(), row.begin(), row.end());
        write_ensemble_file(c.out, d);
        double worst = 0.0;
        for (double e : r.mass_balance_relative_error) worst = std::max(worst, std::abs(e));
        std::printf("floodsim ensemble: wrote %s: %d members, /exceedance/depth_gt_{0.15,0.25,0.40,0.60}, "
                    "/members/max_depth%s; largest relative balance error %.2e\n",
                    c.out.c_str(), o.members, assets.empty() ? "" : ", /assets/level_probability", worst);
        return 0;
    });
}

}  // namespace floodsim
