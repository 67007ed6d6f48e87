#include "risk/levels.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using floodsim::risk::level_info;
using floodsim::risk::more_severe;

TEST(Levels, SeverityFollowsTheLevel) {
    EXPECT_EQ(std::string(level_info(1).cap_severity), "Extreme");
    EXPECT_EQ(std::string(level_info(2).cap_severity), "Severe");
    EXPECT_EQ(std::string(level_info(3).cap_severity), "Moderate");
    EXPECT_EQ(std::string(level_info(4).cap_severity), "Minor");
    EXPECT_EQ(std::string(level_info(4).colour_en), "blue");
    EXPECT_THROW(level_info(0), std::out_of_range);
    EXPECT_THROW(level_info(5), std::out_of_range);
}

TEST(Levels, OneIsTheMostSevere) {
    EXPECT_TRUE(more_severe(1, 2));
    EXPECT_TRUE(more_severe(4, 0));
    EXPECT_FALSE(more_severe(0, 4));
    EXPECT_FALSE(more_severe(3, 3));
    EXPECT_FALSE(more_severe(4, 1));
}
