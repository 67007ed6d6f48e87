#include "engine/model_report.hpp"

#include "io/geotiff_writer.hpp"
#include "mesh/input_error.hpp"

#include <algorithm>
#include <filesystem>
#include <cmath>
#include <limits>

namespace floodsim {

ModelFacts model_facts(const LoadedModel& model) {
    const ModelSetup& m = model.setup;
    ModelFacts f;
    f.z_min = std::numeric_limits<double>::infinity();
    f.z_max = -f.z_min;
    f.manning_min = f.z_min;
    f.manning_max = f.z_max;
    for (std::size_t k = 0; k < m.z.size(); ++k) {
        if (std::isnan(m.z[k])) continue;
        ++f.domain_cells;
        f.manning_min = std::min(f.manning_min, m.manning[k]);
        f.manning_max = std::max(f.manning_max, m.manning[k]);
        f.z_min = std::min(f.z_min, m.z[k]);
        f.z_max = std::max(f.z_max, m.z[k]);
        f.initial_volume += m.h0[k] * m.grid.cell_area();
    }
    const double end = model.scenario.duration_s;
    if (!m.rain.empty()) f.rain_depth = m.rain.mean(0.0, end) * end;
    if (!m.drainage.capacity.empty()) {
        f.drainage = true;
        double sum = 0.0;
        for (std::size_t k = 0; k < m.z.size(); ++k) {
            if (std::isnan(m.z[k])) continue;
            sum += m.drainage.capacity[k];
            f.drain_capacity_max = std::max(f.drain_capacity_max, m.drainage.capacity[k]);
        }
        f.drain_capacity_mean = f.domain_cells ? sum / static_cast<double>(f.domain_cells) : 0.0;
        if (!m.drainage.efficiency.empty()) f.drain_efficiency_mean = m.drainage.efficiency.mean(0.0, end);
    }
    if (m.infiltration.model != InfiltrationSpec::Model::None) {
        const InfiltrationSpec& in = m.infiltration;
        const auto range = [&](const char* name, const std::vector<double>& p, double unit) {
            ModelFacts::Range r{name, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
            for (std::size_t k = 0; k < p.size(); ++k) {
                if (p.size() > 1 && std::isnan(m.z[k])) continue;
                r.lo = std::min(r.lo, p[k] / unit);
                r.hi = std::max(r.hi, p[k] / unit);
            }
            f.infiltration_params.push_back(r);
        };
        switch (in.model) {
            case InfiltrationSpec::Model::GreenAmpt:
                f.infiltration_model = "green_ampt";
                range("ks_mm_h", in.ks, 1.0 / 3.6e6);
                range("psi_mm", in.psi, 1e-3);
                range("dtheta", in.dtheta, 1.0);
                break;
            case InfiltrationSpec::Model::Horton:
                f.infiltration_model = "horton";
                range("f0_mm_h", in.f0, 1.0 / 3.6e6);
                range("fc_mm_h", in.fc, 1.0 / 3.6e6);
                range("k_h", in.k, 1.0 / 3600.0);
                break;
            case InfiltrationSpec::Model::ScsCn:
                f.infiltration_model = "scs_cn";
                range("cn", in.cn, 1.0);
                break;
            case InfiltrationSpec::Model::None:
                break;
        }
    }
    for (const InflowSpec& in : m.inflows)
        f.inflows.push_back({in.name, in.cells.size(), in.discharge.mean(0.0, end) * end});
    return f;
}

std::vector<DemAnomaly> dem_pits_and_spikes(const ModelSetup& m, double height) {
    const Grid2D& g = m.grid;
    std::vector<DemAnomaly> out;
    auto z_at = [&](int i, int j) { return m.z[static_cast<std::size_t>(j) * g.nx + i]; };
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const double z = z_at(i, j);
            if (std::isnan(z)) continue;
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (int b = std::max(0, j - 1); b <= std::min(g.ny - 1, j + 1); ++b)
                for (int a = std::max(0, i - 1); a <= std::min(g.nx - 1, i + 1); ++a) {
                    if (a == i && b == j) continue;
                    const double zn = z_at(a, b);
                    if (std::isnan(zn)) continue;
                    lo = std::min(lo, zn);
                    hi = std::max(hi, zn);
                }
            if (!(lo <= hi)) continue;  // no domain neighbour
            if (z < lo - height) out.push_back({i, j, g.x_center(i), g.y_center(j), z, lo - z, true});
            if (z > hi + height) out.push_back({i, j, g.x_center(i), g.y_center(j), z, z - hi, false});
        }
    std::stable_sort(out.begin(), out.end(),
                     [](const DemAnomaly& a, const DemAnomaly& b) { return a.relief > b.relief; });
    return out;
}

void write_model_rasters(const LoadedModel& p, const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw InputError(p.scenario.path, "--write-model", dir, "cannot create this folder (" + ec.message() + ")");
    const ModelSetup& m = p.setup;
    const fs::path d(dir);
    try {
        write_geotiff((d / "model_dem.tif").string(), m.grid, m.z);
        write_geotiff((d / "model_mask.tif").string(), m.grid, m.features.cell_kind);
        write_geotiff((d / "model_manning.tif").string(), m.grid, m.manning);
    } catch (const std::runtime_error& e) {
        throw InputError(p.scenario.path, "--write-model", dir, e.what());
    }
}

}  // namespace floodsim
