#pragma once
// floodsim export: a result's raster as GeoTIFF, its XDMF sidecar, or a quick map
// (docs/export-and-maps.md). Returns the process exit status (0 ok, 2 bad input, 1 failure).
#include <optional>
#include <string>

namespace floodsim {

struct ExportCli {
    std::string result;
    std::string var;   ///< a raster or series name, or "map"; empty with --xdmf
    std::string out;   ///< the GeoTIFF or PNG
    std::optional<long long> frame;
    std::string time;  ///< --time: seconds, or a duration with a unit ("2h")
    bool xdmf = false;
    std::string xdmf_out;  ///< empty: next to the result
};

int export_command(const ExportCli& c);

}  // namespace floodsim
