#pragma once
// Runs under mpirun write their result collectively (cli/collective_output.cpp) where floodsim
// was built with parallel HDF5 (FLOODSIM_PARALLEL_HDF5); elsewhere rank 0 writes it.
namespace floodsim {

/// Registers (on) or removes (off) the collective result writer for the engine's runs over MPI.
/// On has no effect when FLOODSIM_RESULT_GATHER=1 is set in the environment.
void use_collective_output(bool on);

}  // namespace floodsim
