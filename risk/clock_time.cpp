#include "risk/clock_time.hpp"

#include <cctype>
#include <cstdint>

namespace floodsim::risk {
namespace {

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
/// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// `n` decimal digits at `pos`, advancing it; false if they are not all digits.
bool digits(std::string_view s, std::size_t& pos, int n, int& out) {
    if (pos + static_cast<std::size_t>(n) > s.size()) return false;
    out = 0;
    for (int k = 0; k < n; ++k) {
        const char c = s[pos + static_cast<std::size_t>(k)];
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        out = out * 10 + (c - '0');
    }
    pos += static_cast<std::size_t>(n);
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<double> parse_iso8601(std::string_view s) {
    std::size_t p = 0;
    int y, mo, d, h, mi, sec;
    if (!digits(s, p, 4, y) || !expect(s, p, '-') || !digits(s, p, 2, mo) || !expect(s, p, '-') || !digits(s, p, 2, d))
        return std::nullopt;
    if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
    ++p;
    if (!digits(s, p, 2, h) || !expect(s, p, ':') || !digits(s, p, 2, mi) || !expect(s, p, ':') ||
        !digits(s, p, 2, sec))
        return std::nullopt;
    double fraction = 0.0;
    if (p < s.size() && s[p] == '.') {
        ++p;
        double scale = 0.1;
        const std::size_t first = p;
        while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
            fraction += scale * (s[p] - '0');
            scale *= 0.1;
            ++p;
        }
        if (p == first) return std::nullopt;
    }
    int offset_min = 0;
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
        ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
        const int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int oh, om;
        if (!digits(s, p, 2, oh)) return std::nullopt;
        if (p < s.size() && s[p] == ':') ++p;
        if (!digits(s, p, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_min = sign * (oh * 60 + om);
    } else {
        return std::nullopt;  // no offset
    }
    if (p != s.size()) return std::nullopt;
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0) || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const double local = static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + sec + fraction;
    return local - offset_min * 60.0;
}

}  // namespace floodsim::risk
