#pragma once
// Progress of a run on stderr: rewritten in place on a terminal, a line every few seconds of
// wall time otherwise (logs of batch jobs stay readable).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace floodsim {

class ProgressReporter {
public:
    ProgressReporter(double duration_s, bool quiet);
    /// Called after steps; prints when due. t: simulated time, dt: last step, wet: wet cells.
    void update(double t, double dt, std::int64_t wet, std::int64_t steps, bool force = false);
    /// Ends the in-place line on a terminal.
    void finish();
    double elapsed() const;

private:
    using Clock = std::chrono::steady_clock;
    double duration_;
    bool quiet_, tty_;
    Clock::time_point start_, last_;
    bool printed_ = false;
};

}  // namespace floodsim
