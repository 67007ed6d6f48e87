#pragma once
// Design storms (INTERFACE.md section 5, docs/storms.md): the Chicago (Keifer-Chu) hyetograph from
// a storm-intensity formula, a 7·20-style storm anchored to the Zhengzhou station record of
// 20 July 2021, the fit of the formula's parameters to annual-maximum depths, and a moving storm
// cell as rain grids. Pure computation: no files (the CLI writes what these return).
#include <iosfwd>
#include <string>
#include <vector>

namespace floodsim {

/// A rain hyetograph as written to a [rain] series CSV: row k holds the mean intensity over
/// [time_s[k], time_s[k+1]); the last row is 0 (the storm has ended). `header`: '#' comment lines
/// (without the '#'), e.g. the datetime of time_s = 0 and which hours are synthetic.
struct Hyetograph {
    std::vector<double> time_s;          ///< s, strictly increasing, first 0
    std::vector<double> intensity_mm_h;  ///< mm/h, mean over [time_s[k], time_s[k+1]); last 0
    std::vector<std::string> header;     ///< comment lines, without the leading '#'
};

/// mm: the depth a hyetograph holds over [t0, t1) (s), the rows integrated exactly.
double hyetograph_depth_mm(const Hyetograph& h, double t0_s, double t1_s);

/// mm: the largest depth of any window of `window_s` seconds whose start is a row boundary.
double max_window_depth_mm(const Hyetograph& h, double window_s);

/// The storm-intensity formula i = A1 (1 + C lg P) / (t + b)^n, i in mm/min, t in minutes.
struct IdfParams {
    double a1_mm_min = 0;  ///< A1, mm/min (times min^n)
    double c = 0;          ///< C, dimensionless
    double b_min = 0;      ///< b, min
    double n = 0;          ///< n, dimensionless
};
/// mm/min: the mean intensity over a duration t_min (minutes) for return period p_years.
double idf_intensity_mm_min(const IdfParams& f, double p_years, double t_min);
/// mm: the depth i t over t_min minutes for return period p_years.
double idf_depth_mm(const IdfParams& f, double p_years, double t_min);

/// How the Chicago storm's rows are made (docs/storms.md, "Chicago").
enum class ChicagoMethod {
    /// Default. The discrete Keifer-Chu storm: row depths D(k dt) - D((k-1) dt) placed outward from
    /// the peak row, before or after it so that of the first k rows round(r' (k-1)) lie before. Every
    /// window of m rows around the peak holds exactly D(m dt), so the maximum m-step window depths
    /// equal the IDF depths for every m (and the total D(T)); needs duration = N step.
    Blocks,
    /// Each row the exact mean of the continuous Keifer-Chu curve over its step (the closed-form
    /// cumulative depth differenced). The total is exact; windows only where the step grid happens
    /// to split them r : 1-r (a few % low otherwise, up to ~6 % at 5 min for a 5 min step).
    Curve,
};

struct ChicagoParams {
    double a1_mm_min = 0, c = 0, b_min = 0, n = 0;  ///< the formula (see IdfParams)
    double return_period_years = 0;                 ///< P, years (> 0)
    double duration_s = 0;                          ///< s, the storm's length (> 0)
    double peak_fraction = 0.4;                     ///< r in [0, 1]: the peak lies at r * duration
    double step_s = 300;                            ///< s, the row length (> 0, <= duration)
    ChicagoMethod method = ChicagoMethod::Blocks;
};
/// The Keifer-Chu hyetograph (see ChicagoMethod). Throws std::invalid_argument naming the bad
/// parameter ("a1", "c", "b", "n", "return_period", "duration", "peak", "step") and its value.
Hyetograph chicago_storm(const ChicagoParams& p);

/// The 7·20-style storm (docs/storms.md): 72 hours to 20 h (Beijing time) on 20 July 2021, meeting
/// the published anchors of the Zhengzhou station.
struct Storm720Options {
    double scale = 1.0;     ///< multiplies every depth (> 0)
    double shift_s = 0.0;   ///< s (>= 0): the storm starts this much after time_s = 0 (dry rows before)
    double step_s = 300.0;  ///< s: row length; must divide one hour (e.g. 60, 300, 600, 3600)
};
Hyetograph storm_720(const Storm720Options& o);

/// The published anchors, mm (Zhengzhou station, China Meteorological Administration).
inline constexpr double k720PeakHourMm = 201.9;  ///< 16-17 h, 20 July 2021
inline constexpr double k720DayMm = 552.5;       ///< 20 h 19 July - 20 h 20 July
inline constexpr double k720ThreeDayMm = 617.1;  ///< 20 h 17 July - 20 h 20 July
/// s from the 7·20 storm's start (20 h 17 July 2021, Beijing time) to the start of the peak hour.
inline constexpr double k720PeakHourStartS = (48.0 + 20.0) * 3600.0;
/// s from the start to the start of the anchored day (20 h 19 July).
inline constexpr double k720DayStartS = 48.0 * 3600.0;
inline constexpr double k720LengthS = 72.0 * 3600.0;

/// Write `h` as a [rain] series CSV: "# <line>" per header line, then `time_s,intensity_mm_h` and
/// one row per step (values with enough digits to reproduce depths to 1e-6 mm).
void write_hyetograph_csv(std::ostream& out, const Hyetograph& h);

/// One row of a fit table: the annual-maximum depth over a duration for a return period.
struct IdfObservation {
    double duration_min = 0;  ///< min
    double return_period_years = 0;
    double depth_mm = 0;  ///< mm
};
struct IdfFit {
    IdfParams params;
    std::vector<double> residual_mm_min;  ///< per row: fitted - observed intensity, mm/min
    double rms_mm_min = 0;                ///< root mean square of the residuals, mm/min
    int iterations = 0;
    bool converged = false;
};
/// Least-squares fit (Levenberg-Marquardt, on intensities depth/duration in mm/min) of A1, C, b,
/// n to `rows`. Needs at least 4 rows, two return periods and three durations; throws
/// std::invalid_argument naming the problem otherwise.
IdfFit fit_idf(const std::vector<IdfObservation>& rows);

/// A storm cell moving along a straight track at constant speed (map coordinates, metres).
struct StormCell {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  ///< m: centre at t = 0 and where it heads
    double speed_m_s = 0;                   ///< m/s along the track (the centre goes past (x1, y1))
    double radius_m = 0;                    ///< m: cylinder radius, or the Gaussian's sigma
    bool gaussian = true;                   ///< true: peak * exp(-r^2 / (2 R^2)); false: peak for r <= R
};
/// mm/h at (x, y) when the centre's intensity is `peak_mm_h` and the centre is at (cx, cy).
double storm_cell_intensity(const StormCell& c, double peak_mm_h, double cx, double cy, double x, double y);
/// Centre of the cell at time t_s.
void storm_cell_centre(const StormCell& c, double t_s, double& cx, double& cy);
/// mm/h: the cell's mean intensity over [t0_s, t1_s) on the cells with centres xs (per column,
/// west to east) and ys (per row, row 0 = north), nx*ny row-major; the centre intensity is
/// `peak_mm_h`. The motion within the step is averaged by sub-steps of at most R/8 of travel.
std::vector<double> storm_cell_grid(const StormCell& c, double peak_mm_h, double t0_s, double t1_s,
                                    const std::vector<double>& xs, const std::vector<double>& ys);
/// m2: the plane integral of the profile over peak (2 pi R^2 Gaussian, pi R^2 cylinder): the
/// cell's rain volume rate is peak * area when it lies wholly inside a grid.
double storm_cell_area_m2(const StormCell& c);

}  // namespace floodsim
