// The C API (include/floodsim/floodsim.h), called as a C program would: codes, error text,
// frame callbacks, early stop, depth and grid.
#include <floodsim/floodsim.h>

#include <cmath>

#include "../cli/cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

fs::path write_example(const TempDir& d) {
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    std::string text = read_text(example / "urban.toml");
    text = replace_once(text, "duration = \"1.5h\"", "duration = \"10min\"");
    write_text(d / "urban.toml", text);
    return d / "urban.toml";
}

struct Frames {
    std::vector<double> t;
    int stop_after = -1;  // stop when this many frames were seen
    double wet_sum = 0.0;
};

extern "C" int on_frame(void* user, double t, int nx, int ny, const float* depth) {
    auto* f = static_cast<Frames*>(user);
    f->t.push_back(t);
    for (int k = 0; k < nx * ny; ++k)
        if (!std::isnan(depth[k])) f->wet_sum += depth[k];
    return f->stop_after > 0 && static_cast<int>(f->t.size()) >= f->stop_after ? 1 : 0;
}

TEST(CApi, RunsWatchesFramesAndWritesTheFile) {
    TempDir d;
    floodsim_run* run = nullptr;
    char err[256] = "x";
    ASSERT_EQ(floodsim_open(write_example(d).c_str(), &run, err, sizeof err), FLOODSIM_OK) << err;
    ASSERT_NE(run, nullptr);
    EXPECT_STREQ(err, "");
    EXPECT_EQ(floodsim_set_threads(run, 2), FLOODSIM_OK);
    EXPECT_EQ(floodsim_set_output(run, (d / "c.h5").c_str()), FLOODSIM_OK);
    Frames frames;
    EXPECT_EQ(floodsim_on_frame(run, on_frame, &frames), FLOODSIM_OK);
    int nx = 0, ny = 0;
    double gt[6] = {};
    EXPECT_EQ(floodsim_grid(run, &nx, &ny, gt), FLOODSIM_OK);
    EXPECT_EQ(nx, 200);
    EXPECT_EQ(ny, 150);
    EXPECT_EQ(gt[1], 2.0);
    EXPECT_EQ(gt[5], -2.0);
    EXPECT_EQ(floodsim_advance(run, 450.0), FLOODSIM_OK);
    EXPECT_EQ(floodsim_time(run), 450.0);
    EXPECT_EQ(floodsim_run_to_end(run), FLOODSIM_OK);
    EXPECT_EQ(floodsim_time(run), floodsim_duration(run));
    EXPECT_EQ(frames.t, (std::vector<double>{0.0, 300.0, 600.0}));
    EXPECT_GT(frames.wet_sum, 0.0);
    std::vector<float> depth(static_cast<std::size_t>(nx) * ny);
    EXPECT_EQ(floodsim_depth(run, depth.data(), depth.size()), FLOODSIM_OK);
    EXPECT_TRUE(std::isnan(depth[0]));  // the north-west corner is outside the example's domain
    EXPECT_EQ(floodsim_depth(run, depth.data(), 10), FLOODSIM_BAD_INPUT);
    EXPECT_NE(std::string(floodsim_error(run)).find("nx * ny"), std::string::npos) << floodsim_error(run);
    EXPECT_EQ(floodsim_save_state(run, (d / "end.state").c_str()), FLOODSIM_OK) << floodsim_error(run);
    EXPECT_TRUE(fs::exists(d / "end.state"));
    EXPECT_EQ(floodsim_save_state(run, (d / "c.h5" / "x.state").c_str()), FLOODSIM_FAILURE);
    EXPECT_NE(std::string(floodsim_error(run)).find("x.state"), std::string::npos) << floodsim_error(run);
    floodsim_close(run);
    EXPECT_TRUE(fs::exists(d / "c.h5"));
    // The state file holds the end state: its depths are the run's last frame.
    Hid f = open_h5(d / "end.state");
    EXPECT_EQ(read_string_attr(f, "format"), "floodsim-state");
    EXPECT_EQ(read_num_attr<double>(f, "time").at(0), 600.0);
}

// floodsim_checkpoint half-way, then a new run resumed from it with floodsim_resume: the result
// equals the uninterrupted run's (timing attributes aside); bad calls return their codes.
TEST(CApi, CheckpointAndResume) {
    TempDir d;
    const fs::path scenario = write_example(d);
    write_text(scenario, read_text(scenario) + "\n[checkpoint]\nfile = \"half.ckpt\"\n");
    floodsim_run* run = nullptr;
    ASSERT_EQ(floodsim_open(scenario.c_str(), &run, nullptr, 0), FLOODSIM_OK);
    floodsim_set_output(run, (d / "whole.h5").c_str());
    EXPECT_EQ(floodsim_checkpoint(run), FLOODSIM_FAILURE);  // not started
    // advance() steps onto its time: the uninterrupted run stops there too, then goes on.
    ASSERT_EQ(floodsim_advance(run, 250.0), FLOODSIM_OK) << floodsim_error(run);
    ASSERT_EQ(floodsim_run_to_end(run), FLOODSIM_OK) << floodsim_error(run);
    floodsim_close(run);

    ASSERT_EQ(floodsim_open(scenario.c_str(), &run, nullptr, 0), FLOODSIM_OK);
    floodsim_set_output(run, (d / "resumed.h5").c_str());
    ASSERT_EQ(floodsim_advance(run, 250.0), FLOODSIM_OK) << floodsim_error(run);
    ASSERT_EQ(floodsim_checkpoint(run), FLOODSIM_OK) << floodsim_error(run);
    floodsim_close(run);  // abandoned after the checkpoint
    EXPECT_FALSE(fs::exists(d / "resumed.h5"));

    ASSERT_EQ(floodsim_open(scenario.c_str(), &run, nullptr, 0), FLOODSIM_OK);
    EXPECT_EQ(floodsim_resume(run, nullptr), FLOODSIM_BAD_INPUT);
    floodsim_close(run);
    ASSERT_EQ(floodsim_open(scenario.c_str(), &run, nullptr, 0), FLOODSIM_OK);
    EXPECT_EQ(floodsim_resume(run, (d / "none.ckpt").c_str()), FLOODSIM_BAD_INPUT);
    EXPECT_NE(std::string(floodsim_error(run)).find("none.ckpt"), std::string::npos) << floodsim_error(run);
    floodsim_close(run);
    ASSERT_EQ(floodsim_open(scenario.c_str(), &run, nullptr, 0), FLOODSIM_OK);
    ASSERT_EQ(floodsim_resume(run, (d / "half.ckpt").c_str()), FLOODSIM_OK) << floodsim_error(run);
    EXPECT_EQ(floodsim_time(run), 250.0);
    ASSERT_EQ(floodsim_run_to_end(run), FLOODSIM_OK) << floodsim_error(run);
    floodsim_close(run);
    EXPECT_EQ(h5_digest(d / "resumed.h5", {"wall_time_s"}), h5_digest(d / "whole.h5", {"wall_time_s"}));
}

TEST(CApi, FrameCallbackStopsTheRunWithCode3AndNoFileIsLeft) {
    TempDir d;
    floodsim_run* run = nullptr;
    ASSERT_EQ(floodsim_open(write_example(d).c_str(), &run, nullptr, 0), FLOODSIM_OK);
    floodsim_set_output(run, (d / "s.h5").c_str());
    Frames frames;
    frames.stop_after = 2;
    floodsim_on_frame(run, on_frame, &frames);
    EXPECT_EQ(floodsim_run_to_end(run), FLOODSIM_STOPPED);
    EXPECT_EQ(floodsim_time(run), 300.0);
    floodsim_close(run);
    EXPECT_FALSE(fs::exists(d / "s.h5"));
    EXPECT_FALSE(fs::exists(d / "s.h5.part"));
}

TEST(CApi, BadScenarioIsCode2WithATruncatedTerminatedMessage) {
    TempDir d;
    const fs::path s = write_example(d);
    write_text(s, replace_once(read_text(s), "duration = \"10min\"", "duration = \"10 parsecs\""));
    floodsim_run* run = reinterpret_cast<floodsim_run*>(&d);  // must come back NULL
    char err[512];
    EXPECT_EQ(floodsim_open(s.c_str(), &run, err, sizeof err), FLOODSIM_BAD_INPUT);
    EXPECT_EQ(run, nullptr);
    EXPECT_NE(std::string(err).find("time.duration"), std::string::npos) << err;
    EXPECT_NE(std::string(err).find("10 parsecs"), std::string::npos) << err;
    char small[12];
    std::memset(small, 'x', sizeof small);
    EXPECT_EQ(floodsim_open(s.c_str(), &run, small, sizeof small), FLOODSIM_BAD_INPUT);
    EXPECT_EQ(std::strlen(small), sizeof small - 1);
    EXPECT_EQ(floodsim_open(nullptr, &run, err, sizeof err), FLOODSIM_BAD_INPUT);
    EXPECT_EQ(floodsim_set_threads(nullptr, 1), FLOODSIM_BAD_INPUT);
}

TEST(CApi, VersionIsTheProjectVersion) { EXPECT_STREQ(floodsim_version(), FLOODSIM_TEST_VERSION); }

}  // namespace
