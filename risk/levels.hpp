#pragma once
// Warning levels (INTERFACE section 6): 1 red (highest), 2 orange, 3 yellow, 4 blue; 0 none.
// One table for every product that shows a level: assets.csv, CAP severity, map colours.
#include <array>
#include <cstdint>
#include <string>

namespace floodsim::risk {

inline constexpr int kLevelCount = 4;  ///< levels 1..4; 0 is "no level"

struct LevelInfo {
    int level;                  ///< 1..4
    const char* colour_en;      ///< "red", "orange", "yellow", "blue"
    const char* colour_zh;      ///< 红色, 橙色, 黄色, 蓝色
    const char* cap_severity;   ///< CAP 1.2 severity: Extreme, Severe, Moderate, Minor
    std::array<std::uint8_t, 3> rgb;  ///< map colour
};

/// The table row of a level 1..4; throws std::out_of_range for any other value.
const LevelInfo& level_info(int level);

/// True when `a` is a more severe level than `b` (0 = none is below every level).
constexpr bool more_severe(int a, int b) noexcept {
    if (a == 0) return false;
    if (b == 0) return true;
    return a < b;
}

}  // namespace floodsim::risk
