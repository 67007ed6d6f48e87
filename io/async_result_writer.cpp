#include "io/async_result_writer.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "io/result_journal.hpp"

namespace floodsim {

namespace {

using Clock = std::chrono::steady_clock;

struct FrameTask {
    std::size_t slot;
    double time;
};
struct GaugeTask {
    std::size_t gauge;
    GaugeSample sample;
};
struct PumpTask {
    std::size_t pump;
    PumpSample sample;
};
struct MassTask {
    MassBalanceRow row;
};
struct FlushTask {};
struct SyncJournalTask {};
struct FinishTask {
    std::vector<float> max_depth, max_speed, arrival_time;
    std::int64_t steps;
    double wall_time_s;
    std::string incomplete_reason;
};
using Task = std::variant<FrameTask, GaugeTask, PumpTask, MassTask, FlushTask, SyncJournalTask, FinishTask>;

struct FrameBuffer {
    std::vector<float> depth, vx, vy;
};

}  // namespace

struct AsyncResultWriter::Impl {
    AsyncWriterOptions options;
    std::size_t cells = 0;
    bool velocity = false;

    std::mutex mutex;
    std::condition_variable to_writer;  // work queued, or stop
    std::condition_variable to_caller;  // buffer freed, work done, error, created, finished
    std::deque<Task> queue;
    std::vector<FrameBuffer> buffers;
    std::vector<bool> buffer_busy;  // filled or being filled, not yet written
    std::size_t small_items = 0;    // queued tasks other than frames
    bool busy = false;              // the writer thread is executing a task
    bool created = false, finished = false, stop = false;
    bool keep_journal = false;
    std::uint64_t journal_synced = 0;  // the journal's length at the last sync
    std::optional<ResultJournal> journal;  // used on the writer thread only
    std::exception_ptr error;
    double writer_s = 0.0, blocked_s = 0.0;

    std::thread thread;

    /// Rethrows the writer's error (lock held by the caller).
    void rethrow_locked() {
        if (error) std::rethrow_exception(error);
    }

    /// Waits (lock held) until `ready()`, an error, counting the time as blocked; rethrows.
    template <class Ready>
    void wait_for(std::unique_lock<std::mutex>& lock, Ready ready) {
        rethrow_locked();
        if (ready()) return;
        const auto t0 = Clock::now();
        to_caller.wait(lock, [&] { return error || ready(); });
        blocked_s += std::chrono::duration<double>(Clock::now() - t0).count();
        rethrow_locked();
    }

    void push(Task task) {
        std::unique_lock lock(mutex);
        if (!std::holds_alternative<FrameTask>(task)) {
            wait_for(lock, [&] { return small_items < options.max_queued_items; });
            ++small_items;
        }
        queue.push_back(std::move(task));
        to_writer.notify_one();
    }

    void run(const std::string& final_path, ResultMetadata& meta) {
        // Signals (SIGINT, SIGTERM) go to the solver thread, which polls for them.
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, nullptr);

        std::unique_ptr<Hdf5ResultWriter> writer;
        try {
            writer = std::make_unique<Hdf5ResultWriter>(final_path, meta);
            if (!options.journal_path.empty()) {
                if (options.resume_journal_bytes)
                    journal = ResultJournal::resume(options.journal_path, *options.resume_journal_bytes, cells,
                                                    velocity, *writer);
                else
                    journal = ResultJournal::create(options.journal_path, cells, velocity);
            }
        } catch (...) {
            writer.reset();  // removes the partial file
            std::lock_guard lock(mutex);
            error = std::current_exception();
            to_caller.notify_all();
            return;
        }
        std::vector<float>().swap(meta.bed_elevation);  // written: not kept for the whole run
        {
            std::lock_guard lock(mutex);
            created = true;
            to_caller.notify_all();
        }
        std::unique_lock lock(mutex);
        while (true) {
            to_writer.wait(lock, [&] { return stop || !queue.empty(); });
            if (stop) break;  // abandoned (the destructor), or done after finish
            Task task = std::move(queue.front());
            queue.pop_front();
            if (!std::holds_alternative<FrameTask>(task)) --small_items;
            if (error) {  // drop work queued after a failure, but free its buffer
                if (auto* f = std::get_if<FrameTask>(&task)) buffer_busy[f->slot] = false;
                to_caller.notify_all();
                continue;
            }
            busy = true;
            lock.unlock();
            const auto t0 = Clock::now();
            std::exception_ptr failure;
            bool done = false;
            try {
                done = execute(*writer, task);
            } catch (...) {
                failure = std::current_exception();
            }
            const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            lock.lock();
            busy = false;
            writer_s += seconds;
            if (auto* f = std::get_if<FrameTask>(&task)) buffer_busy[f->slot] = false;
            if (failure && !error) error = failure;
            if (done) finished = true;
            to_caller.notify_all();
        }
        const bool keep = keep_journal || finished;
        lock.unlock();
        // Unfinished: Hdf5ResultWriter's destructor closes the file and removes the partial file,
        // here, on the thread that made every other HDF5 call.
        writer.reset();
        if (journal && !keep) journal->remove();
    }

    /// Executes one task; true when it was finish().
    bool execute(Hdf5ResultWriter& w, Task& task) {
        if (auto* f = std::get_if<FrameTask>(&task)) {
            if (options.before_write) options.before_write("frame");
            const FrameBuffer& b = buffers[f->slot];
            const float* vx = velocity ? b.vx.data() : nullptr;
            const float* vy = velocity ? b.vy.data() : nullptr;
            w.write_frame(f->time, b.depth.data(), vx, vy);
            if (journal) journal->frame(f->time, b.depth.data(), vx, vy);
        } else if (auto* g = std::get_if<GaugeTask>(&task)) {
            if (options.before_write) options.before_write("gauge");
            w.write_gauge(g->gauge, g->sample);
            if (journal) journal->gauge(g->gauge, g->sample);
        } else if (auto* pt = std::get_if<PumpTask>(&task)) {
            if (options.before_write) options.before_write("pump");
            w.write_pump(pt->pump, pt->sample);
            if (journal) journal->pump(pt->pump, pt->sample);
        } else if (auto* m = std::get_if<MassTask>(&task)) {
            if (options.before_write) options.before_write("mass_balance");
            w.write_mass_balance(m->row);
            if (journal) journal->mass_balance(m->row);
        } else if (std::holds_alternative<FlushTask>(task)) {
            if (options.before_write) options.before_write("flush");
            w.flush();
        } else if (std::holds_alternative<SyncJournalTask>(task)) {
            if (options.before_write) options.before_write("sync_journal");
            const std::uint64_t bytes = journal->sync();
            std::lock_guard lock(mutex);
            journal_synced = bytes;
        } else if (auto* fin = std::get_if<FinishTask>(&task)) {
            if (options.before_write) options.before_write("finish");
            w.finish(fin->max_depth.data(), fin->max_speed.data(), fin->arrival_time.data(), fin->steps,
                     fin->wall_time_s, fin->incomplete_reason);
            if (journal) journal->remove();  // the result is complete: nothing to resume
            return true;
        }
        return false;
    }
};

AsyncResultWriter::AsyncResultWriter(const std::string& final_path, const ResultMetadata& meta,
                                     AsyncWriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.options = std::move(options);
    m.options.frames_in_flight = std::max<std::size_t>(m.options.frames_in_flight, 1);
    m.options.max_queued_items = std::max<std::size_t>(m.options.max_queued_items, 1);
    m.velocity = meta.write_velocity;
    if (meta.nx > 0 && meta.ny > 0) m.cells = static_cast<std::size_t>(meta.nx) * static_cast<std::size_t>(meta.ny);
    m.buffers.resize(m.options.frames_in_flight);
    m.buffer_busy.assign(m.options.frames_in_flight, false);
    // Buffers are allocated here (bounded: frames_in_flight frames), touched when first filled.
    for (FrameBuffer& b : m.buffers) {
        b.depth.resize(m.cells);
        if (m.velocity) {
            b.vx.resize(m.cells);
            b.vy.resize(m.cells);
        }
    }
    m.thread = std::thread([&m, final_path, own = meta]() mutable { m.run(final_path, own); });
    std::unique_lock lock(m.mutex);
    m.to_caller.wait(lock, [&] { return m.created || m.error; });
    if (m.error) {
        lock.unlock();
        m.thread.join();
        std::rethrow_exception(m.error);
    }
}

AsyncResultWriter::~AsyncResultWriter() {
    Impl& m = *impl_;
    {
        std::lock_guard lock(m.mutex);
        m.stop = true;
        m.queue.clear();
        m.to_writer.notify_all();
    }
    if (m.thread.joinable()) m.thread.join();
}

void AsyncResultWriter::write_frame(double time, const FrameFill& fill) {
    Impl& m = *impl_;
    std::size_t slot = 0;
    {
        std::unique_lock lock(m.mutex);
        if (m.finished) throw std::logic_error("write_frame after finish");
        m.wait_for(lock, [&] {
            return std::find(m.buffer_busy.begin(), m.buffer_busy.end(), false) != m.buffer_busy.end();
        });
        slot = static_cast<std::size_t>(std::find(m.buffer_busy.begin(), m.buffer_busy.end(), false) -
                                        m.buffer_busy.begin());
        m.buffer_busy[slot] = true;
    }
    FrameBuffer& b = m.buffers[slot];
    try {
        fill(b.depth.data(), m.velocity ? b.vx.data() : nullptr, m.velocity ? b.vy.data() : nullptr);
    } catch (...) {
        std::lock_guard lock(m.mutex);
        m.buffer_busy[slot] = false;
        throw;
    }
    std::lock_guard lock(m.mutex);
    m.queue.push_back(FrameTask{slot, time});
    m.to_writer.notify_one();
}

void AsyncResultWriter::write_frame(double time, const float* depth, const float* vx, const float* vy) {
    Impl& m = *impl_;
    if (!depth) throw std::invalid_argument("write_frame: depth is null");
    if (m.velocity && (!vx || !vy))
        throw std::invalid_argument("write_frame: velocities are written but vx or vy is null");
    const std::size_t bytes = m.cells * sizeof(float);
    write_frame(time, [&](float* d, float* bx, float* by) {
        std::memcpy(d, depth, bytes);
        if (bx) std::memcpy(bx, vx, bytes);
        if (by) std::memcpy(by, vy, bytes);
    });
}

void AsyncResultWriter::write_gauge(std::size_t gauge, const GaugeSample& s) { impl_->push(GaugeTask{gauge, s}); }
void AsyncResultWriter::write_pump(std::size_t pump, const PumpSample& s) { impl_->push(PumpTask{pump, s}); }

void AsyncResultWriter::write_mass_balance(const MassBalanceRow& row) { impl_->push(MassTask{row}); }

void AsyncResultWriter::flush() { impl_->push(FlushTask{}); }

void AsyncResultWriter::finish(const float* max_depth, const float* max_speed, const float* arrival_time,
                               std::int64_t steps, double wall_time_s, const std::string& incomplete_reason) {
    Impl& m = *impl_;
    if (!max_depth || !max_speed || !arrival_time) throw std::invalid_argument("finish: a maximum raster is null");
    FinishTask fin{std::vector<float>(max_depth, max_depth + m.cells), std::vector<float>(max_speed, max_speed + m.cells),
                   std::vector<float>(arrival_time, arrival_time + m.cells), steps, wall_time_s, incomplete_reason};
    {
        std::lock_guard lock(m.mutex);
        if (m.finished) throw std::logic_error("finish called twice");
    }
    m.push(std::move(fin));
    std::unique_lock lock(m.mutex);
    m.wait_for(lock, [&] { return m.finished; });
}

void AsyncResultWriter::wait_idle() {
    Impl& m = *impl_;
    std::unique_lock lock(m.mutex);
    m.wait_for(lock, [&] { return m.queue.empty() && !m.busy; });
}

std::uint64_t AsyncResultWriter::sync_journal() {
    Impl& m = *impl_;
    if (m.options.journal_path.empty()) throw std::logic_error("sync_journal without a journal");
    m.push(SyncJournalTask{});
    wait_idle();
    std::lock_guard lock(m.mutex);
    return m.journal_synced;
}

void AsyncResultWriter::keep_journal() {
    std::lock_guard lock(impl_->mutex);
    impl_->keep_journal = true;
}

void AsyncResultWriter::check() {
    Impl& m = *impl_;
    std::lock_guard lock(m.mutex);
    m.rethrow_locked();
}

double AsyncResultWriter::writer_seconds() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->writer_s;
}

double AsyncResultWriter::blocked_seconds() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->blocked_s;
}

}  // namespace floodsim
