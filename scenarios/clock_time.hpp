#pragma once
// Clock times as scenarios and warnings write them: ISO 8601 with a UTC offset
// ("2021-07-20T16:00:00+08:00", "2021-07-20T08:00Z"). A time without an offset is refused: a
// warning chain crossing time zones must never guess which hour is meant.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floodsim {

struct ClockTime {
    std::int64_t utc_s = 0;  ///< seconds since 1970-01-01T00:00:00Z
    int offset_min = 0;      ///< the offset it was written with (+480 for +08:00); for printing
};

/// "YYYY-MM-DDThh:mm[:ss][Z|+hh:mm|-hh:mm]" (a space may replace 'T'; ss may carry a fraction,
/// which must be .0...: alerts are issued on whole seconds). Empty when not of that form, when a
/// field is out of range (month 13, 25 h, Feb 30) or when the offset is missing.
std::optional<ClockTime> parse_clock_time(std::string_view text);

/// "YYYY-MM-DDThh:mm:ss+hh:mm" of `utc_s` shown at `offset_min` ("Z" is never written: CAP and
/// GB/T 35965.1 examples carry the numeric offset). `utc_as_minus_zero`: UTC is written "-00:00",
/// as CAP 1.2 asks (its "+00:00" would read as a real zero offset).
std::string format_clock_time(std::int64_t utc_s, int offset_min, bool utc_as_minus_zero = false);

/// "YYYY-MM-DD hh:mm" of `utc_s` at `offset_min`, for texts read by people.
std::string text_clock_time(std::int64_t utc_s, int offset_min);

/// "YYYYMMDDhhmmss" of `utc_s` at `offset_min` (identifiers after GB/T 35965.1).
std::string compact_clock_time(std::int64_t utc_s, int offset_min);

}  // namespace floodsim
