#pragma once
// The per-asset analysis of a finished result (floodsim risk; INTERFACE section 6, rules in
// docs/warnings.md): each asset's level per frame and over the run, its maximum depth and speed,
// the first time it reached each level, its lead time against an issue time, the events when its
// level rose or fell (with the WGS84 alert area), and the hazard rasters of the whole grid.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/result_reader.hpp"
#include "risk/assets.hpp"
#include "risk/level_change.hpp"
#include "risk/level_scheme.hpp"

namespace floodsim::risk {

class ToWgs84;

struct RiskOptions {
    /// Seconds since 1970 UTC of the issue time (--issue-time); none: t = 0 is the issue time.
    std::optional<double> issue_time;
};

struct AssetRow {
    std::string id, name;
    /// The most severe level over the run (0 none). Depth criterion: from /max_depth (tracked
    /// every time step, exact); defra, arr: the most severe level of the frames.
    int level = 0;
    double max_depth = 0.0;  ///< m, maximum of /max_depth over the asset's cells
    double max_speed = 0.0;  ///< m/s, maximum of /max_speed over the asset's cells (NaN if absent)
    /// s since t = 0: t_level[K - 1] = first frame time at which the asset was at level K or more
    /// severe; none if no frame shows it.
    std::array<std::optional<double>, 4> t_level;
    /// s from the issue time to t_level[3] (the first time of any level); none if never.
    std::optional<double> lead_time_s;
    /// The level of each frame.
    std::vector<std::uint8_t> frame_levels;
    /// The run's level is more severe than any frame shows (a peak between two frames): the
    /// first times of the levels no frame shows are empty.
    bool peak_between_frames = false;
};

struct RiskRasters {
    /// nx*ny row-major, row 0 north. The most severe level of each cell over the run, 0..4 (0
    /// also outside the domain): from /max_depth for the depth criterion, from the frames else.
    std::vector<std::uint8_t> max_level;
    /// The maximum hazard value: depth (m; /max_depth), HR (defra) or class 1..6 (arr); NaN
    /// outside the domain.
    std::vector<double> max_hazard;
    /// s at level K or more severe, time_above[K - 1], from the frames (trapezoidal rule on the
    /// frame times); NaN outside the domain.
    std::array<std::vector<double>, 4> time_above;
    /// m, /max_depth as read (NaN outside the domain).
    std::vector<double> max_depth;
};

struct RiskReport {
    Grid2D grid;  ///< the result's grid (geotransform, CRS)
    LevelScheme scheme;
    std::vector<double> frame_times;  ///< s since t = 0
    /// Seconds since 1970 UTC of t = 0 (the scenario's [time] start, else the issue time) and
    /// of the issue time; none if neither is known.
    std::optional<double> t0_clock, issue_clock;
    /// The assets analysed (their cells reduced to the result's domain), and one row each.
    std::vector<Asset> assets;
    std::vector<AssetRow> rows;
    RiskRasters rasters;
    /// The result's /bed_elevation (m, NaN outside the domain; empty for results without it):
    /// the map's hillshade.
    std::vector<float> bed;
    /// Every rise or fall of an asset's level between frames (the first frame against level 0),
    /// in time order (assets in their order within one frame).
    std::vector<LevelChange> changes;
};

/// Analyses `result` for `assets` (their cells on the result's grid: read_assets; cells outside
/// the domain are dropped, and an asset left without any is an error naming `assets_path`).
/// Throws InputError naming the result and the dataset when the scheme needs velocities and the
/// result has none, or the result has no frames.
RiskReport analyse_result(const ResultReader& result, std::vector<Asset> assets, const std::string& assets_path,
                          const LevelScheme& scheme, const RiskOptions& options);

/// The alert area of `a` at `level` (shared by the analysis of a result and the online warnings):
/// a circle of `radius_km` for a point asset, else the outline in WGS84 of its cells whose
/// `level_of_cell(c)` (c: a row-major cell index of `g`, one of a.cells) is `level` or more severe
/// (all its cells for level 0), holes left out (a CAP area cannot have holes).
AlertArea alert_area(const Asset& a, int level, const std::function<int(std::size_t)>& level_of_cell,
                     const Grid2D& g, const ToWgs84& to_wgs84, double radius_km);

/// Seconds since 1970 UTC of the scenario's `[time] start` in `scenario_text` (a TOML date-time
/// with offset, or such a string); none if absent or the text is not TOML. Throws
/// InputError(result_path, "time.start", value) for a start without a UTC offset.
std::optional<double> scenario_start(const std::string& scenario_text, const std::string& result_path);

}  // namespace floodsim::risk
