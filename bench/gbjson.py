"""Reading Google Benchmark JSON (--benchmark_format=json / --benchmark_out) across repetitions.

medians(paths) -> {run_name: entry}: every "iteration" run of every file (repetitions within a
process and separate processes alike) grouped by run name; the entry is the median repetition's
record with items_per_second (and real_time, cpu_time) replaced by the medians and these added:
reps (how many runs), ips_min, ips_max. Aggregate records (_mean, _median, ...) are ignored when
the iterations are present, else the _median aggregate is used alone."""
import json
import statistics
import sys


def load(paths):
    """All benchmark records of the files, in file order. A file that is not complete JSON (a run
    that crashed or is still running) is skipped with a warning on stderr."""
    out = []
    for p in paths:
        try:
            with open(p) as f:
                out.extend(json.load(f).get("benchmarks", []))
        except (OSError, ValueError) as e:
            print(f"gbjson: skipping {p}: {e}", file=sys.stderr)
    return out


def medians(paths):
    runs, aggs, order = {}, {}, []
    for b in load(paths):
        name = b.get("run_name", b["name"])
        if name not in order:
            order.append(name)
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                aggs[name] = b
        else:
            runs.setdefault(name, []).append(b)
    result = {}
    for name in order:
        rs = runs.get(name)
        if not rs:
            if name in aggs:
                e = dict(aggs[name], name=name, reps=aggs[name].get("repetitions", 1))
                e["ips_min"] = e["ips_max"] = e.get("items_per_second", float("nan"))
                result[name] = e
            continue
        ips = [r.get("items_per_second", float("nan")) for r in rs]
        mid = sorted(rs, key=lambda r: r.get("items_per_second", 0.0))[(len(rs) - 1) // 2]
        e = dict(mid)
        e["name"] = name
        e["items_per_second"] = statistics.median(ips)
        for k in ("real_time", "cpu_time"):
            if k in mid:
                e[k] = statistics.median(r[k] for r in rs)
        e["reps"], e["ips_min"], e["ips_max"] = len(rs), min(ips), max(ips)
        result[name] = e
    return result
