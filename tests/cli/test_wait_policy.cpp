// The busy-machine test behind floodsim's OpenMP wait policy (cli/wait_policy.hpp): /proc/stat's
// cpu line read, and the cores busy between two readings.
#include <gtest/gtest.h>

#include "cli/wait_policy.hpp"

namespace {

TEST(WaitPolicy, ReadsTheCpuLineOfProcStat) {
    floodsim::CpuTimes t;
    // user nice system idle iowait irq softirq steal guest guest_nice
    ASSERT_TRUE(floodsim::parse_cpu_times("cpu  352812 0 40834 968029 1218 0 434 8555 0 0", t));
    EXPECT_EQ(t.total, 352812ull + 40834 + 968029 + 1218 + 434 + 8555);
    EXPECT_EQ(t.busy, 352812ull + 40834 + 434 + 8555);  // idle and iowait left out, steal counted
    // an old kernel's four fields
    ASSERT_TRUE(floodsim::parse_cpu_times("cpu 10 0 5 85", t));
    EXPECT_EQ(t.total, 100ull);
    EXPECT_EQ(t.busy, 15ull);
    EXPECT_FALSE(floodsim::parse_cpu_times("cpu0 1 2 3 4", t));
    EXPECT_FALSE(floodsim::parse_cpu_times("intr 1783593 0 0", t));
    EXPECT_FALSE(floodsim::parse_cpu_times("", t));
}

TEST(WaitPolicy, BusyCoresBetweenTwoReadings) {
    // 2 cores, 20 ticks in all: one core busy throughout, the other idle
    EXPECT_DOUBLE_EQ(floodsim::busy_cores({100, 1000}, {110, 1020}, 2), 1.0);
    // 4 cores, busy an eighth of the time: half a core
    EXPECT_DOUBLE_EQ(floodsim::busy_cores({100, 1000}, {102, 1016}, 4), 0.5);
    EXPECT_DOUBLE_EQ(floodsim::busy_cores({100, 1000}, {100, 1020}, 2), 0.0);
    // nothing to tell: no time passed, counters gone back, no cores
    EXPECT_LT(floodsim::busy_cores({100, 1000}, {100, 1000}, 2), 0.0);
    EXPECT_LT(floodsim::busy_cores({100, 1000}, {90, 1010}, 2), 0.0);
    EXPECT_LT(floodsim::busy_cores({100, 1000}, {110, 1020}, 0), 0.0);
}

}  // namespace
