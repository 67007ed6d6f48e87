#include "engine/run_comm.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "floodsim/run.hpp"

#if FLOODSIM_HAVE_MPI
#include <mpi.h>

#include "parallel/mpi_check.hpp"
#endif

namespace floodsim {

#if FLOODSIM_HAVE_MPI

namespace {
void check(int rc, const char* what) { parallel::check_mpi(rc, "run", what); }
}  // namespace

RunComm RunComm::world() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) throw Error(2, "MPI is not initialised: call MPI_Init before a run over MPI_COMM_WORLD");
    int rank = 0, size = 1;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
    return RunComm(rank, size);
}

bool RunComm::from_root(bool flag) const {
    if (!distributed()) return flag;
    int v = flag ? 1 : 0;
    check(MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
    return v != 0;
}

std::pair<bool, std::int64_t> RunComm::step_totals(bool cancel, std::int64_t count) const {
    if (!distributed()) return {cancel, count};
    long long v[2] = {cancel ? 1 : 0, count}, total[2] = {0, 0};
    check(MPI_Allreduce(v, total, 2, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    return {total[0] > 0, total[1]};
}

double RunComm::max(double x) const {
    if (!distributed()) return x;
    double m = x;
    check(MPI_Allreduce(&x, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return m;
}

#else  // built without MPI: only the serial RunComm exists

RunComm RunComm::world() {
    throw Error(2, "this floodsim was built without MPI (FLOODSIM_MPI=OFF): it cannot run over MPI ranks");
}
bool RunComm::from_root(bool flag) const { return flag; }
std::pair<bool, std::int64_t> RunComm::step_totals(bool cancel, std::int64_t count) const { return {cancel, count}; }
double RunComm::max(double x) const { return x; }

#endif

int launcher_local_ranks() {
    for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
        if (const char* v = std::getenv(name)) {
            const int n = std::atoi(v);
            if (n >= 1) return n;
        }
    return 1;
}

int default_threads() {
    const int procs = std::max(1, omp_get_num_procs());
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const int ranks = launcher_local_ranks();
    // Bound to a part of the machine: that part is this rank's own.
    if (ranks <= 1 || online <= 0 || procs < online) return procs;
    return std::max(1, procs / ranks);
}

}  // namespace floodsim
