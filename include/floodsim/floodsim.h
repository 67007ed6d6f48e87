/* floodsim C API (INTERFACE.md section 7): open a scenario, run it, watch its frames, stop it.
 *
 * Every function returns 0 on success, 2 on bad input (a scenario, a path or an argument that
 * is wrong), 1 on any other failure, and floodsim_advance / floodsim_run_to_end return 3 when a
 * frame callback stopped the run. After a failure, floodsim_error(run) holds one line saying
 * what went wrong. No C++ exception ever crosses this interface.
 *
 * Runs are independent: several may exist and run at once in one process, each driven by one
 * thread at a time. The library installs no signal handler, changes no signal mask, working
 * directory, locale, environment or OpenMP setting of the host process. Full reference:
 * docs/library.md. */
#ifndef FLOODSIM_FLOODSIM_H
#define FLOODSIM_FLOODSIM_H

#include <stddef.h>

#if defined(_WIN32)
#define FLOODSIM_C_API
#else
#define FLOODSIM_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** One run of one scenario. Opaque; made by floodsim_open, freed by floodsim_close. */
typedef struct floodsim_run floodsim_run;

/** Return codes. */
enum {
    FLOODSIM_OK = 0,
    FLOODSIM_FAILURE = 1,
    FLOODSIM_BAD_INPUT = 2,
    FLOODSIM_STOPPED = 3
};

/** Version of the library, e.g. "0.2.0". Static storage. */
FLOODSIM_C_API const char *floodsim_version(void);

/** Loads and validates the scenario (and every input it names) and builds the model. 0 ok;
 * 2 bad input; 1 other failure. On failure *out is NULL and err (if not NULL) holds one line,
 * truncated to err_len and always NUL-terminated. */
FLOODSIM_C_API int floodsim_open(const char *scenario_path, floodsim_run **out, char *err, size_t err_len);

/** As floodsim_open, with the grid decomposed over the ranks of MPI_COMM_WORLD (one block per
 * rank; with one rank the same as floodsim_open). The host initialises MPI (at least
 * MPI_THREAD_FUNNELED: only the thread that drives the run calls MPI) and finalises it after
 * floodsim_close. Every rank opens the run and makes the same calls in the same order (they are
 * collective); rank 0 writes the result file and calls the callbacks, floodsim_depth fills the
 * buffer on rank 0 only. The result file is bitwise the serial run's for any rank count. After a
 * failure of any call but this one, call MPI_Abort: the other ranks would wait for the failed
 * one. A library built without MPI returns 2. Details: docs/library.md, docs/parallel.md. */
FLOODSIM_C_API int floodsim_open_mpi(const char *scenario_path, floodsim_run **out, char *err, size_t err_len);

/** Worker threads of the run (0 = all cores), before the run starts (else 1). Overrides the
 * scenario's solver.threads. The team actually used may be smaller (OMP_THREAD_LIMIT, nested
 * regions): results do not depend on it. */
FLOODSIM_C_API int floodsim_set_threads(floodsim_run *run, int threads);

/** Result file of the run (overrides output.file), before the run starts (else 1); NULL: no
 * file at all. Relative paths resolve against the current working directory. */
FLOODSIM_C_API int floodsim_set_output(floodsim_run *run, const char *result_path);

/** Called at every output frame (t = 0 included) with the depth raster: nx * ny float32,
 * row-major, row 0 = north, NaN outside the domain; valid only during the call. Return
 * nonzero to stop the run: floodsim_advance / floodsim_run_to_end then return 3 (a later call
 * continues from there). Called on the thread that drives the run. */
typedef int (*floodsim_frame_fn)(void *user, double t, int nx, int ny, const float *depth);
/** Registers the frame callback (NULL removes it). */
FLOODSIM_C_API int floodsim_on_frame(floodsim_run *run, floodsim_frame_fn fn, void *user);

/** Called at every change of an asset's warning level (a scenario with [warning]; without it,
 * never): asset id and name (UTF-8), the new level and the previous one (1 red, 2 orange,
 * 3 yellow, 4 blue; 0 none) and the simulated time t (s). Levels are evaluated at every gauge
 * sample and every output frame; the CAP alert of the change is already written and queued for
 * the spool. The strings are valid only during the call. Called on the thread that drives the
 * run, in time order (assets in their file's order within one time). */
typedef void (*floodsim_level_fn)(void *user, const char *asset_id, const char *asset_name, int level,
                                  int previous_level, double t);
/** Registers the level callback (NULL removes it). */
FLOODSIM_C_API int floodsim_on_level(floodsim_run *run, floodsim_level_fn fn, void *user);

/** Runs to simulated time until_s (s since the start; clipped to the scenario's duration) and
 * stops exactly there. 0 reached; 3 stopped by a frame callback or floodsim_cancel; 1/2 failure.
 * The result file is complete (under its final name) once the run reaches the duration. */
FLOODSIM_C_API int floodsim_advance(floodsim_run *run, double until_s);
/** Runs to the end of the scenario and completes the result file. Same codes as advance. */
FLOODSIM_C_API int floodsim_run_to_end(floodsim_run *run);

/** Asks a running floodsim_advance / floodsim_run_to_end to stop after its current time step
 * (it returns 3). Safe from any thread and from a signal handler. */
FLOODSIM_C_API int floodsim_cancel(floodsim_run *run);

/** Simulated time of the run's state, s. */
FLOODSIM_C_API double floodsim_time(const floodsim_run *run);
/** Scenario duration, s. */
FLOODSIM_C_API double floodsim_duration(const floodsim_run *run);

/** Grid size and GDAL geotransform (x_west, dx, 0, y_north, 0, -dy); any pointer may be NULL. */
FLOODSIM_C_API int floodsim_grid(const floodsim_run *run, int *nx, int *ny, double geotransform[6]);

/** Current depth, m: count must be at least nx * ny; row-major, row 0 = north, NaN outside. */
FLOODSIM_C_API int floodsim_depth(const floodsim_run *run, float *out, size_t count);

/** Writes the run's state (everything a bitwise restart needs) to a state file at path,
 * atomically (a temporary name, then renamed). */
FLOODSIM_C_API int floodsim_save_state(floodsim_run *run, const char *path);

/** Before the run starts: continue from a checkpoint of this scenario ([checkpoint];
 * docs/checkpoints.md); the result file (the checkpoint's, unless floodsim_set_output was called)
 * is rebuilt from its journal and ends bitwise as the uninterrupted run's. */
FLOODSIM_C_API int floodsim_resume(floodsim_run *run, const char *checkpoint_path);

/** Writes a checkpoint of where the run stands to the scenario's [checkpoint] file now. */
FLOODSIM_C_API int floodsim_checkpoint(floodsim_run *run);

/** The last error of the run as one line ("" if none). Valid until the next call on the run. */
FLOODSIM_C_API const char *floodsim_error(const floodsim_run *run);

/** Frees the run. A run closed before the end of its scenario leaves no result file behind. */
FLOODSIM_C_API void floodsim_close(floodsim_run *run);

#ifdef __cplusplus
}
#endif

#endif /* FLOODSIM_FLOODSIM_H */
