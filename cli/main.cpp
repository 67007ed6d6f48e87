// floodsim: the command-line tool. Parses arguments and hands over to the commands.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.hpp"
#include "io/hdf5_result_writer.hpp"

int main(int argc, char** argv) {
    floodsim::skip_hdf5_cleanup_at_exit();  // a program's choice, never the library's
    CLI::App app{"floodsim: 2D shallow-water flood and inundation simulation"};
    app.set_version_flag("--version", std::string("floodsim ") + FLOODSIM_VERSION);
    app.require_subcommand(1);

    std::string scenario, result;
    floodsim::RunOptions opts;
    CLI::App* run = app.add_subcommand("run", "Run a scenario and write its HDF5 result");
    run->add_option("scenario", scenario, "Scenario file (TOML)")->required();
    run->add_option("--output,-o", opts.output, "Result file (overrides output.file)");
    run->add_option("--threads,-t", opts.threads, "Worker threads (0 = all cores; overrides solver.threads)")
        ->check(CLI::Range(0, 4096));
    run->add_flag("--quiet,-q", opts.quiet, "No progress output");

    CLI::App* check = app.add_subcommand("check", "Validate a scenario and all its inputs; run nothing");
    check->add_option("scenario", scenario, "Scenario file (TOML)")->required();
    double pit_height = floodsim::kDefaultPitHeight;
    check->add_option("--pit-height", pit_height, "Report DEM cells this many metres below/above all their neighbours")
        ->check(CLI::PositiveNumber);

    CLI::App* info = app.add_subcommand("info", "Summarise a result file");
    info->add_option("result", result, "Result file (HDF5)")->required();

    CLI::App* scenario_cmd = app.add_subcommand("scenario", "Scenario construction");
    scenario_cmd->require_subcommand(1);
    CLI::App* scenario_new = scenario_cmd->add_subcommand(
        "new", "Create a runnable scenario folder on the synthetic Shangjie district (not survey data)");
    std::string new_dir, template_name;
    double resolution = 10.0;
    unsigned long long seed = 1;
    scenario_new->add_option("dir", new_dir, "Folder to create (must not exist or be empty)")->required();
    scenario_new->add_option("--template", template_name, "urban | river | flash | 720")->required();
    scenario_new->add_option("--resolution", resolution, "Cell size of the district's rasters, m (default 10)");
    scenario_new->add_option("--seed", seed, "Seed of the synthetic district (default 1)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    if (*run) return floodsim::run_command(scenario, opts);
    if (*check) return floodsim::check_command(scenario, pit_height);
    if (*info) return floodsim::info_command(result);
    if (*scenario_new) return floodsim::scenario_new_command(new_dir, template_name, resolution, seed);
    return 2;
}
