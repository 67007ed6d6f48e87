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
    // sharpest left turn, which keeps to the piece the ring came along.
    std::size_t start_search = 0;
    while (edges > 0) {
        while (out[start_search] == 0) ++start_search;
        const int sci = static_cast<int>(start_search % cw), scj = static_cast<int>(start_search / cw);
        int d = 0;
        while (!(out[start_search] & (1u << d))) ++d;
        const int first_d = d;
        CornerRing ring;
        int ci = sci, cj = scj, prev_d = -1;
        do {
            std::uint8_t& o = out[static_cast<std::size_t>(cj) * cw + ci];
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
            if (d != prev_d) ring.corners.push_back({ci + i_min - 1, cj + j_min - 1});
            o &= static_cast<std::uint8_t>(~(1u << d));
            --edges;
            ci += kDi[d];
            cj += kDj[d];
            prev_d = d;
        } while (ci != sci || cj != scj);
        // Back at the start: drop the start corner if the ring goes straight through it.
        if (prev_d == first_d) ring.corners.erase(ring.corners.begin());  // straight through the start
        ring.corners.push_back(ring.corners.front());
        ring.hole = ring_area_cells(ring) < 0.0;
        rings.push_back(std::move(ring));
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
