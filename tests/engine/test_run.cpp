// The library (include/floodsim/run.hpp), linked as the installed shared library is: frames and
// observers, early stop and continuation, advance to exact times, bad input, concurrent runs,
// equality with the CLI's result file, and a host process left as it was.
#include <omp.h>
#include <signal.h>
#include <floodsim/run.hpp>

#include <clocale>
#include <cmath>
#include <thread>

#include "../cli/cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

/// The default example, shortened to `duration` (frames every 5 min, gauges every 30 s), in a
/// folder of its own; scheme and precision as given.
fs::path write_example(const TempDir& d, const std::string& duration = "15min", const std::string& scheme = "fv1",
                       const std::string& precision = "double") {
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    std::string text = read_text(example / "urban.toml");
    text = replace_once(text, "duration = \"1.5h\"", "duration = \"" + duration + "\"");
    text = replace_once(text, "scheme = \"fv1\"", "scheme = \"" + scheme + "\"\nprecision = \"" + precision + "\"");
    text = replace_once(text, "threads = 0", "threads = 1");
    write_text(d / "urban.toml", text);
    return d / "urban.toml";
}

std::vector<float> depth_of(const floodsim::Run& run) {
    std::vector<float> v(static_cast<std::size_t>(run.grid().nx) * run.grid().ny);
    run.copy_depth(v.data(), v.size());
    return v;
}

bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(LibraryRun, FramesFromTimeZeroGaugesProgressAndAFinishedFile) {
    TempDir d;
    floodsim::Run run(write_example(d).string());
    run.set_output((d / "r.h5").string());
    std::vector<double> frame_times;
    std::vector<int> frame_index;
    run.on_frame([&](const floodsim::FrameView& f) {
        frame_times.push_back(f.time);
        frame_index.push_back(f.index);
        EXPECT_EQ(f.nx, 200);
        EXPECT_EQ(f.ny, 150);
        EXPECT_NE(f.velocity_x, nullptr);  // the example writes velocities
        return true;
    });
    int gauges = 0, steps = 0;
    run.on_gauge([&](const floodsim::GaugeView& g) { gauges += g.name == "corner_a" ? 1 : 0; });
    run.on_progress([&](const floodsim::ProgressView& p) {
        ++steps;
        EXPECT_GT(p.dt, 0.0);
    });
    EXPECT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    EXPECT_EQ(frame_times, (std::vector<double>{0.0, 300.0, 600.0, 900.0}));
    EXPECT_EQ(frame_index, (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(gauges, 31);  // every 30 s from 0 to 15 min
    const floodsim::RunSummary s = run.summary();
    EXPECT_EQ(steps, s.steps);
    EXPECT_TRUE(run.finished());
    EXPECT_TRUE(fs::exists(d / "r.h5"));
    EXPECT_FALSE(fs::exists(d / "r.h5.part"));
    EXPECT_GT(s.mass.rain, 0.0);
    EXPECT_LT(std::abs(s.mass.relative_error), 1e-12);
    EXPECT_EQ(s.frames, 4);
}

TEST(LibraryRun, StopAtAFrameLeavesNoFileAndContinuingGivesTheUninterruptedFile) {
    TempDir d;
    const fs::path scenario = write_example(d);
    {
        floodsim::Run run(scenario.string());
        run.set_output((d / "stopped.h5").string());
        run.on_frame([](const floodsim::FrameView& f) { return f.time < 300.0; });
        EXPECT_EQ(run.run_to_end(), floodsim::RunStatus::Stopped);
        EXPECT_EQ(run.time(), 300.0);
        EXPECT_FALSE(run.finished());
    }  // closed before the end: nothing left
    EXPECT_FALSE(fs::exists(d / "stopped.h5"));
    EXPECT_FALSE(fs::exists(d / "stopped.h5.part"));

    floodsim::Run whole(scenario.string());
    whole.set_output((d / "whole.h5").string());
    ASSERT_EQ(whole.run_to_end(), floodsim::RunStatus::Finished);

    floodsim::Run paused(scenario.string());
    paused.set_output((d / "paused.h5").string());
    int stops = 0;
    paused.on_frame([&](const floodsim::FrameView& f) { return f.time != 300.0 || stops++ > 0; });
    ASSERT_EQ(paused.run_to_end(), floodsim::RunStatus::Stopped);
    ASSERT_EQ(paused.run_to_end(), floodsim::RunStatus::Finished);
    EXPECT_EQ(h5_digest(d / "paused.h5", {"wall_time_s"}), h5_digest(d / "whole.h5", {"wall_time_s"}));
}

TEST(LibraryRun, AdvanceStopsExactlyAtTheTimeAsked) {
    TempDir d;
    floodsim::Run run(write_example(d).string());
    run.set_output("");  // no file
    EXPECT_EQ(run.advance(123.456), floodsim::RunStatus::Reached);
    EXPECT_EQ(run.time(), 123.456);
    EXPECT_EQ(run.advance(300.0), floodsim::RunStatus::Reached);
    EXPECT_EQ(run.time(), 300.0);
    EXPECT_EQ(run.advance(1e9), floodsim::RunStatus::Finished);  // clipped to the duration
    EXPECT_EQ(run.time(), 900.0);
    EXPECT_TRUE(run.summary().result_path.empty());
    EXPECT_FALSE(fs::exists(d / "out"));
}

TEST(LibraryRun, CancelFromAnotherThreadStopsAfterAStep) {
    TempDir d;
    floodsim::Run run(write_example(d, "1.5h").string());
    run.set_output((d / "c.h5").string());
    std::atomic<std::int64_t> steps{0};
    run.on_progress([&](const floodsim::ProgressView& p) { steps = p.steps; });
    std::thread canceller([&] {
        while (steps.load() < 20) std::this_thread::yield();
        run.cancel();
    });
    EXPECT_EQ(run.run_to_end(), floodsim::RunStatus::Stopped);
    canceller.join();
    EXPECT_LT(run.time(), run.duration());
    EXPECT_TRUE(fs::exists(d / "c.h5.part"));  // still open: the run may go on
}

TEST(LibraryRun, BadScenarioIsStatus2NamingFileKeyAndValue) {
    TempDir d;
    const fs::path s = write_example(d);
    write_text(s, replace_once(read_text(s), "cfl = 0.5", "cfl = \"fast\""));
    try {
        floodsim::Run run(s.string());
        FAIL() << "a bad scenario was accepted";
    } catch (const floodsim::Error& e) {
        EXPECT_EQ(e.status(), 2);
        const std::string m = e.what();
        EXPECT_NE(m.find(s.string()), std::string::npos) << m;
        EXPECT_NE(m.find("solver.cfl"), std::string::npos) << m;
        EXPECT_NE(m.find("fast"), std::string::npos) << m;
    }
    try {
        floodsim::Run run((d / "missing.toml").string());
        FAIL() << "a missing scenario was accepted";
    } catch (const floodsim::Error& e) {
        EXPECT_EQ(e.status(), 2);
    }
}

TEST(LibraryRun, SettingsAfterTheStartAreRefused) {
    TempDir d;
    floodsim::Run run(write_example(d).string());
    run.set_output("");
    EXPECT_THROW(run.set_threads(-1), floodsim::Error);
    run.advance(60.0);
    try {
        run.set_threads(2);
        FAIL();
    } catch (const floodsim::Error& e) {
        EXPECT_EQ(e.status(), 1);
    }
    EXPECT_THROW(run.set_output("x.h5"), floodsim::Error);
}

/// Two runs at once on two threads of this process: each gives what it gives alone.
TEST(LibraryRun, ConcurrentRunsEqualSingleRuns) {
    TempDir d1, d2;
    const fs::path a = write_example(d1, "10min", "fv1", "double");
    const fs::path b = write_example(d2, "10min", "inertial", "single");
    auto run_alone = [](const fs::path& s, const fs::path& out) {
        floodsim::Run run(s.string());
        run.set_threads(2);
        run.set_output(out.string());
        run.run_to_end();
        return depth_of(run);
    };
    const std::vector<float> alone_a = run_alone(a, d1 / "alone.h5"), alone_b = run_alone(b, d2 / "alone.h5");
    std::vector<float> both_a, both_b;
    std::thread ta([&] { both_a = run_alone(a, d1 / "both.h5"); });
    std::thread tb([&] { both_b = run_alone(b, d2 / "both.h5"); });
    ta.join();
    tb.join();
    EXPECT_TRUE(bitwise_equal(alone_a, both_a));
    EXPECT_TRUE(bitwise_equal(alone_b, both_b));
    EXPECT_EQ(h5_digest(d1 / "alone.h5", {"wall_time_s"}), h5_digest(d1 / "both.h5", {"wall_time_s"}));
    EXPECT_EQ(h5_digest(d2 / "alone.h5", {"wall_time_s"}), h5_digest(d2 / "both.h5", {"wall_time_s"}));
}

/// The library's file is the CLI's (timing attributes aside) for the same scenario and threads.
TEST(LibraryRun, ResultFileEqualsTheCliOne) {
    TempDir d;
    const fs::path s = write_example(d, "10min", "fv2", "double");
    const ProcResult r =
        run_floodsim({"run", s.string(), "--quiet", "--threads", "2", "--output", (d / "cli.h5").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    floodsim::Run run(s.string());
    run.set_threads(2);
    run.set_output((d / "lib.h5").string());
    run.on_frame([](const floodsim::FrameView&) { return true; });  // the observer path writes the same
    ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    EXPECT_EQ(h5_digest(d / "lib.h5", {"wall_time_s"}), h5_digest(d / "cli.h5", {"wall_time_s"}));
}

/// What a host program owns before a run is the same after it.
TEST(LibraryRun, LeavesTheHostProcessAsItFoundIt) {
    struct Snapshot {
        struct sigaction sigint {
        }, sigterm{}, sigpipe{};
        sigset_t mask{};
        std::string cwd, locale, env;
        int max_threads = 0, dynamic = 0, levels = 0;
        static Snapshot take() {
            Snapshot s;
            sigaction(SIGINT, nullptr, &s.sigint);
            sigaction(SIGTERM, nullptr, &s.sigterm);
            sigaction(SIGPIPE, nullptr, &s.sigpipe);
            pthread_sigmask(SIG_SETMASK, nullptr, &s.mask);
            s.cwd = fs::current_path().string();
            s.locale = std::setlocale(LC_ALL, nullptr);
            for (char** e = environ; *e; ++e) s.env += std::string(*e) + "\n";
            s.max_threads = omp_get_max_threads();
            s.dynamic = omp_get_dynamic();
            s.levels = omp_get_max_active_levels();
            return s;
        }
    };
    const Snapshot before = Snapshot::take();
    {
        TempDir d;
        floodsim::Run run(write_example(d, "10min", "fv2", "single").string());
        run.set_threads(2);
        run.set_output((d / "out" / "r.h5").string());
        ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    }
    const Snapshot after = Snapshot::take();
    EXPECT_EQ(before.sigint.sa_handler, after.sigint.sa_handler);
    EXPECT_EQ(before.sigterm.sa_handler, after.sigterm.sa_handler);
    EXPECT_EQ(before.sigpipe.sa_handler, after.sigpipe.sa_handler);
    for (int sig = 1; sig < NSIG; ++sig)
        EXPECT_EQ(sigismember(&before.mask, sig), sigismember(&after.mask, sig)) << "signal " << sig;
    EXPECT_EQ(before.cwd, after.cwd);
    EXPECT_EQ(before.locale, after.locale);
    EXPECT_EQ(before.env, after.env);
    EXPECT_EQ(before.max_threads, after.max_threads);
    EXPECT_EQ(before.dynamic, after.dynamic);
    EXPECT_EQ(before.levels, after.levels);
}

}  // namespace
