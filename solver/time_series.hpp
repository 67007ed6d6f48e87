#pragma once
// TimeSeries: a forcing value over time, either piecewise constant (each value holds from its time
// until the next one; used for rain) or piecewise linear (hydrographs, stage series). Before the
// first time the first value holds; after the last time the last value holds.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace floodsim {

class TimeSeries {
public:
    enum class Mode { Step, Linear };

    TimeSeries() = default;
    /// A constant value for all times.
    static TimeSeries constant(double v) { return TimeSeries({0.0}, {v}, Mode::Step); }
    TimeSeries(std::vector<double> t, std::vector<double> v, Mode mode)
        : t_(std::move(t)), v_(std::move(v)), mode_(mode) {}

    bool empty() const { return t_.empty(); }
    Mode mode() const { return mode_; }

    /// Value at time `time` (s).
    double at(double time) const {
        if (t_.empty()) return 0.0;
        if (time <= t_.front()) return v_.front();
        if (time >= t_.back()) return v_.back();
        const std::size_t k = static_cast<std::size_t>(std::upper_bound(t_.begin(), t_.end(), time) - t_.begin()) - 1;
        if (mode_ == Mode::Step) return v_[k];
        const double w = (time - t_[k]) / (t_[k + 1] - t_[k]);
        return v_[k] + w * (v_[k + 1] - v_[k]);
    }

    /// Mean value over [t0, t1] (exact for both modes); used to book volumes over a step.
    double mean(double t0, double t1) const {
        if (t1 <= t0) return at(t0);
        return integral(t0, t1) / (t1 - t0);
    }

    /// First breakpoint strictly after `time`, or +inf. Steps are clipped to hit breakpoints.
    double next_breakpoint(double time) const {
        auto it = std::upper_bound(t_.begin(), t_.end(), time);
        return it == t_.end() ? std::numeric_limits<double>::infinity() : *it;
    }

    const std::vector<double>& times() const { return t_; }
    const std::vector<double>& values() const { return v_; }

private:
    double integral(double a, double b) const {
        // Integrate piecewise over the breakpoints inside [a, b].
        double sum = 0.0;
        double t = a;
        while (t < b) {
            double nb = std::min(next_breakpoint(t), b);
            if (mode_ == Mode::Step) {
                sum += at(t) * (nb - t);
            } else {
                sum += 0.5 * (at(t) + at(nb)) * (nb - t);
            }
            t = nb;
        }
        return sum;
    }

    std::vector<double> t_, v_;
    Mode mode_ = Mode::Step;
};

}  // namespace floodsim
