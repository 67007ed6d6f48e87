#pragma once
// floodsim risk (INTERFACE section 6, docs/warnings.md): warning levels of assets from a result.
#include <string>

namespace floodsim {

struct RiskCli {
    std::string result;      ///< RESULT.h5
    std::string assets;      ///< --assets: any OGR vector with `id` and `name`
    std::string levels;      ///< --levels: LEVELS.toml; empty: the default depth bands
    std::string issue_time;  ///< --issue-time: ISO 8601 with offset; empty: t = 0
    std::string out;         ///< --out: the folder for the products
    // CAP alerts (docs/warnings.md "CAP alerts")
    std::string region_code = "410106";  ///< --region-code: GB/T 2260 code (Shangjie)
    std::string department_code = "000"; ///< --department-code: GB/T 4657 code of the issuer
    std::string status = "Exercise";     ///< --status: CAP status
    bool flash_flood = false;            ///< --flash-flood: the alerts are of flash floods (CAP category Geo)
};

/// Writes the products of docs/warnings.md into `out`: assets.csv, warnings.geojson, the hazard
/// GeoTIFFs, map.png and cap/ (one CAP 1.2 alert per level change). Exit status: 0 done, 2 bad
/// input (nothing written), 1 a failure writing.
int risk_command(const RiskCli& cli);

}  // namespace floodsim
