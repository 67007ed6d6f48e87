/* A C host program running a scenario over the ranks of MPI_COMM_WORLD through the C API
 * (floodsim_open_mpi), as a cluster job's driver would:
 *     mpiexec -np N c_api_mpi_host SCENARIO.toml RESULT.h5 [THREADS]
 * Prints rank 0's frames as "frame T" lines (the callback is called there only) and, on every
 * rank, "rank R of N: frames F" at the end. Exit status: the C API's code (0 ok); a failure
 * after the open aborts the world, as the header asks. tests/cli/test_mpi_run.cpp runs it. */
#include <floodsim/floodsim.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int frames = 0;

static int on_frame(void *user, double t, int nx, int ny, const float *depth) {
    (void)user;
    (void)nx;
    (void)ny;
    (void)depth;
    ++frames;
    printf("frame %.1f\n", t);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: c_api_mpi_host SCENARIO.toml RESULT.h5 [THREADS]\n");
        return 2;
    }
    int provided = 0, rank = 0, size = 1;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char err[512];
    floodsim_run *run = NULL;
    int code = floodsim_open_mpi(argv[1], &run, err, sizeof err);
    if (code != 0) { /* every rank fails alike on bad input */
        if (rank == 0) fprintf(stderr, "floodsim_open_mpi: %d: %s\n", code, err);
        MPI_Finalize();
        return code;
    }
    if ((code = floodsim_set_threads(run, argc > 3 ? atoi(argv[3]) : 1)) != 0 ||
        (code = floodsim_set_output(run, argv[2])) != 0 || (code = floodsim_on_frame(run, on_frame, NULL)) != 0 ||
        (code = floodsim_run_to_end(run)) != 0) {
        fprintf(stderr, "rank %d: %d: %s\n", rank, code, floodsim_error(run));
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    floodsim_close(run);
    printf("rank %d of %d: frames %d\n", rank, size, frames);
    MPI_Finalize();
    return 0;
}
