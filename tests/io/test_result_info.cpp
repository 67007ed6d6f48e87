// describe_result: the `floodsim info` summary, and its refusals of files that are not results.
#include "io/hdf5_util.hpp"
#include "io/result_info.hpp"
#include "io_test_util.hpp"
#include "mesh/input_error.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace floodsim;
using namespace floodsim::test;

namespace {

void expect_contains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "missing '" << part << "' in:\n" << text;
}

}  // namespace

TEST(ResultInfo, SummarisesTheSampleResult) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);
    const std::string s = describe_result(path);
    expect_contains(s, path);
    expect_contains(s, "floodsim-result, version 1");
    expect_contains(s, "0.1.0");
    expect_contains(s, "io-test");
    expect_contains(s, "fv1, double precision");
    expect_contains(s, "7 x 5 cells");
    expect_contains(s, "cell 2 x 2");
    expect_contains(s, "WGS 84 / UTM zone 33N (EPSG:32633)");
    expect_contains(s, "frames:        3, t = 0, 300, 600 s");
    expect_contains(s, "velocity_x");
    expect_contains(s, "steps:         1234");
    expect_contains(s, "wall time:     5.5 s");
    expect_contains(s, "threads:       4");
    expect_contains(s, "max depth:     0.17 m");
    // Cells 3..34 exceed 0.01 m: 32 cells of 4 m2.
    expect_contains(s, "flooded area:  128 m2 (32 cells");
    expect_contains(s, "gauges:        2");
    expect_contains(s, "outlet: 4 samples, peak depth 0.3 m at t = 180 s");
    expect_contains(s, "bridge: 2 samples, peak depth 0.2 m at t = 60 s");
    // Gauges in the scenario's order, not alphabetical.
    EXPECT_LT(s.find("outlet:"), s.find("bridge:"));
    expect_contains(s, "mass balance:  3 rows; at t = 600 s (10 min)");
    expect_contains(s, "infiltration 2 m3");
    // error 0.002 against volume0 100 + rain 24 + inflow 6 = 130.
    expect_contains(s, "error 0.002 m3 (relative 1.54e-05)");
}

TEST(ResultInfo, DescribesAPartialFile) {
    TempDir tmp;
    const std::string path = tmp.file("run.h5");
    Hdf5ResultWriter w(path, sample_meta());
    const auto d = frame_of(sample_depth, 0);
    w.write_frame(0.0, d.data(), d.data(), d.data());
    const std::string s = describe_result(Hdf5ResultWriter::partial_path(path));
    expect_contains(s, "partial file");
    expect_contains(s, "frames:        1, t = 0 s");
    expect_contains(s, "max depth:     n/a");
    expect_contains(s, "mass balance:  no rows");
}

TEST(ResultInfo, MissingFileThrowsInputError) {
    TempDir tmp;
    const std::string path = tmp.file("nothing.h5");
    try {
        describe_result(path);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), path);
        expect_contains(e.what(), "no such file");
    }
}

TEST(ResultInfo, TextFileThrowsInputError) {
    TempDir tmp;
    const std::string path = tmp.file("notes.txt");
    std::ofstream(path) << "this is not HDF5\n";
    try {
        describe_result(path);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), path);
        expect_contains(e.what(), "not an HDF5 file");
    }
}

TEST(ResultInfo, ForeignHdf5FileThrowsInputError) {
    TempDir tmp;
    const std::string plain = tmp.file("plain.h5");
    const std::string other = tmp.file("other.h5");
    {
        h5::Handle f = h5::file(H5Fcreate(plain.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
        ASSERT_TRUE(f);
        h5::Handle g = h5::file(H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
        ASSERT_TRUE(g);
        h5::Handle t = h5::vlen_string_type();
        h5::Handle s = h5::dataspace(H5Screate(H5S_SCALAR));
        h5::Handle a = h5::attribute(H5Acreate2(g.get(), "format", t.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT));
        const char* text = "something-else";
        H5Awrite(a.get(), t.get(), &text);
    }
    try {
        describe_result(plain);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), plain);
        expect_contains(e.what(), "not a floodsim result");
    }
    try {
        describe_result(other);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), other);
        expect_contains(e.what(), "something-else");
    }
}

// Seals (io/file_seal.hpp): a finished result is sealed and `info` says so; a sealed file damaged
// afterwards (one byte changed, cut short, appended to) is refused before the HDF5 library
// parses it, naming the file and the seal.
TEST(ResultInfo, DamagedSealedFileIsRefusedBeforeParsing) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);
    expect_contains(describe_result(path), "seal:          intact (size and CRC-32 match)");
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_GT(bytes.size(), 4096u);
    const auto expect_refused = [&](const std::string& content, const std::string& why) {
        const std::string damaged = tmp.file("damaged.h5");
        std::ofstream(damaged, std::ios::binary | std::ios::trunc) << content;
        try {
            (void)describe_result(damaged);
            FAIL() << "a damaged file was described: " << why;
        } catch (const InputError& e) {
            EXPECT_EQ(e.file(), damaged);
            EXPECT_EQ(e.key(), "seal");
            expect_contains(e.what(), why);
        }
    };
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);
    expect_refused(flipped, "its content changed after it was written");
    expect_refused(bytes.substr(0, bytes.size() - 100), "cut short or appended to");
    expect_refused(bytes + "x", "cut short or appended to");
    std::string other_kind = bytes;
    const std::size_t k = other_kind.find("floodsim-result");
    ASSERT_NE(k, std::string::npos);
    other_kind.replace(k, 15, "floodsim-state\n");
    expect_refused(other_kind, "not a floodsim-result");
}
