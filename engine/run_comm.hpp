#pragma once
// RunComm: what the processes of a run decomposed over MPI ranks agree on outside the solver
// (engine/run.cpp, docs/parallel.md): who writes the result and calls the observers (rank 0), the
// cancel flag and the wet cells of each step, an observer's decision to stop, the largest of a
// figure over the ranks. A serial RunComm (the default) is one rank: every call is the identity.
// The MPI calls live in run_comm.cpp, so that run.cpp and the public headers never see mpi.h.
#include <cstdint>
#include <utility>

namespace floodsim {

class RunComm {
public:
    RunComm() = default;  // serial
    /// MPI_COMM_WORLD. Throws floodsim::Error (status 2) when floodsim was built without MPI
    /// (FLOODSIM_MPI=OFF) or MPI is not initialised.
    static RunComm world();

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool distributed() const { return size_ > 1; }
    /// Rank 0: writes the result and calls the observers.
    bool root() const { return rank_ == 0; }

    /// Rank 0's flag, on every rank. Collective.
    bool from_root(bool flag) const;
    /// After a step: whether any rank was asked to stop, and the sum of `count` (the wet cells).
    /// Collective.
    std::pair<bool, std::int64_t> step_totals(bool cancel, std::int64_t count) const;
    /// The largest x over the ranks, on every rank. Collective.
    double max(double x) const;

private:
    RunComm(int rank, int size) : rank_(rank), size_(size) {}
    int rank_ = 0, size_ = 1;
};

/// The ranks an MPI launcher started on this machine (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE,
/// MPICH's MPI_LOCALNRANKS); 1 without a launcher. No MPI call: read before MPI is initialised.
int launcher_local_ranks();

/// The OpenMP threads a run takes when asked for 0 ("all"): the processors this process may run
/// on, shared among the launcher's ranks on this machine when they are not bound to processors of
/// their own (mpirun binds each rank to a core for 2 ranks, and binds none when oversubscribed).
int default_threads();

}  // namespace floodsim
