#pragma once
// AsyncResultWriter: the result file written off the solver's critical path.
//
// One writer thread owns an Hdf5ResultWriter and makes every HDF5 call of it (HDF5 1.10 is not
// thread-safe): creation, frames, gauges, mass balance, flushes, finish and the removal of an
// unfinished file. The calling (solver) thread only copies a frame into one of a few frame
// buffers and queues it; it blocks when all buffers are in flight (the writer is behind), so
// memory stays bounded. Work is done in the order it was queued, so the file is the same as
// the one Hdf5ResultWriter writes when called directly with the same sequence.
//
// Errors: the writer thread's first exception is kept and rethrown, unchanged, on the calling
// thread by the next call (any of them, including finish() and wait_idle()); work queued after
// the error is dropped. Destroying the writer before finish() discards what is still queued and
// removes the partial file, as Hdf5ResultWriter does.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "io/hdf5_result_writer.hpp"

namespace floodsim {

struct AsyncWriterOptions {
    /// Frame buffers: frames copied but not yet written (at least 1).
    std::size_t frames_in_flight = 2;
    /// Further queued items (gauge samples, mass-balance rows, flushes) before the caller blocks.
    std::size_t max_queued_items = 4096;
    /// Test hook: called on the writer thread before each operation with its name ("frame",
    /// "gauge", "pump", "mass_balance", "flush", "finish"); whatever it throws is a write error.
    std::function<void(const char* operation)> before_write;
    /// The result journal (io/result_journal.hpp) that checkpoints rely on: every frame, gauge,
    /// pump and mass-balance item is appended to it after it went into the file. Empty: none.
    std::string journal_path;
    /// Resuming: the journal's length recorded by the checkpoint. Its records up to there are
    /// replayed into the new file before anything else, the rest is cut off. Empty: a new journal.
    std::optional<std::uint64_t> resume_journal_bytes;
};

class AsyncResultWriter {
public:
    /// Starts the writer thread, which creates the file (Hdf5ResultWriter's constructor); waits
    /// for it and rethrows its exception here if the file cannot be created.
    AsyncResultWriter(const std::string& final_path, const ResultMetadata& meta, AsyncWriterOptions options = {});
    /// Without finish(): discards queued work, removes the partial file and joins the thread.
    ~AsyncResultWriter();
    AsyncResultWriter(const AsyncResultWriter&) = delete;
    AsyncResultWriter& operator=(const AsyncResultWriter&) = delete;

    /// Fills a frame buffer on the calling thread: depth, and vx, vy when velocities are written
    /// (else null), each nx*ny float32 as for Hdf5ResultWriter::write_frame.
    using FrameFill = std::function<void(float* depth, float* vx, float* vy)>;

    /// Queues one frame: waits for a free frame buffer, calls `fill` to fill it, queues it.
    void write_frame(double time, const FrameFill& fill);
    /// Queues one frame, copying the given arrays (vx, vy may be null without velocities).
    void write_frame(double time, const float* depth, const float* vx, const float* vy);
    void write_gauge(std::size_t gauge, const GaugeSample& s);
    void write_pump(std::size_t pump, const PumpSample& s);
    void write_mass_balance(const MassBalanceRow& row);
    void flush();
    /// Queues the maxima and run attributes and waits until the file is complete under its final
    /// name (or rethrows the error that prevented it).
    /// A non-empty `incomplete_reason` marks a run that stopped before its end (Hdf5ResultWriter).
    void finish(const float* max_depth, const float* max_speed, const float* arrival_time, std::int64_t steps,
                double wall_time_s, const std::string& incomplete_reason = "");

    /// Waits until everything queued is written; rethrows a writer error.
    void wait_idle();
    /// Waits until everything queued is written and in the journal, makes the journal durable
    /// (fsync) and returns its length: what a checkpoint records. Requires a journal.
    std::uint64_t sync_journal();
    /// A writer destroyed before finish() keeps its journal (a checkpoint refers to it) while it
    /// still removes the partial file. finish() removes the journal in any case.
    void keep_journal();
    /// Rethrows the writer thread's error, if there was one.
    void check();

    /// Seconds the writer thread spent writing, and the caller spent blocked on a full queue.
    double writer_seconds() const;
    double blocked_seconds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace floodsim
