#pragma once
// Bitwise comparison of two runs (thread counts, dry-tile skipping): the state, the volume and
// the ledger's boundary volumes must agree to the bit.
#include <gtest/gtest.h>

#include <cstring>

namespace floodsim::testing {

template <class Sim>
void expect_same_state(const Sim& a, const Sim& b) {
    using Real = typename Sim::real_type;
    ASSERT_EQ(a.steps(), b.steps());
    EXPECT_EQ(std::memcmp(a.h().data(), b.h().data(), a.h().size() * sizeof(Real)), 0) << "depth";
    EXPECT_EQ(std::memcmp(a.hu().data(), b.hu().data(), a.hu().size() * sizeof(Real)), 0) << "x momentum";
    EXPECT_EQ(std::memcmp(a.hv().data(), b.hv().data(), a.hv().size() * sizeof(Real)), 0) << "y momentum";
    EXPECT_EQ(a.volume(), b.volume());
    EXPECT_EQ(a.ledger().inflow, b.ledger().inflow);
    EXPECT_EQ(a.ledger().outflow, b.ledger().outflow);
}

}  // namespace floodsim::testing
