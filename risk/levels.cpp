#include "risk/levels.hpp"

#include <stdexcept>

namespace floodsim::risk {

namespace {
// Colours of China's four-tier warning signals (GB/T 27962 style), as map colours.
constexpr LevelInfo kLevels[kLevelCount] = {
    {1, "red", "红色", "Extreme", {220, 30, 30}},
    {2, "orange", "橙色", "Severe", {245, 140, 20}},
    {3, "yellow", "黄色", "Moderate", {245, 220, 30}},
    {4, "blue", "蓝色", "Minor", {40, 110, 230}},
};
}  // namespace

const LevelInfo& level_info(int level) {
    if (level < 1 || level > kLevelCount) throw std::out_of_range("warning level " + std::to_string(level) + " is not 1..4");
    return kLevels[level - 1];
}

}  // namespace floodsim::risk
