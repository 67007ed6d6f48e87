#include "risk/assets.hpp"

#include <algorithm>
#include <set>

#include "mesh/input_error.hpp"
#include "mesh/rasterize.hpp"
#include "risk/outline.hpp"

namespace floodsim::risk {
namespace {

/// Area-weighted centroid of a polygon's outer ring (shoelace); its mean point if degenerate.
MapPoint centroid(const Ring& r) {
    double a2 = 0.0, cx = 0.0, cy = 0.0;
    for (std::size_t k = 0; k + 1 < r.size(); ++k) {
        const double c = r[k][0] * r[k + 1][1] - r[k + 1][0] * r[k][1];
        a2 += c;
        cx += (r[k][0] + r[k + 1][0]) * c;
        cy += (r[k][1] + r[k + 1][1]) * c;
    }
    if (a2 != 0.0) return {cx / (3.0 * a2), cy / (3.0 * a2)};
    MapPoint m{0.0, 0.0};
    for (const auto& p : r) m = {m[0] + p[0] / r.size(), m[1] + p[1] / r.size()};
    return m;
}

std::vector<std::size_t> cells_of(const VectorFeature& f, const Grid2D& g) {
    std::vector<std::size_t> out;
    const auto add = [&](int i, int j) { out.push_back(static_cast<std::size_t>(j) * g.nx + i); };
    for (const MapPoint& p : f.points) {
        int i, j;
        if (g.locate(p[0], p[1], i, j)) add(i, j);
    }
    for (const Ring& l : f.lines)
        for (const auto& [i, j] : cells_on_line(g, l)) add(i, j);
    for (const auto& rings : f.polygons) {
        const auto inside = cells_in_polygon(g, rings);
        for (const auto& [i, j] : inside) add(i, j);
        if (inside.empty()) {  // smaller than a cell, or between centres: its centroid's cell
            const MapPoint c = centroid(rings.front());
            int i, j;
            if (g.locate(c[0], c[1], i, j)) add(i, j);
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

VectorFeature to_wgs84(const VectorFeature& f, const ToWgs84& t) {
    VectorFeature w;
    w.fid = f.fid;
    const auto ring = [&](const Ring& r) {
        Ring o;
        o.reserve(r.size());
        for (const auto& p : r) o.push_back(t.lonlat(p[0], p[1]));
        return o;
    };
    for (const auto& p : f.points) w.points.push_back(t.lonlat(p[0], p[1]));
    for (const auto& l : f.lines) w.lines.push_back(ring(l));
    for (const auto& poly : f.polygons) {
        std::vector<Ring> rings;
        for (const auto& r : poly) rings.push_back(ring(r));
        w.polygons.push_back(std::move(rings));
    }
    return w;
}

std::string who(const Asset& a) { return a.id.empty() ? "feature " + std::to_string(a.fid) : a.id; }

}  // namespace

std::vector<Asset> read_assets(const std::string& path, const Grid2D& grid, const std::string& result_path,
                               const std::string& layer, const std::string& layer_key) {
    const ToWgs84 wgs84(grid.crs_wkt, result_path);
    VectorSource src;
    src.path = path;
    src.layer = layer;
    src.layer_key = layer_key;
    const auto features = read_vector_features(src, grid.crs_wkt, {"id", "name"}, "attributes");
    std::vector<Asset> assets;
    std::set<std::string> seen;
    for (const VectorFeature& f : features) {
        Asset a;
        a.fid = f.fid;
        a.id = f.texts[0];
        a.name = f.texts[1];
        if (a.id.empty()) throw InputError(path, "id", "", "feature " + std::to_string(f.fid) + " has no id");
        if (!seen.insert(a.id).second)
            throw InputError(path, "id", shown(a.id), "the id is given to more than one asset");
        a.model = f;
        a.model.texts.clear();
        if (f.points.empty() && f.lines.empty() && f.polygons.empty())
            throw InputError(path, "id", shown(a.id), "the asset has no geometry (or an empty one)");
        a.cells = cells_of(a.model, grid);
        if (a.cells.empty()) throw InputError(path, "id", shown(who(a)), "the asset lies outside the model grid");
        try {
            a.wgs84 = to_wgs84(a.model, wgs84);
        } catch (const std::runtime_error& e) {
            throw InputError(path, "id", shown(a.id), std::string("cannot be transformed to WGS84: ") + e.what());
        }
        assets.push_back(std::move(a));
    }
    return assets;
}

void keep_valid_cells(std::vector<Asset>& assets, const std::vector<bool>& valid, const std::string& path) {
    for (Asset& a : assets) {
        std::erase_if(a.cells, [&](std::size_t c) { return !valid[c]; });
        if (a.cells.empty())
            throw InputError(path, "id", shown(a.id),
                             "the asset lies only on cells outside the model's domain (no data)");
    }
}

}  // namespace floodsim::risk
