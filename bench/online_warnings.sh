#!/usr/bin/env bash
# Issue 12's goal for online warnings: a run with [warning] (ASSETS assets: points and small
# polygons over the default example's streets and blocks; levels evaluated at every gauge sample
# and frame; CAP alerts into the spool, and with WEBHOOK=1 posted to a local sink) costs under 5 %
# more wall time than the same run without. Runs interleaved (plain, warned, plain, ...), REPS
# pairs; prints each pair's ratio and the median ratio.
#   bash bench/online_warnings.sh [DURATION [ASSETS]]    (default 30min 120)
#   env: LEVELS (default: depth bands 0.01/0.03/0.06/0.10 m), REPS (default 5), THREADS (default 2; OMP_WAIT_POLICY passive unless set), GAUGE (gauge_interval, default 10s), WEBHOOK (0|1),
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
# The assets: a lattice of points over the district (on the domain), every fifth a 10 m square.
/usr/bin/python3 - "$work/assets.geojson" "$n_assets" "$work/dem.asc" <<'PY'
import json, math, sys
path, n, dem = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(dem).read().split("\n")
head = {l.split()[0].lower(): float(l.split()[1]) for l in lines[:6]}
ncols, nrows, x0, y0, dx = int(head["ncols"]), int(head["nrows"]), head["xllcorner"], head["yllcorner"], head["cellsize"]
z = [l.split() for l in lines[6:6 + nrows]]
def inside(x, y):  # the cell of (x, y) and its neighbours hold data
    i, j = int((x - x0) / dx), int((y0 + nrows * dx - y) / dx)
    return all(0 <= j + b < nrows and 0 <= i + a < ncols and float(z[j + b][i + a]) != head["nodata_value"]
               for a in (-3, 0, 3) for b in (-3, 0, 3))
w, h = ncols * dx, nrows * dx
cols = math.ceil(math.sqrt(n * 4 / 3 * 1.3))
rows = math.ceil(n * 1.3 / cols)
feats = []
for k in range(cols * rows):
    i, j = k % cols, k // cols
    x, y = x0 + (i + 0.5) * w / cols + 1.0, y0 + (j + 0.5) * h / rows + 1.0
    if len(feats) == n or not inside(x, y):
        continue
    if len(feats) % 5 == 4:
        g = {"type": "Polygon", "coordinates": [[[x - 5, y - 5], [x + 5, y - 5], [x + 5, y + 5], [x - 5, y + 5], [x - 5, y - 5]]]}
    else:
        g = {"type": "Point", "coordinates": [x, y]}
    feats.append({"type": "Feature", "properties": {"id": "a%03d" % len(feats), "name": "Asset %d" % len(feats)}, "geometry": g})
if len(feats) < n:
    sys.exit("only %d assets fit on the domain" % len(feats))
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
# Low bands (LEVELS env: a LEVELS.toml to use instead), so that many assets change level many
# times during the storm: the cost of the events (CAP XML, spool) is in the figure, not only that
# of watching the cells.
if [ -n "${LEVELS:-}" ]; then cp "$LEVELS" "$work/levels.toml"; else
  printf '[depth]\nbands = [0.01, 0.03, 0.06, 0.10]\n' >"$work/levels.toml"; fi
{ cat "$work/plain.toml"; printf '\n[warning]\nassets = "assets.geojson"\nlevels = "levels.toml"\nspool = "alerts"\n%s\n' "$webhook_line"; } >"$work/warned.toml"

run() {  # run NAME: prints the wall time of one run, s (its CPU time, user + system, in NAME.cpu)
  rm -rf "$work/out" "$work/alerts"
  local start end
  start=$(date +%s.%N)
  OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" /usr/bin/time -f "%U %S" -o "$work/$1.time" \
    "$build/cli/floodsim" run "$work/$1.toml" --quiet >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; return 1; }
  end=$(date +%s.%N)
  awk '{print $1 + $2}' "$work/$1.time" >"$work/$1.cpu"
  echo "$end - $start" | bc
}
solver_wall() { grep "wall time" "$work/$1.log" | awk '{print $3}'; }  # the summary's solver time
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
ratios=()
solver_ratios=()
cpu_ratios=()
for ((r = 0; r < reps; ++r)); do
  a=$(run plain) || exit 1
  sa=$(solver_wall plain)
  b=$(run warned) || exit 1
  sb=$(solver_wall warned)
  ratio=$(echo "scale=4; $b / $a" | bc)
  solver_ratio=$(echo "scale=4; $sb / $sa" | bc)
  cpu_ratio=$(echo "scale=4; $(cat "$work/warned.cpu") / $(cat "$work/plain.cpu")" | bc)
  ratios+=("$ratio")
  solver_ratios+=("$solver_ratio")
  cpu_ratios+=("$cpu_ratio")
  echo "pair $((r + 1)): process wall plain $a s, warned $b s, ratio $ratio; solver wall $sa s, $sb s, ratio $solver_ratio; CPU ratio $cpu_ratio"
done
echo "median ratio warned/plain: process wall $(median "${ratios[@]}"), solver wall $(median "${solver_ratios[@]}")," \
  "CPU time $(median "${cpu_ratios[@]}") over $reps pairs (goal < 1.05); the last warned run:"
grep -E "wall time|warnings|alerts" "$work/warned.log" | sed 's/^/  /'
