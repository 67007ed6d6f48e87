#!/usr/bin/env bash
# The main job: set up, build, run the default example scenario end to end (an HDF5 result in
# examples/urban/out/urban.h5) and print its summary; then the district scenario: the 7·20
# template on the synthetic Shangjie district at 100 m cells (docs/scenarios.md), from the storm to
# depths, warning levels of the district's 143 assets, CAP alerts and a map (docs/warnings.md), and
# where each product went.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" "$root/build" -DFLOODSIM_BUILD_TESTS=OFF
floodsim="$root/build/cli/floodsim"
"$floodsim" run "$root/examples/urban/urban.toml" "$@"
"$floodsim" info "$root/examples/urban/out/urban.h5"

# The district: generated from its seed (the same files every time), so made afresh.
district="$root/examples/shangjie/out/720"
rm -rf "$district"
"$floodsim" scenario new --template 720 "$district" --resolution 100
"$floodsim" run "$district/scenario.toml" "$@"
# Warnings as a forecast issued at 14:00 on 20 July 2021 (Beijing time) would have given them.
risk="$district/out/warnings"
"$floodsim" risk "$district/out/result.h5" --assets "$district/assets.gpkg" \
  --issue-time 2021-07-20T14:00:00+08:00 --out "$risk"
echo
echo "products of the district run (synthetic district, 7·20-style storm):"
echo "  scenario and inputs   $district/ (scenario.toml, dem.tif, district.gpkg, assets.gpkg, rain.csv)"
echo "  depths, maxima, gauges, mass balance   $district/out/result.h5 (floodsim info prints it)"
echo "  warning level, depth and lead time per asset   $risk/assets.csv, $risk/warnings.geojson (WGS84)"
echo "  map of maximum depths and asset levels   $risk/map.png"
echo "  hazard, maximum depth, time above each level   $risk/*.tif (GeoTIFF, EPSG:32649)"
echo "  CAP 1.2 alerts, one per level change   $risk/cap/"
