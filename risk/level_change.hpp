#pragma once
// A change of an asset's warning level, the unit every warning product is made of: the
// per-asset analysis (floodsim risk, online warnings) emits them in time order, CAP alerts are
// written from them (Alert on the first level, Update on a change, Cancel on the fall to none).
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace floodsim::risk {

/// The area of an alert in WGS84. Polygons are rings of (lat, lon) pairs in degrees, each
/// closed (first point == last point); a circle is a centre (lat, lon) and a radius in km.
struct AlertArea {
    std::string description;  ///< areaDesc, e.g. the asset's name
    std::vector<std::vector<std::array<double, 2>>> polygons;
    struct Circle {
        double lat = 0.0, lon = 0.0, radius_km = 0.0;
    };
    std::optional<Circle> circle;
};

struct LevelChange {
    std::string asset_id, asset_name;
    int level = 0;           ///< new level: 1 red .. 4 blue, 0 none (fell back)
    int previous_level = 0;  ///< level before the change (0 none)
    double time_s = 0.0;     ///< simulated seconds since t = 0 when the water reached `level`
    double max_depth = 0.0;  ///< m, the asset's depth at time_s
    bool flash_flood = false;  ///< CAP category Geo instead of Met
    AlertArea area;
};

}  // namespace floodsim::risk
