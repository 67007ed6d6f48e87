#include "scenarios/clock_time.hpp"

#include <cstdio>

namespace floodsim {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (the era arithmetic of
// H. Hinnant's "chrono-Compatible Low-Level Date Algorithms": 400-year eras of 146097 days).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2);
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int month_days(std::int64_t y, int m) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

/// `n` digits at text[pos], advancing pos; -1 if not digits.
int digits(std::string_view text, std::size_t& pos, int n) {
    if (pos + static_cast<std::size_t>(n) > text.size()) return -1;
    int v = 0;
    for (int k = 0; k < n; ++k) {
        const char c = text[pos + static_cast<std::size_t>(k)];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    pos += static_cast<std::size_t>(n);
    return v;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

struct Fields {
    std::int64_t y;
    int mo, d, h, mi, s;
};

Fields fields_of(std::int64_t local_s) {
    std::int64_t days = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
    const std::int64_t secs = local_s - days * 86400;
    Fields f{};
    civil_from_days(days, f.y, f.mo, f.d);
    f.h = static_cast<int>(secs / 3600);
    f.mi = static_cast<int>(secs % 3600 / 60);
    f.s = static_cast<int>(secs % 60);
    return f;
}

}  // namespace

std::optional<ClockTime> parse_clock_time(std::string_view text) {
    std::size_t p = 0;
    const int y = digits(text, p, 4);
    if (y < 0 || !expect(text, p, '-')) return std::nullopt;
    const int mo = digits(text, p, 2);
    if (mo < 1 || mo > 12 || !expect(text, p, '-')) return std::nullopt;
    const int d = digits(text, p, 2);
    if (d < 1 || d > month_days(y, mo)) return std::nullopt;
    if (!(expect(text, p, 'T') || expect(text, p, ' '))) return std::nullopt;
    const int h = digits(text, p, 2);
    if (h < 0 || h > 23 || !expect(text, p, ':')) return std::nullopt;
    const int mi = digits(text, p, 2);
    if (mi < 0 || mi > 59) return std::nullopt;
    int s = 0;
    if (expect(text, p, ':')) {
        s = digits(text, p, 2);
        if (s < 0 || s > 59) return std::nullopt;
        if (expect(text, p, '.')) {
            const std::size_t start = p;
            while (p < text.size() && text[p] == '0') ++p;
            if (p == start || (p < text.size() && text[p] >= '1' && text[p] <= '9')) return std::nullopt;
        }
    }
    int offset = 0;
    if (expect(text, p, 'Z') || expect(text, p, 'z')) {
        offset = 0;
    } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
        const int sign = text[p] == '-' ? -1 : 1;
        ++p;
        const int oh = digits(text, p, 2);
        if (oh < 0 || oh > 14) return std::nullopt;
        const bool colon = expect(text, p, ':');
        const int om = digits(text, p, 2);
        if (om < 0 || om > 59) return std::nullopt;
        (void)colon;
        offset = sign * (oh * 60 + om);
    } else {
        return std::nullopt;  // no offset
    }
    if (p != text.size()) return std::nullopt;
    const std::int64_t local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return ClockTime{local - static_cast<std::int64_t>(offset) * 60, offset};
}

std::string format_clock_time(std::int64_t utc_s, int offset_min, bool utc_as_minus_zero) {
    const Fields f = fields_of(utc_s + static_cast<std::int64_t>(offset_min) * 60);
    const int a = offset_min < 0 ? -offset_min : offset_min;
    const char sign = offset_min < 0 || (offset_min == 0 && utc_as_minus_zero) ? '-' : '+';
    char b[64];
    std::snprintf(b, sizeof b, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", static_cast<long long>(f.y), f.mo, f.d,
                  f.h, f.mi, f.s, sign, a / 60, a % 60);
    return b;
}

std::string text_clock_time(std::int64_t utc_s, int offset_min) {
    const Fields f = fields_of(utc_s + static_cast<std::int64_t>(offset_min) * 60);
    char b[48];
    std::snprintf(b, sizeof b, "%04lld-%02d-%02d %02d:%02d", static_cast<long long>(f.y), f.mo, f.d, f.h, f.mi);
    return b;
}

std::string compact_clock_time(std::int64_t utc_s, int offset_min) {
    const Fields f = fields_of(utc_s + static_cast<std::int64_t>(offset_min) * 60);
    char b[32];
    std::snprintf(b, sizeof b, "%04lld%02d%02d%02d%02d%02d", static_cast<long long>(f.y), f.mo, f.d, f.h, f.mi, f.s);
    return b;
}

}  // namespace floodsim
