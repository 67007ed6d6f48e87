#include "io/result_reader.hpp"

#include "io/file_seal.hpp"
#include "io/hdf5_util.hpp"
#include "mesh/input_error.hpp"

#include <cmath>
#include <filesystem>

namespace floodsim {

struct ResultReader::Impl {
    std::string path;
    h5::Handle file;
    Grid2D grid;
    std::vector<double> times;

    h5::Handle open(const std::string& name) const {
        h5::QuietErrors quiet;
        if (H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0)
            throw InputError(path, name, "", "no dataset /" + name + " in this result");
        h5::Handle d = h5::dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT));
        if (!d) throw InputError(path, name, "", "cannot open /" + name + ": " + h5::error_text());
        return d;
    }

    std::vector<hsize_t> dims(hid_t dset) const {
        h5::Handle space = h5::dataspace(H5Dget_space(dset));
        const int rank = H5Sget_simple_extent_ndims(space.get());
        std::vector<hsize_t> d(rank > 0 ? rank : 0);
        if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
        return d;
    }
};

ResultReader::ResultReader(const std::string& path) : m_(std::make_unique<Impl>()) {
    namespace fs = std::filesystem;
    m_->path = path;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, "", "", "no such file");
    if (fs::is_directory(path, ec)) throw InputError(path, "", "", "is a folder, not a result file");
    check_seal(path, "floodsim-result");  // throws on a damaged sealed file
    h5::QuietErrors quiet;
    if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "", "", "not an HDF5 file (not a floodsim result)");
    h5::Handle fapl = h5::unlocked_fapl();
    m_->file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
    if (!m_->file) throw InputError(path, "", "", "cannot open HDF5 file: " + h5::error_text());
    const hid_t root = m_->file.get();
    const auto format = h5::read_string_attr(root, "format");
    if (!format || *format != "floodsim-result")
        throw InputError(path, "format", format.value_or(""), "not a floodsim result (expected 'floodsim-result')");
    const auto gt = h5::read_number_attr(root, "geotransform");
    if (gt.size() != 6) throw InputError(path, "geotransform", "", "damaged floodsim result: no 6-number geotransform");

    h5::Handle md = m_->open("max_depth");
    const auto d = m_->dims(md.get());
    if (d.size() != 2) throw InputError(path, "max_depth", "", "damaged floodsim result: /max_depth is not 2-D");
    m_->grid = Grid2D::make(static_cast<int>(d[1]), static_cast<int>(d[0]), std::abs(gt[1]), std::abs(gt[5]), gt[0],
                            gt[3]);
    for (int i = 0; i < 6; ++i) m_->grid.geotransform[i] = gt[i];
    m_->grid.crs_wkt = h5::read_string_attr(root, "crs_wkt").value_or("");

    h5::Handle t = m_->open("time");
    const auto td = m_->dims(t.get());
    m_->times.resize(td.empty() ? 0 : td[0]);
    if (!m_->times.empty() &&
        H5Dread(t.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m_->times.data()) < 0)
        throw InputError(path, "time", "", "cannot read /time: " + h5::error_text());
}

ResultReader::~ResultReader() = default;
ResultReader::ResultReader(ResultReader&&) noexcept = default;
ResultReader& ResultReader::operator=(ResultReader&&) noexcept = default;

const std::string& ResultReader::path() const { return m_->path; }
const Grid2D& ResultReader::grid() const { return m_->grid; }
const std::vector<double>& ResultReader::times() const { return m_->times; }

bool ResultReader::has(const std::string& name) const {
    h5::QuietErrors quiet;
    return H5Lexists(m_->file.get(), name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<float> ResultReader::frame(const std::string& name, std::size_t k) const {
    h5::Handle d = m_->open(name);
    const auto dims = m_->dims(d.get());
    const auto nx = static_cast<hsize_t>(m_->grid.nx), ny = static_cast<hsize_t>(m_->grid.ny);
    if (dims.size() != 3 || dims[1] != ny || dims[2] != nx)
        throw InputError(m_->path, name, "", "damaged floodsim result: /" + name + " is not [nt, ny, nx]");
    if (k >= dims[0])
        throw InputError(m_->path, name, std::to_string(k),
                         "frame out of range (the result has " + std::to_string(dims[0]) + ")");
    std::vector<float> out(static_cast<std::size_t>(nx * ny));
    h5::Handle file_space = h5::dataspace(H5Dget_space(d.get()));
    const hsize_t start[3] = {k, 0, 0}, count[3] = {1, ny, nx};
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    // The memory space has the selection's shape: HDF5 then copies whole chunk rows, where a flat
    // one made it map every element (3-4x slower: floodsim risk reads every frame).
    const hsize_t mem_dims[3] = {1, ny, nx};
    h5::Handle mem_space = h5::dataspace(H5Screate_simple(3, mem_dims, nullptr));
    if (H5Dread(d.get(), H5T_NATIVE_FLOAT, mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
        throw InputError(m_->path, name, std::to_string(k), "cannot read the frame: " + h5::error_text());
    return out;
}

std::vector<float> ResultReader::raster(const std::string& name) const {
    h5::Handle d = m_->open(name);
    const auto dims = m_->dims(d.get());
    if (dims.size() != 2 || dims[0] != static_cast<hsize_t>(m_->grid.ny) ||
        dims[1] != static_cast<hsize_t>(m_->grid.nx))
        throw InputError(m_->path, name, "", "damaged floodsim result: /" + name + " is not [ny, nx]");
    std::vector<float> out(static_cast<std::size_t>(m_->grid.nx) * m_->grid.ny);
    if (H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw InputError(m_->path, name, "", "cannot read /" + name + ": " + h5::error_text());
    return out;
}

std::string ResultReader::attribute(const std::string& name) const {
    return h5::read_string_attr(m_->file.get(), name.c_str()).value_or("");
}

}  // namespace floodsim
