#include "io/ensemble_file.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/hdf5_util.hpp"

namespace floodsim {

namespace {

void check(herr_t rc, const std::string& path, const std::string& what) {
    if (rc < 0) throw std::runtime_error(path + ": " + what + " failed: " + h5::error_text());
}

/// A float32 dataset of `dims` (chunked by the last two, deflated) filled from `data`.
void write_floats(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const float* data,
                  const std::string& path, const char* units) {
    h5::Handle space = h5::dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
    std::vector<hsize_t> chunk(dims);
    for (std::size_t k = 0; k + 2 < chunk.size(); ++k) chunk[k] = 1;
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl.get(), 4);
    h5::Handle d = h5::dataset(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(),
                                          H5P_DEFAULT));
    if (!d) throw std::runtime_error(path + ": creating " + name + " failed: " + h5::error_text());
    check(H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path, "writing " + name);
    check(h5::write_string_attr(d.get(), "units", units), path, "writing the units of " + name);
}

template <class T>
void write_vector(hid_t loc, const std::string& name, const std::vector<T>& v, const std::vector<hsize_t>& dims,
                  hid_t file_type, hid_t mem_type, const std::string& path) {
    h5::Handle space = h5::dataspace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    h5::Handle d = h5::dataset(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                          H5P_DEFAULT));
    if (!d) throw std::runtime_error(path + ": creating " + name + " failed: " + h5::error_text());
    if (!v.empty()) check(H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path, "writing " + name);
}

}  // namespace

void write_ensemble_file(const std::string& path, const EnsembleFileData& d) {
    namespace fs = std::filesystem;
    const std::string tmp = path + ".part";
    const auto nx = static_cast<hsize_t>(d.grid.nx), ny = static_cast<hsize_t>(d.grid.ny);
    const auto members = static_cast<hsize_t>(d.max_depth.size());
    try {
        {
            h5::QuietErrors quiet;
            h5::Handle file = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
            if (!file) throw std::runtime_error(tmp + ": cannot create the file: " + h5::error_text());
            const hid_t root = file.get();
            check(h5::write_string_attr(root, "format", "floodsim-ensemble"), tmp, "writing attributes");
            const std::int64_t version = 1, m = static_cast<std::int64_t>(members);
            const auto seed = static_cast<std::uint64_t>(d.seed);
            check(h5::write_scalar_attr(root, "format_version", H5T_STD_I64LE, H5T_NATIVE_INT64, &version), tmp,
                  "writing attributes");
            check(h5::write_scalar_attr(root, "members", H5T_STD_I64LE, H5T_NATIVE_INT64, &m), tmp, "writing attributes");
            check(h5::write_scalar_attr(root, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed), tmp, "writing attributes");
            for (const auto& [name, value] : {std::pair{"scale_sigma", d.scale_sigma},
                                              std::pair{"shift_sigma_s", d.shift_sigma_s},
                                              std::pair{"displacement_sigma_m", d.displacement_sigma_m}})
                check(h5::write_scalar_attr(root, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value), tmp,
                      "writing attributes");
            check(h5::write_string_attr(root, "crs_wkt", d.grid.crs_wkt), tmp, "writing attributes");
            check(h5::write_string_attr(root, "scenario", d.scenario_text), tmp, "writing attributes");
            check(h5::write_string_attr(root, "floodsim_version", d.floodsim_version), tmp, "writing attributes");
            {
                const hsize_t six = 6;
                h5::Handle space = h5::dataspace(H5Screate_simple(1, &six, nullptr));
                h5::Handle a = h5::attribute(H5Acreate2(root, "geotransform", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                                        H5P_DEFAULT));
                if (!a) throw std::runtime_error(tmp + ": writing the geotransform failed");
                check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, d.grid.geotransform.data()), tmp, "writing the geotransform");
            }
            h5::Handle ex = h5::group(H5Gcreate2(root, "exceedance", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            for (const auto& [name, p] : d.exceedance)
                write_floats(ex.get(), "depth_gt_" + name, {ny, nx}, p.data(), tmp, "1");
            h5::Handle mg = h5::group(H5Gcreate2(root, "members", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            std::vector<float> all(static_cast<std::size_t>(members * ny * nx));
            for (std::size_t k = 0; k < d.max_depth.size(); ++k)
                std::copy(d.max_depth[k].begin(), d.max_depth[k].end(), all.begin() + static_cast<std::ptrdiff_t>(k * ny * nx));
            write_floats(mg.get(), "max_depth", {members, ny, nx}, all.data(), tmp, "m");
            write_vector(mg.get(), "rain_scale", d.rain_scale, {members}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, tmp);
            write_vector(mg.get(), "time_shift_s", d.time_shift_s, {members}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, tmp);
            write_vector(mg.get(), "displacement_m", d.displacement_m, {members, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, tmp);
            write_vector(mg.get(), "steps", d.steps, {members}, H5T_STD_I64LE, H5T_NATIVE_INT64, tmp);
            write_vector(mg.get(), "mass_balance_relative_error", d.mass_balance_relative_error, {members},
                         H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, tmp);
            if (!d.asset_ids.empty()) {
                h5::Handle ag = h5::group(H5Gcreate2(root, "assets", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
                const auto a = static_cast<hsize_t>(d.asset_ids.size());
                for (const auto& [name, texts] : {std::pair{"id", &d.asset_ids}, std::pair{"name", &d.asset_names}}) {
                    h5::Handle type = h5::vlen_string_type();
                    h5::Handle space = h5::dataspace(H5Screate_simple(1, &a, nullptr));
                    h5::Handle ds = h5::dataset(
                        H5Dcreate2(ag.get(), name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
                    std::vector<const char*> ptrs;
                    for (const std::string& t : *texts) ptrs.push_back(t.c_str());
                    if (!ds) throw std::runtime_error(tmp + ": creating /assets/" + name + " failed");
                    check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), tmp,
                          std::string("writing /assets/") + name);
                }
                write_vector(ag.get(), "level_probability", d.asset_level_probability, {a, 4}, H5T_IEEE_F32LE,
                             H5T_NATIVE_FLOAT, tmp);
            }
            check(H5Fflush(root, H5F_SCOPE_GLOBAL), tmp, "flushing");
            check(file.close(), tmp, "closing");
        }
        fs::rename(tmp, path);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
}

}  // namespace floodsim
