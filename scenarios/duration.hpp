#pragma once
// Durations in scenario files (INTERFACE.md section 2): a number of seconds, or a string with
// a unit such as "90s", "15min", "1.5h", "2d". Shared by the loader and any other reader.
#include <string>
#include <string_view>

namespace floodsim {

/// s: the longest duration accepted (31.7 years). Beyond it a run could not finish, and time in
/// double precision would lose the resolution of a time step.
inline constexpr double kMaxDurationSeconds = 1.0e9;

/// Seconds in a duration string: a non-negative number followed by a unit, optionally separated
/// by spaces. Units: s, sec (seconds), min (minutes), h, hr (hours), d (days). A string without
/// a unit, an unknown unit ("15 minutes", "1.5x"), a negative number, NaN, inf or a duration
/// above kMaxDurationSeconds throws
/// InputError(file, key, text, reason).
double parse_duration(std::string_view text, const std::string& file, const std::string& key);

/// A duration given as a plain number of seconds: returned as is if in [0, kMaxDurationSeconds],
/// otherwise
/// InputError(file, key, value, reason).
double parse_duration(double seconds, const std::string& file, const std::string& key);

/// "1h 02min 03s" style, for simulated and wall times in messages and summaries.
std::string format_seconds(double s);

}  // namespace floodsim
