#pragma once
// The manifest of `floodsim batch` (INTERFACE section 8, docs/operations.md): the scenarios of a
// batch, each with its result file and threads, and the batch's jobs, cores and retries.
#include <optional>
#include <string>
#include <vector>

namespace floodsim {

struct BatchEntry {
    std::string file;                 ///< the scenario file as written in the manifest (events name it so)
    std::string path;                 ///< the same, absolute (relative to the manifest's folder)
    std::string output;               ///< absolute result path; empty: the scenario's own
    std::optional<int> threads;       ///< threads of this run; empty: the batch's share per job
    int index = 0;                    ///< position in the manifest
};

struct BatchManifest {
    std::string path;                 ///< the manifest file
    std::vector<BatchEntry> scenarios;
    std::optional<int> jobs;          ///< runs at once (`jobs`); the command line wins
    std::optional<int> cores;         ///< cores the batch may use (`cores`); default: the machine's
    int retries = 0;                  ///< extra attempts of a run that failed (not of bad input)
};

/// Reads and checks the manifest at `path`: a TOML file with `[[scenario]]` tables (`file`
/// required; `output`, `threads` optional) and optional top-level `jobs`, `cores` and `retries`.
/// Every scenario file must exist. Throws InputError naming the manifest, the key and the value.
BatchManifest load_batch_manifest(const std::string& path);

}  // namespace floodsim
