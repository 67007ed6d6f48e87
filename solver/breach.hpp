#pragma once
// The bed of a breach's cells as a function of time (ModelSetup::breaches; docs/terrain.md).
//
// At time t the opening has grown by the fraction f = (t - start) / duration (0 before the start,
// 1 after start + duration; a breach of duration 0 opens at once): it is f x width wide along the
// wall, centred on the breach point, and its bottom has dropped by f x (top - bottom) from the
// wall's crest. A cell holds one cell length of wall; the part of it inside the opening, c in
// [0, 1], lowers it by that share: bed = top - c f (top - bottom). The bed only drops as t grows,
// and it is a function of t alone (a restored state gets the bed of its time).
#include <algorithm>

#include "solver/model.hpp"

namespace floodsim {

/// The fraction (0..1) of its final size a breach has reached at time t.
inline double breach_fraction(const BreachSpec& b, double t) {
    if (t < b.start) return 0.0;
    if (!(b.duration > 0.0)) return 1.0;
    return std::min(1.0, (t - b.start) / b.duration);
}

/// Bed elevation (m) of one of the breach's cells at time t.
inline double breach_bed(const BreachSpec& b, const BreachCell& c, double t) {
    const double f = breach_fraction(b, t);
    if (f <= 0.0 || !(c.top > b.bottom)) return c.top;
    // The cell holds [offset - l/2, offset + l/2] of the wall; the opening [-a, a].
    const double a = 0.5 * f * b.width, l = b.cell_length;
    const double lo = std::max(-a, c.offset - 0.5 * l), hi = std::min(a, c.offset + 0.5 * l);
    const double share = std::clamp((hi - lo) / l, 0.0, 1.0);
    return c.top - share * f * (c.top - b.bottom);
}

}  // namespace floodsim
