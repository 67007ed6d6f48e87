#pragma once
// The floodsim commands, as functions returning the process exit status (0 ok, 2 bad input,
// 1 internal failure, 130 interrupted). main.cpp only parses the command line.
#include <string>

namespace floodsim {

struct RunOptions {
    std::string output;  ///< overrides output.file when not empty
    int threads = -1;    ///< overrides solver.threads when >= 0 (0 = all cores)
    bool quiet = false;  ///< no progress lines (the summary is still printed)
};

int run_command(const std::string& scenario_path, const RunOptions& opts);
int check_command(const std::string& scenario_path);
int info_command(const std::string& result_path);

}  // namespace floodsim
