// ResultReader: the sample result's grid, times, frames and rasters read back; refusals.
#include "io/result_reader.hpp"
#include "io_test_util.hpp"
#include "mesh/input_error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

using namespace floodsim;
using namespace floodsim::test;

TEST(ResultReader, ReadsTheSampleResultBack) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);
    const ResultReader r(path);
    EXPECT_EQ(r.grid().nx, sample_nx);
    EXPECT_EQ(r.grid().ny, sample_ny);
    EXPECT_DOUBLE_EQ(r.grid().dx, 2.0);
    EXPECT_DOUBLE_EQ(r.grid().geotransform[0], 500000.0);
    EXPECT_DOUBLE_EQ(r.grid().geotransform[3], 6000010.0);
    EXPECT_EQ(r.grid().crs_wkt, std::string(sample_wkt));
    ASSERT_EQ(r.times().size(), static_cast<std::size_t>(sample_frames));
    EXPECT_DOUBLE_EQ(r.times()[2], sample_time(2));
    EXPECT_TRUE(r.has("velocity_x"));
    EXPECT_FALSE(r.has("no_such"));
    EXPECT_EQ(r.attribute("scheme"), "fv1");
    for (int f = 0; f < sample_frames; ++f) {
        const auto d = r.frame("depth", f), vy = r.frame("velocity_y", f);
        ASSERT_EQ(d.size(), static_cast<std::size_t>(sample_nx * sample_ny));
        EXPECT_TRUE(std::isnan(d[0]));
        for (int i = 1; i < sample_nx * sample_ny; ++i) {
            EXPECT_EQ(d[i], sample_depth(f, i));
            EXPECT_EQ(vy[i], sample_vy(f, i));
        }
    }
    const auto md = r.raster("max_depth"), expected = max_depth_grid();
    for (std::size_t i = 1; i < md.size(); ++i) EXPECT_EQ(md[i], expected[i]);
}

TEST(ResultReader, RefusesWhatIsNotThere) {
    TempDir tmp;
    const std::string path = tmp.file("result.h5");
    write_sample(path);
    const ResultReader r(path);
    EXPECT_THROW(r.frame("depth", sample_frames), InputError);
    EXPECT_THROW(r.frame("no_such", 0), InputError);
    EXPECT_THROW(r.raster("depth"), InputError);  // 3-D, not a raster
    EXPECT_THROW(ResultReader(tmp.file("missing.h5")), InputError);
    std::ofstream(tmp.file("text.h5")) << "not hdf5\n";
    EXPECT_THROW(ResultReader(tmp.file("text.h5")), InputError);
}
