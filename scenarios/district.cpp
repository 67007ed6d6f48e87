// The synthetic Shangjie district (district.hpp). NOT SURVEY DATA: a made-up terrain and town with
// the district's layout, from a seed. Geometry is laid out in local metres (u east, v north from
// the domain's south-west corner) and moved to UTM 49N at the end.
#include "scenarios/district.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "scenarios/splitmix.hpp"

namespace floodsim::district {
namespace {

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: splitmix64 (the same numbers on every platform and compiler).

/// In [0, 1): the k-th number of stream `stream` for `seed`.
double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t k) {
    return static_cast<double>(splitmix64(splitmix64(seed ^ splitmix64(stream)) + k) >> 11) * 0x1.0p-53;
}

class Rng {
public:
    Rng(std::uint64_t seed, std::uint64_t stream) : seed_(seed), stream_(stream) {}
    double next() { return uniform(seed_, stream_, k_++); }
    double range(double lo, double hi) { return lo + (hi - lo) * next(); }

private:
    std::uint64_t seed_, stream_, k_ = 0;
};

double smooth01(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

/// In [-1, 1]: value noise on a lattice of `wavelength` metres.
double value_noise(std::uint64_t seed, std::uint64_t octave, double u, double v, double wavelength) {
    const double fu = u / wavelength, fv = v / wavelength;
    const double iu = std::floor(fu), iv = std::floor(fv);
    auto corner = [&](double a, double b) {
        const auto key = (static_cast<std::uint64_t>(static_cast<std::int64_t>(a) + 1000) << 20) ^
                         static_cast<std::uint64_t>(static_cast<std::int64_t>(b) + 1000);
        return 2.0 * uniform(seed, 100 + octave, key) - 1.0;
    };
    const double su = smooth01(fu - iu), sv = smooth01(fv - iv);
    const double top = corner(iu, iv) * (1 - su) + corner(iu + 1, iv) * su;
    const double bot = corner(iu, iv + 1) * (1 - su) + corner(iu + 1, iv + 1) * su;
    return top * (1 - sv) + bot * sv;
}

// ---------------------------------------------------------------------------------------------
// The layout, in local metres. Streets every 250 m in the town; the railway embankment crosses it
// from west to east with five road underpasses.

constexpr double kStreetPitch = 250.0, kStreetHalf = 12.0;
constexpr double kTownU0 = 1900, kTownU1 = 6300, kTownV0 = 4300, kTownV1 = 7700;
constexpr double kFirstStreetU = 2000, kFirstStreetV = 4400;
constexpr double kRailV = 5525, kRailHeight = 4.0, kUnderpassDepth = 4.5;
constexpr double kUnderpassU[] = {2500, 3250, 4000, 4750, 5500};
constexpr double kStorageU0 = 5750, kStorageU1 = 6350, kStorageV0 = 6650, kStorageV1 = 7150, kStorageDepth = 3.0;
const Point kWuyun{5600, 1500};
const Point kVillage{4300, 4000};
const Point kTownCentre{4125, 6275};

const Line kSishui{{900, 0}, {1150, 1300}, {850, 2600}, {1200, 3900}, {1050, 5200}, {1350, 6500}, {1250, 8000}};
const Line kKu{{7700, 0},    {7450, 1200}, {7650, 2500}, {7300, 3800},
               {7100, 5000}, {7200, 6200}, {6900, 7200}, {6800, 8000}};
/// Valleys from Wuyun Mountain: the one to the village first.
const std::vector<Line> kValleys{
    {{5250, 1950}, {4950, 2700}, {4550, 3400}, {4300, 3950}},
    {{4950, 1450}, {3900, 1900}, {2700, 2400}, {1350, 2750}},
    {{6150, 1650}, {6800, 2100}, {7450, 2500}},
    {{5850, 2150}, {5850, 3000}, {5650, 3950}},
};

/// The six emergency shelters (real names; positions synthetic), at block centres.
struct Shelter {
    const char* name;
    int bi, bj;  ///< block column (from the west) and row (from the south)
};
constexpr Shelter kShelters[] = {{"铝城公园", 5, 8},    {"亚星盛世广场", 9, 6}, {"洛宁路游园", 2, 3},
                                 {"淮阳路游园", 12, 3}, {"新安路游园", 7, 10},  {"体育中心", 14, 9}};

double block_u(int bi) { return kFirstStreetU + kStreetPitch * (bi + 0.5); }
double block_v(int bj) { return kFirstStreetV + kStreetPitch * (bj + 0.5); }
constexpr int kBlocksU = 17, kBlocksV = 13;

bool in_town(double u, double v) { return u >= kTownU0 && u <= kTownU1 && v >= kTownV0 && v <= kTownV1; }
bool in_storage(double u, double v) { return u >= kStorageU0 && u <= kStorageU1 && v >= kStorageV0 && v <= kStorageV1; }
bool in_village(double u, double v) { return std::abs(u - kVillage[0]) <= 220 && std::abs(v - kVillage[1]) <= 160; }
bool is_park_block(int bi, int bj) {
    for (const Shelter& s : kShelters)
        if (s.bi == bi && s.bj == bj) return true;
    return false;
}

/// m: distance to the nearest street centre line of the town grid.
double street_distance(double u, double v) {
    auto d = [](double w, double first) {
        const double r = std::fmod(w - first, kStreetPitch);
        const double m = r < 0 ? r + kStreetPitch : r;
        return std::min(m, kStreetPitch - m);
    };
    return std::min(d(u, kFirstStreetU), d(v, kFirstStreetV));
}

// ---------------------------------------------------------------------------------------------
// Terrain: a plain falling north, loess hills rising south of it to Wuyun Mountain, valleys and
// river valleys cut into them, then the town's streets, railway, underpasses and storage area.

double plain(double u, double v) {
    return 150.0 - 0.004 * (v - 4000.0) + 0.002 * std::min(std::abs(u - 4200.0), 3400.0);
}
double hill_share(double v) { return smooth01((4100.0 - v) / 3200.0); }
double wuyun(double u, double v) {
    const double du = u - kWuyun[0], dv = v - kWuyun[1];
    return 230.0 * std::exp(-(du * du + dv * dv) / (2.0 * 1100.0 * 1100.0));
}
/// m: the terrain without noise, valleys or town.
double smooth_base(double u, double v) { return plain(u, v) + 70.0 * hill_share(v) + wuyun(u, v); }

struct Carver {
    const Line* line;
    double length;
    double floor_half, side_slope;
    bool river;
};

double line_length(const Line& l) {
    double s = 0;
    for (std::size_t k = 1; k < l.size(); ++k) s += std::hypot(l[k][0] - l[k - 1][0], l[k][1] - l[k - 1][1]);
    return s;
}

/// m: the floor of a valley or river valley at chainage s and the nearest line point p.
double carve_floor(const Carver& c, double s, const Point& p) {
    if (c.river) return plain(p[0], p[1]) - 0.3 + 0.002 * std::max(0.0, 4100.0 - p[1]);
    const double rest = 1.0 - s / c.length;
    return smooth_base(p[0], p[1]) - 22.0 * rest * rest;
}

double nearest_point(const Line& l, const Point& p, double* chainage, Point* at) {
    double best = 1e300, s_acc = 0;
    for (std::size_t k = 1; k < l.size(); ++k) {
        const Point& a = l[k - 1];
        const Point& b = l[k];
        const double ex = b[0] - a[0], ey = b[1] - a[1], len2 = ex * ex + ey * ey;
        const double t = len2 > 0 ? std::clamp(((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / len2, 0.0, 1.0) : 0.0;
        const Point q{a[0] + t * ex, a[1] + t * ey};
        const double d = std::hypot(p[0] - q[0], p[1] - q[1]);
        if (d < best) {
            best = d;
            if (chainage) *chainage = s_acc + t * std::sqrt(len2);
            if (at) *at = q;
        }
        s_acc += std::sqrt(len2);
    }
    return best;
}

double carved(const std::vector<Carver>& carvers, double u, double v, double z) {
    for (const Carver& c : carvers) {
        double s = 0;
        Point q{};
        const double d = nearest_point(*c.line, {u, v}, &s, &q);
        z = std::min(z, carve_floor(c, s, q) + c.side_slope * std::max(0.0, d - c.floor_half));
    }
    return z;
}

/// m: the depth of an underpass below the street at (u, v), 0 outside one.
double underpass_depth(double u, double v, double res) {
    const double half_w = std::max(12.0, 0.75 * res), half_l = std::max(90.0, 1.5 * res);
    for (double uu : kUnderpassU)
        if (std::abs(u - uu) <= half_w)
            return kUnderpassDepth * smooth01((half_l - std::abs(v - kRailV)) / (0.5 * half_l));
    return 0.0;
}

/// m: what the town adds to the ground at (u, v): kerbs, railway embankment, underpasses, storage.
double town_relief(double u, double v, double res) {
    if (!in_town(u, v)) return 0.0;
    if (in_storage(u, v)) return -kStorageDepth;
    const double under = underpass_depth(u, v, res);
    if (under > 0) return -under;
    if (std::abs(v - kRailV) <= std::max(10.0, 0.6 * res)) return kRailHeight;
    return street_distance(u, v) <= kStreetHalf ? 0.0 : 0.2;
}

/// m: the alluvial ridge a river builds on the plain (its banks stand above the land behind them,
/// which is why the town needs levees): 1.2 m at the river, nothing 450 m away or in the hills.
double river_ridge(double u, double v) {
    const double d =
        std::min(nearest_point(kSishui, {u, v}, nullptr, nullptr), nearest_point(kKu, {u, v}, nullptr, nullptr));
    return 1.2 * smooth01(1.0 - d / 450.0) * (1.0 - hill_share(v));
}

double elevation(const std::vector<Carver>& carvers, std::uint64_t seed, double res, double u, double v) {
    const double hills = std::max(hill_share(v), wuyun(u, v) / 230.0);
    const double noise = 9.0 * value_noise(seed, 0, u, v, 700.0) + 4.0 * value_noise(seed, 1, u, v, 260.0);
    const double z = carved(carvers, u, v, smooth_base(u, v) + hills * noise) + river_ridge(u, v);
    return z + town_relief(u, v, res);
}

// ---------------------------------------------------------------------------------------------
// Land use and drainage zones, per cell.

enum Class : std::uint8_t {
    Paved = 1,
    Urban = 2,
    Fields = 3,
    Hills = 4,
    Forest = 5,
    Village = 6,
    Storage = 7,
    Park = 8
};

std::vector<LanduseClass> landuse_classes() {
    // Green-Ampt after Rawls et al. (1983); loess = silt loam (docs/processes.md).
    return {{Paved, "paved (streets, squares, railway)", 0.016, 0.5, 110, 0.30},
            {Urban, "urban blocks (yards, gardens; buildings raised separately)", 0.040, 2.0, 167, 0.30},
            {Fields, "loess fields on the plain", 0.050, 6.5, 167, 0.35},
            {Hills, "loess hills, grass and shrub", 0.060, 6.5, 167, 0.30},
            {Forest, "Wuyun Mountain woods", 0.100, 10.0, 167, 0.30},
            {Village, "village", 0.040, 2.0, 167, 0.30},
            {Storage, "storage (detention) area, grass", 0.035, 6.5, 167, 0.35},
            {Park, "parks and squares (shelters)", 0.050, 8.0, 167, 0.30}};
}

std::uint8_t classify(double u, double v, double res) {
    if (in_town(u, v)) {
        if (in_storage(u, v)) return Storage;
        if (street_distance(u, v) <= kStreetHalf || underpass_depth(u, v, res) > 0 ||
            std::abs(v - kRailV) <= std::max(10.0, 0.6 * res))
            return Paved;
        const int bi = static_cast<int>(std::floor((u - kFirstStreetU) / kStreetPitch));
        const int bj = static_cast<int>(std::floor((v - kFirstStreetV) / kStreetPitch));
        return is_park_block(bi, bj) ? Park : Urban;
    }
    if (in_village(u, v)) return Village;
    if (wuyun(u, v) > 60.0) return Forest;
    return 70.0 * hill_share(v) + wuyun(u, v) > 8.0 ? Hills : Fields;
}

/// mm/h: storm-drain capacity. Old town (west) 20, new town (east) 35, village 10, elsewhere none.
double drain_capacity(double u, double v) {
    if (in_town(u, v) && !in_storage(u, v)) return u < 4100 ? 20.0 : 35.0;
    return in_village(u, v) ? 10.0 : 0.0;
}

// ---------------------------------------------------------------------------------------------
// Vector features, in local metres.

Line rect(double u0, double v0, double u1, double v1) { return {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}, {u0, v0}}; }

/// A levee along the town side of a river (side +1: east, -1: west), offset clear of the channel
/// cells, from a tie-back into the hills at its south end to the north edge.
Line levee_line(const Line& river, double side, double offset) {
    Line out;
    for (double v = 3500; v <= 8000.0 + 1e-9; v += 250.0) {
        const Point a = point_at_northing(river, std::max(0.0, v - 50)),
                    b = point_at_northing(river, std::min(8000.0, v + 50));
        const double ex = b[0] - a[0], ey = b[1] - a[1], len = std::hypot(ex, ey);
        const Point p = point_at_northing(river, v);
        // right-hand normal of a line heading north is (ey, -ex) / len: east for side +1
        out.push_back({p[0] + side * offset * ey / len, p[1] - side * offset * ex / len});
    }
    const Point first = out.front();
    out.insert(out.begin(), {first[0] + side * 600.0, first[1] - 300.0});
    return out;
}

std::vector<Footprint> town_buildings(std::uint64_t seed) {
    std::vector<Footprint> out;
    Rng rng(seed, 1);
    const double inner = kStreetPitch - 2 * kStreetHalf - 2 * 10.0, sub = inner / 3.0;
    for (int bi = 0; bi < kBlocksU; ++bi)
        for (int bj = 0; bj < kBlocksV; ++bj) {
            const double cu = block_u(bi), cv = block_v(bj);
            if (is_park_block(bi, bj) || std::abs(cv - kRailV) < kStreetPitch / 2 || !in_town(cu + 125, cv + 125) ||
                in_storage(cu - 125, cv + 125) || in_storage(cu + 100, cv - 100))
                continue;
            for (int a = 0; a < 3; ++a)
                for (int b = 0; b < 3; ++b) {
                    const double u = cu - inner / 2 + sub * (a + 0.5) + rng.range(-5, 5);
                    const double v = cv - inner / 2 + sub * (b + 0.5) + rng.range(-5, 5);
                    const double hw = rng.range(14, 27), hl = rng.range(12, 27);
                    const double h = 6.0 + 3.0 * std::floor(8.0 * rng.next());
                    out.push_back({rect(u - hw, v - hl, u + hw, v + hl), h});
                }
        }
    return out;
}

std::vector<Footprint> village_houses(std::uint64_t seed) {
    std::vector<Footprint> out;
    Rng rng(seed, 2);
    for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 4; ++b) {
            const double u = kVillage[0] - 180 + 72 * a + rng.range(-8, 8),
                         v = kVillage[1] - 120 + 75 * b + rng.range(-8, 8);
            out.push_back({rect(u - 8, v - 6, u + 8, v + 6), 6.0});
        }
    return out;
}

std::string numbered(const char* fmt, int k) {
    char buf[96];
    std::snprintf(buf, sizeof buf, fmt, k);
    return buf;
}

/// The assets in map coordinates (underpasses and rivers are given in map coordinates).
std::vector<Asset> make_assets(std::uint64_t seed, const std::vector<Asset>& underpasses, const Line& sishui,
                               const Line& ku) {
    std::vector<Asset> out;
    for (int k = 0; k < 6; ++k)
        out.push_back({numbered("shelter-%d", k + 1),
                       "shelter",
                       kShelters[k].name,
                       {kWest + block_u(kShelters[k].bi), kSouth + block_v(kShelters[k].bj)}});
    // The district plan lists 137 flood-control key points; their positions here are synthetic.
    int n = 0;
    for (const Asset& u : underpasses) out.push_back({numbered("kp-%03d", ++n), "underpass", u.name, u.at});
    for (double v : {5000.0, 6800.0})
        for (const Line* r : {&sishui, &ku})
            out.push_back({numbered("kp-%03d", ++n), "bridge",
                           numbered(r == &sishui ? "汜水河桥 %d（合成）" : "枯河桥 %d（合成）", v < 6000 ? 1 : 2),
                           point_at_northing(*r, kSouth + v)});
    static const char* const kinds[] = {"low_road",   "basement",        "school", "hospital",
                                        "substation", "old_residential", "market"};
    Rng rng(seed, 3);
    while (n < 137) {
        const Point p{kWest + rng.range(kTownU0 + 50, kTownU1 - 50), kSouth + rng.range(kTownV0 + 50, kTownV1 - 50)};
        const char* kind = kinds[static_cast<int>(rng.next() * 7)];
        ++n;
        out.push_back({numbered("kp-%03d", n), kind, numbered("防汛重点部位 %03d（合成）", n), p});
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Local metres to UTM 49N.

Point to_map(const Point& p) { return {kWest + p[0], kSouth + p[1]}; }
Line to_map(const Line& l) {
    Line out;
    for (const Point& p : l) out.push_back(to_map(p));
    return out;
}

void fill_rasters(District& d, const std::vector<Carver>& carvers) {
    const std::size_t n = static_cast<std::size_t>(d.nx) * static_cast<std::size_t>(d.ny);
    d.z.resize(n);
    d.landuse.resize(n);
    d.drain_mm_h.resize(n);
    for (int j = 0; j < d.ny; ++j)
        for (int i = 0; i < d.nx; ++i) {
            const double u = d.cell_x(i) - kWest, v = d.cell_y(j) - kSouth;
            const std::size_t k = static_cast<std::size_t>(j) * d.nx + i;
            d.z[k] = static_cast<float>(elevation(carvers, d.options.seed, d.dx, u, v));
            d.landuse[k] = classify(u, v, d.dx);
            d.drain_mm_h[k] = static_cast<float>(drain_capacity(u, v));
        }
}

void add_vectors(District& d) {
    const double r = d.dx;
    d.rivers = {{"sishui", "Sishui (汜水河)", to_map(kSishui), 30.0, 4.0, 0.035},
                {"ku", "Ku (枯河)", to_map(kKu), 15.0, 2.0, 0.035}};
    d.levees = {{"sishui-levee", to_map(levee_line(kSishui, +1, 15.0 + 1.5 * r)), 3.0},
                {"ku-levee", to_map(levee_line(kKu, -1, 7.5 + 1.5 * r)), 3.0}};
    d.buildings = town_buildings(d.options.seed);
    for (Footprint& f : village_houses(d.options.seed)) d.buildings.push_back(f);
    for (Footprint& f : d.buildings) f.ring = to_map(f.ring);
    for (const Line& v : kValleys) d.valleys.push_back(to_map(v));
    d.town = to_map(rect(kTownU0, kTownV0, kTownU1, kTownV1));
    d.village = to_map(rect(kVillage[0] - 220, kVillage[1] - 160, kVillage[0] + 220, kVillage[1] + 160));
    d.storage = to_map(rect(kStorageU0, kStorageV0, kStorageU1, kStorageV1));
    d.drainage_zones = {{"old town", to_map(rect(kTownU0, kTownV0, 4100, kTownV1)), 20.0},
                        {"new town", to_map(rect(4100, kTownV0, kTownU1, kTownV1)), 35.0},
                        {"village", d.village, 10.0}};
    for (int k = 0; k < 5; ++k)
        d.underpasses.push_back({numbered("underpass-%d", k + 1), "underpass",
                                 numbered("铁路下穿隧道 %d（合成）", k + 1), to_map(Point{kUnderpassU[k], kRailV})});
    d.assets = make_assets(d.options.seed, d.underpasses, d.rivers[0].line, d.rivers[1].line);
    d.wuyun_peak = to_map(kWuyun);
    d.village_centre = to_map(kValleys[0].back());
    d.town_centre = to_map(kTownCentre);
    d.breach = point_at_northing(d.levees[1].line, kSouth + 5000.0);
    d.breach_town_side = {d.breach[0] - 400.0, d.breach[1]};
}

}  // namespace

double distance_to_line(const Line& l, const Point& p, double* chainage) {
    return nearest_point(l, p, chainage, nullptr);
}

bool inside(const Line& ring, const Point& p) {
    bool in = false;
    for (std::size_t a = 0, b = ring.size() - 1; a < ring.size(); b = a++) {
        const Point &pa = ring[a], &pb = ring[b];
        if ((pa[1] > p[1]) != (pb[1] > p[1]) && p[0] < (pb[0] - pa[0]) * (p[1] - pa[1]) / (pb[1] - pa[1]) + pa[0])
            in = !in;
    }
    return in;
}

Point point_at_northing(const Line& l, double y) {
    for (std::size_t k = 1; k < l.size(); ++k) {
        const Point &a = l[k - 1], &b = l[k];
        if ((a[1] - y) * (b[1] - y) <= 0 && a[1] != b[1]) {
            const double t = (y - a[1]) / (b[1] - a[1]);
            return {a[0] + t * (b[0] - a[0]), y};
        }
    }
    return l.back();
}

double District::ground_at(const Point& p) const {
    const int i = std::clamp(static_cast<int>((p[0] - kWest) / dx), 0, nx - 1);
    const int j = std::clamp(static_cast<int>((kSouth + kSize - p[1]) / dx), 0, ny - 1);
    return z[static_cast<std::size_t>(j) * nx + i];
}

District make_district(const Options& o) {
    if (!(o.resolution_m > 0 && o.resolution_m <= 1000))
        throw std::invalid_argument("resolution " + std::to_string(o.resolution_m) + " m: expected (0, 1000]");
    District d;
    d.options = o;
    d.nx = d.ny = static_cast<int>(std::ceil(kSize / o.resolution_m - 1e-9));
    d.dx = kSize / d.nx;  // the grid covers the 8 km exactly; dx is resolution_m or slightly less
    d.classes = landuse_classes();
    const double r = d.dx;
    std::vector<Carver> carvers;
    for (const Line& l : kValleys) carvers.push_back({&l, line_length(l), std::max(30.0, 0.75 * r), 0.35, false});
    carvers.push_back({&kSishui, line_length(kSishui), std::max(120.0, 0.75 * r), 0.2, true});
    carvers.push_back({&kKu, line_length(kKu), std::max(100.0, 0.75 * r), 0.2, true});
    fill_rasters(d, carvers);
    add_vectors(d);
    return d;
}

}  // namespace floodsim::district
