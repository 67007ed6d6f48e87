#!/usr/bin/python3
"""A small Python client of floodsim's C API (ctypes; frames as numpy arrays).

    /usr/bin/python3 floodsim_client.py SCENARIO.toml [--lib PATH] [--stop-at S] [--output R.h5]

Runs the scenario, prints a line per output frame (time, wet cells, deepest water) and stops the
run early at the first frame at or after --stop-at seconds. The library is found through --lib,
the FLOODSIM_LIB environment variable, or the system's library path (libfloodsim_c.so).
Exit status: floodsim's code (0 finished, 2 bad input, 1 failure, 3 stopped early).
"""
import argparse
import ctypes
import ctypes.util
import os
import sys

import numpy as np

FRAME_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_double, ctypes.c_int, ctypes.c_int,
                            ctypes.POINTER(ctypes.c_float))


def load_library(path=None):
    path = path or os.environ.get("FLOODSIM_LIB") or ctypes.util.find_library("floodsim_c")
    if not path:
        raise OSError("libfloodsim_c.so not found: give --lib or set FLOODSIM_LIB")
    lib = ctypes.CDLL(path)
    lib.floodsim_version.restype = ctypes.c_char_p
    lib.floodsim_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t]
    lib.floodsim_set_threads.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.floodsim_set_output.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.floodsim_on_frame.argtypes = [ctypes.c_void_p, FRAME_FN, ctypes.c_void_p]
    lib.floodsim_advance.argtypes = [ctypes.c_void_p, ctypes.c_double]
    lib.floodsim_run_to_end.argtypes = [ctypes.c_void_p]
    lib.floodsim_time.argtypes = [ctypes.c_void_p]
    lib.floodsim_time.restype = ctypes.c_double
    lib.floodsim_grid.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
                                  ctypes.POINTER(ctypes.c_double * 6)]
    lib.floodsim_depth.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t]
    lib.floodsim_error.argtypes = [ctypes.c_void_p]
    lib.floodsim_error.restype = ctypes.c_char_p
    lib.floodsim_close.argtypes = [ctypes.c_void_p]
    return lib


class FloodsimError(RuntimeError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Run:
    """One run of a scenario; use as a context manager so that it is always closed."""

    def __init__(self, lib, scenario):
        self._lib = lib
        self._run = ctypes.c_void_p()
        err = ctypes.create_string_buffer(1024)
        code = lib.floodsim_open(os.fsencode(scenario), ctypes.byref(self._run), err, len(err))
        if code != 0:
            raise FloodsimError(code, err.value.decode())
        self._callback = None  # keeps the ctypes callback alive while the run may call it

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._run:
            self._lib.floodsim_close(self._run)
            self._run = ctypes.c_void_p()

    def _check(self, code):
        if code not in (0, 3):
            raise FloodsimError(code, self._lib.floodsim_error(self._run).decode())
        return code

    def set_threads(self, n):
        self._check(self._lib.floodsim_set_threads(self._run, n))

    def set_output(self, path):
        self._check(self._lib.floodsim_set_output(self._run, os.fsencode(path) if path else None))

    def on_frame(self, fn):
        """fn(t, depth) with depth a (ny, nx) float32 numpy view valid during the call (copy it to
        keep it); return True to stop the run."""
        def trampoline(_user, t, nx, ny, depth):
            try:
                view = np.ctypeslib.as_array(depth, shape=(ny, nx))
                return 1 if fn(t, view) else 0
            except Exception as e:  # never let an exception unwind through C
                print(f"floodsim_client: frame callback failed: {e}", file=sys.stderr)
                return 1
        self._callback = FRAME_FN(trampoline)
        self._check(self._lib.floodsim_on_frame(self._run, self._callback, None))

    def grid(self):
        nx, ny, gt = ctypes.c_int(), ctypes.c_int(), (ctypes.c_double * 6)()
        self._check(self._lib.floodsim_grid(self._run, ctypes.byref(nx), ctypes.byref(ny), ctypes.byref(gt)))
        return nx.value, ny.value, tuple(gt)

    def depth(self):
        nx, ny, _ = self.grid()
        out = np.empty((ny, nx), dtype=np.float32)
        self._check(self._lib.floodsim_depth(self._run, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), out.size))
        return out

    def advance(self, until_s):
        return self._check(self._lib.floodsim_advance(self._run, until_s))

    def run_to_end(self):
        return self._check(self._lib.floodsim_run_to_end(self._run))

    @property
    def time(self):
        return self._lib.floodsim_time(self._run)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--lib")
    ap.add_argument("--stop-at", type=float, default=None)
    ap.add_argument("--output")
    args = ap.parse_args()
    lib = load_library(args.lib)
    print("floodsim", lib.floodsim_version().decode())
    try:
        with Run(lib, args.scenario) as run:
            run.set_threads(2)
            if args.output:
                run.set_output(args.output)
            frames = []

            def watch(t, depth):
                inside = depth[~np.isnan(depth)]
                frames.append(t)
                print(f"frame {len(frames) - 1} t={t:.0f} s wet_cells={int((inside > 0.01).sum())} "
                      f"max_depth={float(inside.max()):.3f} m")
                return args.stop_at is not None and t >= args.stop_at

            run.on_frame(watch)
            code = run.run_to_end()
            final = run.depth()
            print(f"{'stopped' if code == 3 else 'finished'} at t={run.time:.0f} s; "
                  f"volume {float(np.nansum(final)) * abs(run.grid()[2][1] * run.grid()[2][5]):.1f} m3")
            return code
    except FloodsimError as e:
        print(f"floodsim_client: {e}", file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(main())
