#pragma once
// `floodsim run --json` (docs/operations.md): the run as JSON lines on stdout, one object per
// line, for batch drivers and schedulers: start, progress (every `interval_s` of wall time),
// end with the run's figures, or error with the message and exit status.
#include <chrono>
#include <string>

#include "floodsim/run.hpp"

namespace floodsim {

class RunEvents {
public:
    explicit RunEvents(double interval_s = 10.0) : interval_s_(interval_s) {}
    void start(const RunSummary& s);
    /// A progress line when `interval_s` of wall time passed since the last line.
    void progress(const ProgressView& p);
    void end(const RunSummary& s);
    /// status: the process's exit status (2 bad input, 1 failure, 130 interrupted).
    static void error(int status, const std::string& message);

private:
    double interval_s_;
    std::chrono::steady_clock::time_point last_{};
    std::chrono::steady_clock::time_point t0_{};
};

}  // namespace floodsim
