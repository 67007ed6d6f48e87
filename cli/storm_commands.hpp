#pragma once
// `floodsim storm chicago|720|fit|cell` (INTERFACE.md section 5, docs/storms.md): the options as
// given on the command line (durations as text), and the commands returning the exit status
// (0 ok, 2 bad argument or input: one line naming the argument and its value).
#include <string>

namespace floodsim {

struct StormOutput {
    std::string out;  ///< file to write; empty: stdout
};

struct ChicagoCli : StormOutput {
    double a = 0, c = 0, b = 0, n = 0, return_period = 0, peak = 0.4;
    std::string duration, step = "5min";
    std::string method = "blocks";  ///< blocks | curve
};
int storm_chicago_command(const ChicagoCli& o);

struct Storm720Cli : StormOutput {
    double scale = 1.0;
    std::string shift = "0h", step = "5min";
};
int storm_720_command(const Storm720Cli& o);

struct StormFitCli {
    std::string table;  ///< CSV: duration_min, return_period_years, depth_mm (or intensity_mm_min)
};
int storm_fit_command(const StormFitCli& o);

struct StormCellCli {
    std::string dem, track, series, duration, step = "5min", profile = "gaussian", out;
    double radius = 0, speed = 0;  ///< m, m/s
    double peak_intensity = 0;     ///< mm/h at the centre, when peak_given
    bool peak_given = false;
};
int storm_cell_command(const StormCellCli& o);

}  // namespace floodsim
