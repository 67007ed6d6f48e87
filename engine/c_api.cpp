// The C API (include/floodsim/floodsim.h) over the C++ facade: every exception stops here and
// becomes a return code and one line of error text.
#include "floodsim/floodsim.h"

#include <cstring>
#include <exception>
#include <string>

#include "floodsim/run.hpp"

struct floodsim_run {
    floodsim::Run run;
    floodsim_frame_fn frame_fn = nullptr;
    void* frame_user = nullptr;
    std::string error;
    floodsim_level_fn level_fn = nullptr;
    void* level_user = nullptr;
};

namespace {

void copy_message(const char* msg, char* err, size_t err_len) {
    if (!err || err_len == 0) return;
    std::strncpy(err, msg, err_len - 1);
    err[err_len - 1] = '\0';
}

/// Runs f() and turns what it throws into a code and the run's error text.
template <class F>
int guarded(floodsim_run* r, F&& f) {
    if (!r) return FLOODSIM_BAD_INPUT;
    try {
        r->error.clear();
        return f();
    } catch (const floodsim::Error& e) {
        r->error = e.what();
        return e.status();
    } catch (const std::exception& e) {
        r->error = e.what();
        return FLOODSIM_FAILURE;
    } catch (...) {
        r->error = "unknown failure";
        return FLOODSIM_FAILURE;
    }
}

int status_code(floodsim::RunStatus s) { return s == floodsim::RunStatus::Stopped ? FLOODSIM_STOPPED : FLOODSIM_OK; }

/** floodsim_open and floodsim_open_mpi: `name` in the message about NULL arguments. */
int open_run(const char* name, const char* scenario_path, floodsim::Distribution distribution, floodsim_run** out,
             char* err, size_t err_len) {
    if (out) *out = nullptr;
    copy_message("", err, err_len);
    if (!out || !scenario_path) {
        copy_message((std::string(name) + ": the scenario path and the output pointer must not be NULL").c_str(), err,
                     err_len);
        return FLOODSIM_BAD_INPUT;
    }
    try {
        *out = new floodsim_run{floodsim::Run(scenario_path, distribution), nullptr, nullptr, {}, nullptr, nullptr};
        return FLOODSIM_OK;
    } catch (const floodsim::Error& e) {
        copy_message(e.what(), err, err_len);
        return e.status();
    } catch (const std::exception& e) {
        copy_message(e.what(), err, err_len);
        return FLOODSIM_FAILURE;
    } catch (...) {
        copy_message("unknown failure", err, err_len);
        return FLOODSIM_FAILURE;
    }
}

}  // namespace

extern "C" {

const char* floodsim_version(void) { return floodsim::version(); }

int floodsim_open(const char* scenario_path, floodsim_run** out, char* err, size_t err_len) {
    return open_run("floodsim_open", scenario_path, floodsim::Distribution::Serial, out, err, err_len);
}

int floodsim_open_mpi(const char* scenario_path, floodsim_run** out, char* err, size_t err_len) {
    return open_run("floodsim_open_mpi", scenario_path, floodsim::Distribution::MpiWorld, out, err, err_len);
}

int floodsim_set_threads(floodsim_run* r, int threads) {
    return guarded(r, [&] {
        r->run.set_threads(threads);
        return FLOODSIM_OK;
    });
}

int floodsim_set_output(floodsim_run* r, const char* result_path) {
    return guarded(r, [&] {
        r->run.set_output(result_path ? result_path : "");
        return FLOODSIM_OK;
    });
}

int floodsim_on_frame(floodsim_run* r, floodsim_frame_fn fn, void* user) {
    return guarded(r, [&] {
        r->frame_fn = fn;
        r->frame_user = user;
        if (!fn) {
            r->run.on_frame({});
        } else {
            r->run.on_frame([r](const floodsim::FrameView& f) {
                return r->frame_fn(r->frame_user, f.time, f.nx, f.ny, f.depth) == 0;
            });
        }
        return FLOODSIM_OK;
    });
}

int floodsim_on_level(floodsim_run* r, floodsim_level_fn fn, void* user) {
    return guarded(r, [&] {
        r->level_fn = fn;
        r->level_user = user;
        if (!fn) {
            r->run.on_level({});
        } else {
            r->run.on_level([r](const floodsim::LevelView& v) {
                r->level_fn(r->level_user, v.asset_id.c_str(), v.asset_name.c_str(), v.level, v.previous_level, v.time);
            });
        }
        return FLOODSIM_OK;
    });
}

int floodsim_advance(floodsim_run* r, double until_s) {
    return guarded(r, [&] { return status_code(r->run.advance(until_s)); });
}

int floodsim_run_to_end(floodsim_run* r) {
    return guarded(r, [&] { return status_code(r->run.run_to_end()); });
}

int floodsim_cancel(floodsim_run* r) {
    if (!r) return FLOODSIM_BAD_INPUT;
    r->run.cancel();  // no allocation, no lock: callable from a signal handler
    return FLOODSIM_OK;
}

double floodsim_time(const floodsim_run* r) { return r ? r->run.time() : 0.0; }
double floodsim_duration(const floodsim_run* r) { return r ? r->run.duration() : 0.0; }

int floodsim_grid(const floodsim_run* r, int* nx, int* ny, double geotransform[6]) {
    if (!r) return FLOODSIM_BAD_INPUT;
    const floodsim::GridInfo& g = r->run.grid();
    if (nx) *nx = g.nx;
    if (ny) *ny = g.ny;
    if (geotransform)
        for (int k = 0; k < 6; ++k) geotransform[k] = g.geotransform[k];
    return FLOODSIM_OK;
}

int floodsim_depth(const floodsim_run* r, float* out, size_t count) {
    auto* m = const_cast<floodsim_run*>(r);  // only the error text changes
    return guarded(m, [&] {
        m->run.copy_depth(out, count);
        return FLOODSIM_OK;
    });
}

int floodsim_save_state(floodsim_run* r, const char* path) {
    return guarded(r, [&] {
        if (!path) throw floodsim::Error(FLOODSIM_BAD_INPUT, "floodsim_save_state: the path must not be NULL");
        r->run.save_state(path);
        return FLOODSIM_OK;
    });
}

int floodsim_resume(floodsim_run* r, const char* path) {
    return guarded(r, [&] {
        if (!path) throw floodsim::Error(FLOODSIM_BAD_INPUT, "floodsim_resume: the path must not be NULL");
        r->run.resume(path);
        return FLOODSIM_OK;
    });
}

int floodsim_checkpoint(floodsim_run* r) {
    return guarded(r, [&] {
        r->run.checkpoint();
        return FLOODSIM_OK;
    });
}

const char* floodsim_error(const floodsim_run* r) { return r ? r->error.c_str() : "no run (NULL)"; }

void floodsim_close(floodsim_run* r) { delete r; }

}  // extern "C"
