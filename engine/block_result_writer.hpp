#pragma once
// The result writer of a run over MPI ranks in which every rank writes its own block (the
// collective writer: io/collective_result_writer.hpp). The library links only the serial HDF5
// (as GDAL does), so the collective writer, built against the MPI flavour in a library of its own,
// is provided by the host that links it: the floodsim CLI registers it when it runs under mpirun
// (cli/collective_output.cpp). Without one, or for a run with [checkpoint] (its result journal
// holds whole frames), rank 0 writes the result from gathered fields (docs/parallel.md, "The
// result file under MPI").
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "io/hdf5_result_writer.hpp"

namespace floodsim {

/// Every call is collective over the run's ranks (MPI_COMM_WORLD): the same calls in the same
/// order on every rank. Frames and maxima: this rank's block (RasterPart) only.
class BlockResultWriter {
public:
    virtual ~BlockResultWriter() = default;
    virtual void write_frame(double time, const float* depth, const float* vx, const float* vy) = 0;
    virtual void write_gauge(std::size_t gauge, const GaugeSample& s) = 0;
    virtual void write_pump(std::size_t pump, const PumpSample& s) = 0;
    virtual void write_mass_balance(const MassBalanceRow& row) = 0;
    virtual void flush() = 0;
    virtual void finish(const float* max_depth, const float* max_speed, const float* arrival_time, std::int64_t steps,
                        double wall_time_s, const std::string& incomplete_reason) = 0;
};

/// Makes the writer of one rank: the result's final path, its metadata (bed_elevation: the
/// block's), the rank's block. Throws as Hdf5ResultWriter does.
using BlockResultWriterFactory =
    std::function<std::unique_ptr<BlockResultWriter>(const std::string& path, const ResultMetadata& meta,
                                                     const RasterPart& part)>;

/// Registers the factory runs over MPI use from then on (an empty one: none). Not thread-safe:
/// at start-up, before any run.
void set_block_result_writer_factory(BlockResultWriterFactory factory);
const BlockResultWriterFactory& block_result_writer_factory();

}  // namespace floodsim
