#include "risk/flood_map.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "mesh/gdal_util.hpp"
#include "risk/bitmap_font.hpp"
#include "risk/levels.hpp"

namespace floodsim::risk {

namespace {

using Rgb = std::array<std::uint8_t, 3>;

constexpr double kPi = 3.14159265358979323846;

// Layout, pixels.
constexpr int kMargin = 16;
constexpr int kTitleHeight = 36;
constexpr int kPanelWidth = 260;
constexpr int kMinWidth = 480;
constexpr int kTextScale = 2;  // the 5 x 7 font doubled: 10 x 14 pixels a character

// Colours.
constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kInk{30, 30, 30};
constexpr Rgb kOutside{236, 236, 236};  // cells outside the domain
constexpr Rgb kNoLevel{250, 250, 250};  // an asset without a level
constexpr Rgb kFrame{90, 90, 90};
// ColorBrewer "Blues" (7 classes), one a depth class of kDepthClasses, shallow to deep.
constexpr std::array<Rgb, 7> kDepthColours{{{198, 219, 239},
                                            {158, 202, 225},
                                            {107, 174, 214},
                                            {66, 146, 198},
                                            {33, 113, 181},
                                            {8, 81, 156},
                                            {8, 48, 107}}};
// Opacity of each depth class: a thin sheet of rain water leaves the ground readable, deep
// water hides it.
constexpr std::array<double, 7> kDepthOpacity{0.40, 0.55, 0.70, 0.80, 0.85, 0.90, 0.92};
constexpr double kLevelOpacity = 0.80;
// Ground tint by elevation, low to high (a light green to a light tan), shaded by the hillshade.
constexpr std::array<Rgb, 3> kGroundTint{{{190, 212, 182}, {228, 224, 192}, {216, 196, 168}}};
// The typical grey-tint of flat ground, for the legend boxes (they show the colours as on the map).
constexpr Rgb kFlatGround{222, 222, 204};

struct Clip {
    int x0, y0, x1, y1;  // [x0, x1) x [y0, y1)
};

Rgb level_colour(int level) { return level == 0 ? kNoLevel : level_info(level).rgb; }

Rgb mix(Rgb a, Rgb b, double t) {
    Rgb c;
    for (int k = 0; k < 3; ++k) c[k] = static_cast<std::uint8_t>(std::lround(a[k] + (b[k] - a[k]) * t));
    return c;
}

Rgb over(Rgb base, Rgb top, double alpha) { return mix(base, top, alpha); }

/// The ground tint at elevation fraction t (0 = low, 1 = high).
Rgb ground_tint(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t < 0.5 ? mix(kGroundTint[0], kGroundTint[1], 2 * t) : mix(kGroundTint[1], kGroundTint[2], 2 * t - 1);
}

/// The 2nd and 98th percentiles of the bed (m) over the domain: the range of the tint, so that a
/// few towers or pits do not wash it out.
std::pair<double, double> bed_range(const std::vector<float>& bed) {
    std::vector<float> v;
    v.reserve(bed.size());
    for (float z : bed)
        if (!std::isnan(z)) v.push_back(z);
    if (v.empty()) return {0.0, 1.0};
    const auto at = [&](double q) {
        auto it = v.begin() + static_cast<std::ptrdiff_t>(q * (v.size() - 1));
        std::nth_element(v.begin(), it, v.end());
        return static_cast<double>(*it);
    };
    const double lo = at(0.02), hi = at(0.98);
    return {lo, hi > lo ? hi : lo + 1.0};
}

int depth_class(float d) {
    int c = -1;
    for (std::size_t k = 0; k < kDepthClasses.size(); ++k)
        if (d >= kDepthClasses[k]) c = static_cast<int>(k);
    return c;
}

/// A disc of radius r about (cx, cy), its edge antialiased by coverage.
void fill_disc(RgbImage& img, const Clip& clip, double cx, double cy, double r, Rgb c) {
    const int x0 = std::max(clip.x0, static_cast<int>(std::floor(cx - r - 1))),
              x1 = std::min(clip.x1, static_cast<int>(std::ceil(cx + r + 1)));
    const int y0 = std::max(clip.y0, static_cast<int>(std::floor(cy - r - 1))),
              y1 = std::min(clip.y1, static_cast<int>(std::ceil(cy + r + 1)));
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            img.blend(x, y, c, std::clamp(r + 0.5 - d, 0.0, 1.0));
        }
}

/// A segment `width` pixels wide with round ends.
void stroke_segment(RgbImage& img, const Clip& clip, double ax, double ay, double bx, double by, double width, Rgb c) {
    const double hw = 0.5 * width;
    const int x0 = std::max(clip.x0, static_cast<int>(std::floor(std::min(ax, bx) - hw - 1))),
              x1 = std::min(clip.x1, static_cast<int>(std::ceil(std::max(ax, bx) + hw + 1)));
    const int y0 = std::max(clip.y0, static_cast<int>(std::floor(std::min(ay, by) - hw - 1))),
              y1 = std::min(clip.y1, static_cast<int>(std::ceil(std::max(ay, by) + hw + 1)));
    const double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const double px = x + 0.5 - ax, py = y + 0.5 - ay;
            const double t = len2 > 0 ? std::clamp((px * vx + py * vy) / len2, 0.0, 1.0) : 0.0;
            const double d = std::hypot(px - t * vx, py - t * vy);
            img.blend(x, y, c, std::clamp(hw + 0.5 - d, 0.0, 1.0));
        }
}

void fill_rect(RgbImage& img, int x, int y, int w, int h, Rgb c) {
    for (int yy = y; yy < y + h; ++yy)
        for (int xx = x; xx < x + w; ++xx) img.set(xx, yy, c);
}

void outline_rect(RgbImage& img, int x, int y, int w, int h, Rgb c) {
    for (int xx = x; xx < x + w; ++xx) {
        img.set(xx, y, c);
        img.set(xx, y + h - 1, c);
    }
    for (int yy = y; yy < y + h; ++yy) {
        img.set(x, yy, c);
        img.set(x + w - 1, yy, c);
    }
}

/// A filled triangle (for the north arrow).
void fill_triangle(RgbImage& img, std::array<double, 6> v, Rgb c) {
    const auto edge = [](double ax, double ay, double bx, double by, double px, double py) {
        return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    };
    const int x0 = static_cast<int>(std::floor(std::min({v[0], v[2], v[4]})));
    const int x1 = static_cast<int>(std::ceil(std::max({v[0], v[2], v[4]})));
    const int y0 = static_cast<int>(std::floor(std::min({v[1], v[3], v[5]})));
    const int y1 = static_cast<int>(std::ceil(std::max({v[1], v[3], v[5]})));
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            const double px = x + 0.5, py = y + 0.5;
            const double e0 = edge(v[0], v[1], v[2], v[3], px, py), e1 = edge(v[2], v[3], v[4], v[5], px, py),
                         e2 = edge(v[4], v[5], v[0], v[1], px, py);
            if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) img.set(x, y, c);
        }
}

/// Text at scale 2 when it fits in `width`, else at scale 1.
int draw_fitting(RgbImage& img, int x, int y, const std::string& text, int width, Rgb c) {
    const int scale = text_width(text, kTextScale) <= width ? kTextScale : 1;
    draw_text(img, x, y, text, scale, c);
    return scale;
}

std::string format_length(double m) {
    char b[32];
    if (m >= 1000.0)
        std::snprintf(b, sizeof b, "%g km", m / 1000.0);
    else
        std::snprintf(b, sizeof b, "%g m", m);
    return b;
}

/// The round length (1, 2 or 5 x 10^k m) of a scale bar at most `max_m` long.
double round_length(double max_m) {
    double best = 0.0;
    for (double p = std::pow(10.0, std::floor(std::log10(max_m)) - 1); p <= max_m; p *= 10.0)
        for (double f : {1.0, 2.0, 5.0})
            if (f * p <= max_m) best = std::max(best, f * p);
    return best;
}

std::string crs_name(const std::string& wkt) {
    if (wkt.empty()) return "";
    gdal::init();
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "";
    std::string name = srs.GetName() ? srs.GetName() : "";
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) name += std::string(" (") + auth + ":" + code + ")";
    return name;
}

MapLayout plan_layout(const Grid2D& g, int max_width_px) {
    MapLayout l;
    const int avail_w = max_width_px - kPanelWidth - 3 * kMargin;
    const int avail_h = avail_w * 5 / 4;  // tall domains: the picture stays on a page
    const double ext_w = g.nx * g.dx, ext_h = g.ny * g.dy;
    // Cells per pixel that fit the extent into the space, counted in cells of dx.
    const double cells_per_px = std::max(g.nx / static_cast<double>(avail_w), (ext_h / g.dx) / avail_h);
    if (cells_per_px <= 1.0) {
        const int px_per_cell = std::max(1, static_cast<int>(std::floor(1.0 / cells_per_px)));
        l.metres_per_pixel = g.dx / px_per_cell;  // whole pixels a cell: crisp cells
    } else {
        l.metres_per_pixel = g.dx * std::ceil(cells_per_px);  // whole cells a pixel
    }
    l.map_width = std::max(1, static_cast<int>(std::ceil(ext_w / l.metres_per_pixel - 1e-9)));
    l.map_height = std::max(1, static_cast<int>(std::ceil(ext_h / l.metres_per_pixel - 1e-9)));
    l.map_x0 = kMargin;
    l.map_y0 = kMargin + kTitleHeight;
    l.panel_x0 = l.map_x0 + l.map_width + kMargin;
    l.width = l.panel_x0 + kPanelWidth;
    l.x_west = g.geotransform[0];
    l.y_north = g.geotransform[3];
    return l;
}

}  // namespace

std::pair<int, int> MapLayout::pixel_of(double x, double y) const {
    return {map_x0 + static_cast<int>(std::floor((x - x_west) / metres_per_pixel)),
            map_y0 + static_cast<int>(std::floor((y_north - y) / metres_per_pixel))};
}

std::pair<int, int> MapLayout::pixel_of_cell(const Grid2D& g, int i, int j) const {
    return pixel_of(g.geotransform[0] + (i + 0.5) * g.dx, g.geotransform[3] - (j + 0.5) * g.dy);
}

std::string format_map_time(double s) {
    char b[64];
    if (!std::isfinite(s)) return "";
    if (s < 60.0) {
        std::snprintf(b, sizeof b, "t = %.0f s", s);
    } else if (s < 3600.0) {
        std::snprintf(b, sizeof b, "t = %.0f min", std::floor(s / 60.0));
    } else {
        const double h = std::floor(s / 3600.0);
        const double min = std::floor((s - 3600.0 * h) / 60.0);
        if (min > 0)
            std::snprintf(b, sizeof b, "t = %.0f h %.0f min", h, min);
        else
            std::snprintf(b, sizeof b, "t = %.0f h", h);
    }
    return b;
}

std::vector<float> hillshade(const Grid2D& g, const std::vector<float>& bed, double azimuth_deg,
                             double altitude_deg) {
    const int nx = g.nx, ny = g.ny;
    if (bed.size() != g.cells()) throw std::invalid_argument("hillshade: the bed is not nx * ny");
    std::vector<float> out(bed.size(), std::numeric_limits<float>::quiet_NaN());
    const double zenith = (90.0 - altitude_deg) * kPi / 180.0;
    // The sun's direction as a mathematical angle (counter-clockwise from east).
    double az = (360.0 - azimuth_deg + 90.0) * kPi / 180.0;
    if (az >= 2 * kPi) az -= 2 * kPi;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * nx + i;
            const float zc = bed[k];
            if (std::isnan(zc)) continue;
            auto z = [&](int di, int dj) -> double {
                const int ii = i + di, jj = j + dj;
                if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) return zc;
                const float v = bed[static_cast<std::size_t>(jj) * nx + ii];
                return std::isnan(v) ? zc : v;
            };
            // Horn's 3 x 3 slopes; row j - 1 is north of row j. dz/dy points south (row order).
            const double a = z(-1, -1), b = z(0, -1), c = z(1, -1), d = z(-1, 0), f = z(1, 0), gg = z(-1, 1),
                         h = z(0, 1), ii = z(1, 1);
            const double dzdx = ((c + 2 * f + ii) - (a + 2 * d + gg)) / (8.0 * g.dx);
            const double dzdy = ((gg + 2 * h + ii) - (a + 2 * b + c)) / (8.0 * g.dy);
            const double slope = std::atan(std::hypot(dzdx, dzdy));
            double aspect = 0.0;
            if (dzdx != 0.0) {
                aspect = std::atan2(dzdy, -dzdx);
                if (aspect < 0) aspect += 2 * kPi;
            } else {
                aspect = dzdy > 0 ? kPi / 2 : (dzdy < 0 ? 1.5 * kPi : 0.0);
            }
            const double v = std::cos(zenith) * std::cos(slope) + std::sin(zenith) * std::sin(slope) * std::cos(az - aspect);
            out[k] = static_cast<float>(255.0 * std::max(0.0, v));
        }
    return out;
}

namespace {

/// The picture being drawn and where things go in it.
struct MapCanvas {
    const MapInput& in;
    MapLayout l;
    RgbImage img;
    double bed_lo = 0.0, bed_hi = 1.0;  ///< m: the ground's elevation range (its tint)
    bool hazard = false;
};

void check_map_input(const MapInput& in, int max_width_px) {
    const Grid2D& g = in.grid;
    if (max_width_px < kMinWidth)
        throw std::invalid_argument("map width " + std::to_string(max_width_px) + " px is below " +
                                    std::to_string(kMinWidth));
    if (g.nx < 1 || g.ny < 1) throw std::invalid_argument("map of an empty grid");
    if (in.value.size() != g.cells()) throw std::invalid_argument("map: the value raster is not nx * ny");
    if (!in.bed.empty() && in.bed.size() != g.cells()) throw std::invalid_argument("map: the bed is not nx * ny");
    for (const MapAsset& a : in.assets)
        if (a.level < 0 || a.level > kLevelCount)
            throw std::invalid_argument("map: asset '" + a.label + "' has level " + std::to_string(a.level));
}

/// The cells each pixel column (or row) covers, [first, last).
std::vector<std::pair<int, int>> pixel_cover(int n_px, int n_cells, double cell, double metres_per_pixel) {
    std::vector<std::pair<int, int>> r(n_px);
    for (int p = 0; p < n_px; ++p) {
        const int a = static_cast<int>(std::floor(p * metres_per_pixel / cell + 1e-9));
        const int b = static_cast<int>(std::ceil((p + 1) * metres_per_pixel / cell - 1e-9));
        r[p] = {std::min(a, n_cells), std::min(std::max(b, a + 1), n_cells)};
    }
    return r;
}

/// The hillshaded ground, then water (depth: the deepest cell of a pixel; levels: the most
/// severe), so that a flooded street narrower than a pixel still shows.
void draw_ground_and_water(MapCanvas& m) {
    const MapInput& in = m.in;
    const Grid2D& g = in.grid;
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const bool hazard = m.hazard;
    const double bed_lo = m.bed_lo, bed_hi = m.bed_hi;
    const std::vector<float> shade = in.bed.empty() ? std::vector<float>{} : hillshade(g, in.bed);
    const auto cols = pixel_cover(l.map_width, g.nx, g.dx, l.metres_per_pixel);
    const auto rows = pixel_cover(l.map_height, g.ny, g.dy, l.metres_per_pixel);
    for (int py = 0; py < l.map_height; ++py) {
        const auto [j0, j1] = rows[py];
        for (int px = 0; px < l.map_width; ++px) {
            const auto [i0, i1] = cols[px];
            double shade_sum = 0.0, bed_sum = 0.0;
            int inside = 0;
            float deepest = std::numeric_limits<float>::quiet_NaN();
            int level = 0;
            for (int j = j0; j < j1; ++j)
                for (int i = i0; i < i1; ++i) {
                    const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
                    const float v = in.value[k];
                    const bool in_domain = in.bed.empty() ? !std::isnan(v) : !std::isnan(in.bed[k]);
                    if (!in_domain) continue;
                    ++inside;
                    if (!shade.empty()) {
                        shade_sum += shade[k];
                        bed_sum += in.bed[k];
                    }
                    if (std::isnan(v)) continue;
                    if (hazard) {
                        const int lv = static_cast<int>(v);
                        if (lv >= 1 && lv <= kLevelCount && more_severe(lv, level)) level = lv;
                    } else if (std::isnan(deepest) || v > deepest) {
                        deepest = v;
                    }
                }
            const int x = l.map_x0 + px, y = l.map_y0 + py;
            if (inside == 0) {
                img.set(x, y, kOutside);
                continue;
            }
            // The ground: its tint by elevation, lit by the hillshade (flat ground, lit at 180 of
            // 255, keeps the tint; slopes facing the sun are lighter, those facing away darker).
            Rgb ground = kFlatGround;
            if (!shade.empty()) {
                const double lit = std::clamp(0.45 + 0.55 * (shade_sum / inside) / 180.0, 0.35, 1.2);
                const Rgb tint = ground_tint((bed_sum / inside - bed_lo) / (bed_hi - bed_lo));
                for (int k = 0; k < 3; ++k)
                    ground[k] = static_cast<std::uint8_t>(std::clamp(std::lround(tint[k] * lit), 0L, 255L));
            }
            img.set(x, y, ground);
            if (hazard) {
                if (level > 0) img.blend(x, y, level_info(level).rgb, kLevelOpacity);
            } else if (const int c = depth_class(deepest); c >= 0) {
                img.blend(x, y, kDepthColours[c], kDepthOpacity[c]);
            }
        }
    }

}

/// The assets, least severe first so that the most severe lie on top, with labels when few.
void draw_assets(MapCanvas& m) {
    const MapInput& in = m.in;
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const Clip clip{l.map_x0, l.map_y0, l.map_x0 + l.map_width, l.map_y0 + l.map_height};
    auto to_px = [&](const std::array<double, 2>& p) {
        return std::pair<double, double>{l.map_x0 + (p[0] - l.x_west) / l.metres_per_pixel,
                                         l.map_y0 + (l.y_north - p[1]) / l.metres_per_pixel};
    };
    std::vector<const MapAsset*> order;
    for (const MapAsset& a : in.assets) order.push_back(&a);
    std::stable_sort(order.begin(), order.end(), [](const MapAsset* a, const MapAsset* b) {
        return more_severe(b->level, a->level);
    });
    const bool labels = in.assets.size() <= 40;
    for (const MapAsset* a : order) {
        const Rgb c = level_colour(a->level);
        for (const auto& part : a->parts) {
            if (part.empty()) continue;
            if (a->kind == MapAsset::Kind::Point) {
                // Assets without a level smaller: the eye goes to those with one.
                const double r = a->level == 0 ? 4.0 : 6.0;
                const auto [x, y] = to_px(part.front());
                fill_disc(img, clip, x, y, r + 1.5, kInk);
                fill_disc(img, clip, x, y, r, c);
                continue;
            }
            const bool closed = a->kind == MapAsset::Kind::Polygon;
            const std::size_t n = part.size();
            const std::size_t segments = closed ? n : n - 1;
            for (int pass = 0; pass < 2; ++pass)  // a dark casing, then the level's colour
                for (std::size_t s = 0; s < std::max<std::size_t>(segments, 1); ++s) {
                    const auto [ax, ay] = to_px(part[s % n]);
                    const auto [bx, by] = to_px(part[(s + 1) % n]);
                    stroke_segment(img, clip, ax, ay, bx, by, pass == 0 ? 6.0 : 3.5, pass == 0 ? kInk : c);
                }
        }
        if (labels && !a->label.empty() && !a->parts.empty() && !a->parts.front().empty()) {
            double sx = 0, sy = 0;
            for (const auto& p : a->parts.front()) {
                const auto [x, y] = to_px(p);
                sx += x;
                sy += y;
            }
            const double n = static_cast<double>(a->parts.front().size());
            const int x = static_cast<int>(sx / n) + 10, y = static_cast<int>(sy / n) - 3;
            if (x >= clip.x0 && x < clip.x1 && y >= clip.y0 && y < clip.y1)
                draw_text(img, x, y, a->label, 1, kInk, true);
        }
    }
    // Labels near the map's right or bottom edge run past it: what lies outside is cleared.
    fill_rect(img, clip.x1, 0, l.width - clip.x1, l.height, kWhite);
    fill_rect(img, 0, clip.y1, clip.x1, l.height - clip.y1, kWhite);
    outline_rect(img, l.map_x0 - 1, l.map_y0 - 1, l.map_width + 2, l.map_height + 2, kFrame);

}

/// Time, legend of the water (or levels) and of the assets; returns the next free row.
int draw_legend(MapCanvas& m) {
    const MapInput& in = m.in;
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const bool hazard = m.hazard;
    const int px0 = l.panel_x0, pw = kPanelWidth - kMargin;
    int y = l.map_y0;
    const std::string time = !in.time_text.empty() ? in.time_text : format_map_time(in.time_s);
    if (!time.empty()) {
        draw_fitting(img, px0, y, time, pw, kInk);
        y += 34;
    }
    draw_fitting(img, px0, y, hazard ? "Warning level" : "Water depth (m)", pw, kInk);
    y += 24;
    auto legend_box = [&](Rgb c, const std::string& text) {
        fill_rect(img, px0, y, 30, 16, c);
        outline_rect(img, px0, y, 30, 16, kFrame);
        draw_text(img, px0 + 40, y + 1, text, kTextScale, kInk);
        y += 22;
    };
    if (hazard) {
        for (int lv = 1; lv <= kLevelCount; ++lv)
            legend_box(over(kFlatGround, level_info(lv).rgb, kLevelOpacity),
                       std::to_string(lv) + " " + level_info(lv).colour_en);
    } else {
        for (std::size_t k = 0; k < kDepthClasses.size(); ++k) {
            char b[40];
            if (k + 1 < kDepthClasses.size())
                std::snprintf(b, sizeof b, "%.2f - %.2f", kDepthClasses[k], kDepthClasses[k + 1]);
            else
                std::snprintf(b, sizeof b, "> %.2f", kDepthClasses[k]);
            legend_box(over(kFlatGround, kDepthColours[k], kDepthOpacity[k]), b);
        }
    }
    if (!in.assets.empty()) {
        y += 12;
        draw_fitting(img, px0, y, "Assets by level", pw, kInk);
        y += 24;
        bool present[kLevelCount + 1] = {};
        for (const MapAsset& a : in.assets) present[a.level] = true;
        const Clip all{0, 0, l.width, l.height};
        for (int lv : {1, 2, 3, 4, 0}) {
            if (!present[lv]) continue;
            const double r = lv == 0 ? 4.0 : 6.0;
            fill_disc(img, all, px0 + 15, y + 8, r + 1.5, kInk);
            fill_disc(img, all, px0 + 15, y + 8, r, level_colour(lv));
            draw_text(img, px0 + 40, y + 1, lv == 0 ? std::string("none") : std::to_string(lv) + " " + level_info(lv).colour_en,
                      kTextScale, kInk);
            y += 22;
        }
    }
    return y;
}

/// A round length of at most 180 pixels, in four black and white parts; returns the next row.
int draw_scale_bar(MapCanvas& m, int y) {
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const int px0 = l.panel_x0, pw = kPanelWidth - kMargin;
    y += 20;
    const double length_m = round_length(180.0 * l.metres_per_pixel);
    const int bar = std::max(4, static_cast<int>(std::lround(length_m / l.metres_per_pixel)));
    const int bx = px0 + 4, by = y + 20;
    for (int part = 0; part < 4; ++part) {
        const int a = bx + bar * part / 4, b = bx + bar * (part + 1) / 4;
        fill_rect(img, a, by, b - a, 8, part % 2 == 0 ? kInk : kWhite);
    }
    outline_rect(img, bx, by, bar + 1, 8, kInk);
    draw_text(img, bx - 2, y, "0", kTextScale, kInk);
    const std::string label = format_length(length_m);
    draw_text(img, std::min(bx + bar - text_width(label, kTextScale) / 2, px0 + pw - text_width(label, kTextScale)),
              y, label, kTextScale, kInk);
    return y + 44;
}

/// A north arrow (the model grid is north-up: its geotransform has no rotation); returns the
/// next row.
int draw_north_arrow(MapCanvas& m, int y) {
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const int px0 = l.panel_x0;
    const double cx = px0 + 24, top = y + 22, bottom = y + 70;
    draw_text(img, static_cast<int>(cx) - 5, y, "N", kTextScale, kInk);
    fill_triangle(img, {cx, top, cx - 12, bottom, cx, bottom - 12}, kInk);
    fill_triangle(img, {cx, top, cx + 12, bottom, cx, bottom - 12}, kWhite);
    const Clip all{0, 0, l.width, l.height};
    stroke_segment(img, all, cx, top, cx + 12, bottom, 1.2, kInk);
    stroke_segment(img, all, cx + 12, bottom, cx, bottom - 12, 1.2, kInk);
    return y + 84;
}

/// The ground's tint bar, the CRS and the maker.
void draw_notes(MapCanvas& m, int y) {
    const MapInput& in = m.in;
    const Grid2D& g = in.grid;
    const MapLayout& l = m.l;
    RgbImage& img = m.img;
    const int px0 = l.panel_x0, pw = kPanelWidth - kMargin;
    const double bed_lo = m.bed_lo, bed_hi = m.bed_hi;
    // The ground: its tint as a bar from the low to the high elevation.
    if (!in.bed.empty()) {
        draw_fitting(img, px0, y, "Ground (m)", pw, kInk);
        y += 22;
        const int bw = 150;
        for (int k = 0; k < bw; ++k) fill_rect(img, px0 + k, y, 1, 12, ground_tint(k / (bw - 1.0)));
        outline_rect(img, px0, y, bw, 12, kFrame);
        y += 16;
        char lo[32], hi[32];
        std::snprintf(lo, sizeof lo, "%.0f", bed_lo);
        std::snprintf(hi, sizeof hi, "%.0f", bed_hi);
        draw_text(img, px0, y, lo, 1, kInk);
        draw_text(img, px0 + bw - text_width(hi, 1), y, hi, 1, kInk);
        y += 16;
        draw_text(img, px0, y, "hillshade: sun from 315 deg, 45 deg up", 1, kFrame);
        y += 12;
    }
    if (const std::string crs = crs_name(g.crs_wkt); !crs.empty()) {
        draw_text(img, px0, y, crs.size() > 40 ? crs.substr(0, 40) : crs, 1, kFrame);
        y += 12;
    }
    draw_text(img, px0, y, "floodsim", 1, kFrame);
}

}  // namespace

MapPicture render_flood_map(const MapInput& in, int max_width_px) {
    check_map_input(in, max_width_px);
    MapLayout l = plan_layout(in.grid, max_width_px);
    // The side panel's content decides the height when the map is short.
    const int panel_height = 700;
    l.height = std::max(l.map_y0 + l.map_height, l.map_y0 + panel_height) + kMargin;
    MapCanvas m{in, l, RgbImage(l.width, l.height, kWhite)};
    m.hazard = in.kind == MapInput::Kind::Hazard;
    if (!in.bed.empty()) std::tie(m.bed_lo, m.bed_hi) = bed_range(in.bed);
    draw_ground_and_water(m);
    draw_assets(m);
    draw_fitting(m.img, kMargin, kMargin, in.title, l.width - 2 * kMargin, kInk);
    int y = draw_legend(m);
    y = draw_scale_bar(m, y);
    y = draw_north_arrow(m, y);
    draw_notes(m, y);
    return {m.l, std::move(m.img.rgb)};
}

MapLayout write_flood_map(const std::string& png_path, const MapInput& in, int max_width_px) {
    MapPicture pic = render_flood_map(in, max_width_px);
    const MapLayout& l = pic.layout;
    gdal::init();
    gdal::Errors errors;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    if (!mem || !png) throw std::runtime_error(png_path + ": GDAL has no MEM or PNG driver");
    GDALDataset* ds = mem->Create("", l.width, l.height, 3, GDT_Byte, nullptr);
    if (!ds) throw std::runtime_error(png_path + ": cannot create the picture in memory (" + errors.message() + ")");
    bool ok = true;
    for (int b = 0; b < 3; ++b)
        ok = ok && ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, l.width, l.height, pic.rgb.data() + b, l.width,
                                                      l.height, GDT_Byte, 3, 3 * static_cast<GSpacing>(l.width)) == CE_None;
    const std::string tmp = png_path + ".part";
    std::error_code ec;
    if (const auto parent = std::filesystem::path(png_path).parent_path(); !parent.empty())
        std::filesystem::create_directories(parent, ec);
    GDALDataset* out = ok ? png->CreateCopy(tmp.c_str(), ds, FALSE, nullptr, nullptr, nullptr) : nullptr;
    GDALClose(ds);
    ok = out != nullptr;
    if (out) GDALClose(out);
    ok = ok && CPLGetLastErrorType() < CE_Failure;
    std::filesystem::remove(tmp + ".aux.xml", ec);  // GDAL's side file, never wanted here
    if (ok) std::filesystem::rename(tmp, png_path, ec);
    if (!ok || ec) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error(png_path + ": cannot write the PNG (" + errors.message() + ")");
    }
    return l;
}

}  // namespace floodsim::risk
