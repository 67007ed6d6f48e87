// Built twice (docs/parallel.md, "The result file under MPI"): as Hdf5ResultWriter against the
// serial HDF5, and with FLOODSIM_RESULT_WRITER_MPI as CollectiveResultWriter against the MPI
// flavour, into a library of its own. The two differ only where marked: the file's driver, the
// block of the rasters each writer writes, and who writes the series.
#ifdef FLOODSIM_RESULT_WRITER_MPI
#include "io/collective_result_writer.hpp"
#define FLOODSIM_WRITER CollectiveResultWriter
#else
#include "io/hdf5_result_writer.hpp"
#define FLOODSIM_WRITER Hdf5ResultWriter
#endif

#include "io/file_seal.hpp"
#include "io/hdf5_util.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>
#include <system_error>

namespace floodsim {

namespace {

namespace fs = std::filesystem;

constexpr hsize_t series_chunk = 256;  // 1-D series chunks (2 KiB of float64)

const char* const gauge_columns[5] = {"time", "depth", "water_level", "velocity_x", "velocity_y"};
const char* const gauge_units[5] = {"s", "m", "m", "m/s", "m/s"};
const char* const pump_columns[5] = {"time", "discharge", "running", "volume", "running_time"};
const char* const pump_units[5] = {"s", "m3/s", "1", "m3", "s"};
const char* const mass_columns[6] = {"time", "volume", "rain", "inflow", "outflow", "error"};
const char* const mass_units[6] = {"s", "m3", "m3", "m3", "m3", "m3"};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error("HDF5 result " + path + ": " + what + ": " + h5::error_text());
}

void check(herr_t rc, const std::string& path, const std::string& what) {
    if (rc < 0) fail(path, what);
}

hid_t check_id(hid_t id, const std::string& path, const std::string& what) {
    if (id < 0) fail(path, what);
    return id;
}

void write_string_attr(hid_t loc, const char* name, const std::string& value, const std::string& path) {
    check(h5::write_string_attr(loc, name, value), path, std::string("writing attribute ") + name);
}

void write_scalar_attr(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const void* value,
                       const std::string& path) {
    check(h5::write_scalar_attr(loc, name, file_type, mem_type, value), path, std::string("writing attribute ") + name);
}

void write_units(hid_t dset, const char* units, const char* description, const std::string& path) {
    write_string_attr(dset, "units", units, path);
    if (description) write_string_attr(dset, "description", description, path);
}

/// Dataset creation properties shared by all float datasets: chunked, NaN fill (cells never
/// written read as "no data"), optionally shuffle + deflate.
h5::Handle float_dcpl(int rank, const hsize_t* chunk, const RasterStorage* compress, hid_t mem_type) {
    h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl.get(), rank, chunk);
    if (compress && compress->deflate_level > 0) {
        if (compress->shuffle) H5Pset_shuffle(dcpl.get());
        H5Pset_deflate(dcpl.get(), static_cast<unsigned>(compress->deflate_level));
    }
    if (mem_type == H5T_NATIVE_FLOAT) {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        H5Pset_fill_value(dcpl.get(), H5T_NATIVE_FLOAT, &nan);
    } else {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan);
    }
    return dcpl;
}

/// Chunk cache for raster datasets: room for one row of tiles (whole frames are written at
/// once, each tile fully, so a larger cache buys nothing), between 1 and 32 MiB.
h5::Handle raster_dapl(hsize_t ny, hsize_t nx, hsize_t tile_edge) {
    const hsize_t tx = std::min(nx, tile_edge);
    const hsize_t tiles_per_row = (nx + tx - 1) / tx;
    const hsize_t tile_bytes = std::min(ny, tile_edge) * tx * sizeof(float);
    const std::size_t bytes = static_cast<std::size_t>(
        std::clamp<hsize_t>(tiles_per_row * tile_bytes + tile_bytes, hsize_t{1} << 20, hsize_t{32} << 20));
    h5::Handle dapl = h5::plist(H5Pcreate(H5P_DATASET_ACCESS));
    H5Pset_chunk_cache(dapl.get(), 1009, bytes, 1.0);
    return dapl;
}

void check_hdf5_name(const std::string& name, const std::string& what) {
    if (name.empty() || name == "." || name.find('/') != std::string::npos)
        throw std::invalid_argument("invalid " + what + " name '" + name + "' (empty, '.' or containing '/')");
}

}  // namespace

struct FLOODSIM_WRITER::Impl {
    std::string final_path, part_path;
    hsize_t nx = 0, ny = 0;
    // The block of the rasters this writer writes: the whole grid, or one rank's.
    hsize_t i0 = 0, j0 = 0, bnx = 0, bny = 0;
    h5::Handle collective;  // MPI: the transfer list of every write (collective)
#ifdef FLOODSIM_RESULT_WRITER_MPI
    MPI_Comm comm = MPI_COMM_NULL;
    int rank = 0;
    hid_t xfer() const { return collective.get(); }
#else
    static constexpr int rank = 0;
    hid_t xfer() const { return H5P_DEFAULT; }
#endif
    bool write_velocity = false;
    std::size_t extra_columns = 0;
    RasterStorage storage;
    hsize_t tile_edge = 256;

    // Declared before the datasets so that it is destroyed (closed) after them.
    h5::Handle file;
    h5::Handle time, depth, velocity_x, velocity_y, max_depth, max_speed, arrival_time, bed_elevation;
    std::vector<std::array<h5::Handle, 5>> gauges;
    std::vector<hsize_t> gauge_count;
    std::vector<std::array<h5::Handle, 5>> pumps;
    std::vector<hsize_t> pump_count;
    std::vector<h5::Handle> mass;  // the six standard columns, then the extras
    hsize_t mass_count = 0;
    hsize_t frames = 0;
    bool closed = false;

    ~Impl() {
        if (closed) return;
        // Unfinished (error or abandoned run): drop the partial file so nothing half-written stays.
        h5::QuietErrors quiet;
#ifdef FLOODSIM_RESULT_WRITER_MPI
        // Closing is collective, and this rank may be failing alone: the objects stay open until
        // MPI_Finalize (HDF5 closes them then) or the abort that follows a failure.
        for_each_handle([](h5::Handle& h) { h.release(); });
        file.release();
#else
        close_all();
#endif
        std::error_code ec;
        if (rank == 0 && !part_path.empty()) fs::remove(part_path, ec);
    }

    template <class F>
    void for_each_handle(F f) {
        for (auto* h : {&time, &depth, &velocity_x, &velocity_y, &max_depth, &max_speed, &arrival_time,
                        &bed_elevation, &collective})
            f(*h);
        for (auto* series : {&gauges, &pumps})
            for (auto& g : *series)
                for (auto& h : g) f(h);
        for (auto& h : mass) f(h);
    }

    /// Closes every object, then the file; returns false if any close failed.
    bool close_all() {
        bool ok = true;
        for_each_handle([&ok](h5::Handle& h) { ok = h.close() >= 0 && ok; });
        ok = file.close() >= 0 && ok;
        return ok;
    }

    /// Appends one row to series `k` of a group of series (a gauge's, a pump's), time last as for
    /// frames, and flushes (cheap: a few small writes; the row is visible to readers at once).
    void append_row(const char* what, std::vector<std::array<h5::Handle, 5>>& series, std::vector<hsize_t>& count,
                    std::size_t k, const double (&values)[5]) {
        if (closed) throw std::logic_error(std::string("write_") + what + " after finish on " + final_path);
        if (k >= series.size())
            throw std::out_of_range(std::string("write_") + what + ": " + what + " " + std::to_string(k) + " of " +
                                    std::to_string(series.size()));
        h5::QuietErrors quiet;
        hsize_t& n = count[k];
        for (int c = 4; c >= 0; --c) append(series[k][c].get(), n, values[c], (std::string(what) + " series").c_str());
        ++n;
        flush();
    }

    h5::Handle create_raster(hid_t loc, const char* name, bool frames_dim, const char* units,
                             const char* description) {
        const int rank = frames_dim ? 3 : 2;
        std::array<hsize_t, 3> dims{}, maxdims{}, chunk{};
        if (frames_dim) {
            dims = {0, ny, nx};
            maxdims = {H5S_UNLIMITED, ny, nx};
            chunk = {1, std::min(ny, tile_edge), std::min(nx, tile_edge)};
        } else {
            dims = {ny, nx, 0};
            maxdims = dims;
            chunk = {std::min(ny, tile_edge), std::min(nx, tile_edge), 0};
        }
        h5::Handle space = h5::dataspace(H5Screate_simple(rank, dims.data(), maxdims.data()));
        h5::Handle dcpl = float_dcpl(rank, chunk.data(), &storage, H5T_NATIVE_FLOAT);
        h5::Handle dapl = raster_dapl(ny, nx, tile_edge);
        h5::Handle d = h5::dataset(check_id(H5Dcreate2(loc, name, H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                                                       dcpl.get(), dapl.get()),
                                            part_path, std::string("creating dataset ") + name));
        write_units(d.get(), units, description, part_path);
        return d;
    }

    h5::Handle create_series(hid_t loc, const char* name, const char* units) {
        const hsize_t dims = 0, maxdims = H5S_UNLIMITED;
        h5::Handle space = h5::dataspace(H5Screate_simple(1, &dims, &maxdims));
        h5::Handle dcpl = float_dcpl(1, &series_chunk, nullptr, H5T_NATIVE_DOUBLE);
        h5::Handle d = h5::dataset(check_id(
            H5Dcreate2(loc, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
            part_path, std::string("creating dataset ") + name));
        write_units(d.get(), units, nullptr, part_path);
        return d;
    }

    /// Grows a 1-D series by one element and writes `value` there (rank 0's: every rank takes
    /// part in the collective calls, the others with nothing selected).
    void append(hid_t dset, hsize_t count, double value, const char* what) {
        const hsize_t n = count + 1;
        check(H5Dset_extent(dset, &n), part_path, std::string("extending ") + what);
        h5::Handle fspace = h5::dataspace(H5Dget_space(dset));
        const hsize_t one = 1;
        check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &count, nullptr, &one, nullptr), part_path,
              std::string("selecting in ") + what);
        h5::Handle mspace = h5::dataspace(H5Screate_simple(1, &one, nullptr));
        if (rank != 0) {
            H5Sselect_none(fspace.get());
            H5Sselect_none(mspace.get());
        }
        check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), xfer(), &value), part_path,
              std::string("writing ") + what);
    }

    /// Writes this writer's block of a [ny, nx] dataset (`data`: bny x bnx values).
    void write_block(hid_t dset, const float* data, const char* what) {
        h5::Handle fspace = h5::dataspace(H5Dget_space(dset));
        const std::array<hsize_t, 2> start{j0, i0}, count{bny, bnx};
        check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              part_path, std::string("selecting in ") + what);
        h5::Handle mspace = h5::dataspace(H5Screate_simple(2, count.data(), nullptr));
        check(H5Dwrite(dset, H5T_NATIVE_FLOAT, mspace.get(), fspace.get(), xfer(), data), part_path,
              std::string("writing ") + what);
    }

    /// Grows a [nt, ny, nx] dataset to `frames + 1` frames and writes the new frame.
    void append_frame(hid_t dset, const float* data, const char* what) {
        const std::array<hsize_t, 3> dims{frames + 1, ny, nx};
        check(H5Dset_extent(dset, dims.data()), part_path, std::string("extending ") + what);
        h5::Handle fspace = h5::dataspace(H5Dget_space(dset));
        const std::array<hsize_t, 3> start{frames, j0, i0}, count{1, bny, bnx};
        check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              part_path, std::string("selecting in ") + what);
        h5::Handle mspace = h5::dataspace(H5Screate_simple(3, count.data(), nullptr));
        check(H5Dwrite(dset, H5T_NATIVE_FLOAT, mspace.get(), fspace.get(), xfer(), data), part_path,
              std::string("writing ") + what);
    }

    void flush() {
        check(H5Fflush(file.get(), H5F_SCOPE_LOCAL), part_path, "flushing");
    }

    void create(const std::string& final_path, const ResultMetadata& meta);
    void seal_and_rename();
};

void FLOODSIM_WRITER::Impl::create(const std::string& final_path, const ResultMetadata& meta) {
    if (meta.nx <= 0 || meta.ny <= 0)
        throw std::invalid_argument("result grid must have nx, ny > 0 (got " + std::to_string(meta.nx) + " x " +
                                    std::to_string(meta.ny) + ")");
    {
        std::set<std::string> seen;
        for (const auto& g : meta.gauge_names) {
            check_hdf5_name(g, "gauge");
            if (!seen.insert(g).second) throw std::invalid_argument("duplicate gauge name '" + g + "'");
        }
        seen.clear();
        for (const auto& g : meta.pump_names) {
            check_hdf5_name(g, "pump");
            if (!seen.insert(g).second) throw std::invalid_argument("duplicate pump name '" + g + "'");
        }
        seen = std::set<std::string>(std::begin(mass_columns), std::end(mass_columns));
        for (const auto& c : meta.extra_mass_columns) {
            check_hdf5_name(c, "mass-balance column");
            if (!seen.insert(c).second)
                throw std::invalid_argument("duplicate mass-balance column '" + c + "'");
        }
    }

    if (i0 + bnx > static_cast<hsize_t>(meta.nx) || j0 + bny > static_cast<hsize_t>(meta.ny))
        throw std::invalid_argument("result block beyond the grid of " + std::to_string(meta.nx) + " x " +
                                    std::to_string(meta.ny));
    if (!meta.bed_elevation.empty() && meta.bed_elevation.size() != static_cast<std::size_t>(bnx * bny))
        throw std::invalid_argument("bed_elevation has " + std::to_string(meta.bed_elevation.size()) +
                                    " values for a block of " + std::to_string(bnx) + " x " + std::to_string(bny));

    Impl& m = *this;
    m.final_path = final_path;
    m.part_path = Hdf5ResultWriter::partial_path(final_path);
    m.nx = static_cast<hsize_t>(meta.nx);
    m.ny = static_cast<hsize_t>(meta.ny);
    m.write_velocity = meta.write_velocity;
    m.extra_columns = meta.extra_mass_columns.size();
    m.storage = meta.storage;
    m.tile_edge = static_cast<hsize_t>(meta.storage.tile_edge);

    const fs::path target(final_path);
    std::error_code ec;
    if (fs::is_directory(target, ec))
        throw std::runtime_error("cannot create result file " + final_path + ": it is a folder");
    if (target.has_parent_path()) {
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            throw std::runtime_error("cannot create result file " + final_path + ": cannot create folder " +
                                     target.parent_path().string() + ": " + ec.message());
    }

    h5::QuietErrors quiet;
    {
        h5::Handle fapl = h5::unlocked_fapl();
#ifdef FLOODSIM_RESULT_WRITER_MPI
        m.collective = h5::plist(H5Pcreate(H5P_DATASET_XFER));
        if (H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL) < 0 || !m.collective ||
            H5Pset_dxpl_mpio(m.collective.get(), H5FD_MPIO_COLLECTIVE) < 0)
            throw std::runtime_error("cannot create result file " + m.part_path + " with MPI-IO: " + h5::error_text());
#endif
        h5::Handle fcpl = h5::plist(H5Pcreate(H5P_FILE_CREATE));
        if (!fcpl || H5Pset_userblock(fcpl.get(), kSealBytes) < 0)
            throw std::runtime_error("cannot create result file " + m.part_path + ": " + h5::error_text());
        hid_t f = H5Fcreate(m.part_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
        if (f < 0)
            throw std::runtime_error("cannot create result file " + m.part_path + ": " + h5::error_text());
        m.file = h5::file(f);
    }
    const hid_t root = m.file.get();
    const std::string& p = m.part_path;

    // Root attributes; steps and wall_time_s are placeholders until finish().
    write_string_attr(root, "format", "floodsim-result", p);
    const std::int32_t format_version = 1;
    write_scalar_attr(root, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &format_version, p);
    write_string_attr(root, "crs_wkt", meta.crs_wkt, p);
    {
        const hsize_t six = 6;
        h5::Handle space = h5::dataspace(H5Screate_simple(1, &six, nullptr));
        h5::Handle attr = h5::attribute(check_id(
            H5Acreate2(root, "geotransform", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), p,
            "creating attribute geotransform"));
        check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, meta.geotransform.data()), p, "writing geotransform");
    }
    write_string_attr(root, "scenario", meta.scenario_text, p);
    write_string_attr(root, "floodsim_version", meta.floodsim_version, p);
    write_string_attr(root, "scheme", meta.scheme, p);
    write_string_attr(root, "precision", meta.precision, p);
    const std::int64_t zero_steps = 0;
    const double zero_wall = 0.0;
    write_scalar_attr(root, "steps", H5T_STD_I64LE, H5T_NATIVE_INT64, &zero_steps, p);
    write_scalar_attr(root, "wall_time_s", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &zero_wall, p);
    write_scalar_attr(root, "threads", H5T_STD_I64LE, H5T_NATIVE_INT64, &meta.threads, p);

    // Every dataset exists from the start, so the partial file already has the final layout.
    m.time = m.create_series(root, "time", "s");
    m.depth = m.create_raster(root, "depth", true, "m", "water depth; row 0 is the northern row; NaN outside the domain");
    if (m.write_velocity) {
        m.velocity_x = m.create_raster(root, "velocity_x", true, "m/s", "depth-averaged velocity, x east");
        m.velocity_y = m.create_raster(root, "velocity_y", true, "m/s", "depth-averaged velocity, y north");
    }
    m.max_depth = m.create_raster(root, "max_depth", false, "m", "maximum depth over every time step");
    m.max_speed = m.create_raster(root, "max_speed", false, "m/s", "maximum speed over every time step");
    m.arrival_time = m.create_raster(root, "arrival_time", false, "s",
                                     "first time depth exceeded 0.01 m; NaN if never");
    if (!meta.bed_elevation.empty()) {
        // Static: written now, so that the partial file of a running model can already be mapped.
        m.bed_elevation = m.create_raster(
            root, "bed_elevation", false, "m",
            "model bed after the terrain features, breaches closed; row 0 is the northern row; NaN outside the domain");
        m.write_block(m.bed_elevation.get(), meta.bed_elevation.data(), "/bed_elevation");
    }

    {
        // Track creation order so that readers list gauges in the scenario's order.
        h5::Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE));
        H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
        h5::Handle gauges = h5::group(
            check_id(H5Gcreate2(root, "gauges", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), p, "creating /gauges"));
        for (const auto& name : meta.gauge_names) {
            h5::Handle g = h5::group(check_id(H5Gcreate2(gauges.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT,
                                                         H5P_DEFAULT),
                                              p, "creating /gauges/" + name));
            std::array<h5::Handle, 5> cols;
            for (int c = 0; c < 5; ++c) cols[c] = m.create_series(g.get(), gauge_columns[c], gauge_units[c]);
            m.gauges.push_back(std::move(cols));
            m.gauge_count.push_back(0);
        }
    }
    if (!meta.pump_names.empty()) {
        h5::Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE));
        H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
        h5::Handle pumps = h5::group(
            check_id(H5Gcreate2(root, "pumps", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), p, "creating /pumps"));
        for (const auto& name : meta.pump_names) {
            h5::Handle g = h5::group(check_id(H5Gcreate2(pumps.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT,
                                                         H5P_DEFAULT),
                                              p, "creating /pumps/" + name));
            std::array<h5::Handle, 5> cols;
            for (int c = 0; c < 5; ++c) cols[c] = m.create_series(g.get(), pump_columns[c], pump_units[c]);
            m.pumps.push_back(std::move(cols));
            m.pump_count.push_back(0);
        }
    }
    {
        h5::Handle gcpl = h5::plist(H5Pcreate(H5P_GROUP_CREATE));
        H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
        h5::Handle mb = h5::group(check_id(H5Gcreate2(root, "mass_balance", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                                           p, "creating /mass_balance"));
        for (int c = 0; c < 6; ++c) m.mass.push_back(m.create_series(mb.get(), mass_columns[c], mass_units[c]));
        for (const auto& c : meta.extra_mass_columns) m.mass.push_back(m.create_series(mb.get(), c.c_str(), "m3"));
    }
    m.flush();
}

#ifdef FLOODSIM_RESULT_WRITER_MPI
CollectiveResultWriter::CollectiveResultWriter(const std::string& final_path, const ResultMetadata& meta,
                                               const RasterPart& part, MPI_Comm comm)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    if (part.i0 < 0 || part.j0 < 0 || part.nx < 0 || part.ny < 0)
        throw std::invalid_argument("result block with a negative offset or size");
    m.i0 = static_cast<hsize_t>(part.i0);
    m.j0 = static_cast<hsize_t>(part.j0);
    m.bnx = static_cast<hsize_t>(part.nx);
    m.bny = static_cast<hsize_t>(part.ny);
    m.comm = comm;
    MPI_Comm_rank(comm, &m.rank);
    m.create(final_path, meta);
}
#else
Hdf5ResultWriter::Hdf5ResultWriter(const std::string& final_path, const ResultMetadata& meta)
    : impl_(std::make_unique<Impl>()) {
    Impl& m = *impl_;
    m.bnx = static_cast<hsize_t>(std::max(0, meta.nx));
    m.bny = static_cast<hsize_t>(std::max(0, meta.ny));
    m.create(final_path, meta);
}
#endif

FLOODSIM_WRITER::~FLOODSIM_WRITER() = default;

void FLOODSIM_WRITER::write_frame(double time, const float* depth, const float* vx, const float* vy) {
    Impl& m = *impl_;
    if (m.closed) throw std::logic_error("write_frame after finish on " + m.final_path);
    if (!depth) throw std::invalid_argument("write_frame: depth is null");
    if (m.write_velocity && (!vx || !vy))
        throw std::invalid_argument("write_frame: velocities are written but vx or vy is null");
    h5::QuietErrors quiet;
    m.append_frame(m.depth.get(), depth, "/depth");
    if (m.write_velocity) {
        m.append_frame(m.velocity_x.get(), vx, "/velocity_x");
        m.append_frame(m.velocity_y.get(), vy, "/velocity_y");
    }
    // /time last: a reader never sees a time without its frame.
    m.append(m.time.get(), m.frames, time, "/time");
    ++m.frames;
    m.flush();
}

void FLOODSIM_WRITER::write_gauge(std::size_t gauge, const GaugeSample& s) {
    const double values[5] = {s.time, s.depth, s.water_level, s.velocity_x, s.velocity_y};
    impl_->append_row("gauge", impl_->gauges, impl_->gauge_count, gauge, values);
}

void FLOODSIM_WRITER::write_pump(std::size_t pump, const PumpSample& s) {
    const double values[5] = {s.time, s.discharge, s.running ? 1.0 : 0.0, s.volume, s.running_time};
    impl_->append_row("pump", impl_->pumps, impl_->pump_count, pump, values);
}

void FLOODSIM_WRITER::write_mass_balance(const MassBalanceRow& row) {
    Impl& m = *impl_;
    if (m.closed) throw std::logic_error("write_mass_balance after finish on " + m.final_path);
    if (row.extra.size() != m.extra_columns)
        throw std::invalid_argument("write_mass_balance: " + std::to_string(row.extra.size()) +
                                    " extra values for " + std::to_string(m.extra_columns) + " extra columns");
    h5::QuietErrors quiet;
    std::vector<double> values{row.time, row.volume, row.rain, row.inflow, row.outflow, row.error};
    values.insert(values.end(), row.extra.begin(), row.extra.end());
    for (std::size_t c = values.size(); c-- > 0;) m.append(m.mass[c].get(), m.mass_count, values[c], "/mass_balance");
    ++m.mass_count;
    m.flush();
}

void FLOODSIM_WRITER::flush() {
    Impl& m = *impl_;
    if (m.closed) return;
    h5::QuietErrors quiet;
    m.flush();
}

void FLOODSIM_WRITER::finish(const float* max_depth, const float* max_speed, const float* arrival_time,
                              std::int64_t steps, double wall_time_s, const std::string& incomplete_reason) {
    Impl& m = *impl_;
    if (m.closed) throw std::logic_error("finish called twice on " + m.final_path);
    if (!max_depth || !max_speed || !arrival_time) throw std::invalid_argument("finish: a maximum raster is null");
    h5::QuietErrors quiet;
    const std::string& p = m.part_path;
    m.write_block(m.max_depth.get(), max_depth, "/max_depth");
    m.write_block(m.max_speed.get(), max_speed, "/max_speed");
    m.write_block(m.arrival_time.get(), arrival_time, "/arrival_time");
    write_scalar_attr(m.file.get(), "steps", H5T_STD_I64LE, H5T_NATIVE_INT64, &steps, p);
    write_scalar_attr(m.file.get(), "wall_time_s", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &wall_time_s, p);
    if (!incomplete_reason.empty()) {
        const std::int32_t one = 1;
        write_scalar_attr(m.file.get(), "incomplete", H5T_STD_I32LE, H5T_NATIVE_INT32, &one, p);
        write_string_attr(m.file.get(), "stop_reason", incomplete_reason, p);
    }
    m.flush();
    // The last writes happen on close; a failure there means an incomplete file (kept as .part
    // until the destructor removes it).
    if (!m.close_all()) fail(p, "closing");
#ifdef FLOODSIM_RESULT_WRITER_MPI
    // Rank 0 seals and renames the closed file; every rank learns how that went.
    std::string error;
    if (m.rank == 0) {
        try {
            m.seal_and_rename();
        } catch (const std::exception& e) {
            error = e.what();
        }
    } else {
        m.closed = true;
    }
    int length = static_cast<int>(error.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, m.comm);
    error.resize(static_cast<std::size_t>(length));
    MPI_Bcast(error.data(), length, MPI_CHAR, 0, m.comm);
    if (!error.empty()) throw std::runtime_error(error);
#else
    m.seal_and_rename();
#endif
}

void FLOODSIM_WRITER::Impl::seal_and_rename() {
    seal_file(part_path, "floodsim-result");  // on failure the destructor removes the .part
    closed = true;
    std::error_code ec;
    fs::rename(part_path, final_path, ec);
    if (ec)
        throw std::runtime_error("cannot rename complete result " + part_path + " to " + final_path + ": " +
                                 ec.message() + " (the complete result is kept under the first name)");
}

#ifndef FLOODSIM_RESULT_WRITER_MPI
void skip_hdf5_cleanup_at_exit() { H5dont_atexit(); }
#endif

}  // namespace floodsim
