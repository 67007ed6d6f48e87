#pragma once
// Online warning levels (INTERFACE section 6, `[warning]`; docs/warnings.md "Online warnings"): the level of
// each asset while a run goes on. At each evaluation time the run hands over the depth (and,
// for the defra and arr criteria, the velocity) of the assets' cells only, and gets back the
// assets whose level changed since the previous evaluation as LevelChange events, with their
// WGS84 alert areas: the same classification (LevelScheme) and the same alert areas
// (alert_area) as the analysis of a finished result, so that `floodsim risk` on the run's result
// gives the same events at the frame times.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "mesh/grid2d.hpp"
#include "risk/assets.hpp"
#include "risk/level_change.hpp"
#include "risk/level_scheme.hpp"

namespace floodsim::risk {

class ToWgs84;

class OnlineLevelTracker {
public:
    /// `assets` placed on `grid` (read_assets; cells outside the domain already removed:
    /// keep_valid_cells), all at level 0. `crs_source` names the file the grid's CRS came from
    /// (InputError when it has none or it cannot be transformed to WGS84).
    OnlineLevelTracker(std::vector<Asset> assets, LevelScheme scheme, const Grid2D& grid,
                       const std::string& crs_source);
    ~OnlineLevelTracker();
    OnlineLevelTracker(OnlineLevelTracker&&) noexcept;
    OnlineLevelTracker& operator=(OnlineLevelTracker&&) noexcept;

    /// Every cell of every asset, each once, ascending (row-major j * nx + i): the values
    /// evaluate() takes, in this order.
    const std::vector<std::size_t>& cells() const { return cells_; }
    /// Whether evaluate() needs the velocities (defra, arr).
    bool needs_velocity() const { return scheme_.needs_velocity(); }

    /// The levels at simulated time `time_s` (s) from depth[k] (m) and, when needs_velocity(),
    /// vx[k], vy[k] (m/s; else they may be null) of cells()[k]. Returns one event per asset whose
    /// level differs from the previous evaluation (the first against level 0), in asset order.
    std::vector<LevelChange> evaluate(double time_s, const double* depth, const double* vx, const double* vy);

    const std::vector<Asset>& assets() const { return assets_; }
    /// The level of asset `a` at the last evaluation (0 none).
    int level(std::size_t a) const { return levels_[a]; }
    /// Every asset's level at the last evaluation, and setting them back (a resumed run: the next
    /// evaluation reports changes against these). Throws std::invalid_argument for a vector of
    /// another size or a level outside 0..4.
    const std::vector<int>& levels() const { return levels_; }
    void restore_levels(const std::vector<int>& levels);
    const LevelScheme& scheme() const { return scheme_; }

private:
    std::vector<Asset> assets_;
    LevelScheme scheme_;
    Grid2D grid_;
    std::unique_ptr<ToWgs84> to_wgs84_;
    std::vector<std::size_t> cells_;
    /// for each asset, the positions of its cells in cells_
    std::vector<std::vector<std::size_t>> slots_;
    std::vector<int> levels_;
    std::vector<std::uint8_t> cell_level_;  ///< level of each of cells_ at the last evaluation
};

}  // namespace floodsim::risk
