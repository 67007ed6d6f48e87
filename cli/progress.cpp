#include "cli/progress.hpp"

#include "scenarios/duration.hpp"

#include <unistd.h>

#include <cmath>

namespace floodsim {

ProgressReporter::ProgressReporter(double duration_s, bool quiet)
    : duration_(duration_s), quiet_(quiet), tty_(isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}

double ProgressReporter::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void ProgressReporter::update(double t, double dt, std::int64_t wet, std::int64_t steps, bool force) {
    if (quiet_) return;
    const auto now = Clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!force && since < (tty_ ? 0.25 : 10.0)) return;
    last_ = now;
    const double wall = elapsed();
    const double frac = duration_ > 0.0 ? t / duration_ : 1.0;
    const double eta = frac > 0.0 ? wall * (1.0 - frac) / frac : NAN;
    std::fprintf(stderr, "%st = %s / %s (%5.1f%%)  dt = %.3gs  wet cells %lld  steps %lld  wall %s  ETA %s%s",
                 tty_ ? "\r" : "", format_seconds(t).c_str(), format_seconds(duration_).c_str(), 100.0 * frac, dt,
                 static_cast<long long>(wet), static_cast<long long>(steps), format_seconds(wall).c_str(),
                 format_seconds(eta).c_str(), tty_ ? "\033[K" : "\n");
    std::fflush(stderr);
    printed_ = true;
}

void ProgressReporter::finish() {
    if (!quiet_ && tty_ && printed_) std::fputc('\n', stderr);
}

}  // namespace floodsim
