#include "risk/outline.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <ogr_spatialref.h>

#include "mesh/input_error.hpp"

namespace floodsim::risk {

namespace {
// Directions of boundary edges on the map (north up), counter-clockwise: a left turn is +1.
constexpr int kEast = 0, kNorth = 1, kWest = 2, kSouth = 3;
constexpr int kDi[4] = {1, 0, -1, 0};
constexpr int kDj[4] = {0, -1, 0, 1};  // corner rows count southwards
}  // namespace

std::vector<CornerRing> trace_outline(const std::vector<Cell>& cells) {
    std::vector<CornerRing> rings;
    if (cells.empty()) return rings;
    int i_min = INT_MAX, j_min = INT_MAX, i_max = INT_MIN, j_max = INT_MIN;
    for (const auto& [i, j] : cells) {
        i_min = std::min(i_min, i);
        i_max = std::max(i_max, i);
        j_min = std::min(j_min, j);
        j_max = std::max(j_max, j);
    }
    // Local mask with a frame of empty cells, so that every boundary edge has an outside cell.
    const int w = i_max - i_min + 3, h = j_max - j_min + 3;
    std::vector<std::uint8_t> in(static_cast<std::size_t>(w) * h, 0);
    const auto at = [&](int li, int lj) -> std::uint8_t& { return in[static_cast<std::size_t>(lj) * w + li]; };
    for (const auto& [i, j] : cells) at(i - i_min + 1, j - j_min + 1) = 1;
    // Outgoing boundary edges per corner (bit d: an edge in direction d starts there), oriented
    // with the inside on the left. Corner (ci, cj) of the local frame: index cj * (w + 1) + ci.
    const int cw = w + 1;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(cw) * (h + 1), 0);
    const auto edge = [&](int ci, int cj, int d) { out[static_cast<std::size_t>(cj) * cw + ci] |= 1u << d; };
    std::size_t edges = 0;
    for (int lj = 1; lj < h - 1; ++lj)
        for (int li = 1; li < w - 1; ++li) {
            if (!at(li, lj)) continue;
            if (!at(li, lj + 1)) edge(li, lj + 1, kEast), ++edges;       // south side, west to east
            if (!at(li + 1, lj)) edge(li + 1, lj + 1, kNorth), ++edges;  // east side, south to north
            if (!at(li, lj - 1)) edge(li + 1, lj, kWest), ++edges;       // north side, east to west
            if (!at(li - 1, lj)) edge(li, lj, kSouth), ++edges;          // west side, north to south
        }
    // Follow the edges; where two leave one corner (cells touching at that corner), take the
    // sharpest left turn, which keeps to the cell the ring came along. A closed path can still
    // pass a corner twice (a hole touching the outside at a corner): it is split there into
    // simple loops.
    std::size_t start_search = 0;
    std::vector<std::size_t> path, stack;
    std::vector<int> on_stack(out.size(), -1);              // position of a corner on the stack, -1 if not on it
    const auto emit = [&](std::vector<std::size_t> loop) {  // loop: closed (last == first)
        const std::size_t m = loop.size() - 1;
        const auto corner = [&](std::size_t k) {
            return std::array<int, 2>{static_cast<int>(loop[k % m] % cw) + i_min - 1,
                                      static_cast<int>(loop[k % m] / cw) + j_min - 1};
        };
        CornerRing ring;
        for (std::size_t k = 0; k < m; ++k) {
            const auto a = corner(k + m - 1), b = corner(k), c = corner(k + 1);
            const bool straight = (a[0] == b[0] && b[0] == c[0]) || (a[1] == b[1] && b[1] == c[1]);
            if (!straight) ring.corners.push_back(b);
        }
        ring.corners.push_back(ring.corners.front());
        ring.hole = ring_area_cells(ring) < 0.0;
        rings.push_back(std::move(ring));
    };
    while (edges > 0) {
        while (out[start_search] == 0) ++start_search;
        int d = 0;
        while (!(out[start_search] & (1u << d))) ++d;
        std::size_t v = start_search;
        path.assign(1, v);
        int prev_d = -1;
        do {
            std::uint8_t& o = out[v];
            if (prev_d >= 0) {
                const int choices[3] = {(prev_d + 1) % 4, prev_d, (prev_d + 3) % 4};
                d = -1;
                for (int c : choices)
                    if (o & (1u << c)) {
                        d = c;
                        break;
                    }
                if (d < 0) throw std::logic_error("trace_outline: open boundary");
            }
            o &= static_cast<std::uint8_t>(~(1u << d));
            --edges;
            v = static_cast<std::size_t>(static_cast<int>(v) + kDj[d] * cw + kDi[d]);
            path.push_back(v);
            prev_d = d;
        } while (v != start_search);
        // Split at corners passed twice: each return to a corner on the stack closes a loop.
        stack.clear();
        for (std::size_t c : path) {
            if (on_stack[c] >= 0) {
                const std::size_t k = static_cast<std::size_t>(on_stack[c]);
                std::vector<std::size_t> loop(stack.begin() + static_cast<std::ptrdiff_t>(k), stack.end());
                loop.push_back(c);
                for (std::size_t q = k + 1; q < stack.size(); ++q) on_stack[stack[q]] = -1;
                stack.resize(k + 1);
                emit(std::move(loop));
            } else {
                on_stack[c] = static_cast<int>(stack.size());
                stack.push_back(c);
            }
        }
        for (std::size_t c : stack) on_stack[c] = -1;
    }
    return rings;
}

double ring_area_cells(const CornerRing& r) {
    // Shoelace on (x, y) = (ci, -cj): counter-clockwise on the map is positive.
    double twice = 0.0;
    for (std::size_t k = 0; k + 1 < r.corners.size(); ++k) {
        const double x0 = r.corners[k][0], y0 = -r.corners[k][1];
        const double x1 = r.corners[k + 1][0], y1 = -r.corners[k + 1][1];
        twice += x0 * y1 - x1 * y0;
    }
    return 0.5 * twice;
}

ToWgs84::ToWgs84(const std::string& model_wkt, const std::string& source) {
    if (model_wkt.empty())
        throw InputError(source, "crs_wkt", "", "no CRS: the warning products need WGS84 coordinates");
    OGRSpatialReference model, wgs84;
    model.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = longitude, y = latitude
    if (model.importFromWkt(model_wkt.c_str()) != OGRERR_NONE)
        throw InputError(source, "crs_wkt", shown(model_wkt), "not a CRS GDAL reads");
    wgs84.importFromEPSG(4326);
    ct_.reset(OGRCreateCoordinateTransformation(&model, &wgs84));
    if (!ct_) throw InputError(source, "crs_wkt", shown(model_wkt), "cannot be transformed to WGS84");
}

ToWgs84::~ToWgs84() = default;

std::array<double, 2> ToWgs84::lonlat(double x, double y) const {
    double px = x, py = y;
    if (!ct_->Transform(1, &px, &py)) throw std::runtime_error("cannot transform a point to WGS84");
    return {px, py};
}

std::vector<std::vector<std::array<double, 2>>> outline_latlon(const Grid2D& g, const std::vector<Cell>& cells,
                                                               const ToWgs84& to_wgs84, bool outer_only) {
    std::vector<std::vector<std::array<double, 2>>> out;
    for (const CornerRing& r : trace_outline(cells)) {
        if (outer_only && r.hole) continue;
        std::vector<std::array<double, 2>> ring;
        ring.reserve(r.corners.size());
        for (const auto& [ci, cj] : r.corners) {
            const auto ll = to_wgs84.lonlat(g.x_west() + ci * g.dx, g.y_north() - cj * g.dy);
            ring.push_back({ll[1], ll[0]});
        }
        ring.back() = ring.front();  // exactly closed
        out.push_back(std::move(ring));
    }
    return out;
}

}  // namespace floodsim::risk
