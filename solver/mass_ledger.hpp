#pragma once
// MassLedger: every volume that enters or leaves the domain, booked where it happens (m3,
// cumulative since the start of the run).
#include <algorithm>
#include <string>
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

}  // namespace floodsim
