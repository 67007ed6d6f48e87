#pragma once
// The float monitors of a run of cells, shared by the sweeps of fv1 and inertial.
#include <algorithm>
#include <cmath>

namespace floodsim {

/// The float monitors of cells [i0, i1): max depth, max speed, arrival time (the first time the
/// depth exceeds arrival_depth). A loop of its own: mixed with the Real state in one loop, or
/// under omp simd, gcc 12 does not vectorise it (scalar, with a branch per cell); as a function of
/// its own with ivdep it does.
template <class T>
inline void float_monitors(int i0, int i1, const T* __restrict h, const T* __restrict speed,
                           float* __restrict maxh, float* __restrict maxs, float* __restrict arr,
                           float arrival_depth, float t_arrival) {
#pragma GCC ivdep
    for (int i = i0; i < i1; ++i) {
        const float hf = static_cast<float>(h[i]);
        maxh[i] = std::max(maxh[i], hf);
        maxs[i] = std::max(maxs[i], static_cast<float>(speed[i]));
        const float a = arr[i];
        arr[i] = (hf > arrival_depth && std::isnan(a)) ? t_arrival : a;
    }
}

}  // namespace floodsim
