#!/usr/bin/env bash
# Issue 12's goal for online warnings: a run with [warning] (ASSETS assets: points and small
# polygons over the default example's streets and blocks; levels evaluated at every gauge sample
# and frame; CAP alerts into the spool, and with WEBHOOK=1 posted to a local sink) costs under 5 %
# more wall time than the same run without. Runs interleaved (plain, warned, plain, ...), REPS
# pairs; prints each pair's ratio and the median ratio.
#   bash bench/online_warnings.sh [DURATION [ASSETS]]    (default 30min 120)
#   env: REPS (default 5), THREADS (default 2), GAUGE (gauge_interval, default 10s), WEBHOOK (0|1),
#        BUILD (default build-bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD:-$root/build-bench}"
if [ ! -x "$build/cli/floodsim" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)" --target floodsim >/dev/null
fi
duration="${1:-30min}"
n_assets="${2:-120}"
reps="${REPS:-5}"
threads="${THREADS:-2}"
gauge="${GAUGE:-10s}"
work="$(mktemp -d)"
sink_pid=""
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"' EXIT
cp "$root/examples/urban/"{dem.asc,dem.prj,rain.csv} "$work/"
# The assets: a lattice of points over the 400 x 300 m district, every fifth a 10 m square.
/usr/bin/python3 - "$work/assets.geojson" "$n_assets" <<'PY'
import json, math, sys
path, n = sys.argv[1], int(sys.argv[2])
cols = math.ceil(math.sqrt(n * 4 / 3))
feats = []
for k in range(n):
    i, j = k % cols, k // cols
    x = 708000 + (i + 0.5) * 400 / cols + 1.0
    y = 3854000 + (j + 0.5) * 300 / math.ceil(n / cols) + 1.0
    if k % 5 == 4:
        g = {"type": "Polygon", "coordinates": [[[x - 5, y - 5], [x + 5, y - 5], [x + 5, y + 5], [x - 5, y + 5], [x - 5, y - 5]]]}
    else:
        g = {"type": "Point", "coordinates": [x, y]}
    feats.append({"type": "Feature", "properties": {"id": "a%03d" % k, "name": "Asset %d" % k}, "geometry": g})
json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32649"}},
           "features": feats}, open(path, "w"))
PY
webhook_line=""
if [ "${WEBHOOK:-0}" = 1 ]; then
  port=$((20000 + RANDOM % 20000))
  /usr/bin/python3 - "$port" >/dev/null 2>&1 <<'PY' &
import sys, http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
  sink_pid=$!
  sleep 0.5
  webhook_line="webhook = \"http://127.0.0.1:$port/cap\""
fi
sed -e "s/duration = \"1.5h\"/duration = \"$duration\"/" -e "s/threads = 0/threads = $threads/" \
  -e "s/gauge_interval = \"30s\"/gauge_interval = \"$gauge\"/" "$root/examples/urban/urban.toml" >"$work/plain.toml"
{ cat "$work/plain.toml"; printf '\n[warning]\nassets = "assets.geojson"\nspool = "alerts"\n%s\n' "$webhook_line"; } >"$work/warned.toml"

run() {  # run NAME: prints the wall time of one run, s
  rm -rf "$work/out" "$work/alerts"
  local start end
  start=$(date +%s.%N)
  "$build/cli/floodsim" run "$work/$1.toml" --quiet >"$work/$1.log"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
ratios=()
for ((r = 0; r < reps; ++r)); do
  a=$(run plain)
  b=$(run warned)
  ratio=$(echo "scale=4; $b / $a" | bc)
  ratios+=("$ratio")
  echo "pair $((r + 1)): plain $a s, warned $b s, ratio $ratio"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')"
echo "median ratio warned/plain: $median over $reps pairs (goal < 1.05); the last warned run:"
grep -E "wall time|warnings|alerts" "$work/warned.log" | sed 's/^/  /'
