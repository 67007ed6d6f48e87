// floodsim: the command-line tool. Parses arguments and hands over to the commands. Each family
// of commands registers its subcommands and, when one is chosen, the call that runs it.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <memory>

#include "cli/batch_command.hpp"
#include "cli/commands.hpp"
#include "cli/deliver_command.hpp"
#include "cli/ensemble_command.hpp"
#include "cli/export_commands.hpp"
#include "cli/risk_command.hpp"
#include "cli/storm_commands.hpp"
#include "cli/wait_policy.hpp"
#include "io/hdf5_result_writer.hpp"

namespace {

/// The command the parsed line chose: its exit status.
using Chosen = std::function<int()>;

/// Sets `chosen` to `call` once `sub` is parsed (its options are then filled in). The values
/// live in `state`, shared with the call.
template <class State, class Call>
void on_chosen(CLI::App* sub, Chosen& chosen, std::shared_ptr<State> state, Call call) {
    sub->callback([&chosen, state, call] { chosen = [state, call] { return call(*state); }; });
}

/// run, check, info, scenario new.
void add_model_commands(CLI::App& app, Chosen& chosen) {
    struct RunState {
        std::string scenario;
        floodsim::RunOptions opts;
    };
    auto r = std::make_shared<RunState>();
    CLI::App* run = app.add_subcommand("run", "Run a scenario and write its HDF5 result");
    run->add_option("scenario", r->scenario, "Scenario file (TOML)")->required();
    run->add_option("--output,-o", r->opts.output, "Result file (overrides output.file)");
    run->add_option("--threads,-t", r->opts.threads, "Worker threads (0 = all cores; overrides solver.threads)")
        ->check(CLI::Range(0, 4096));
    run->add_flag("--quiet,-q", r->opts.quiet, "No progress output");
    run->add_option("--save-state", r->opts.save_state, "Write the final state to this file (a later run's [initial] state)");
    run->add_option("--resume", r->opts.resume,
                    "Continue the run from this checkpoint ([checkpoint]) and finish its result file");
    run->add_flag("--json", r->opts.json, "JSON lines on stdout (start, progress, end or error) instead of progress and summary");
    on_chosen(run, chosen, r, [](RunState& s) { return floodsim::run_command(s.scenario, s.opts); });

    struct CheckState {
        std::string scenario, write_model;
        double pit_height = floodsim::kDefaultPitHeight;
    };
    auto c = std::make_shared<CheckState>();
    CLI::App* check = app.add_subcommand("check", "Validate a scenario and all its inputs; run nothing");
    check->add_option("scenario", c->scenario, "Scenario file (TOML)")->required();
    check->add_option("--pit-height", c->pit_height, "Report DEM cells this many metres below/above all their neighbours")
        ->check(CLI::PositiveNumber);
    check->add_option("--write-model", c->write_model,
                      "Write the model's DEM after the terrain features, its cell mask and Manning n as GeoTIFFs into this folder");
    on_chosen(check, chosen, c,
              [](CheckState& s) { return floodsim::check_command(s.scenario, s.pit_height, s.write_model); });

    auto result = std::make_shared<std::string>();
    CLI::App* info = app.add_subcommand("info", "Summarise a result file");
    info->add_option("result", *result, "Result file (HDF5)")->required();
    on_chosen(info, chosen, result, [](std::string& path) { return floodsim::info_command(path); });

    struct NewState {
        std::string dir, template_name;
        double resolution = 10.0;
        unsigned long long seed = 1;
    };
    auto n = std::make_shared<NewState>();
    CLI::App* scenario_cmd = app.add_subcommand("scenario", "Scenario construction");
    scenario_cmd->require_subcommand(1);
    CLI::App* scenario_new = scenario_cmd->add_subcommand(
        "new", "Create a runnable scenario folder on the synthetic Shangjie district (not survey data)");
    scenario_new->add_option("dir", n->dir, "Folder to create (must not exist or be empty)")->required();
    scenario_new->add_option("--template", n->template_name, "urban | river | flash | 720")->required();
    scenario_new->add_option("--resolution", n->resolution, "Cell size of the district's rasters, m (default 10)");
    scenario_new->add_option("--seed", n->seed, "Seed of the synthetic district (default 1)");
    on_chosen(scenario_new, chosen, n, [](NewState& s) {
        return floodsim::scenario_new_command(s.dir, s.template_name, s.resolution, s.seed);
    });
}

/// storm chicago | 720 | fit | cell (INTERFACE.md section 5, docs/storms.md).
void add_storm_commands(CLI::App& app, Chosen& chosen) {
    CLI::App* storm = app.add_subcommand("storm", "Design storms: write a [rain] series CSV or rain grids");
    storm->require_subcommand(1);
    auto chi = std::make_shared<floodsim::ChicagoCli>();
    CLI::App* chicago = storm->add_subcommand(
        "chicago", "Chicago (Keifer-Chu) hyetograph from i = A1 (1 + C lg P) / (t + b)^n (mm/min, t in minutes)");
    chicago->add_option("--a", chi->a, "A1, mm/min")->required();
    chicago->add_option("--c", chi->c, "C")->required();
    chicago->add_option("--b", chi->b, "b, minutes")->required();
    chicago->add_option("--n", chi->n, "n")->required();
    chicago->add_option("--return-period", chi->return_period, "Return period P, years")->required();
    chicago->add_option("--duration", chi->duration, "Storm duration (e.g. 2h, 120min, 7200)")->required();
    chicago->add_option("--peak", chi->peak, "Peak position r in [0, 1] (default 0.4)");
    chicago->add_option("--step", chi->step, "Row length (default 5min)");
    chicago->add_option("--method", chi->method,
                        "blocks (default: every window of whole steps about the peak holds the IDF depth) or curve "
                        "(exact step means of the continuous curve)");
    chicago->add_option("--out,-o", chi->out, "CSV file (default: stdout)");
    on_chosen(chicago, chosen, chi, [](floodsim::ChicagoCli& c) { return floodsim::storm_chicago_command(c); });

    auto s720 = std::make_shared<floodsim::Storm720Cli>();
    CLI::App* st720 = storm->add_subcommand(
        "720", "7·20-style storm on the Zhengzhou station anchors of 20 July 2021 (72 h to 20 h that day)");
    st720->add_option("--scale", s720->scale, "Multiplies every depth (default 1)");
    st720->add_option("--shift", s720->shift, "Starts the storm this much after time_s = 0 (default 0h)");
    st720->add_option("--step", s720->step, "Row length, dividing one hour (default 5min)");
    st720->add_option("--out,-o", s720->out, "CSV file (default: stdout)");
    on_chosen(st720, chosen, s720, [](floodsim::Storm720Cli& c) { return floodsim::storm_720_command(c); });

    auto fitc = std::make_shared<floodsim::StormFitCli>();
    CLI::App* fit = storm->add_subcommand(
        "fit", "Fit A1, C, b, n to a table of annual-maximum depths per duration and return period");
    fit->add_option("table", fitc->table, "CSV: duration_min, return_period_years and depth_mm (or intensity_mm_min)")
        ->required();
    on_chosen(fit, chosen, fitc, [](floodsim::StormFitCli& c) { return floodsim::storm_fit_command(c); });

    auto cellc = std::make_shared<floodsim::StormCellCli>();
    CLI::App* cell = storm->add_subcommand("cell", "A moving storm cell written as rain grids on a DEM's grid");
    cell->add_option("--dem", cellc->dem, "Raster whose grid the rain grids take")->required();
    cell->add_option("--track", cellc->track, "x0,y0,x1,y1: the centre at t = 0 and the point it heads for")->required();
    cell->add_option("--radius", cellc->radius, "m: cylinder radius or the Gaussian's sigma")->required();
    cell->add_option("--speed", cellc->speed, "m/s along the track")->required();
    CLI::Option* peak = cell->add_option("--peak-intensity", cellc->peak_intensity, "mm/h at the centre");
    cell->add_option("--series", cellc->series, "CSV time_s,intensity_mm_h: the centre's intensity over time");
    cell->add_option("--duration", cellc->duration, "How long the cell rains (e.g. 1h)")->required();
    cell->add_option("--step", cellc->step, "Time between grids (default 5min)");
    cell->add_option("--profile", cellc->profile, "gaussian (default) or cylinder");
    cell->add_option("--out,-o", cellc->out, "Folder for the GeoTIFFs and rain_grids.csv")->required();
    on_chosen(cell, chosen, cellc, [peak](floodsim::StormCellCli& c) {
        c.peak_given = peak->count() > 0;
        return floodsim::storm_cell_command(c);
    });
}

/// risk, deliver, export (INTERFACE.md section 6, docs/warnings.md, docs/export-and-maps.md).
void add_result_commands(CLI::App& app, Chosen& chosen) {
    auto riskc = std::make_shared<floodsim::RiskCli>();
    CLI::App* risk = app.add_subcommand(
        "risk", "Warning levels of assets from a result: assets.csv, warnings.geojson, hazard GeoTIFFs, map.png, CAP alerts");
    risk->add_option("result", riskc->result, "Result file (HDF5)")->required();
    risk->add_option("--assets", riskc->assets, "Vector file of the assets (points, lines, polygons) with attributes id and name")
        ->required();
    risk->add_option("--levels", riskc->levels, "LEVELS.toml: criterion (depth, defra, arr) and its bands (default: depth bands)");
    risk->add_option("--issue-time", riskc->issue_time, "Issue time, ISO 8601 with UTC offset (default: t = 0)");
    risk->add_option("--out,-o", riskc->out, "Folder for the products")->required();
    risk->add_option("--region-code", riskc->region_code, "CAP: GB/T 2260 code of the area (default 410106, Shangjie)");
    risk->add_option("--department-code", riskc->department_code, "CAP: GB/T 4657 code of the issuing institution (default 000)");
    risk->add_option("--status", riskc->status, "CAP status: Actual, Exercise (default), System, Test, Draft");
    risk->add_flag("--flash-flood", riskc->flash_flood, "CAP: the alerts are of flash floods (category Geo, not Met)");
    on_chosen(risk, chosen, riskc, [](floodsim::RiskCli& c) { return floodsim::risk_command(c); });

    auto deliverc = std::make_shared<floodsim::DeliverCli>();
    CLI::App* deliver = app.add_subcommand("deliver", "Send the CAP alerts left in an alert spool to a webhook");
    deliver->add_option("spool", deliverc->spool, "Spool folder")->required();
    deliver->add_option("--webhook", deliverc->webhook, "http(s) URL the alerts are POSTed to")->required();
    deliver->add_option("--timeout", deliverc->timeout_s, "Seconds to keep trying in all (default 60)");
    deliver->add_option("--header", deliverc->headers, "Extra request header 'Name: value' (repeatable)")
        ->allow_extra_args(false);  // one value per --header: the spool may follow
    on_chosen(deliver, chosen, deliverc, [](floodsim::DeliverCli& c) { return floodsim::deliver_command(c); });

    auto expc = std::make_shared<floodsim::ExportCli>();
    CLI::App* export_cmd = app.add_subcommand(
        "export", "Write a result's raster as GeoTIFF, its XDMF sidecar for ParaView, or a quick map");
    export_cmd->add_option("result", expc->result, "Result file (HDF5)")->required();
    export_cmd->add_option("var", expc->var,
                           "max_depth | max_speed | arrival_time | bed_elevation | depth | velocity_x | velocity_y | map");
    export_cmd->add_option("out", expc->out, "Output file (.tif; .png for map)");
    export_cmd->add_option("--frame", expc->frame, "Frame number of a series (default: the last)");
    export_cmd->add_option("--time", expc->time, "Frame at this time (seconds, or e.g. 2h), matched to 1e-6 s");
    CLI::Option* xdmf = export_cmd->add_option("--xdmf", expc->xdmf_out,
                                               "Write the XDMF sidecar (default name: the result's, .xmf)")
                            ->expected(0, 1);
    on_chosen(export_cmd, chosen, expc, [xdmf](floodsim::ExportCli& c) {
        c.xdmf = xdmf->count() > 0;
        return floodsim::export_command(c);
    });
}

/// batch, ensemble (INTERFACE.md section 8, docs/operations.md).
void add_operations_commands(CLI::App& app, Chosen& chosen) {
    auto batchc = std::make_shared<floodsim::BatchCli>();
    CLI::App* batch = app.add_subcommand("batch", "Run many scenarios, as many at once as the cores allow; JSON lines on stdout");
    batch->add_option("manifest", batchc->manifest, "Manifest (TOML): [[scenario]] tables with file, output, threads")
        ->required();
    batch->add_option("--jobs,-j", batchc->jobs, "Runs at once (default: the manifest's jobs, else the cores)")
        ->check(CLI::Range(1, 4096));
    batch->add_option("--cores", batchc->cores, "Cores the batch may use (default: the manifest's, else the machine's)")
        ->check(CLI::Range(1, 65536));
    batch->add_option("--retries", batchc->retries, "Extra attempts of a run that failed (not of bad input)")
        ->check(CLI::Range(0, 100));
    on_chosen(batch, chosen, batchc, [](floodsim::BatchCli& c) { return floodsim::batch_command(c); });

    auto ensc = std::make_shared<floodsim::EnsembleCli>();
    CLI::App* ensemble = app.add_subcommand("ensemble", "Members with perturbed rain: exceedance probability maps");
    ensemble->add_option("scenario", ensc->scenario, "Scenario file (TOML)")->required();
    ensemble->add_option("--members,-m", ensc->members, "Members (member 0: the scenario as it is)")
        ->check(CLI::Range(1, 10000));
    ensemble->add_option("--seed", ensc->seed, "Seed of the perturbations (the same seed: the same ensemble)");
    ensemble->add_option("--jobs,-j", ensc->jobs, "Members at once (default: the cores)")->check(CLI::Range(1, 4096));
    ensemble->add_option("--threads,-t", ensc->threads, "Threads per member (default: cores / jobs)")
        ->check(CLI::Range(1, 4096));
    ensemble->add_option("--scale-sigma", ensc->scale_sigma, "Rain factor exp(N(0, s)) (default 0.2)");
    ensemble->add_option("--shift-sigma", ensc->shift_sigma_min, "Time shift N(0, s) minutes (default 30)");
    ensemble->add_option("--displacement-sigma", ensc->displacement_sigma_m,
                         "Rain grids moved N(0, s) m east and north (default 1000)");
    ensemble->add_option("--assets", ensc->assets, "Assets (id, name): per-asset probability of each warning level");
    ensemble->add_option("--levels", ensc->levels, "LEVELS.toml for the assets (depth criterion)");
    ensemble->add_option("--out,-o", ensc->out, "Ensemble file (HDF5)")->required();
    on_chosen(ensemble, chosen, ensc, [](floodsim::EnsembleCli& c) { return floodsim::ensemble_command(c); });
}

}  // namespace

int main(int argc, char** argv) {
    floodsim::passive_wait_when_shared(argv);  // may start the program again, before any work
    floodsim::skip_hdf5_cleanup_at_exit();  // a program's choice, never the library's
    CLI::App app{"floodsim: 2D shallow-water flood and inundation simulation"};
    app.set_version_flag("--version", std::string("floodsim ") + FLOODSIM_VERSION);
    app.require_subcommand(1);
    Chosen chosen;
    add_model_commands(app, chosen);
    add_storm_commands(app, chosen);
    add_result_commands(app, chosen);
    add_operations_commands(app, chosen);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    return chosen ? chosen() : 2;
}
