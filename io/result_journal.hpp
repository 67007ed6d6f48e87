#pragma once
// The result journal: what a checkpointed run has written to its result file, as an append-only
// log beside it (`<result>.journal`; docs/checkpoints.md). HDF5 rewrites its own structures in
// place, so a result file whose writer was killed may not be readable; a file that is only ever
// appended to keeps every byte it had when it was last synced. A checkpoint records the
// journal's length at that moment (after an fsync); `--resume` cuts the journal there, replays
// it into a new result file and appends from there: the result ends as the uninterrupted run's.
//
// Format: a 32-byte header ("floodsim-journal", format version, cells per frame, velocities),
// then records: kind (u8), index (u32), payload bytes (u64), payload, CRC-32 of everything
// before it in the record (u32), little-endian. Frames are deflated (zlib, level 1).
#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_result_writer.hpp"

namespace floodsim {

class ResultJournal {
public:
    /// The journal of the result file `result_path`.
    static std::string path_for(const std::string& result_path) { return result_path + ".journal"; }

    /// Creates (or replaces) the journal at `path` for frames of `cells` values with or without
    /// velocities. Throws std::runtime_error naming the path.
    static ResultJournal create(const std::string& path, std::size_t cells, bool velocity);

    /// Opens the journal a checkpoint refers to, checks its header and every record up to
    /// `bytes` (its length at the checkpoint), replays those records into `out` and cuts the
    /// journal there, ready to append. Throws InputError(path, "journal", ...) when the journal
    /// is missing, of another run's shape, or shorter than `bytes` or damaged before it.
    static ResultJournal resume(const std::string& path, std::uint64_t bytes, std::size_t cells, bool velocity,
                                Hdf5ResultWriter& out);

    ResultJournal(ResultJournal&& o) noexcept;
    ResultJournal& operator=(ResultJournal&& o) noexcept;
    ResultJournal(const ResultJournal&) = delete;
    ResultJournal& operator=(const ResultJournal&) = delete;
    ~ResultJournal();

    /// Appends one operation of the result writer (the same arguments). Throws
    /// std::runtime_error naming the journal when it cannot be written.
    void frame(double time, const float* depth, const float* vx, const float* vy);
    void gauge(std::size_t gauge, const GaugeSample& s);
    void pump(std::size_t pump, const PumpSample& s);
    void mass_balance(const MassBalanceRow& row);

    /// Makes everything appended so far durable (fsync) and returns the journal's length.
    std::uint64_t sync();
    /// Closes and deletes the journal (the result it belongs to is complete).
    void remove();
    const std::string& path() const { return path_; }

private:
    ResultJournal(std::string path, int fd, std::uint64_t bytes, std::size_t cells, bool velocity);
    void append(std::uint8_t kind, std::uint32_t index, const std::vector<unsigned char>& payload);

    std::string path_;
    int fd_ = -1;
    std::uint64_t bytes_ = 0;
    std::size_t cells_ = 0;
    bool velocity_ = false;
    std::vector<unsigned char> raw_, packed_;  // frame buffers, kept between frames
};

}  // namespace floodsim
