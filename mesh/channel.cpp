#include "mesh/channel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

#include "mesh/rasterize.hpp"

namespace floodsim {
namespace {

/// The nearest point to p on segment a-b: distance and parameter t in [0, 1].
std::pair<double, double> to_segment(const MapPoint& a, const MapPoint& b, const MapPoint& p) {
    const double ux = b[0] - a[0], uy = b[1] - a[1], len2 = ux * ux + uy * uy;
    const double t = len2 > 0.0 ? std::clamp(((p[0] - a[0]) * ux + (p[1] - a[1]) * uy) / len2, 0.0, 1.0) : 0.0;
    return {std::hypot(a[0] + t * ux - p[0], a[1] + t * uy - p[1]), t};
}

/// Index of the cell containing coordinate f (cells from 0), clamped to [-1, n] before the cast.
int cell_index(double f, int n) { return static_cast<int>(std::clamp(std::floor(f), -1.0, static_cast<double>(n))); }

/// Visits every cell (i, j) whose centre may lie within r of segment a-b: row by row, the columns
/// under the part of the segment within r of the row's centre line, widened by r.
template <class Visit>
void cells_near_segment(const Grid2D& g, const MapPoint& a, const MapPoint& b, double r, Visit visit) {
    const int j0 = std::max(0, cell_index((g.y_north() - std::max(a[1], b[1]) - r) / g.dy, g.ny));
    const int j1 = std::min(g.ny - 1, cell_index((g.y_north() - std::min(a[1], b[1]) + r) / g.dy, g.ny));
    for (int j = j0; j <= j1; ++j) {
        const double y = g.y_center(j);
        double t0 = 0.0, t1 = 1.0;
        if (b[1] != a[1]) {  // the part of the segment with |y(t) - y| <= r
            const double ta = (y - r - a[1]) / (b[1] - a[1]), tb = (y + r - a[1]) / (b[1] - a[1]);
            t0 = std::max(0.0, std::min(ta, tb));
            t1 = std::min(1.0, std::max(ta, tb));
        } else if (std::abs(y - a[1]) > r) {
            continue;
        }
        if (t0 > t1) continue;
        const double xa = a[0] + t0 * (b[0] - a[0]), xb = a[0] + t1 * (b[0] - a[0]);
        const int i0 = std::max(0, cell_index((std::min(xa, xb) - r - g.x_west()) / g.dx, g.nx));
        const int i1 = std::min(g.nx - 1, cell_index((std::max(xa, xb) + r - g.x_west()) / g.dx, g.nx));
        for (int i = i0; i <= i1; ++i) visit(i, j);
    }
}

/// The position along `lines` of every cell whose centre lies within r of one of them.
std::unordered_map<std::size_t, LinePosition> positions_near(const Grid2D& g, const std::vector<Ring>& lines,
                                                             double r) {
    std::unordered_map<std::size_t, LinePosition> near;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        double s = 0.0;
        for (std::size_t v = 0; v + 1 < lines[l].size(); ++v) {
            const MapPoint& a = lines[l][v];
            const MapPoint& b = lines[l][v + 1];
            const double len = std::hypot(b[0] - a[0], b[1] - a[1]);
            cells_near_segment(g, a, b, r, [&](int i, int j) {
                const auto [d, t] = to_segment(a, b, {g.x_center(i), g.y_center(j)});
                if (d > r) return;
                const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
                const auto it = near.find(k);
                if (it == near.end() || d < it->second.distance)
                    near[k] = LinePosition{d, s + t * len, static_cast<int>(l)};
            });
            s += len;
        }
    }
    return near;
}

}  // namespace

double line_length(const Ring& line) {
    double s = 0.0;
    for (std::size_t v = 0; v + 1 < line.size(); ++v)
        s += std::hypot(line[v + 1][0] - line[v][0], line[v + 1][1] - line[v][1]);
    return s;
}

LinePosition nearest_on_lines(const std::vector<Ring>& lines, const MapPoint& p) {
    LinePosition best{std::numeric_limits<double>::infinity(), 0.0, 0};
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const Ring& line = lines[l];
        double s = 0.0;
        for (std::size_t v = 0; v < line.size(); ++v) {
            const MapPoint& b = line[std::min(v + 1, line.size() - 1)];
            const auto [d, t] = to_segment(line[v], b, p);
            const double len = std::hypot(b[0] - line[v][0], b[1] - line[v][1]);
            if (d < best.distance) best = LinePosition{d, s + t * len, static_cast<int>(l)};
            s += len;
        }
    }
    return best;
}

ChannelFootprint channel_footprint(const Grid2D& g, const std::vector<double>& z, const std::vector<Ring>& lines,
                                   double width) {
    // Every cell of the channel or its banks lies within this of a line (its nearest point).
    const double reach = 0.5 * width + 2.0 * std::hypot(g.dx, g.dy);
    const auto near = positions_near(g, lines, reach);
    const auto at = [&](std::size_t k) {
        const auto it = near.find(k);
        if (it != near.end()) return it->second;
        const int i = static_cast<int>(k % g.nx), j = static_cast<int>(k / g.nx);
        return nearest_on_lines(lines, {g.x_center(i), g.y_center(j)});
    };
    ChannelFootprint f;
    for (const auto& [k, p] : near)
        if (p.distance <= 0.5 * width) f.cells.push_back(k);
    for (const Ring& l : lines)
        for (const auto& [i, j] : cells_on_line(g, l)) f.cells.push_back(static_cast<std::size_t>(j) * g.nx + i);
    std::erase_if(f.cells, [&](std::size_t k) { return std::isnan(z[k]); });
    std::sort(f.cells.begin(), f.cells.end());
    f.cells.erase(std::unique(f.cells.begin(), f.cells.end()), f.cells.end());
    const auto in_channel = [&](std::size_t k) { return std::binary_search(f.cells.begin(), f.cells.end(), k); };
    for (const std::size_t k : f.cells) {
        const int i = static_cast<int>(k % g.nx), j = static_cast<int>(k / g.nx);
        const std::size_t nb[4] = {i > 0 ? k - 1 : k, i + 1 < g.nx ? k + 1 : k, j > 0 ? k - g.nx : k,
                                   j + 1 < g.ny ? k + g.nx : k};
        for (const std::size_t n : nb)
            if (n != k && !std::isnan(z[n]) && !in_channel(n)) f.banks.push_back(n);
    }
    std::sort(f.banks.begin(), f.banks.end());
    f.banks.erase(std::unique(f.banks.begin(), f.banks.end()), f.banks.end());
    for (const std::size_t k : f.cells) f.cell_at.push_back(at(k));
    for (const std::size_t k : f.banks) f.bank_at.push_back(at(k));
    return f;
}

std::vector<double> bed_below_banks(const ChannelFootprint& f, const std::vector<double>& z, double reach,
                                    double depth) {
    // Banks per line, by chainage: (chainage, ground).
    std::vector<std::vector<std::pair<double, double>>> banks;
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t n = 0; n < f.banks.size(); ++n) {
        const LinePosition& p = f.bank_at[n];
        if (banks.size() <= static_cast<std::size_t>(p.line)) banks.resize(p.line + 1);
        banks[p.line].emplace_back(p.chainage, z[f.banks[n]]);
        lowest = std::min(lowest, z[f.banks[n]]);
    }
    for (auto& b : banks) std::sort(b.begin(), b.end());
    std::vector<double> bed(f.cells.size(), std::numeric_limits<double>::quiet_NaN());
    if (f.banks.empty()) return bed;
    for (std::size_t n = 0; n < f.cells.size(); ++n) {
        const LinePosition& p = f.cell_at[n];
        if (static_cast<std::size_t>(p.line) >= banks.size() || banks[p.line].empty()) {
            bed[n] = lowest - depth;  // no bank along this line: the channel's lowest
            continue;
        }
        const auto& b = banks[p.line];
        const auto first_from = [&](double s) {
            return std::lower_bound(b.begin(), b.end(), std::pair{s, -std::numeric_limits<double>::infinity()});
        };
        const double slack = 1e-9 * (1.0 + std::abs(p.chainage));  // banks at the window's ends are in it
        double half = reach + slack;
        auto lo = first_from(p.chainage - half);
        if (lo == b.end() || lo->first > p.chainage + half) {  // none within reach: the nearest in chainage
            const auto next = first_from(p.chainage);
            half = std::numeric_limits<double>::infinity();
            if (next != b.end()) half = next->first - p.chainage;
            if (next != b.begin()) half = std::min(half, p.chainage - std::prev(next)->first);
            half += slack;
            lo = first_from(p.chainage - half);
        }
        double ground = std::numeric_limits<double>::infinity();
        for (auto it = lo; it != b.end() && it->first <= p.chainage + half; ++it) ground = std::min(ground, it->second);
        bed[n] = ground - depth;
    }
    return bed;
}

}  // namespace floodsim
