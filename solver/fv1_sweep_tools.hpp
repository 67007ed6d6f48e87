#pragma once
// Helpers of the fv1 sweeps (sweep_fv1.cpp: the global step; sweep_fv1_lts.cpp: local time
// stepping): the subnormal flush of the sweep's threads and the runs of consecutive swept chunks.
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace floodsim {
namespace fv1_detail {

/// Flush-to-zero and denormals-are-zero for the calling thread while alive (x86 MXCSR), then the
/// caller's rounding and flush modes back (the status flags raised meanwhile are kept). Used inside
/// the sweep's parallel region only, so a host program calling the library is not affected.
/// Why: the wetting front of fv1 runs ahead as a film whose depth falls like h^1.5 per cell
/// (1e-6, 1e-9, 1e-14, ... 1e-300); powers of those depths (h^4 in the velocities, c h in the
/// fluxes) are subnormal, and each subnormal costs ~100 cycles on x86: 15-30 % of a mostly dry
/// step at 1024^2. Flushed, such films end a few cells earlier, at depths below 1e-300 m; the
/// mode is the same for every thread and every thread count, so results stay deterministic.
class FlushSubnormals {
public:
    FlushSubnormals() {
#if defined(__SSE2__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ | kFtzDaz);
#endif
    }
    ~FlushSubnormals() {
#if defined(__SSE2__)
        _mm_setcsr((saved_ & ~kFlags) | (_mm_getcsr() & kFlags));
#endif
    }
    FlushSubnormals(const FlushSubnormals&) = delete;
    FlushSubnormals& operator=(const FlushSubnormals&) = delete;

private:
    static constexpr unsigned kFtzDaz = 0x8040u;  // FTZ (bit 15) | DAZ (bit 6)
    static constexpr unsigned kFlags = 0x3Fu;     // sticky exception flags (bits 0-5)
    unsigned saved_ = 0;
};

/// Calls run(c0, c1) for each maximal run [c0, c1) of consecutive chunks c < nch with swept(c):
/// the face and velocity kernels then work on whole runs, one call per run instead of one per
/// chunk (a 64-cell chunk is only four 16-float vectors: each call's remainder iteration and set-up
/// cost as much as a quarter of its work, and a chunk's x faces repeated the neighbour's end face).
template <class Swept, class Run>
void for_each_run(int nch, Swept&& swept, Run&& run) {
    for (int c = 0; c < nch;) {
        if (!swept(c)) {
            ++c;
            continue;
        }
        const int c0 = c;
        while (c < nch && swept(c)) ++c;
        run(c0, c);
    }
}

}  // namespace fv1_detail
}  // namespace floodsim
