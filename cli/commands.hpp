#pragma once
// The floodsim commands, as functions returning the process exit status (0 ok, 2 bad input,
// 1 internal failure, 130 interrupted). main.cpp only parses the command line.
#include <string>

namespace floodsim {

/// m: `check`'s default height for reporting isolated pits and spikes of the DEM.
inline constexpr double kDefaultPitHeight = 5.0;

struct RunOptions {
    std::string output;  ///< overrides output.file when not empty
    int threads = -1;    ///< overrides solver.threads when >= 0 (0 = all cores)
    bool quiet = false;  ///< no progress lines (the summary is still printed)
    /// JSON lines on stdout instead of the progress and the summary (cli/run_events.hpp,
    /// docs/operations.md); warnings still go to stderr
    bool json = false;
    std::string save_state;  ///< a state file written at the end (a hot start's [initial] state)
    std::string resume;      ///< a checkpoint to continue from (docs/checkpoints.md)
};

int run_command(const std::string& scenario_path, const RunOptions& opts);
/// pit_height: m; a cell this far below (above) all its neighbours is reported as a pit (spike).
/// `write_model`: a folder (created if missing) that receives model_dem.tif, model_mask.tif and
/// model_manning.tif (docs/terrain.md); empty: none.
int check_command(const std::string& scenario_path, double pit_height = kDefaultPitHeight,
                  const std::string& write_model = "");
int info_command(const std::string& result_path);
/// `scenario new`: a scenario folder of `template_name` (urban | river | flash | 720) on the
/// synthetic Shangjie district at `resolution_m` metres from `seed` (docs/scenarios.md).
int scenario_new_command(const std::string& dir, const std::string& template_name, double resolution_m,
                         unsigned long long seed);

}  // namespace floodsim
