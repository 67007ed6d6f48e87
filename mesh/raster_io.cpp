// GDAL raster input: DEM -> model grid, other rasters warped onto that grid.
#include "raster_io.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include "gdal_util.hpp"
#include "input_error.hpp"

namespace floodsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

/// The least memory a model needs per cell (single-precision fv1 state: 32 bytes; docs/performance.md).
constexpr double kModelBytesPerCell = 32.0;

double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

/// A grid of nx x ny cells (as reals: a warp target is checked before it is rounded to int)
/// must have int dimensions and fit a model into this machine's memory; otherwise InputError.
/// Checked before anything of that size is allocated (a DEM header can claim any size).
void check_grid_size(double nx, double ny, const std::string& path, const std::string& key,
                     const std::string& what) {
    const auto gib = [](double bytes) {
        char b[32];
        std::snprintf(b, sizeof b, "%.3g GiB", bytes / (1024.0 * 1024.0 * 1024.0));
        return std::string(b);
    };
    char size[64];
    std::snprintf(size, sizeof size, "%.0f x %.0f cells", nx, ny);
    if (!(std::isfinite(nx) && std::isfinite(ny)) || nx > std::numeric_limits<int>::max() ||
        ny > std::numeric_limits<int>::max())
        throw InputError(path, key, size, what + " is too large (at most 2147483647 cells a side)");
    const double need = nx * ny * kModelBytesPerCell;
    const double have = physical_memory_bytes();
    if (have > 0.0 && need > have)
        throw InputError(path, key, size,
                         what + " is too large: a model on it needs at least " + gib(need) +
                             ", this machine has " + gib(have) +
                             " (a coarser domain.resolution or a smaller DEM)");
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

std::string wkt_of(const OGRSpatialReference& srs) {
    char* w = nullptr;
    if (srs.exportToWkt(&w) != OGRERR_NONE) {
        CPLFree(w);
        return {};
    }
    std::string out = w ? w : "";
    CPLFree(w);
    return out;
}

bool has_crs(const OGRSpatialReference* srs) { return srs && !srs->IsEmpty(); }

/// A classic netCDF file (CDF-1, -2 or -5) whose header claims more bytes than the file holds:
/// libnetcdf allocates what the header says before noticing (found by fuzzing rain grids: a
/// 1.2 KB file made it take 7.7 GB and 30 s). The header is walked here first, every count and
/// length checked against the bytes left in the file; the reason, or "" when it is sound (or not
/// a classic netCDF file, or its header runs past the first 16 MB, which is not checked).
std::string netcdf_classic_damage(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    if (!in.read(magic, 4) || magic[0] != 'C' || magic[1] != 'D' || magic[2] != 'F') return "";
    const int version = magic[3];
    if (version != 1 && version != 2 && version != 5) return "";
    std::error_code ec;
    const std::uint64_t file_size = std::filesystem::file_size(path, ec);
    if (ec) return "";
    std::vector<unsigned char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(file_size, 16u << 20)));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
    const std::uint64_t have = static_cast<std::uint64_t>(in.gcount());
    std::uint64_t pos = 4;
    struct Truncated {};  // the header needs bytes beyond what was read: not checked further
    auto left = [&] { return file_size - std::min(pos, file_size); };
    auto uint = [&](int bytes) -> std::uint64_t {  // big-endian
        if (pos + bytes > file_size) throw std::string("the header runs past the end of the file");
        if (pos + bytes > have) throw Truncated{};
        std::uint64_t v = 0;
        for (int k = 0; k < bytes; ++k) v = (v << 8) | buf[pos + k];
        pos += bytes;
        return v;
    };
    const int count_bytes = version == 5 ? 8 : 4;
    auto skip = [&](std::uint64_t n, std::uint64_t size, const char* what) {
        if (size != 0 && n > left() / size) throw std::string(what) + " longer than the file";
        pos += (n * size + 3) / 4 * 4;  // padded to 4 bytes
        if (pos > file_size) throw std::string(what) + " runs past the end of the file";
    };
    auto name = [&] { skip(uint(count_bytes), 1, "a name"); };
    auto type_size = [&](std::uint64_t t) -> std::uint64_t {
        switch (t) {
            case 1: case 2: case 7: return 1;
            case 3: case 8: return 2;
            case 4: case 5: case 9: return 4;
            case 6: case 10: case 11: return 8;
            default: throw std::string("an unknown value type");
        }
    };
    // A list: its tag and count; each element takes at least `min_bytes`.
    auto list = [&](std::uint64_t tag, std::uint64_t min_bytes) -> std::uint64_t {
        const std::uint64_t t = uint(4), n = uint(count_bytes);
        if (t == 0 && n == 0) return 0;
        if (t != tag) throw std::string("a list with a wrong tag");
        if (n > left() / min_bytes) throw std::string("a list longer than the file");
        return n;
    };
    auto attributes = [&] {
        const std::uint64_t n = list(12, 12);
        for (std::uint64_t a = 0; a < n; ++a) {
            name();
            const std::uint64_t size = type_size(uint(4));
            skip(uint(count_bytes), size, "an attribute");
        }
    };
    try {
        uint(count_bytes);  // number of records
        const std::uint64_t dims = list(10, 8);
        for (std::uint64_t d = 0; d < dims; ++d) {
            name();
            uint(count_bytes);
        }
        attributes();
        const std::uint64_t vars = list(11, 24);
        for (std::uint64_t v = 0; v < vars; ++v) {
            name();
            skip(uint(count_bytes), static_cast<std::uint64_t>(count_bytes), "a variable's dimensions");
            attributes();
            type_size(uint(4));
            uint(count_bytes);               // vsize
            uint(version == 1 ? 4 : 8);      // begin
        }
    } catch (const std::string& why) {
        return why;
    } catch (const Truncated&) {
    }
    return "";
}

/// Open `path` as a raster; a container with exactly one subdataset (e.g. a NetCDF file
/// with one variable) is opened through it.
GDALDatasetUniquePtr open_raster(const std::string& path, const std::string& key,
                                 const gdal::Errors& err) {
    gdal::init();
    if (const std::string why = netcdf_classic_damage(path); !why.empty())
        throw InputError(path, key, path, "a damaged netCDF file: its header has " + why);
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) {
        std::error_code ec;
        const bool virtual_path = path.rfind("/vsi", 0) == 0 || path.find(':') != std::string::npos;
        if (!virtual_path && !std::filesystem::exists(path, ec))
            throw InputError(path, key, path, "file not found");
        throw InputError(path, key, path, "not a raster GDAL can read (" + err.message() + ")");
    }
    if (ds->GetRasterCount() == 0) {
        char** sub = ds->GetMetadata("SUBDATASETS");
        const int n = CSLCount(sub) / 2;
        const char* first = CSLFetchNameValue(sub, "SUBDATASET_1_NAME");
        if (n == 1 && first) {
            const std::string name = first;
            ds.reset(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
            if (!ds)
                throw InputError(path, key, name, "cannot open subdataset (" + err.message() + ")");
        } else if (n > 1) {
            throw InputError(path, key, path,
                             "file holds " + std::to_string(n) +
                                 " raster variables; name one, e.g. " +
                                 (first ? std::string(first) : std::string("DRIVER:file:var")));
        }
    }
    if (ds->GetRasterCount() < 1) throw InputError(path, key, path, "raster has no bands");
    // A text grid holds at least a digit and a separator per cell. One whose header claims more
    // cells than that is refused here: GDAL's ASCII-grid driver scans the whole file again for
    // every row it cannot find, so warping from the rows at the bottom of a 205-byte file
    // claiming 5.7 million rows took minutes (found by fuzzing rain grids).
    const std::string drv = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
    if (drv == "AAIGrid" || drv == "GRASSASCIIGrid") {
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(path, ec);
        const double cells = static_cast<double>(ds->GetRasterXSize()) * ds->GetRasterYSize();
        if (!ec && 2.0 * cells > static_cast<double>(bytes) + 1.0)
            throw InputError(path, key, std::to_string(ds->GetRasterXSize()) + " x " + std::to_string(ds->GetRasterYSize()),
                             "the ASCII grid's header claims more cells than its " + std::to_string(bytes) +
                                 " bytes can hold (a damaged or truncated file)");
    }
    return ds;
}

/// The raster's geotransform; a raster without georeferencing cannot be placed on a map.
std::array<double, 6> geotransform_of(GDALDataset& ds, const std::string& path,
                                      const std::string& key) {
    std::array<double, 6> gt{};
    if (ds.GetGeoTransform(gt.data()) != CE_None)
        throw InputError(path, key, "", "raster has no geotransform (georeferencing)");
    return gt;
}

std::string gt_text(const std::array<double, 6>& gt) {
    return fmt(gt[0]) + ", " + fmt(gt[1]) + ", " + fmt(gt[2]) + ", " + fmt(gt[3]) + ", " +
           fmt(gt[4]) + ", " + fmt(gt[5]);
}

/// Read band `band_no` (default 1) whole as double. Nodata and masked cells become NaN;
/// scale/offset are applied. A non-finite value that is not nodata is an error naming the cell
/// when `strict`, otherwise it is treated as missing data.
std::vector<double> read_band(GDALDataset& ds, const std::string& path, const std::string& key,
                              bool strict, const gdal::Errors& err, int band_no = 1) {
    GDALRasterBand* band = ds.GetRasterBand(band_no);
    const int nx = band->GetXSize();
    const int ny = band->GetYSize();
    check_grid_size(nx, ny, path, key, "the raster");
    // Read in windows of at most kChunkCells cells (whole rows, or pieces of one long row), so
    // that memory grows only as the data proves to be there: a header claiming 5e8 cells over a
    // file of a few bytes fails at its first window, not after allocating gigabytes (found by
    // fuzzing). The full size is reserved once the first window has been read.
    constexpr std::size_t kChunkCells = std::size_t(1) << 22;
    const std::size_t total = static_cast<std::size_t>(nx) * ny;
    std::vector<double> v, window;
    while (v.size() < total) {
        const int j = static_cast<int>(v.size() / nx), i = static_cast<int>(v.size() % nx);
        int w = nx, h = 1;
        if (static_cast<std::size_t>(nx) >= kChunkCells)
            w = static_cast<int>(std::min<std::size_t>(nx - i, kChunkCells));
        else
            h = static_cast<int>(std::min<std::size_t>(ny - j, kChunkCells / nx));
        window.resize(static_cast<std::size_t>(w) * h);
        if (band->RasterIO(GF_Read, i, j, w, h, window.data(), w, h, GDT_Float64, 0, 0, nullptr) != CE_None)
            throw InputError(path, key, "", "cannot read raster data (" + err.message() + ")");
        if (v.empty()) v.reserve(total);
        v.insert(v.end(), window.begin(), window.end());
    }

    int has_nd = 0;
    const double nd = band->GetNoDataValue(&has_nd);
    const bool nd_nan = has_nd && std::isnan(nd);
    // Float32 nodata is stored as text in double precision: compare at float precision.
    const bool f32 = band->GetRasterDataType() == GDT_Float32;
    const float nd_f = static_cast<float>(nd);
    int has_scale = 0, has_offset = 0;
    double scale = band->GetScale(&has_scale);
    double offset = band->GetOffset(&has_offset);
    if (!has_scale) scale = 1.0;
    if (!has_offset) offset = 0.0;

    // Per-dataset masks (alpha band, .msk sidecar) also mark missing data.
    std::vector<unsigned char> mask;
    const int flags = band->GetMaskFlags();
    if (!(flags & GMF_ALL_VALID) && !(flags & GMF_NODATA)) {
        mask.resize(v.size());
        if (band->GetMaskBand()->RasterIO(GF_Read, 0, 0, nx, ny, mask.data(), nx, ny, GDT_Byte, 0,
                                          0, nullptr) != CE_None)
            throw InputError(path, key, "", "cannot read raster mask (" + err.message() + ")");
    }

    for (std::size_t k = 0; k < v.size(); ++k) {
        const double raw = v[k];
        const bool is_nd = has_nd && (raw == nd || (nd_nan && std::isnan(raw)) ||
                                      (f32 && static_cast<float>(raw) == nd_f));
        if (is_nd || (!mask.empty() && mask[k] == 0)) {
            v[k] = kNaN;
        } else if (!std::isfinite(raw)) {
            if (strict) {
                const int i = static_cast<int>(k % nx), j = static_cast<int>(k / nx);
                throw InputError(path, key,
                                 fmt(raw) + " at cell (" + std::to_string(i) + ", " +
                                     std::to_string(j) + ")",
                                 "non-finite value that is not the raster's nodata value" +
                                     (has_nd ? " (" + fmt(nd) + ")" : std::string(" (none set)")) +
                                     "; cell is (column, row), row 0 = north");
            }
            v[k] = kNaN;
        } else {
            v[k] = raw * scale + offset;
        }
    }
    return v;
}

/// The model grid needs metres: reject feet, degrees, geocentric CRSs and feet elevations.
void require_metric_projected(const OGRSpatialReference& srs, const std::string& path,
                              const std::string& key, const std::string& what) {
    if (!srs.IsProjected() && !srs.IsLocal())
        throw InputError(path, key, srs.GetName() ? srs.GetName() : "",
                         what + " is not a projected CRS; the model grid needs metres");
    const char* unit = nullptr;
    const double to_m = srs.GetLinearUnits(&unit);
    if (std::abs(to_m - 1.0) > 1e-9)
        throw InputError(path, key, unit ? unit : "",
                         what + " has linear units '" + std::string(unit ? unit : "?") + "' (" +
                             fmt(to_m) + " m); reproject it to a CRS in metres");
    if (srs.IsCompound()) {
        const char* vunit = nullptr;
        const double v_to_m = srs.GetTargetLinearUnits("VERT_CS", &vunit);
        if (vunit && std::abs(v_to_m - 1.0) > 1e-9)
            throw InputError(path, key, vunit,
                             what + " has vertical units '" + std::string(vunit) +
                                 "'; elevations must be in metres");
    }
}

/// Warp target: a north-up grid, CRS as WKT (empty: same as the source, no reprojection).
struct WarpTarget {
    int nx = 0, ny = 0;
    std::array<double, 6> gt{};
    std::string wkt;
};

/// Warp band `band_no` (default 1) of `src` onto `t` with `alg`; cells without source data are NaN.
/// Scale/offset are not applied (the warper works on raw values).
std::vector<double> warp_band(GDALDataset& src, const WarpTarget& t, GDALResampleAlg alg,
                              const std::string& path, const std::string& key,
                              const gdal::Errors& err, int band_no = 1) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) throw std::runtime_error("GDAL MEM driver is not available");
    GDALDatasetUniquePtr dst(mem->Create("", t.nx, t.ny, 1, GDT_Float64, nullptr));
    if (!dst) throw InputError(path, key, "", "cannot allocate warp output (" + err.message() + ")");
    auto gt = t.gt;
    dst->SetGeoTransform(gt.data());
    if (!t.wkt.empty()) dst->SetProjection(t.wkt.c_str());
    dst->GetRasterBand(1)->SetNoDataValue(kNaN);

    // The transformer only reprojects when both datasets have a CRS: a raster without one
    // is thereby taken to be in the grid's CRS.
    void* transformer = GDALCreateGenImgProjTransformer2(&src, dst.get(), nullptr);
    if (!transformer)
        throw InputError(path, key, "", "cannot transform raster to the model grid (" +
                                            err.message() + ")");
    struct Cleanup {
        void* tr;
        GDALWarpOptions* wo;
        ~Cleanup() {
            if (wo) GDALDestroyWarpOptions(wo);
            GDALDestroyGenImgProjTransformer(tr);
        }
    } cleanup{transformer, GDALCreateWarpOptions()};
    GDALWarpOptions* wo = cleanup.wo;

    wo->hSrcDS = &src;
    wo->hDstDS = dst.get();
    wo->nBandCount = 1;
    wo->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    wo->panSrcBands[0] = band_no;
    wo->panDstBands[0] = 1;
    wo->eResampleAlg = alg;
    wo->eWorkingDataType = GDT_Float64;
    wo->dfWarpMemoryLimit = 256.0 * 1024 * 1024;
    int has_nd = 0;
    const double nd = src.GetRasterBand(band_no)->GetNoDataValue(&has_nd);
    if (has_nd) {
        wo->padfSrcNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
        wo->padfSrcNoDataReal[0] = nd;
    }
    wo->padfDstNoDataReal = static_cast<double*>(CPLMalloc(sizeof(double)));
    wo->padfDstNoDataReal[0] = kNaN;
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
    wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "NUM_THREADS", "ALL_CPUS");
    wo->pfnTransformer = GDALGenImgProjTransform;
    wo->pTransformerArg = transformer;

    GDALWarpOperation op;
    if (op.Initialize(wo) != CE_None || op.ChunkAndWarpImage(0, 0, t.nx, t.ny) != CE_None)
        throw InputError(path, key, "", "warping the raster failed (" + err.message() + ")");

    std::vector<double> out(static_cast<std::size_t>(t.nx) * t.ny);
    if (dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, t.nx, t.ny, out.data(), t.nx, t.ny,
                                        GDT_Float64, 0, 0, nullptr) != CE_None)
        throw InputError(path, key, "", "cannot read warp output (" + err.message() + ")");
    return out;
}

/// In-memory copy of already validated DEM values (nodata = NaN) to warp from.
GDALDatasetUniquePtr mem_dataset(const std::vector<double>& z, int nx, int ny,
                                 const std::array<double, 6>& gt,
                                 const OGRSpatialReference* srs) {
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    if (!mem) throw std::runtime_error("GDAL MEM driver is not available");
    GDALDatasetUniquePtr ds(mem->Create("", nx, ny, 1, GDT_Float64, nullptr));
    if (!ds) throw std::runtime_error("cannot allocate an in-memory raster");
    auto g = gt;
    ds->SetGeoTransform(g.data());
    if (srs) ds->SetSpatialRef(srs);
    GDALRasterBand* b = ds->GetRasterBand(1);
    b->SetNoDataValue(kNaN);
    if (b->RasterIO(GF_Write, 0, 0, nx, ny, const_cast<double*>(z.data()), nx, ny, GDT_Float64,
                    0, 0, nullptr) != CE_None)
        throw std::runtime_error("cannot fill an in-memory raster");
    return ds;
}

/// Round a cell size to 3 significant digits (84.37 -> 84.4, 927.6 -> 928).
double round_cell_size(double v) {
    const double mag = std::pow(10.0, std::floor(std::log10(v)) - 2.0);
    return std::round(v / mag) * mag;
}

/// Target extent of `src` in `dst_wkt`, with pixels aligned to multiples of `res`.
WarpTarget aligned_target(GDALDataset& src, const std::string& dst_wkt, double res,
                          const std::string& path, const std::string& key,
                          const gdal::Errors& err) {
    char** opts = CSLSetNameValue(nullptr, "DST_SRS", dst_wkt.c_str());
    void* tr = GDALCreateGenImgProjTransformer2(&src, nullptr, opts);
    CSLDestroy(opts);
    if (!tr)
        throw InputError(path, key, "", "cannot transform the DEM to the model CRS (" +
                                            err.message() + ")");
    double sgt[6];
    double ext[4];
    int px = 0, ln = 0;
    const CPLErr rc = GDALSuggestedWarpOutput2(&src, GDALGenImgProjTransform, tr, sgt, &px, &ln,
                                               ext, 0);
    GDALDestroyGenImgProjTransformer(tr);
    if (rc != CE_None)
        throw InputError(path, key, "", "cannot compute the reprojected DEM extent (" +
                                            err.message() + ")");
    WarpTarget t;
    const double x0 = std::floor(ext[0] / res) * res;
    const double y1 = std::ceil(ext[3] / res) * res;
    const double nx = std::max(1.0, std::ceil((ext[2] - x0) / res - 1e-9));
    const double ny = std::max(1.0, std::ceil((y1 - ext[1]) / res - 1e-9));
    check_grid_size(nx, ny, path, key, "the model grid at " + fmt(res) + " m");
    t.nx = static_cast<int>(nx);
    t.ny = static_cast<int>(ny);
    t.gt = {x0, res, 0.0, y1, 0.0, -res};
    t.wkt = dst_wkt;
    return t;
}

/// UTM zone (WGS 84) of a longitude/latitude in degrees.
OGRSpatialReference utm_for(double lon, double lat) {
    lon = std::fmod(lon + 180.0, 360.0);
    if (lon < 0) lon += 360.0;
    const int zone = std::clamp(static_cast<int>(std::floor(lon / 6.0)) + 1, 1, 60);
    OGRSpatialReference utm;
    utm.importFromEPSG((lat >= 0 ? 32600 : 32700) + zone);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return utm;
}

std::size_t count_valid(const std::vector<double>& z) {
    std::size_t n = 0;
    for (double v : z) n += !std::isnan(v);
    return n;
}

}  // namespace

namespace {

/// Scales the DEM's elevations to metres and refuses one that no terrain has: the usual cause is
/// a DEM in millimetres or feet, or a broken export (1e308 typed for nodata, an overflow).
void check_elevations(std::vector<double>& z, double z_scale, int nx, const std::array<double, 6>& gt,
                      const std::string& path, const std::string& key) {
    for (std::size_t k = 0; k < z.size(); ++k) {
        if (std::isnan(z[k])) continue;  // nodata
        const double raw = z[k];
        z[k] = raw * z_scale;
        if (std::abs(z[k]) < kMaxElevation) continue;
        const int i = static_cast<int>(k % nx), j = static_cast<int>(k / nx);
        const double x = gt[0] + (i + 0.5) * gt[1], y = gt[3] + (j + 0.5) * gt[5];
        throw InputError(path, key, fmt(raw),
                         "elevation no terrain has (|z| >= " + fmt(kMaxElevation) + " m" +
                             (z_scale != 1.0 ? " after domain.z_scale = " + fmt(z_scale) : std::string()) +
                             ") at x=" + fmt(x) + ", y=" + fmt(y) +
                             "; a DEM in millimetres or feet gives such values: set domain.z_scale (metres per "
                             "DEM unit, 0.001 for millimetres, 0.3048 for feet), or fix the cell");
    }
}

}  // namespace

DemGrid read_dem(const std::string& path, const std::string& key, const std::string& target_crs,
                 std::optional<double> resolution, double z_scale) {
    gdal::Errors err;
    GDALDatasetUniquePtr ds = open_raster(path, key, err);
    auto gt = geotransform_of(*ds, path, key);
    if (gt[2] != 0.0 || gt[4] != 0.0)
        throw InputError(path, key, gt_text(gt),
                         "DEM geotransform has rotation terms; warp it to a north-up grid first");
    if (!(gt[1] > 0.0) || gt[5] == 0.0)
        throw InputError(path, key, gt_text(gt), "DEM geotransform has an invalid cell size");
    if (resolution && !(std::isfinite(*resolution) && *resolution > 0.0))
        throw InputError(path, key, fmt(*resolution), "resolution must be a positive length in metres");

    const int nx = ds->GetRasterXSize();
    const int ny = ds->GetRasterYSize();
    std::vector<double> z = read_band(*ds, path, key, true, err);
    if (gt[5] > 0.0) {
        // South-up raster: flip rows so that row 0 is north.
        for (int j = 0; j < ny / 2; ++j)
            std::swap_ranges(z.begin() + static_cast<std::ptrdiff_t>(j) * nx,
                             z.begin() + static_cast<std::ptrdiff_t>(j + 1) * nx,
                             z.begin() + static_cast<std::ptrdiff_t>(ny - 1 - j) * nx);
        gt[3] += gt[5] * ny;
        gt[5] = -gt[5];
    }
    const double dx = gt[1], dy = -gt[5];
    check_elevations(z, z_scale, nx, gt, path, key);

    OGRSpatialReference target;
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const bool has_target = !target_crs.empty();
    if (has_target) {
        if (target.SetFromUserInput(target_crs.c_str()) != OGRERR_NONE)
            throw InputError(path, key, target_crs,
                             "target CRS is not a CRS definition GDAL understands (" +
                                 err.message() + ")");
        require_metric_projected(target, path, key, "target CRS");
    }

    const OGRSpatialReference* src_ptr = ds->GetSpatialRef();
    OGRSpatialReference src;
    const bool src_has_crs = has_crs(src_ptr);
    if (src_has_crs) {
        src = *src_ptr;
        src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }

    bool reproject = false;      // change of CRS
    double res = dx;             // target cell size when warping
    std::string model_wkt;
    if (!src_has_crs) {
        // No CRS: take it as the target CRS if one is named, otherwise as an unnamed projected
        // CRS in metres. (Laboratory-scale grids -- a 4 m basin at 2 cm cells -- have small
        // coordinates and small cells, so "looks like degrees" would be a wrong guess.)
        if (has_target) model_wkt = wkt_of(target);
    } else if (src.IsGeographic()) {
        const double cx = gt[0] + dx * nx / 2.0;
        const double cy = gt[3] - dy * ny / 2.0;
        const double to_deg = src.GetAngularUnits() * 180.0 / kPi;
        const double lon = cx * to_deg, lat = cy * to_deg;
        if (!has_target) target = utm_for(lon, lat);
        reproject = true;
        // Native spacing in metres at the centre latitude (ellipsoidal radii of curvature).
        const double a = src.GetSemiMajor();
        const double invf = src.GetInvFlattening();
        const double f = invf > 0.0 ? 1.0 / invf : 0.0;
        const double e2 = f * (2.0 - f);
        const double phi = lat * kPi / 180.0;
        const double w = 1.0 - e2 * std::sin(phi) * std::sin(phi);
        const double rad = src.GetAngularUnits();
        const double dx_m = dx * rad * a * std::cos(phi) / std::sqrt(w);
        const double dy_m = dy * rad * a * (1.0 - e2) / std::pow(w, 1.5);
        res = round_cell_size(0.5 * (dx_m + dy_m));
    } else {
        require_metric_projected(src, path, key, "DEM CRS");
        reproject = has_target && !src.IsSame(&target);
        res = 0.5 * (dx + dy);
        model_wkt = wkt_of(src);
    }
    if (resolution) res = *resolution;

    const auto differs = [&](double a, double b) { return std::abs(a - b) > 1e-9 * std::abs(b); };
    const bool resample = resolution && (differs(*resolution, dx) || differs(*resolution, dy));

    DemGrid out;
    if (!reproject && !resample) {
        if (count_valid(z) == 0) throw InputError(path, key, "", "DEM has no valid (non-nodata) cells");
        out.grid = Grid2D::make(nx, ny, dx, dy, gt[0], gt[3]);
        out.grid.crs_wkt = model_wkt;
        out.z = std::move(z);
        return out;
    }

    // Warp from the validated in-memory copy so that nodata is uniformly NaN.
    GDALDatasetUniquePtr mem = mem_dataset(z, nx, ny, gt, src_has_crs ? &src : nullptr);
    z.clear();
    z.shrink_to_fit();
    WarpTarget t;
    if (reproject) {
        model_wkt = wkt_of(target);
        t = aligned_target(*mem, model_wkt, res, path, key, err);
    } else {
        // Same CRS, new cell size: keep the north-west corner and cover the whole extent.
        const double tnx = std::max(1.0, std::ceil(nx * dx / res - 1e-9));
        const double tny = std::max(1.0, std::ceil(ny * dy / res - 1e-9));
        check_grid_size(tnx, tny, path, key, "the model grid at " + fmt(res) + " m");
        t.nx = static_cast<int>(tnx);
        t.ny = static_cast<int>(tny);
        t.gt = {gt[0], res, 0.0, gt[3], 0.0, -res};
        t.wkt = model_wkt;
    }
    out.z = warp_band(*mem, t, GRA_Bilinear, path, key, err);
    if (count_valid(out.z) == 0)
        throw InputError(path, key, "", "DEM has no valid cells after reprojection");
    out.grid = Grid2D::make(t.nx, t.ny, res, res, t.gt[0], t.gt[3]);
    out.grid.crs_wkt = model_wkt;
    return out;
}

namespace {
std::vector<double> read_on_grid(const std::string& path, const std::string& key, const Grid2D& grid,
                                 const std::vector<double>& mask_z, GDALResampleAlg alg, int band_no);
}  // namespace

std::vector<double> read_raster_on_grid(const std::string& path, const std::string& key,
                                        const Grid2D& grid, const std::vector<double>& mask_z, int band_no) {
    return read_on_grid(path, key, grid, mask_z, GRA_Bilinear, band_no);
}

std::vector<double> read_class_raster_on_grid(const std::string& path, const std::string& key,
                                              const Grid2D& grid, const std::vector<double>& mask_z) {
    return read_on_grid(path, key, grid, mask_z, GRA_NearestNeighbour, 1);
}

namespace {
std::vector<double> read_on_grid(const std::string& path, const std::string& key, const Grid2D& grid,
                                 const std::vector<double>& mask_z, GDALResampleAlg alg, int band_no) {
    if (!mask_z.empty() && mask_z.size() != grid.cells())
        throw std::invalid_argument("read_raster_on_grid: mask_z must be empty or nx*ny");
    gdal::Errors err;
    GDALDatasetUniquePtr ds = open_raster(path, key, err);
    if (band_no < 1 || band_no > ds->GetRasterCount())
        throw InputError(path, key, "band " + std::to_string(band_no),
                         "the raster has " + std::to_string(ds->GetRasterCount()) + " bands");
    const auto gt = geotransform_of(*ds, path, key);

    OGRSpatialReference grid_srs;
    grid_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const bool grid_has_crs =
        !grid.crs_wkt.empty() && grid_srs.importFromWkt(grid.crs_wkt.c_str()) == OGRERR_NONE;
    const OGRSpatialReference* r_srs = ds->GetSpatialRef();
    const bool same_crs = !has_crs(r_srs) || !grid_has_crs || r_srs->IsSame(&grid_srs);

    const double tol = 1e-6 * std::min(grid.dx, grid.dy);
    const auto& g = grid.geotransform;
    const bool same_grid = same_crs && ds->GetRasterXSize() == grid.nx &&
                           ds->GetRasterYSize() == grid.ny && gt[2] == 0.0 && gt[4] == 0.0 &&
                           std::abs(gt[0] - g[0]) <= tol && std::abs(gt[3] - g[3]) <= tol &&
                           std::abs(gt[1] - g[1]) <= 1e-9 * grid.dx &&
                           std::abs(gt[5] - g[5]) <= 1e-9 * grid.dy;

    std::vector<double> v;
    if (same_grid) {
        v = read_band(*ds, path, key, false, err, band_no);
    } else {
        WarpTarget t;
        t.nx = grid.nx;
        t.ny = grid.ny;
        t.gt = g;
        t.wkt = grid_has_crs ? grid.crs_wkt : std::string();
        v = warp_band(*ds, t, alg, path, key, err, band_no);
        GDALRasterBand* band = ds->GetRasterBand(band_no);
        int has_scale = 0, has_offset = 0;
        const double scale = band->GetScale(&has_scale);
        const double offset = band->GetOffset(&has_offset);
        for (double& x : v) {
            if (!std::isfinite(x)) x = kNaN;
            else x = x * (has_scale ? scale : 1.0) + (has_offset ? offset : 0.0);
        }
    }

    // Coverage: every cell inside the domain needs data.
    std::size_t missing = 0;
    std::size_t first = 0;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const bool inside = mask_z.empty() || !std::isnan(mask_z[k]);
        if (inside && std::isnan(v[k]) && missing++ == 0) first = k;
    }
    if (missing > 0) {
        const int i = static_cast<int>(first % grid.nx), j = static_cast<int>(first / grid.nx);
        throw InputError(path, key,
                         "x=" + fmt(grid.x_center(i)) + ", y=" + fmt(grid.y_center(j)),
                         "raster does not cover the model domain there (cell (" +
                             std::to_string(i) + ", " + std::to_string(j) + "); " +
                             std::to_string(missing) + " domain cells without data)");
    }
    return v;
}
}  // namespace

namespace {
/// Seconds per unit of a CF time-units string ("hours since 2021-07-20 00:00:00"); 0 if unknown.
double cf_unit_seconds(std::string units) {
    for (char& c : units) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t sp = units.find(' ');
    const std::string u = units.substr(0, sp);
    if (units.find(" since ") == std::string::npos) return 0.0;
    if (u == "seconds" || u == "second" || u == "secs" || u == "sec" || u == "s") return 1.0;
    if (u == "minutes" || u == "minute" || u == "mins" || u == "min") return 60.0;
    if (u == "hours" || u == "hour" || u == "hrs" || u == "hr" || u == "h") return 3600.0;
    if (u == "days" || u == "day" || u == "d") return 86400.0;
    return 0.0;
}

/// The leading number of a metadata value ("  1627430400 sec UTC"); false if there is none.
bool leading_number(const char* text, double& v) {
    if (!text) return false;
    char* end = nullptr;
    v = std::strtod(text, &end);
    return end != text && std::isfinite(v);
}
}  // namespace

RasterBands raster_bands(const std::string& path, const std::string& key) {
    gdal::Errors err;
    GDALDatasetUniquePtr ds = open_raster(path, key, err);
    RasterBands out;
    out.count = ds->GetRasterCount();
    // netCDF: the band's value of its extra dimension (NETCDF_DIM_<name>), in <name>#units.
    std::string dim;
    if (const char* extra = ds->GetMetadataItem("NETCDF_DIM_EXTRA")) {
        dim = extra;  // "{time}"
        dim.erase(std::remove_if(dim.begin(), dim.end(), [](char c) { return c == '{' || c == '}' || c == ' '; }),
                  dim.end());
        if (dim.find(',') != std::string::npos) dim.clear();  // more than one extra dimension
    }
    std::vector<double> t;
    if (!dim.empty()) {
        const char* units = ds->GetMetadataItem((dim + "#units").c_str());
        const double f = units ? cf_unit_seconds(units) : 0.0;
        if (f > 0.0) {
            for (int b = 1; b <= out.count; ++b) {
                double v = 0.0;
                if (!leading_number(ds->GetRasterBand(b)->GetMetadataItem(("NETCDF_DIM_" + dim).c_str()), v)) break;
                t.push_back(v * f);
            }
            if (static_cast<int>(t.size()) == out.count) out.time_source = "NETCDF_DIM_" + dim + " (" + units + ")";
        }
    }
    if (out.time_source.empty()) {  // GRIB: the valid time of each message, seconds since 1970
        t.clear();
        for (int b = 1; b <= out.count; ++b) {
            double v = 0.0;
            if (!leading_number(ds->GetRasterBand(b)->GetMetadataItem("GRIB_VALID_TIME"), v)) break;
            t.push_back(v);
        }
        if (static_cast<int>(t.size()) == out.count) out.time_source = "GRIB_VALID_TIME";
    }
    if (!out.time_source.empty()) {
        const double t0 = t.front();
        for (double& v : t) v -= t0;
        out.time_s = std::move(t);
    }
    return out;
}

bool is_raster(const std::string& path) {
    gdal::Errors err;
    gdal::init();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) return false;
    return ds->GetRasterCount() > 0 || CSLCount(ds->GetMetadata("SUBDATASETS")) > 0;
}

void write_geotiff(const std::string& path, const std::string& key, const Grid2D& grid,
                   const std::vector<double>& values) {
    gdal::init();
    gdal::Errors errors;
    if (values.size() != static_cast<std::size_t>(grid.nx) * static_cast<std::size_t>(grid.ny))
        throw std::invalid_argument("write_geotiff: values do not match the grid");
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!drv) throw InputError(path, key, "", "GDAL has no GTiff driver");
    char** opts = CSLSetNameValue(nullptr, "COMPRESS", "DEFLATE");
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), grid.nx, grid.ny, 1, GDT_Float32, opts));
    CSLDestroy(opts);
    if (!ds) throw InputError(path, key, "", "cannot create the GeoTIFF: " + errors.message());
    std::array<double, 6> gt = grid.geotransform;
    constexpr double kNodata = -9999.0;
    ds->SetGeoTransform(gt.data());
    if (!grid.crs_wkt.empty()) ds->SetProjection(grid.crs_wkt.c_str());
    GDALRasterBand* band = ds->GetRasterBand(1);
    band->SetNoDataValue(kNodata);
    std::vector<float> row(static_cast<std::size_t>(grid.nx));
    for (int j = 0; j < grid.ny; ++j) {
        for (int i = 0; i < grid.nx; ++i) {
            const double v = values[static_cast<std::size_t>(j) * grid.nx + i];
            row[i] = std::isnan(v) ? static_cast<float>(kNodata) : static_cast<float>(v);
        }
        if (band->RasterIO(GF_Write, 0, j, grid.nx, 1, row.data(), grid.nx, 1, GDT_Float32, 0, 0) != CE_None)
            throw InputError(path, key, "", "cannot write the GeoTIFF: " + errors.message());
    }
    CPLErrorReset();
    ds.reset();  // closing writes the file out (GDAL 3.6 has no Close() that reports)
    if (CPLGetLastErrorType() >= CE_Failure)
        throw InputError(path, key, "", "cannot write the GeoTIFF: " + errors.message());
}

}  // namespace floodsim
