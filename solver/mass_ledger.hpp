#pragma once
// MassLedger: every volume that enters or leaves the domain, booked where it happens (m3,
// cumulative since the start of the run).
namespace floodsim {

struct MassLedger {
    double volume0 = 0.0;       ///< water in the domain at t = 0
    double rain = 0.0;          ///< rain that fell on domain cells
    double inflow = 0.0;        ///< through boundary faces into the domain
    double outflow = 0.0;       ///< through boundary faces out of the domain
    /// Water added where round-off left a slightly negative depth (set to zero). Not a source of
    /// the model: it is not booked as inflow and so shows up in the balance error, as it should.
    double positivity_fix = 0.0;

    /// volume0 + rain + inflow - outflow - volume (m3)
    double error(double volume) const { return volume0 + rain + inflow - outflow - volume; }
};

}  // namespace floodsim
