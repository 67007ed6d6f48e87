#pragma once
// CollectiveResultWriter: the result file of a run over MPI ranks written by every rank at once
// with parallel HDF5 (docs/parallel.md, "The result file under MPI"): each rank writes its block
// of every raster as a hyperslab, in collective calls; the series (time, gauges, pumps, mass
// balance) are rank 0's values. The layout is Hdf5ResultWriter's, to the attribute: both are
// built from io/hdf5_result_writer.cpp, this one against the MPI flavour of HDF5
// (libhdf5_openmpi) in a shared library of its own, libfloodsim_h5mpi.so. Debian versions the two
// flavours' symbols apart (HDF5_SERIAL_*, HDF5_MPI_*), so the serial one (GDAL's, and the rest of
// floodsim's) and this one live in one process; they must not share one object file or library,
// whose unversioned references would all bind to one of them.
//
// Every method is collective: every rank calls it, in the same order, with the same series
// values. Errors are thrown on every rank alike (HDF5's collective calls fail together; the
// final rename is agreed on). Destroyed before finish() on a rank that failed alone, it leaves its
// HDF5 objects open (closing them is collective: the others are not there) and rank 0 removes
// the partial file; MPI_Finalize or the abort that follows ends them.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>

#include "io/hdf5_result_writer.hpp"

namespace floodsim {

class __attribute__((visibility("default"))) CollectiveResultWriter {
public:
    /// Creates `<final_path>.part` with every dataset of the layout (Hdf5ResultWriter) on `comm`;
    /// `part` is this rank's block, and meta.bed_elevation (if any) its part.nx * part.ny cells.
    CollectiveResultWriter(const std::string& final_path, const ResultMetadata& meta, const RasterPart& part,
                           MPI_Comm comm);
    ~CollectiveResultWriter();
    CollectiveResultWriter(const CollectiveResultWriter&) = delete;
    CollectiveResultWriter& operator=(const CollectiveResultWriter&) = delete;

    /// This rank's block of one frame (part.nx * part.ny float32 each, row 0 = the block's
    /// northern row); vx, vy null when velocities are not written.
    void write_frame(double time, const float* depth, const float* vx, const float* vy);
    void write_gauge(std::size_t gauge, const GaugeSample& s);
    void write_pump(std::size_t pump, const PumpSample& s);
    void write_mass_balance(const MassBalanceRow& row);
    void flush();
    /// This rank's block of the maxima; then the file is closed, sealed and renamed by rank 0.
    void finish(const float* max_depth, const float* max_speed, const float* arrival_time, std::int64_t steps,
                double wall_time_s, const std::string& incomplete_reason = "");

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace floodsim
