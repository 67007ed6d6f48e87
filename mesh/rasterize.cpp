#include "mesh/rasterize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace floodsim {

std::vector<Cell> cells_in_polygon(const Grid2D& g, const std::vector<Ring>& rings) {
    double ymin = std::numeric_limits<double>::infinity(), ymax = -ymin;
    for (const Ring& r : rings)
        for (const MapPoint& p : r) {
            ymin = std::min(ymin, p[1]);
            ymax = std::max(ymax, p[1]);
        }
    std::vector<Cell> out;
    if (!(ymax > ymin)) return out;
    // Rows whose centre lies in [ymin, ymax].
    const int j0 = std::max(0, static_cast<int>(std::floor((g.y_north() - ymax) / g.dy - 0.5)));
    const int j1 = std::min(g.ny - 1, static_cast<int>(std::ceil((g.y_north() - ymin) / g.dy - 0.5)));
    std::vector<double> xs;
    for (int j = j0; j <= j1; ++j) {
        const double y = g.y_center(j);
        xs.clear();
        // Crossings of the scanline with every edge (half-open in y: a vertex on the line counts once).
        for (const Ring& r : rings) {
            const std::size_t n = r.size();
            for (std::size_t k = 0; k < n; ++k) {
                const MapPoint& a = r[k];
                const MapPoint& b = r[(k + 1) % n];
                if ((a[1] <= y) == (b[1] <= y)) continue;
                xs.push_back(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
        std::sort(xs.begin(), xs.end());
        // Even-odd: the centres between crossings 0-1, 2-3, ... are inside.
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            const int i0 = std::max(0, static_cast<int>(std::ceil((xs[k] - g.x_west()) / g.dx - 0.5)));
            const int i1 = std::min(g.nx - 1, static_cast<int>(std::floor((xs[k + 1] - g.x_west()) / g.dx - 0.5)));
            for (int i = i0; i <= i1; ++i)
                if (g.x_center(i) > xs[k] && g.x_center(i) < xs[k + 1]) out.emplace_back(i, j);
        }
    }
    return out;
}

namespace {

/// Clips segment a-b to the grid's box (Liang-Barsky); false when nothing of it is inside.
bool clip(const Grid2D& g, MapPoint& a, MapPoint& b) {
    double t0 = 0.0, t1 = 1.0;
    const double dx = b[0] - a[0], dy = b[1] - a[1];
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a[0] - g.x_west(), g.x_east() - a[0], a[1] - g.y_south(), g.y_north() - a[1]};
    for (int k = 0; k < 4; ++k) {
        if (p[k] == 0.0) {
            if (q[k] < 0.0) return false;
            continue;
        }
        const double t = q[k] / p[k];
        if (p[k] < 0.0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
    }
    if (t0 > t1) return false;
    const MapPoint a0 = a;
    a = {a0[0] + t0 * dx, a0[1] + t0 * dy};
    b = {a0[0] + t1 * dx, a0[1] + t1 * dy};
    return true;
}

/// The cells segment a-b (inside the grid) crosses, 4-connected: each step moves to the next
/// cell in x or in y, whichever boundary the segment meets first.
void segment_cells(const Grid2D& g, const MapPoint& a, const MapPoint& b, std::vector<Cell>& out) {
    const double fx0 = (a[0] - g.x_west()) / g.dx, fy0 = (g.y_north() - a[1]) / g.dy;
    const double fx1 = (b[0] - g.x_west()) / g.dx, fy1 = (g.y_north() - b[1]) / g.dy;
    const auto cell = [](double f, int n) { return std::clamp(static_cast<int>(std::floor(f)), 0, n - 1); };
    int i = cell(fx0, g.nx), j = cell(fy0, g.ny);
    const int i1 = cell(fx1, g.nx), j1 = cell(fy1, g.ny);
    const double ddx = fx1 - fx0, ddy = fy1 - fy0;
    const int si = ddx > 0 ? 1 : -1, sj = ddy > 0 ? 1 : -1;
    const double inf = std::numeric_limits<double>::infinity();
    // Parameter (0..1 along the segment) of the next vertical / horizontal cell boundary.
    double tx = ddx != 0.0 ? ((si > 0 ? i + 1 : i) - fx0) / ddx : inf;
    double ty = ddy != 0.0 ? ((sj > 0 ? j + 1 : j) - fy0) / ddy : inf;
    const double step_x = ddx != 0.0 ? 1.0 / std::abs(ddx) : inf, step_y = ddy != 0.0 ? 1.0 / std::abs(ddy) : inf;
    const auto add = [&](int a_i, int a_j) {
        if (out.empty() || out.back() != Cell{a_i, a_j}) out.emplace_back(a_i, a_j);
    };
    add(i, j);
    while (i != i1 || j != j1) {
        if ((tx <= ty && i != i1) || j == j1) {
            i += si;
            tx += step_x;
        } else {
            j += sj;
            ty += step_y;
        }
        add(i, j);
    }
}

}  // namespace

std::vector<Cell> cells_on_line(const Grid2D& g, const Ring& line) {
    std::vector<Cell> out;
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
        MapPoint a = line[k], b = line[k + 1];
        if (!clip(g, a, b)) continue;
        segment_cells(g, a, b, out);
    }
    // Each cell once, in order of first crossing.
    std::vector<Cell> unique;
    std::unordered_set<long long> seen;
    for (const Cell& c : out)
        if (seen.insert(static_cast<long long>(c.second) * g.nx + c.first).second) unique.push_back(c);
    return unique;
}

}  // namespace floodsim
