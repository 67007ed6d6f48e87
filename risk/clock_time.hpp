#pragma once
// Clock times of warnings (INTERFACE section 6): ISO 8601 date-times with a UTC offset, as given
// by --issue-time and by a scenario's `[time] start`.
#include <optional>
#include <string_view>

namespace floodsim::risk {

/// Seconds since 1970-01-01T00:00:00Z of "YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm|+hhmm)" (a
/// space may replace the T); std::nullopt if the text is not of that form or names no valid
/// date and time. The offset is required: a clock time without one is ambiguous.
std::optional<double> parse_iso8601(std::string_view text);

}  // namespace floodsim::risk
