#include "scenarios/duration.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

#include "mesh/input_error.hpp"

namespace floodsim {
namespace {

constexpr const char* kUnitsHelp =
    "expected seconds as a number, or a number with a unit s, sec, min, h, hr or d "
    "(e.g. \"90s\", \"15min\", \"1.5h\", \"2d\")";

constexpr const char* kTooLong = "duration is longer than any simulation (at most 1e9 s, 31.7 years)";

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

double parse_duration(std::string_view text, const std::string& file, const std::string& key) {
    // An empty value would vanish from the message, so it is shown as "".
    const std::string shown = text.empty() ? std::string("\"\"") : std::string(text);
    const std::string_view s = trim(text);
    if (s.empty()) throw InputError(file, key, shown, std::string("empty duration; ") + kUnitsHelp);

    // Split into the leading number and the unit; from_chars also takes "nan"/"inf", which the
    // finiteness check below rejects, and never takes a leading '+' or hex.
    double number = 0.0;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    auto [end, ec] = std::from_chars(first, last, number);
    if (ec != std::errc() || end == first)
        throw InputError(file, key, shown, std::string("not a duration; ") + kUnitsHelp);
    if (!std::isfinite(number)) throw InputError(file, key, shown, "duration must be finite");
    if (number < 0.0 || std::signbit(number))
        throw InputError(file, key, shown, "duration must not be negative");

    const std::string_view unit = trim(std::string_view(end, static_cast<size_t>(last - end)));
    if (unit.empty())
        throw InputError(file, key, shown,
                         "a duration string needs a unit (s, sec, min, h, hr, d); "
                         "write a plain number for seconds");
    static constexpr std::array<std::pair<std::string_view, double>, 6> kUnits{{
        {"s", 1.0}, {"sec", 1.0}, {"min", 60.0}, {"h", 3600.0}, {"hr", 3600.0}, {"d", 86400.0}}};
    for (const auto& [name, factor] : kUnits) {
        if (unit == name) {
            const double seconds = number * factor;
            if (!(seconds <= kMaxDurationSeconds)) throw InputError(file, key, shown, kTooLong);
            return seconds;
        }
    }
    throw InputError(file, key, shown,
                     "unknown unit '" + std::string(unit) + "'; valid units: s, sec, min, h, hr, d");
}

double parse_duration(double seconds, const std::string& file, const std::string& key) {
    if (!std::isfinite(seconds))
        throw InputError(file, key, format_number(seconds, 17), "duration must be finite");
    if (seconds < 0.0)
        throw InputError(file, key, format_number(seconds, 17), "duration must not be negative");
    if (seconds > kMaxDurationSeconds) throw InputError(file, key, format_number(seconds, 17), kTooLong);
    return seconds;
}

std::string format_seconds(double s) {
    char buf[96];
    if (!std::isfinite(s)) return "?";
    if (s < 0.0) {
        std::string minus = format_seconds(-s);
        minus.insert(minus.begin(), '-');
        return minus;
    }
    // Whole hours as a real number: any finite time prints (no conversion to int).
    const double h = std::floor(s / 3600.0);
    const int min = static_cast<int>(std::fmod(s, 3600.0) / 60.0);
    const int sec = static_cast<int>(std::fmod(s, 60.0));
    if (s < 60.0)
        std::snprintf(buf, sizeof buf, "%.1fs", s);
    else if (s < 3600.0)
        std::snprintf(buf, sizeof buf, "%dmin %02ds", min, sec);
    else
        std::snprintf(buf, sizeof buf, "%.0fh %02dmin %02ds", h, min, sec);
    return buf;
}

}  // namespace floodsim
