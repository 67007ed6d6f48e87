// A team smaller than the one asked for (OMP_THREAD_LIMIT on a batch system, OMP_DYNAMIC, a run
// started inside another parallel region) must give the same results, bit for bit, as one thread:
// the sweeps split their rows over the team they obtain. And the solver leaves the host's OpenMP
// settings as it found them.
#include <gtest/gtest.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <memory>

#include "scheme_cases.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

constexpr double kEnd = 40.0;  // s: dry tiles skipped, then rain from 30 to 38 s

/// The size of the team a `parallel num_threads(asked)` region obtains here and now.
int team_obtained(int asked) {
    int n = 0;
#pragma omp parallel num_threads(asked) default(none) shared(n)
    {
#pragma omp single
        n = omp_get_num_threads();
    }
    return n;
}

class SmallTeam : public ::testing::TestWithParam<SchemeCase> {
protected:
    /// Runs a 1-thread reference, then `run_reduced(make)` (which steps simulations asked for 2
    /// and 3 threads under a reduced team) and compares each with the reference.
    template <class Sim, class F>
    void check(F&& run_reduced) {
        Sim ref(testing::busy_catchment(GetParam().scheme, 1));
        ref.advance_to(kEnd);
        ASSERT_GT(ref.ledger().inflow, 0.0);
        ASSERT_GT(ref.ledger().outflow, 0.0);
        for (int threads : {2, 3}) {
            SCOPED_TRACE(threads);
            std::unique_ptr<Sim> sim = run_reduced.template operator()<Sim>(threads);
            ASSERT_NE(sim, nullptr);
            testing::expect_same_run(*sim, ref);
        }
    }

    /// check() for simulations stepped on this thread, whose OpenMP settings give a team of 1.
    void check_here_with_a_team_of_one() {
        testing::with_precision(GetParam().precision, [&]<class Sim>() {
            check<Sim>([&]<class S>(int threads) {
                EXPECT_EQ(team_obtained(threads), 1);
                auto sim = std::make_unique<S>(testing::busy_catchment(GetParam().scheme, threads));
                sim->advance_to(kEnd);
                return sim;
            });
        });
    }
};

// (a) Each thread of an outer team runs a simulation of its own; nested parallelism is off, so
// the simulation's regions get a team of 1.
TEST_P(SmallTeam, NestedInsideAnOuterParallelRegion) {
    const int saved_levels = omp_get_max_active_levels();
    omp_set_max_active_levels(1);
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        check<Sim>([&]<class S>(int threads) {
            std::unique_ptr<S> sims[2];
            int inner_team[2] = {0, 0};
            const ModelSetup setup = testing::busy_catchment(GetParam().scheme, threads);
#pragma omp parallel num_threads(2) default(none) shared(sims, inner_team, setup, threads)
            {
                const int t = omp_get_thread_num();
                inner_team[t] = team_obtained(threads);
                sims[t] = std::make_unique<S>(setup);
                sims[t]->advance_to(kEnd);
            }
            EXPECT_EQ(inner_team[0], 1);
            if (sims[1]) testing::expect_same_run(*sims[0], *sims[1]);
            return std::move(sims[0]);
        });
    });
    omp_set_max_active_levels(saved_levels);
}

// (b) Dynamic adjustment: libgomp then gives at most as many threads as the calling thread has
// CPUs (less the load average); the thread is pinned to one CPU so that the team is 1 for sure.
TEST_P(SmallTeam, DynamicTeams) {
    const int saved_dynamic = omp_get_dynamic();
    cpu_set_t saved_cpus;
    ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof saved_cpus, &saved_cpus), 0);
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &saved_cpus)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
    omp_set_dynamic(1);
    check_here_with_a_team_of_one();
    omp_set_dynamic(saved_dynamic);
    pthread_setaffinity_np(pthread_self(), sizeof saved_cpus, &saved_cpus);
}

// (c) No active parallel level at all: every region runs on a team of 1.
TEST_P(SmallTeam, NoActiveLevels) {
    const int saved_levels = omp_get_max_active_levels();
    omp_set_max_active_levels(0);
    check_here_with_a_team_of_one();
    omp_set_max_active_levels(saved_levels);
}

// The solver changes none of the host's OpenMP settings (it only asks for a team per region).
TEST_P(SmallTeam, HostSettingsUntouched) {
    const int dynamic = omp_get_dynamic(), levels = omp_get_max_active_levels(), threads = omp_get_max_threads();
    const omp_sched_t kind0 = [] { omp_sched_t k; int c; omp_get_schedule(&k, &c); return k; }();
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim sim(testing::busy_catchment(GetParam().scheme, 3));
        sim.advance_to(kEnd);
        (void)sim.volume();
        (void)sim.supercritical_fraction();
    });
    EXPECT_EQ(omp_get_dynamic(), dynamic);
    EXPECT_EQ(omp_get_max_active_levels(), levels);
    EXPECT_EQ(omp_get_max_threads(), threads);
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    EXPECT_EQ(kind, kind0);
}

INSTANTIATE_TEST_SUITE_P(Schemes, SmallTeam, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
