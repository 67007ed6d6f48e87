// Steps of the bench catchment on one block per MPI rank (parallel/distributed_simulation.hpp):
// the strong-scaling measurement of docs/parallel.md, with the share of a step spent in the halo
// exchange and in the time step's reduction.
// Usage: mpiexec -np P mpi_steps [n=2048] [steps=20] [threads=1] [scheme=fv1]
// (threads: OpenMP threads per rank; scheme: fv1, fv2 or inertial). Prints one line on rank 0.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

#include "bench/catchment.hpp"
#include "parallel/distributed_simulation.hpp"

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 2048;
    const int steps = argc > 2 ? std::atoi(argv[2]) : 20;
    const int threads = argc > 3 ? std::atoi(argv[3]) : 1;
    const std::string name = argc > 4 ? argv[4] : "fv1";
    const auto* known = std::find_if(std::begin(floodsim::bench::kSchemes), std::end(floodsim::bench::kSchemes),
                                     [&](const auto& s) { return name == s.first; });
    if (known == std::end(floodsim::bench::kSchemes)) {
        std::fprintf(stderr, "mpi_steps: unknown scheme %s (fv1, fv2, inertial)\n", name.c_str());
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    const floodsim::Scheme scheme = known->second;
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    {
        // All wet (rain on the whole catchment): no dry tiles, the same work every step.
        floodsim::parallel::DistributedSimulation<double> sim(
            floodsim::bench::catchment(n, 1.0, scheme, threads), MPI_COMM_WORLD);
        sim.step(1e9);  // first touch of the workspaces, not timed
        const double exchange0 = sim.exchange_seconds(), reduction0 = sim.reduction_seconds();
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        for (int k = 0; k < steps; ++k) sim.step(1e9);
        MPI_Barrier(MPI_COMM_WORLD);
        const double seconds = MPI_Wtime() - t0;
        // The slowest rank's communication: what the step waited for.
        double comm[2] = {sim.exchange_seconds() - exchange0, sim.reduction_seconds() - reduction0}, worst[2];
        MPI_Reduce(comm, worst, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
        if (rank == 0)
            std::printf("%s n=%d ranks=%d threads=%d layout=%dx%d steps=%d: %.4f s/step, %.1f M cells/s, "
                        "halo exchange %.1f %%, time-step reduction %.1f %% of the step (slowest rank)\n",
                        name.c_str(), n, ranks, threads, sim.decomposition().px(), sim.decomposition().py(), steps,
                        seconds / steps, static_cast<double>(n) * n * steps / seconds / 1e6,
                        100.0 * worst[0] / seconds, 100.0 * worst[1] / seconds);
    }
    MPI_Finalize();
    return 0;
}
