#pragma once
// State files: a solver State (solver/state.hpp: everything a bitwise restart needs) in HDF5,
// with what it belongs to (grid, scheme, precision, the scenario). Layout: docs/state-file.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "solver/state.hpp"

namespace floodsim {

/// Where a run stood when a checkpoint was written: what `--resume` needs beyond the State to
/// continue the run and its result file bit for bit (docs/checkpoints.md). Plain state files
/// (`--save-state`) have none.
struct RunPosition {
    std::string result_path;          ///< absolute; empty: the run wrote no result file
    std::uint64_t journal_bytes = 0;  ///< the result journal's length at the checkpoint
    std::int64_t frames_taken = 0;    ///< output frames already written
    std::int64_t samples_taken = 0;   ///< gauge samples (and mass-balance rows) already written
    double frames_written_at = -1.0;  ///< s: time of the last frame written (-1: none)
    double pump_last_t = 0.0;         ///< s: time of the previous pump sample
    std::vector<double> pump_last;    ///< m3: each pump's volume at that sample
    bool warned_supercritical = false;
    /// The online warnings' state ([warning]; engine/online_warnings.hpp save()), empty: none.
    std::string online_warnings;
};

/// What a state belongs to: checked when a state is read for a run.
struct StateFileInfo {
    std::string scheme;     ///< fv1 | fv2 | inertial
    std::string precision;  ///< double | single
    std::string scenario_name;
    std::string scenario_text;  ///< the scenario file's text when the state was saved
    std::string floodsim_version;
    /// Set: the file is a checkpoint of a run in progress (group /run).
    std::optional<RunPosition> run;
};

/// The scenario hash a state file records (`scenario_crc32`: CRC-32 of the scenario's text, 8 hex
/// digits), for messages; the check on resume compares the whole text.
std::string scenario_hash(const std::string& scenario_text);

/// Writes `s` to `path` atomically: a temporary file in the same folder (fsync'ed), renamed to
/// `path`, the folder fsync'ed. Throws std::runtime_error naming the path on failure (no
/// temporary file is left behind).
/// How the fields are stored: deflated (about half the bytes: states kept for hot starts) or as
/// they are (about 6 x faster to write: checkpoints, written during a run and soon replaced;
/// docs/checkpoints.md has the figures).
enum class StateStorage { Deflate, Raw };

template <class Real>
void write_state_file(const std::string& path, const State<Real>& s, const StateFileInfo& info,
                      StateStorage storage = StateStorage::Deflate);

/// Reads a state file written by write_state_file for the same precision. `info` receives what
/// the file says it belongs to (the caller checks it against its run). Throws InputError
/// (file, the dataset or attribute at fault, the value) when the file is not a floodsim state
/// file, is of another precision or format version, or is damaged.
template <class Real>
State<Real> read_state_file(const std::string& path, StateFileInfo* info = nullptr);

}  // namespace floodsim
