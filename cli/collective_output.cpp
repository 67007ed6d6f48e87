// The collective result writer for runs under mpirun (engine/block_result_writer.hpp): the CLI
// links libfloodsim_h5mpi.so (io/collective_result_writer.hpp, parallel HDF5) and hands the
// engine a factory for it. Built only with FLOODSIM_PARALLEL_HDF5.
#include "cli/collective_output.hpp"

#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "engine/block_result_writer.hpp"
#include "io/collective_result_writer.hpp"

namespace floodsim {
namespace {

class CollectiveOutput final : public BlockResultWriter {
public:
    CollectiveOutput(const std::string& path, const ResultMetadata& meta, const RasterPart& part)
        : writer_(path, meta, part, MPI_COMM_WORLD) {}
    void write_frame(double time, const float* depth, const float* vx, const float* vy) override {
        writer_.write_frame(time, depth, vx, vy);
    }
    void write_gauge(std::size_t gauge, const GaugeSample& s) override { writer_.write_gauge(gauge, s); }
    void write_pump(std::size_t pump, const PumpSample& s) override { writer_.write_pump(pump, s); }
    void write_mass_balance(const MassBalanceRow& row) override { writer_.write_mass_balance(row); }
    void flush() override { writer_.flush(); }
    void finish(const float* max_depth, const float* max_speed, const float* arrival_time, std::int64_t steps,
                double wall_time_s, const std::string& incomplete_reason) override {
        writer_.finish(max_depth, max_speed, arrival_time, steps, wall_time_s, incomplete_reason);
    }

private:
    CollectiveResultWriter writer_;
};

}  // namespace

void use_collective_output(bool on) {
    // FLOODSIM_RESULT_GATHER=1: rank 0 writes from gathered fields instead (to compare the two).
    const char* gather = std::getenv("FLOODSIM_RESULT_GATHER");
    if (!on || (gather && std::strcmp(gather, "1") == 0)) {
        set_block_result_writer_factory({});
        return;
    }
    set_block_result_writer_factory([](const std::string& path, const ResultMetadata& meta, const RasterPart& part) {
        return std::make_unique<CollectiveOutput>(path, meta, part);
    });
}

}  // namespace floodsim
