#pragma once
// How a cell's water depth d (m) and speed v (m/s) map to a warning level 0..4 (INTERFACE
// section 6; sources and defaults in docs/warnings.md): depth bands (default), the Defra/EA
// hazard rating HR = d (v + 0.5) + DF, or the ARR hazard classes H1-H6. A value on a band's
// lower edge belongs to that band. LEVELS.toml chooses the criterion and tunes it.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace floodsim::risk {

enum class Criterion { depth, defra, arr };

/// "depth", "defra", "arr".
const char* criterion_name(Criterion c);

/// ARR hazard class 1..6 (H1..H6) of depth d (m) and speed v (m/s): Smith, Davey and Cox (2014),
/// ARR 2019 Book 6 Chapter 7, Table 6.7.4. The limits of a class on d, v and d*v are the lower
/// edges of the next (a value on a limit belongs to the higher class, as every band here).
inline int arr_class(double d, double v) {
    const double dv = d * v;
    if (d < 0.3 && v < 2.0 && dv < 0.3) return 1;
    if (d < 0.5 && v < 2.0 && dv < 0.6) return 2;
    if (d < 1.2 && v < 2.0 && dv < 0.6) return 3;
    if (d < 2.0 && v < 2.0 && dv < 1.0) return 4;
    if (d < 4.0 && v < 4.0 && dv < 4.0) return 5;
    return 6;
}

struct LevelScheme {
    static constexpr double kUnused = std::numeric_limits<double>::quiet_NaN();

    Criterion criterion = Criterion::depth;
    /// m: lower edges of levels 4 (blue), 3 (yellow), 2 (orange), 1 (red); increasing, > 0.
    std::array<double, 4> depth_bands{0.15, 0.25, 0.40, 0.60};
    /// Defra: the debris factor DF where d > debris_depth (m); 0 at or below it.
    double debris_factor = 0.5;
    double debris_depth = 0.25;
    /// Defra: HR lower edges of levels 4, 3, 2, 1 (kUnused: the level is not given); the used
    /// ones increasing, > 0. Default: FD2321's classes 0.75 / 1.25 / 2.0 as levels 3 / 2 / 1.
    std::array<double, 4> hr_thresholds{kUnused, 0.75, 1.25, 2.0};
    /// ARR: the level of each class H1..H6 (index 0 = H1), 0..4, never less severe for a
    /// higher class.
    std::array<int, 6> arr_levels{0, 4, 3, 2, 1, 1};
    /// ARR: m; shallower cells are H1 (a near-dry cell's velocity is no hazard, and a model's
    /// velocities there are least reliable).
    double arr_min_depth = 0.01;
    /// km: radius of the alert circle of a point asset.
    double point_radius_km = 0.2;
    /// Where the scheme came from (the LEVELS.toml path), empty for the defaults.
    std::string source;

    bool needs_velocity() const { return criterion != Criterion::depth; }

    /// The cell's hazard value: d (depth), HR (defra) or the class 1..6 (arr); NaN for NaN d.
    double hazard_value(double d, double v) const {
        switch (criterion) {
            case Criterion::depth:
                return d;
            case Criterion::defra:
                return d * (v + 0.5) + (d > debris_depth ? debris_factor : 0.0);
            case Criterion::arr:
                if (std::isnan(d)) return d;
                return d < arr_min_depth ? 1.0 : static_cast<double>(arr_class(d, v));
        }
        return d;
    }

    /// The level 0..4 of a hazard value (NaN: 0).
    int level_of_value(double value) const {
        if (criterion == Criterion::arr) {
            if (!(value >= 1.0)) return 0;
            return arr_levels[static_cast<std::size_t>(value) - 1];
        }
        const std::array<double, 4>& t = criterion == Criterion::depth ? depth_bands : hr_thresholds;
        for (int k = 3; k >= 0; --k)
            if (value >= t[static_cast<std::size_t>(k)]) return 4 - k;  // NaN edges never match
        return 0;
    }

    int level(double d, double v) const { return level_of_value(hazard_value(d, v)); }
};

/// Severity rank of a level: 0 none, 1 blue .. 4 red (so that a larger rank is more severe).
constexpr int severity(int level) { return level == 0 ? 0 : 5 - level; }
/// The level of a severity rank (inverse of severity()).
constexpr int level_of_severity(int rank) { return rank == 0 ? 0 : 5 - rank; }

/// Reads LEVELS.toml (format in docs/warnings.md). Throws InputError naming the file, the key and
/// the value for a file that cannot be read or parsed, an unknown key or criterion, a negative
/// or non-increasing band, a mapping outside 0..4 or against the order of the classes.
LevelScheme load_level_scheme(const std::string& path);

}  // namespace floodsim::risk
