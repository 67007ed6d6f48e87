// Fuzz target: scenario TOML files, loaded and built into a model as `floodsim check` does
// (load_scenario + build_model: every key, the DEM, rasters and CSV series it names).
// The input is the scenario's text; its folder holds a small DEM (dem.asc, 6 x 5 cells of 10 m,
// UTM 49N), CSV series (rain.csv, flow.csv, stage.csv), a Manning raster (n.asc) and a land-use
// raster and table (landuse.asc, classes.csv) for it to name.
#include "engine/model_builder.hpp"
#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"

namespace {
void write_companions() {
    using floodsim::fuzz::write_text;
    write_text("dem.asc",
               "ncols 6\nnrows 5\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n"
               "12 11 10 10 11 12\n11 10 9 9 10 11\n10 9 8 8 9 -9999\n11 10 9 9 10 11\n12 11 10 10 11 12\n");
    write_text("dem.prj",
               "PROJCS[\"WGS_1984_UTM_Zone_49N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
               "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
               "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
               "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
               "PARAMETER[\"Central_Meridian\",111.0],PARAMETER[\"Scale_Factor\",0.9996],"
               "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]\n");
    write_text("rain.csv", "time_s,intensity_mm_h\n0,10\n600,120\n1200,0\n");
    write_text("flow.csv", "time_s,value\n0,0.5\n300,4\n900,1\n");
    write_text("stage.csv", "time_s,value\n0,9.5\n600,10.5\n");
    write_text("landuse.asc",
               "ncols 6\nnrows 5\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n"
               "1 1 1 2 2 2\n1 1 1 2 2 2\n1 1 3 3 2 2\n1 1 3 3 2 2\n1 1 1 2 2 2\n");
    write_text("classes.csv", "class,manning,ks_mm_h,psi_mm,dtheta,drain_mm_h\n1,0.015,0,110,0.3,30\n2,0.05,6.5,167,0.35,0\n"
                              "3,0.1,10,167,0.35,0\n");
    write_text("n.asc",
               "ncols 6\nnrows 5\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n"
               "0.03 0.03 0.03 0.03 0.03 0.03\n0.03 0.05 0.05 0.05 0.05 0.03\n0.03 0.05 0.05 0.05 0.05 0.03\n"
               "0.03 0.05 0.05 0.05 0.05 0.03\n0.03 0.03 0.03 0.03 0.03 0.03\n");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool ready = [] {
        floodsim::fuzz::quiet_libraries();
        write_companions();
        return true;
    }();
    (void)ready;
    const std::string path = floodsim::fuzz::write_input("scenario.toml", data, size);
    try {
        floodsim::load_model(path);
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
