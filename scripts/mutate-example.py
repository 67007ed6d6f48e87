#!/usr/bin/python3
"""Mutation campaign through the CLI (docs/robustness.md): the example scenario with one value
mutated (a scenario key, a rain-series row or a DEM cell) is checked and run (10 simulated
minutes); every case must end with exit 0, or 2 with one line on stderr: no crash, no hang.
Usage: scripts/mutate-example.py FLOODSIM_EXE [SEED] [CASES] [WORK_DIR]"""
import os, random, shutil, subprocess, sys
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
exe = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
src = os.path.join(root, "examples", "urban")
work = sys.argv[4] if len(sys.argv) > 4 else "/tmp/floodsim-mutate"
base_toml = open(f"{src}/urban.toml").read()
rain = open(f"{src}/rain.csv").read().splitlines()
dem = open(f"{src}/dem.asc").read().splitlines()
weird = ["0", "-1", "1e308", "-1e308", "nan", "inf", "1e-300", "\"\"", "\"x\"", "[1,2]", "true", "99999999999", "0.0001", "3.4e38", "-2e5", "1e30"]
results = {}
n = int(sys.argv[3]) if len(sys.argv) > 3 else 30
bad = 0
for k in range(n):
    d = os.path.join(work, f"case{k}")
    shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
    shutil.copy(f"{src}/dem.prj", d)
    toml, r, z = base_toml, list(rain), list(dem)
    kind = random.choice(["toml", "rain", "dem"])
    if kind == "toml":
        lines = toml.splitlines()
        idx = [i for i, l in enumerate(lines) if "=" in l and not l.startswith("#")]
        i = random.choice(idx)
        key = lines[i].split("=")[0]
        lines[i] = key + "= " + random.choice(weird)
        toml = "\n".join(lines)
    elif kind == "rain":
        i = random.randrange(1, len(r))
        r[i] = random.choice(["0," + random.choice(weird), r[i].split(",")[0] + "," + random.choice(weird), "x,y", "", "1e308,1"])
    else:
        i = random.randrange(6, len(z))
        cells = z[i].split()
        j = random.randrange(len(cells))
        cells[j] = random.choice(["1e308", "-1e308", "3.4e38", "1e30", "-2e5", "nan", "inf", "abc", "1e-300"])
        z[i] = " ".join(cells)
    toml = toml.replace("duration = \"1.5h\"", "duration = \"10min\"")
    open(f"{d}/urban.toml", "w").write(toml); open(f"{d}/rain.csv", "w").write("\n".join(r) + "\n"); open(f"{d}/dem.asc", "w").write("\n".join(z) + "\n")
    for cmd in ["check", "run"]:
        args = [exe, cmd, f"{d}/urban.toml"] + (["--quiet", "--threads", "1"] if cmd == "run" else [])
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=120)
            rc = p.returncode
            lines = p.stderr.strip().splitlines()
            ok = rc == 0 or (rc in (1, 2) and len(lines) == 1)
        except subprocess.TimeoutExpired:
            rc, ok, lines = "HANG", False, []
        results.setdefault((cmd, rc), 0); results[(cmd, rc)] += 1
        if not ok or rc == 1:
            bad += 1
            print("FINDING", d, kind, cmd, rc, lines[:3])
print({f"{c} exit {r}": v for (c, r), v in sorted(results.items(), key=str)})
sys.exit(1 if bad else 0)
