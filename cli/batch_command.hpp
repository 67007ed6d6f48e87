#pragma once
// floodsim batch (INTERFACE section 8, docs/operations.md): many scenarios, each run as a child
// `floodsim run --json`, as many at once as the cores allow; JSON lines on stdout.
#include <string>

namespace floodsim {

struct BatchCli {
    std::string manifest;
    int jobs = 0;      ///< --jobs: runs at once; 0: the manifest's, else the cores
    int cores = 0;     ///< --cores: cores the batch may use; 0: the manifest's, else the machine's
    int retries = -1;  ///< --retries: extra attempts of a failed run; -1: the manifest's (default 0)
};

/// Exit status: 0 every scenario finished, 1 any failed (the others still ran to their end),
/// 2 a bad manifest or command line (nothing run).
int batch_command(const BatchCli& cli);

}  // namespace floodsim
