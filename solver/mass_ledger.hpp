#pragma once
// MassLedger: every volume that enters or leaves the domain, booked where it happens (m3,
// cumulative since the start of the run).
#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace floodsim {

/// One named source or sink of the ledger (a SourceTerm's, solver/source_term.hpp): the volume it
/// moved, m3, cumulative and >= 0; `adds` says whether it entered (true) or left the domain.
struct LedgerTerm {
    std::string name;
    bool adds = true;
    double volume = 0.0;
};

struct MassLedger {
    double volume0 = 0.0;       ///< water in the domain at t = 0
    double rain = 0.0;          ///< rain that fell on domain cells
    double inflow = 0.0;        ///< through boundary faces into the domain
    double outflow = 0.0;       ///< through boundary faces out of the domain
    /// Water added where round-off left a slightly negative depth (set to zero). Not a source of
    /// the model: it is not booked as inflow and so shows up in the balance error, as it should.
    double positivity_fix = 0.0;
    /// The named source terms, in the order they were registered (stable: a result writer makes one
    /// /mass_balance column per term in this order).
    std::vector<LedgerTerm> terms;

    /// volume0 + rain + inflow - outflow + sum(sources) - sum(sinks) - volume (m3)
    double error(double volume) const {
        double booked = volume0 + rain + inflow - outflow;
        for (const LedgerTerm& t : terms) booked += t.adds ? t.volume : -t.volume;
        return booked - volume;
    }
    /// error(volume) relative to the largest of what went in (volume0 included), what went out
    /// and what stayed.
    double relative_error(double volume) const {
        double in = volume0 + rain + inflow, out = outflow;
        for (const LedgerTerm& t : terms) (t.adds ? in : out) += t.volume;
        const double scale = std::max({in, out, volume, 1e-300});
        return error(volume) / scale;
    }
    /// The term of that name, or nullptr.
    const LedgerTerm* term(const std::string& name) const {
        for (const LedgerTerm& t : terms)
            if (t.name == name) return &t;
        return nullptr;
    }
};

/// The inflow and outflow (m3/s) through a grid's boundary faces, from their fluxes (m2/s, positive
/// towards the east and the south; west and east per row, north and south per column), summed
/// row by row (the west, then the east face) from the north, then column by column (the north,
/// then the south face) from the west. The order is part of the result: a distributed run
/// gathers the faces of all blocks and sums them here, for the serial run's bits.
inline std::pair<double, double> boundary_flow(std::span<const double> west, std::span<const double> east,
                                               std::span<const double> north, std::span<const double> south,
                                               double dx, double dy) {
    double in = 0.0, out = 0.0;
    for (std::size_t j = 0; j < west.size(); ++j) {
        const double w = west[j], e = east[j];
        (w > 0 ? in : out) += std::abs(w) * dy;
        (e < 0 ? in : out) += std::abs(e) * dy;
    }
    for (std::size_t i = 0; i < north.size(); ++i) {
        const double n = north[i], s = south[i];
        (n < 0 ? in : out) += std::abs(n) * dx;
        (s > 0 ? in : out) += std::abs(s) * dx;
    }
    return {in, out};
}

}  // namespace floodsim
