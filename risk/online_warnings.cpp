#include "risk/online_warnings.hpp"

#include <stdexcept>

#include <algorithm>
#include <cmath>

#include "risk/asset_analysis.hpp"
#include "risk/outline.hpp"

namespace floodsim::risk {

OnlineLevelTracker::OnlineLevelTracker(std::vector<Asset> assets, LevelScheme scheme, const Grid2D& grid,
                                       const std::string& crs_source)
    : assets_(std::move(assets)),
      scheme_(std::move(scheme)),
      grid_(grid),
      to_wgs84_(std::make_unique<ToWgs84>(grid.crs_wkt, crs_source)) {
    for (const Asset& a : assets_) cells_.insert(cells_.end(), a.cells.begin(), a.cells.end());
    std::sort(cells_.begin(), cells_.end());
    cells_.erase(std::unique(cells_.begin(), cells_.end()), cells_.end());
    slots_.reserve(assets_.size());
    for (const Asset& a : assets_) {
        std::vector<std::size_t> s;
        s.reserve(a.cells.size());
        for (std::size_t c : a.cells)
            s.push_back(static_cast<std::size_t>(std::lower_bound(cells_.begin(), cells_.end(), c) - cells_.begin()));
        slots_.push_back(std::move(s));
    }
    levels_.assign(assets_.size(), 0);
    cell_level_.assign(cells_.size(), 0);
}

void OnlineLevelTracker::restore_levels(const std::vector<int>& levels) {
    if (levels.size() != levels_.size())
        throw std::invalid_argument("restore_levels: " + std::to_string(levels.size()) + " levels for " +
                                    std::to_string(levels_.size()) + " assets");
    for (int l : levels)
        if (l < 0 || l > 4) throw std::invalid_argument("restore_levels: level " + std::to_string(l) + " outside 0..4");
    levels_ = levels;
}

OnlineLevelTracker::~OnlineLevelTracker() = default;
OnlineLevelTracker::OnlineLevelTracker(OnlineLevelTracker&&) noexcept = default;
OnlineLevelTracker& OnlineLevelTracker::operator=(OnlineLevelTracker&&) noexcept = default;

std::vector<LevelChange> OnlineLevelTracker::evaluate(double time_s, const double* depth, const double* vx,
                                                      const double* vy) {
    const bool velocity = scheme_.needs_velocity();
    for (std::size_t k = 0; k < cells_.size(); ++k) {
        // speed as the analysis of a result computes it from the frames' velocities
        const double v = velocity ? std::sqrt(vx[k] * vx[k] + vy[k] * vy[k]) : 0.0;
        cell_level_[k] = static_cast<std::uint8_t>(scheme_.level(depth[k], v));
    }
    std::vector<LevelChange> events;
    for (std::size_t a = 0; a < assets_.size(); ++a) {
        // the most severe level of the asset's cells (INTERFACE section 6), and its deepest water
        int rank = 0;
        double d_max = 0.0;
        for (std::size_t s : slots_[a]) {
            rank = std::max(rank, severity(cell_level_[s]));
            if (depth[s] > d_max) d_max = depth[s];
        }
        const int level = level_of_severity(rank);
        if (level == levels_[a]) continue;
        LevelChange e;
        e.asset_id = assets_[a].id;
        e.asset_name = assets_[a].name;
        e.level = level;
        e.previous_level = levels_[a];
        e.time_s = time_s;
        e.max_depth = d_max;
        const std::vector<std::size_t>& cells = cells_;
        const std::vector<std::uint8_t>& cell_level = cell_level_;
        e.area = alert_area(
            assets_[a], level,
            [&cells, &cell_level](std::size_t c) {
                const auto it = std::lower_bound(cells.begin(), cells.end(), c);
                return it != cells.end() && *it == c ? int(cell_level[std::size_t(it - cells.begin())]) : 0;
            },
            grid_, *to_wgs84_, scheme_.point_radius_km);
        levels_[a] = level;
        events.push_back(std::move(e));
    }
    return events;
}

}  // namespace floodsim::risk
