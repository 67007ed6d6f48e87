#pragma once
// A SYNTHETIC district with the layout of Shangjie (上街区, Zhengzhou), generated from a seed:
// terrain, land use, drainage zones, rivers, levees, buildings, underpasses, shelters and
// flood-control key points. NOT SURVEY DATA: every elevation, footprint and position is made up
// to resemble the district's layout (town on the northern plain, loess hills rising to Wuyun
// Mountain in the south-east, the Sishui on the west, the Ku on the east); only the shelter names
// are real. Pure computation: plain values, no files (engine/district_writer.cpp writes them).
// Coordinates: UTM zone 49N (EPSG:32649), metres; the domain is 8 km x 8 km around 34.80 N,
// 113.29 E. docs/scenarios.md describes the layout.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace floodsim::district {

using Point = std::array<double, 2>;  ///< x (east), y (north), m, EPSG:32649
using Line = std::vector<Point>;      ///< a polyline, or a closed ring (first point repeated)

inline constexpr int kEpsg = 32649;
inline constexpr double kWest = 705000.0;    ///< m, x of the domain's west edge
inline constexpr double kSouth = 3849000.0;  ///< m, y of the domain's south edge
inline constexpr double kSize = 8000.0;      ///< m, side of the square domain

struct Options {
    double resolution_m = 10.0;  ///< m, cell size of the rasters (the model grid), (0, 1000]
    std::uint64_t seed = 1;      ///< the same seed gives the same district, bit for bit
};

struct Footprint {
    Line ring;        ///< closed ring
    double height_m;  ///< m above the ground
};

/// A land-use class; the Green-Ampt parameters are for dry antecedent soil (docs/processes.md).
struct LanduseClass {
    int code;
    std::string name;
    double manning;  ///< s/m^(1/3)
    double ks_mm_h;  ///< mm/h, saturated conductivity
    double psi_mm;   ///< mm, wetting-front suction
    double dtheta;   ///< moisture deficit (dry soil)
};

struct River {
    std::string name;   ///< "sishui" | "ku"
    std::string label;  ///< with the Chinese name
    Line line;          ///< south (upstream) to north (downstream)
    double width_m, depth_m, manning;
};

struct Levee {
    std::string name;  ///< e.g. "ku-levee"
    Line line;
    double height_m;  ///< m above the ground
};

struct Zone {
    std::string name;
    Line ring;
    double drain_mm_h;  ///< mm/h, storm-drain capacity
};

/// A point of interest: a shelter, a key point, an underpass.
struct Asset {
    std::string id, kind, name;
    Point at;
};

struct District {
    Options options;
    int nx = 0, ny = 0;
    double dx = 0;                      ///< m
    std::vector<float> z;               ///< m, nx*ny, row 0 north: the DEM (no buildings, channels, levees)
    std::vector<std::uint8_t> landuse;  ///< class code per cell
    std::vector<float> drain_mm_h;      ///< mm/h per cell, from the drainage zones
    std::vector<LanduseClass> classes;
    std::vector<River> rivers;  ///< sishui, ku
    std::vector<Levee> levees;  ///< sishui-levee (east bank), ku-levee (west bank)
    std::vector<Footprint> buildings;
    std::vector<Line> valleys;    ///< valley thalwegs from Wuyun Mountain; [0] ends at the village
    Line town, village, storage;  ///< closed rings
    std::vector<Zone> drainage_zones;
    std::vector<Asset> underpasses;  ///< railway underpasses (low spots), where the pumps are
    std::vector<Asset> assets;       ///< 6 shelters (real names) + 137 key points (synthetic)
    Point wuyun_peak{}, village_centre{}, town_centre{}, breach{};  ///< breach: on the ku-levee
    Point breach_town_side{};                                       ///< 400 m west of the breach, in the town

    /// m: x, y of the centre of cell (i, j), j = 0 the northern row.
    double cell_x(int i) const { return kWest + (i + 0.5) * dx; }
    double cell_y(int j) const { return kSouth + kSize - (j + 0.5) * dx; }
    /// m: the DEM at the cell holding p.
    double ground_at(const Point& p) const;
};

/// The district at `o.resolution_m` from `o.seed`. Throws std::invalid_argument for a
/// resolution outside (0, 1000] m.
District make_district(const Options& o);

/// The rings and polylines' distance helpers, shared by the generator and the templates.
double distance_to_line(const Line& l, const Point& p, double* chainage = nullptr);
bool inside(const Line& ring, const Point& p);
/// The point of the polyline at northing y (the first crossing); the last point if none.
Point point_at_northing(const Line& l, double y);

}  // namespace floodsim::district
