#pragma once
// MpiSession: MPI for `floodsim run` when an MPI launcher started the process (mpirun, mpiexec,
// srun; docs/parallel.md). A process started without one never initialises MPI, so the serial
// executable behaves as before (no MPI start-up, no launcher needed).
namespace floodsim {

class MpiSession {
public:
    /// Initialises MPI when launched_by_mpi() (and floodsim was built with MPI); otherwise a
    /// session of one rank.
    MpiSession();
    ~MpiSession();  // MPI_Finalize
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    /// Stops every rank with `status` (MPI_Abort): after an error on some ranks, the others would
    /// wait for them forever in the next collective call. Without MPI: nothing.
    void abort(int status);

    /// The environment an MPI launcher gives its processes (Open MPI, MPICH/Hydra, PMIx, PMI).
    static bool launched_by_mpi();

private:
    bool initialised_ = false;
    int rank_ = 0, size_ = 1;
};

}  // namespace floodsim
