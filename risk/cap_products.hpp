#pragma once
// The CAP alerts of `floodsim risk` (docs/warnings.md "CAP alerts"): one per level change of the
// report, written as cap/<identifier>.xml.
#include <string>
#include <vector>

#include "risk/asset_analysis.hpp"
#include "risk/cap_alert.hpp"

namespace floodsim::risk {

/// The alerts of every level change of `report`, in time order (Alert on an asset's first level,
/// Update on a change, Cancel on the fall to none). `options`' start_time and issue_time are
/// set from the report's clocks (t = 0 and the issue time); the report must have them
/// (std::invalid_argument otherwise). Everything is sent at the issue time.
std::vector<CapAlert> report_alerts(const RiskReport& report, CapOptions options);

/// Writes the alerts into `dir`/cap/ as <identifier>.xml. The folder is filled under a temporary
/// name and then replaces an earlier cap/ whole, so it never mixes two analyses; a failure
/// leaves the earlier one as it was (std::runtime_error naming the file). Returns the folder.
std::string write_cap_alerts(const std::vector<CapAlert>& alerts, const std::string& dir);

}  // namespace floodsim::risk
