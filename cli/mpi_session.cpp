#include "cli/mpi_session.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#if FLOODSIM_HAVE_MPI
#include <mpi.h>
#endif
#if FLOODSIM_HAVE_PARALLEL_HDF5
#include "cli/collective_output.hpp"
#endif

namespace floodsim {

bool MpiSession::launched_by_mpi() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"})
        if (std::getenv(v)) return true;
    return false;
}

#if FLOODSIM_HAVE_MPI

MpiSession::MpiSession() {
    if (!launched_by_mpi()) return;
    // Only the driving thread calls MPI (OpenMP threads and the result writer's thread never do).
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        throw std::runtime_error("MPI_Init_thread failed");
    initialised_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
#if FLOODSIM_HAVE_PARALLEL_HDF5
    use_collective_output(size_ > 1);  // each rank writes its block of the result
#endif
}

MpiSession::~MpiSession() {
#if FLOODSIM_HAVE_PARALLEL_HDF5
    use_collective_output(false);
#endif
    if (initialised_) MPI_Finalize();
}

void MpiSession::abort(int status) {
    if (initialised_ && size_ > 1) {
        std::fflush(stdout);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, status);
    }
}

#else

MpiSession::MpiSession() = default;
MpiSession::~MpiSession() = default;
void MpiSession::abort(int) {}

#endif

}  // namespace floodsim
