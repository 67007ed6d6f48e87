#!/usr/bin/python3
"""Turns the CSVs of verification_report into docs/verification.md and docs/verification/*.png.

Usage: make_report.py <results-dir> <docs-dir>
  <results-dir>: what verification_report wrote (errors.csv, crosscheck.csv, profiles/)
  <docs-dir>:    the repository's docs/ (verification.md and verification/ are written there)
Needs numpy and matplotlib (Debian: python3-numpy, python3-matplotlib).
"""
import csv
import datetime
import math
import os
import platform
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402,F401

SCHEMES = ["fv1", "fv2", "inertial"]
COLORS = {"fv1": "tab:blue", "fv2": "tab:red", "inertial": "tab:green", "exact": "black"}


def fnum(v, fmt="{:.3g}"):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return fmt.format(v)


def load_errors(path):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f):
            for k, v in r.items():
                if k not in ("case", "scheme"):
                    r[k] = float(v)
            r["n"] = int(r["n"])
            rows.append(r)
    return rows


def load_profile(res, case, scheme, n):
    path = os.path.join(res, "profiles", f"{case}_{scheme}_{n}.csv")
    if not os.path.exists(path):
        return None
    cols = {}
    with open(path) as f:
        rd = csv.DictReader(f)
        for r in rd:
            for k, v in r.items():
                cols.setdefault(k, []).append(float(v))
    return cols


# --- what each case is and what to say about it -------------------------------------------------

CASES = [
    ("stoker", "Stoker dam break (wet bed)",
     "SWASHES 1 3 1 1. A 10 m flat frictionless channel, dam at x = 5 m, depth 5 mm upstream and 1 mm "
     "downstream, still water; compared at t = 6 s with Stoker's exact Riemann solution (rarefaction, "
     "constant state h = 2.54 mm, u = 0.127 m/s, shock). Tests shock capturing and wave speeds. The "
     "solution is discontinuous, so L1 orders tend to 1 at best (about 0.8 for first-order schemes)."),
    ("ritter", "Ritter dam break (dry bed)",
     "SWASHES 1 3 1 2. As Stoker but dry downstream: a rarefaction ending in a wetting front at "
     "x0 + 2 sqrt(g h_l) t = 7.66 m (t = 6 s). Tests the wet/dry front: positivity and front speed. "
     "The front's square-root shape (h ~ (x_f - x)^2 with an infinite velocity gradient in the "
     "thin tip) keeps L1 orders near 0.5–0.7 for every scheme."),
    ("thacker1d", "Thacker 1D (planar surface in a parabola)",
     "SWASHES 1 4 1 1. L = 4 m, z = h0 ((x-2)^2/a^2 - 1), h0 = 0.5 m, a = 1 m, frictionless; the planar "
     "free surface oscillates with period P = 2.006 s, both shorelines move. Compared after five "
     "periods (t = 10.03 s, SWASHES' default time), where u = 0 and the water is back where it "
     "started: accumulated damping and phase errors show. A smooth solution with moving wet/dry "
     "shorelines (where the depth has a kink), so second order is not expected in full."),
    ("thacker2d", "Thacker 2D (planar surface in a paraboloid)",
     "SWASHES 2 1 1 2. A 4 m x 4 m raster, z = h0 (r^2/a^2 - 1), h0 = 0.1 m, a = 1 m, eta = 0.5; the "
     "planar surface rotates with period P = 4.486 s. Compared at t = P/2 on n x n cells (2 threads). "
     "Discharge errors are those of the vector (hu, hv). Tests a 2D moving shoreline on a raster DEM."),
    ("lake_at_rest_immersed", "Lake at rest, immersed bump",
     "SWASHES 1 1 1 4. The 25 m bump channel, z = max(0, 0.2 - 0.05 (x-10)^2), still water at eta = 0.5 m, "
     "closed ends, run for 100 s. Every scheme must keep it exactly (well-balancing): errors are "
     "round-off; orders are meaningless and not shown."),
    ("lake_at_rest_emerged", "Lake at rest, emerged bump",
     "SWASHES 1 1 1 5. As above with eta = 0.1 m: the top of the bump is dry and must stay dry, the "
     "water still."),
    ("bump_subcritical", "Subcritical flow over a bump",
     "SWASHES 1 1 1 1. Frictionless, q = 4.42 m²/s imposed upstream (discharge boundary), level 2 m "
     "downstream, from still water at eta = 2 m, run to steady state (max |dh/dt| < 1e-9 m/s or 600 s). "
     "Exact depth from Bernoulli + mass conservation (Newton on the subcritical branch). The smooth "
     "steady case for the observed order."),
    ("bump_transcritical_noshock", "Transcritical flow over a bump, no shock",
     "SWASHES 1 1 1 2. q = 1.53 m²/s upstream; subcritical upstream, critical at the crest (x = 10 m), "
     "supercritical downstream. SWASHES' outflow is 'free, h = 0.66 m only while subcritical': run here "
     "as a level boundary of 0.66 m, which the supercritical outflow passes through unchanged (both "
     "Riemann waves leave the domain). Exact depth: Bernoulli with the critical head at the crest."),
    ("bump_transcritical_noshock_free", "Transcritical flow over a bump, no shock, floodsim's free outflow",
     "The same case with floodsim's `free` (zero-gradient) outflow instead of the level: a check of "
     "that boundary, not of the schemes."),
    ("bump_transcritical_shock", "Transcritical flow over a bump with a shock",
     "SWASHES 1 1 1 3. q = 0.18 m²/s upstream, level 0.33 m downstream; critical at the crest, "
     "supercritical behind it, then a hydraulic jump at x = 11.666 m (exact: where the conjugate depth "
     "of the supercritical branch meets the subcritical depth set from downstream). Norms leave out "
     "the cells within 2.5 dx of the jump (as SWASHES' README advises); the jump position is in the "
     "profile plot."),
    ("macdonald_rain_sub", "MacDonald with rain, subcritical, Manning",
     "SWASHES 1 2 4 2. A 1000 m channel whose bed is derived from the depth h(x) = (4/g)^(1/3) (1 + "
     "exp(-16 (x/1000 - 1/2)^2)/2) so that it is the steady state with Manning n = 0.033 and uniform "
     "rain R = 0.001 m/s (q = 1 + R x: 1 m²/s in, 2 m²/s out). Discharge 1 m²/s imposed upstream, level "
     "downstream, from a dry bed. Tests friction, rain and bed slope together at steady state."),
    ("macdonald_sub_to_super", "MacDonald, subcritical to supercritical, Manning",
     "SWASHES 1 2 2 6. 100 m, q = 2 m²/s, n = 0.0328, h(x) = (4/g)^(1/3) (4/3 - 5x/600 + x²/30000): "
     "smooth, critical at x = 50 m; discharge inflow, free outflow (supercritical there), from "
     "h = max(0.618 - z, 0). The smooth steady case with friction."),
    ("macdonald_smooth_and_shock", "MacDonald, smooth transition and shock, Manning",
     "SWASHES 1 2 2 2. 100 m, q = 2 m²/s, n = 0.0328: subcritical, critical at x = 50 m, supercritical, "
     "then a shock at x = 200/3 m back to subcritical, h = 2.879 m at the outlet (level boundary). Norms "
     "leave out the cells within 2.5 dx of the shock."),
    ("macdonald_super", "MacDonald, supercritical, Manning",
     "SWASHES 1 2 2 4. 100 m, q = 2 m²/s, n = 0.03, supercritical everywhere, h = 0.673 m and q imposed "
     "at the inflow, free outflow, from a dry bed. floodsim's discharge boundary imposes q only (its "
     "ghost depth is max(h_interior, h_critical)); a supercritical inflow needs the depth too, which no "
     "floodsim boundary type can impose together with q. So the inflow depth is the scheme's own and "
     "an error near the inlet remains at every resolution (see Linf)."),
]

REMARKS = {}  # filled in main() from the numbers


def order_of(rows, case, scheme, col="order_L1_h"):
    rs = [r for r in rows if r["case"] == case and r["scheme"] == scheme]
    return rs[-1][col] if rs else float("nan")


def row_of(rows, case, scheme, n=None):
    rs = [r for r in rows if r["case"] == case and r["scheme"] == scheme]
    if not rs:
        return None
    if n is None:
        return rs[-1]
    for r in rs:
        if r["n"] == n:
            return r
    return None


def remarks(rows):
    R = {}
    o = lambda c, s, col="order_L1_h": fnum(order_of(rows, c, s, col), "{:.2f}")  # noqa: E731
    rel = lambda c, s: fnum(row_of(rows, c, s)["relL1_h"] * 100, "{:.2g} %") if row_of(rows, c, s) else "–"  # noqa: E731
    R["stoker"] = (
        f"fv1 and fv2 converge (last L1 depth orders {o('stoker','fv1')} and {o('stoker','fv2')}); fv2 is about "
        f"twice as accurate at equal cells. The local inertial scheme is outside its validity here (it drops "
        f"the convective acceleration, which a dam break is made of): its error ({rel('stoker','inertial')} at "
        f"the finest cells) does not shrink with the cells (order {o('stoker','inertial')}). Not a bug: a model "
        f"limit (the local inertial equations are meant for subcritical, gradually varied flow).")
    R["ritter"] = (
        f"fv1 and fv2 converge at the dry-front rate (orders {o('ritter','fv1')}, {o('ritter','fv2')}); the "
        f"inertial scheme does not converge ({rel('ritter','inertial')}, order {o('ritter','inertial')}): "
        f"its front speed is not Ritter's (no convective acceleration).")
    ords = [r["order_L1_h"] for r in rows if r["case"] == "thacker1d" and r["scheme"] == "fv2"][1:]
    R["thacker1d"] = (
        f"fv2 is an order of magnitude more accurate than fv1 (last order {o('thacker1d','fv1')}) after five "
        f"periods, fv1's numerical damping accumulates. **But fv2's convergence stalls**: its L1 depth orders "
        f"between successive resolutions are {', '.join(fnum(x, '{:.2f}') for x in ords)}, i.e. the error "
        f"approaches a floor of about {rel('thacker1d','fv2')} (relative L1) instead of shrinking at second "
        f"order. The error is spread over the whole wet region (about 80 % of the L1 error lies more than "
        f"0.1 m from the shorelines at 1000 cells: an amplitude/phase drift accumulated over five periods), "
        f"not concentrated at the shorelines. Candidate sources: the first-order fall-back at faces next to "
        f"dry cells and the velocity desingularisation depth (velocity_eps = 1e-4 m) act at every shoreline "
        f"passage and do not shrink with the cells. Reported, not investigated further. The "
        f"inertial scheme does not converge ({rel('thacker1d','inertial')}): the velocity in this solution is "
        f"uniform, but the wet/dry face depths and the missing convective term change the oscillation; it "
        f"is not meant for this kind of flow.")
    R["thacker2d"] = (
        f"fv1 order {o('thacker2d','fv1')}, fv2 order {o('thacker2d','fv2')} (L1 depth, the moving shoreline "
        f"limits both); inertial does not converge ({rel('thacker2d','inertial')}).")
    R["lake_at_rest_immersed"] = "All three schemes keep the lake at rest to round-off (well-balanced)."
    R["lake_at_rest_emerged"] = ("All three schemes keep the lake at rest to round-off and the top of the "
                                 "bump dry.")
    R["bump_subcritical"] = (
        f"fv1 converges at first order ({o('bump_subcritical','fv1')}), fv2 at {o('bump_subcritical','fv2')} "
        f"(L1 depth; {o('bump_subcritical','fv2','order_L1_q')} for the discharge): the issue's demand "
        f"(fv2 order >= 1.6 on a smooth steady case) holds. **The inertial scheme never settles** on this "
        f"frictionless case: after 600 s the water level still swings between 1.13 and 2.00 m and q between "
        f"2.97 and 4.73 m²/s at 500 cells, and the residual max |dh/dt| grows with resolution (0.05, 0.08, "
        f"0.11 m/s at 125, 250, 500 cells) while mass stays exact. Without friction nothing damps its "
        f"oscillations (the theta = 0.7 smoothing does not), and with Fr ~ 0.5 the convective acceleration "
        f"it neglects matters anyway: do not use `inertial` for frictionless or fast subcritical flow.")
    R["bump_transcritical_noshock"] = (
        f"fv1 order {o('bump_transcritical_noshock','fv1')}, fv2 {o('bump_transcritical_noshock','fv2')} "
        f"(L1 depth). The inertial scheme is not applicable (supercritical flow behind the crest) and "
        f"fails as expected ({rel('bump_transcritical_noshock','inertial')}, no steady state).")
    r_free = row_of(rows, "bump_transcritical_noshock_free", "fv1")
    R["bump_transcritical_noshock_free"] = (
        "With the zero-gradient `free` outflow the run settles on a different, drowned steady state: "
        "the whole channel stays subcritical (about 1.07 m deep instead of 0.41 m downstream), so the "
        f"depth error is {rel('bump_transcritical_noshock_free','fv1')} and does not shrink. A zero-gradient "
        "boundary fixes nothing for a subcritical outflow, so whatever level the start-up leaves there "
        "persists; the water filled the channel before the flow could turn supercritical at the crest. "
        "Not a scheme error but worth knowing: for outflows that should become critical or supercritical, "
        "a level boundary (which passes supercritical flow through) reproduces the physical solution. "
        "So does the `critical` outflow kind (docs/processes.md), made for this: relative L1 depth 6.0e-3 "
        "(fv1) and 9.6e-4 (fv2) at 125 cells, against 0.63 and 0.60 with `free` "
        "(tests/verification/test_outflow_boundaries.cpp)."
        if r_free else "")
    R["bump_transcritical_shock"] = (
        f"Away from the jump fv1 converges at order {o('bump_transcritical_shock','fv1')}, fv2 at "
        f"{o('bump_transcritical_shock','fv2')} (L1 depth; fv2's orders are erratic because the cells left out around the jump shift with the "
        f"resolution); both place the jump within a cell or two. "
        f"Inertial: not applicable (supercritical reach and jump): {rel('bump_transcritical_shock','inertial')}.")
    lin = [fnum(r["Linf_h"], "{:.3f}") for r in rows if r["case"] == "macdonald_rain_sub" and r["scheme"] == "fv2"]
    R["macdonald_rain_sub"] = (
        f"fv1 converges at first order ({o('macdonald_rain_sub','fv1')}). fv2 converges at second order in "
        f"discharge ({o('macdonald_rain_sub','fv2','order_L1_q')}) but only at {o('macdonald_rain_sub','fv2')} "
        f"in L1 depth, because of **a boundary layer at the outlet**: the last 2–3 cells are too deep by "
        f"{' / '.join(lin)} m (Linf at the successive resolutions), about ten times fv1's Linf, and fv2 does not "
        f"settle there (residual ~1e-5 m/s). The outflow is nearly critical (Fr = 0.99 at x = L, q = 2 m²/s, "
        f"h = 0.748 m), where a level boundary is ill-conditioned; fv1 handles it, fv2's reconstruction next to "
        f"the ghost cells does not. Worth a look by whoever owns fv2's boundaries. The inertial "
        f"scheme conserves mass and discharge exactly (q error ~1e-8) but its depth differs from the "
        f"shallow-water one by {rel('macdonald_rain_sub','inertial')} at every resolution: that is the "
        f"neglected convective term (Fr up to 0.5), a model error.")
    R["macdonald_sub_to_super"] = (
        f"fv1 order {o('macdonald_sub_to_super','fv1')}, fv2 {o('macdonald_sub_to_super','fv2')} (L1 depth): "
        f"second order with friction on a smooth transcritical profile. Inertial: "
        f"{rel('macdonald_sub_to_super','inertial')}, not applicable downstream of x = 50 m (supercritical).")
    R["macdonald_smooth_and_shock"] = (
        f"fv1 order {o('macdonald_smooth_and_shock','fv1')}, fv2 {o('macdonald_smooth_and_shock','fv2')} "
        f"(L1 depth, shock cells left out). fv2 does not settle below the residual tolerance with a shock "
        f"in the domain (a limiter flicker of ~1e-5 m/s, see the residual column); its errors are still the "
        f"smallest. Inertial: not applicable ({rel('macdonald_smooth_and_shock','inertial')}).")
    R["macdonald_super"] = (
        f"Without the inflow depth the L1 depth order is {o('macdonald_super','fv1')} (fv1) and "
        f"{o('macdonald_super','fv2')} (fv2), and Linf stays ~0.1 m at the inlet at every resolution "
        f"(a boundary limitation, not a scheme error). Inertial: not applicable "
        f"({rel('macdonald_super','inertial')}).")
    return R


def table(rows, case, scheme):
    rs = [r for r in rows if r["case"] == case and r["scheme"] == scheme]
    if not rs:
        return ""
    lake = case.startswith("lake_at_rest")
    out = []
    if lake:
        out.append("| cells | dx (m) | L1 h (m) | Linf h (m) | L1 q (m²/s) | Linf q (m²/s) | mass error |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|")
        for r in rs:
            out.append(f"| {r['n']} | {fnum(r['dx'])} | {fnum(r['L1_h'], '{:.2e}')} | {fnum(r['Linf_h'], '{:.2e}')} | "
                       f"{fnum(r['L1_q'], '{:.2e}')} | {fnum(r['Linf_q'], '{:.2e}')} | {fnum(r['mass_rel_err'], '{:.1e}')} |")
        return "\n".join(out)
    steady = any(r["residual"] > 0 for r in rs)
    head = ("| cells | dx (m) | L1 h (m) | L2 h (m) | Linf h (m) | rel L1 h | L1 q (m²/s) | Linf q (m²/s) | rel L1 q "
            "| order L1 h | order L2 h | order L1 q |")
    sep = "|---:" * 12 + "|"
    if steady:
        head += " residual (m/s) | t (s) |"
        sep += "---:|---:|"
    out += [head, sep]
    for r in rs:
        line = (f"| {r['n']} | {fnum(r['dx'])} | {fnum(r['L1_h'], '{:.3e}')} | {fnum(r['L2_h'], '{:.3e}')} | "
                f"{fnum(r['Linf_h'], '{:.3e}')} | {fnum(r['relL1_h'], '{:.3e}')} | {fnum(r['L1_q'], '{:.3e}')} | "
                f"{fnum(r['Linf_q'], '{:.3e}')} | {fnum(r['relL1_q'], '{:.3e}')} | {fnum(r['order_L1_h'], '{:.2f}')} | "
                f"{fnum(r['order_L2_h'], '{:.2f}')} | {fnum(r['order_L1_q'], '{:.2f}')} |")
        if steady:
            line += f" {fnum(r['residual'], '{:.1e}')} | {fnum(r['t'], '{:.0f}')} |"
        out.append(line)
    return "\n".join(out)


# --- plots -------------------------------------------------------------------------------------

def finest_common(rows, case, limit=None):
    ns = sorted({r["n"] for r in rows if r["case"] == case})
    if limit:
        ns = [n for n in ns if n <= limit] or ns
    return ns[-1] if ns else None


def plot_profiles(res, rows, case, title, path, n=None, eta=False, xlim=None, qplot=True):
    n = n or finest_common(rows, case)
    profs = {s: load_profile(res, case, s, n) for s in SCHEMES}
    profs = {s: p for s, p in profs.items() if p}
    if not profs:
        return False
    ref = next(iter(profs.values()))
    nrow = 2 if qplot else 1
    fig, axes = plt.subplots(nrow, 1, figsize=(9, 3.2 * nrow + 0.6), sharex=True, squeeze=False)
    ax = axes[0][0]
    off = ref["z"] if eta else [0.0] * len(ref["x"])
    if eta:
        ax.fill_between(ref["x"], min(ref["z"]) - 0.02 * (max(ref["z"]) - min(ref["z"]) + 1e-9), ref["z"],
                        color="0.8", label="bed z")
    ax.plot(ref["x"], [a + b for a, b in zip(ref["h_exact"], off)], color="black", lw=2.2, label="exact")
    for s, p in profs.items():
        ax.plot(p["x"], [a + b for a, b in zip(p["h"], off)], color=COLORS[s], lw=1.2, ls="--" if s == "inertial" else "-",
                label=s)
    ax.set_ylabel("water level η (m)" if eta else "depth h (m)")
    ax.set_title(f"{title} — {n} cells")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    if qplot:
        ax2 = axes[1][0]
        ax2.plot(ref["x"], ref["q_exact"], color="black", lw=2.2, label="exact")
        for s, p in profs.items():
            ax2.plot(p["x"], p["q"], color=COLORS[s], lw=1.2, ls="--" if s == "inertial" else "-", label=s)
        ax2.set_ylabel("unit discharge q (m²/s)")
        ax2.grid(alpha=0.3)
    axes[-1][0].set_xlabel("x (m)")
    if xlim:
        axes[-1][0].set_xlim(*xlim)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def plot_convergence(rows, path):
    cases = ["stoker", "ritter", "thacker1d", "thacker2d", "bump_subcritical", "bump_transcritical_shock",
             "macdonald_rain_sub", "macdonald_sub_to_super"]
    fig, axes = plt.subplots(2, 4, figsize=(14, 6.4))
    for ax, case in zip(axes.flat, cases):
        for s in SCHEMES:
            rs = [r for r in rows if r["case"] == case and r["scheme"] == s]
            if not rs:
                continue
            ax.loglog([r["dx"] for r in rs], [r["L1_h"] for r in rs], "o-", color=COLORS[s], label=s, ms=4)
        rs = [r for r in rows if r["case"] == case and r["scheme"] == "fv1"]
        if rs:
            dx = [r["dx"] for r in rs]
            e0 = rs[-1]["L1_h"]
            for p, ls in ((1, ":"), (2, "-.")):
                ax.loglog(dx, [e0 * 0.5 * (d / dx[-1]) ** p for d in dx], color="0.5", ls=ls, lw=1,
                          label=f"order {p}")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title(case, fontsize=9)
        ax.set_xlabel("dx (m)", fontsize=8)
        ax.grid(alpha=0.3, which="both")
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("L1 depth error (m)")
    axes[1][0].set_ylabel("L1 depth error (m)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    res, docs = sys.argv[1], sys.argv[2]
    rows = load_errors(os.path.join(res, "errors.csv"))
    checks = list(csv.DictReader(open(os.path.join(res, "crosscheck.csv"))))
    pngdir = os.path.join(docs, "verification")
    os.makedirs(pngdir, exist_ok=True)

    plots = []
    if plot_profiles(res, rows, "stoker", "Stoker dam break, t = 6 s", os.path.join(pngdir, "stoker.png"), n=250):
        plots.append(("stoker.png", "Stoker dam break at 250 cells (t = 6 s)"))
    if plot_profiles(res, rows, "ritter", "Ritter dam break, t = 6 s", os.path.join(pngdir, "ritter.png"), n=250):
        plots.append(("ritter.png", "Ritter dam break at 250 cells (t = 6 s)"))
    if plot_profiles(res, rows, "thacker1d", "Thacker 1D, t = 5 periods", os.path.join(pngdir, "thacker1d.png"),
                     n=250, eta=True, xlim=(0.2, 2.8)):
        plots.append(("thacker1d.png", "Thacker 1D after five periods, 250 cells (water level, bed in grey)"))
    if plot_profiles(res, rows, "thacker2d", "Thacker 2D, t = P/2, cut at y ≈ 2 m", os.path.join(pngdir, "thacker2d.png"),
                     n=100, eta=True, xlim=(0.5, 3.5)):
        plots.append(("thacker2d.png", "Thacker 2D at half a period, 100 x 100 cells, the row through the centre"))
    if plot_profiles(res, rows, "macdonald_smooth_and_shock", "MacDonald, smooth transition and shock (Manning)",
                     os.path.join(pngdir, "macdonald_smooth_and_shock.png"), n=125, eta=True):
        plots.append(("macdonald_smooth_and_shock.png", "MacDonald smooth transition and shock at 125 cells (dx = 0.8 m)"))
    if plot_profiles(res, rows, "macdonald_rain_sub", "MacDonald with rain, subcritical (Manning)",
                     os.path.join(pngdir, "macdonald_rain_sub.png"), n=125):
        plots.append(("macdonald_rain_sub.png", "MacDonald with rain at 125 cells (dx = 8 m): depth and q = 1 + R x"))
    if plot_profiles(res, rows, "bump_transcritical_shock", "Flow over a bump with a shock",
                     os.path.join(pngdir, "bump_shock.png"), n=125, eta=True, xlim=(5, 20)):
        plots.append(("bump_shock.png", "Transcritical flow over the bump with a shock at 125 cells (dx = 0.2 m)"))
    plot_convergence(rows, os.path.join(pngdir, "convergence.png"))
    plots.append(("convergence.png", "L1 depth error against cell size, every scheme (grey: slopes 1 and 2)"))

    R = remarks(rows)
    md = []
    md.append("# Verification report: fv1, fv2 and inertial against analytic solutions\n")
    md.append("Generated by `tests/verification/report/make_report.py` from the output of the "
              "`verification_report` program (tests/verification/report/). **Regenerate with "
              "`scripts/verification-report.sh`** (Release build in `build-report/`, a few minutes on 2 cores). "
              f"Last generated {datetime.date.today().isoformat()} on {platform.machine()} "
              f"({os.cpu_count()} CPUs). Do not edit by hand.\n")
    md.append("## How to read it\n")
    md.append(
        "Every case runs on a strip of cells between closed side walls (1D cases: one row, square cells) "
        "or on a square raster (Thacker 2D), for each scheme (`fv1`: first-order Godunov + hydrostatic "
        "reconstruction + HLLC; `fv2`: MUSCL + Heun; `inertial`: local inertial, Bates et al. 2010 / "
        "de Almeida et al. 2012), at 3 or 4 resolutions, each halving the cell size. Steady cases are run "
        "from the stated initial state until max |dh/dt| < 1e-9 m/s (or the time limit; the residual "
        "column shows where that limit was hit).\n\n"
        "* Errors compare cell values with the exact solution at the cell centres. **L1** = mean |e| over the "
        "cells, **L2** = sqrt(mean e²), **Linf** = max |e| (m for depth h, m²/s for unit discharge q = hu); "
        "**rel L1** = Σ|e| / Σ|exact| (left out where the exact value is ~0).\n"
        "* **order** = log(e_coarse / e_fine) / log(dx_coarse / dx_fine) between successive resolutions.\n"
        "* Exact solutions are computed in C++ (`tests/verification/analytic.hpp`, "
        "`tests/verification/report/analytic_more.hpp`) and cross-checked against the SWASHES 1.05.01 "
        "reference files (Delestre et al. 2013) at the end of this page.\n"
        "* The same cases at fixed thresholds run in ctest: `tests/verification/test_convergence.cpp`.\n")

    # summary
    md.append("## Summary (finest resolution)\n")
    md.append("| case | scheme | cells | rel L1 h | Linf h (m) | L1 q (m²/s) | last order L1 h | applicable |")
    md.append("|---|---|---:|---:|---:|---:|---:|---|")
    not_app = {"inertial": {"stoker", "ritter", "bump_transcritical_noshock", "bump_transcritical_shock",
                            "macdonald_sub_to_super", "macdonald_smooth_and_shock", "macdonald_super", "thacker1d",
                            "thacker2d"}}
    for case, title, _ in CASES:
        for s in SCHEMES:
            r = row_of(rows, case, s)
            if not r:
                continue
            app = "no (outside the model)" if case in not_app.get(s, set()) else "yes"
            if case == "macdonald_super":
                app = "inflow depth not imposable" if s != "inertial" else "no"
            if case == "bump_transcritical_noshock_free":
                app = "boundary check"
            ordr = "–" if case.startswith("lake") else fnum(r["order_L1_h"], "{:.2f}")
            md.append(f"| {title} | {s} | {r['n']} | {fnum(r['relL1_h'], '{:.2e}')} | {fnum(r['Linf_h'], '{:.2e}')} | "
                      f"{fnum(r['L1_q'], '{:.2e}')} | {ordr} | {app} |")
    md.append("")
    bad = [r for r in rows if not r["finite"]]
    massbad = [r for r in rows if abs(r["mass_rel_err"]) > 1e-10]
    md.append(f"Mass balance: the largest relative ledger error over all {len(rows)} runs is "
              f"{max(abs(r['mass_rel_err']) for r in rows):.1e}"
              + (f"; runs above 1e-10: {', '.join(r['case'] + '/' + r['scheme'] + '/' + str(r['n']) for r in massbad)}"
                 if massbad else " (every run conserves mass to round-off)")
              + ". " + ("Non-finite values (NaN/inf) in: " + ", ".join(
                  f"{r['case']}/{r['scheme']}/{r['n']}" for r in bad) + "." if bad else "No run produced NaN or inf.")
              + f" Total solver time {sum(r['wall_s'] for r in rows):.0f} s.\n")

    md.append("## Plots\n")
    for f, cap in plots:
        md.append(f"![{cap}](verification/{f})\n\n*{cap}.*\n")

    md.append("## Cases\n")
    for case, title, text in CASES:
        if not any(r["case"] == case for r in rows):
            continue
        md.append(f"### {title} (`{case}`)\n")
        md.append(text + "\n")
        for s in SCHEMES:
            t = table(rows, case, s)
            if t:
                md.append(f"**{s}**\n")
                md.append(t + "\n")
        if R.get(case):
            md.append("**Remarks.** " + R[case] + "\n")

    # The rained-catchment convergence (issue 9) is too long a run for this program (minutes per
    # scheme and resolution): bench/compare_rain_on_grid.py writes its table, included as it is.
    rog = os.path.join(docs, "verification", "rain-on-grid.md")
    if os.path.exists(rog):
        md.append("## Rain-on-grid catchment: convergence against a fine reference\n")
        md.append("Made by `bench/compare_rain_on_grid.py` (not by this program); the setup, the figures before "
                  "fv1's friction limit and the reading are in [rain-on-grid.md](rain-on-grid.md).\n")
        with open(rog) as f:
            md.append(f.read())
    # Validation against measured data (issue 10): bench/validate_building.py, its own page.
    md.append("## Validation against a laboratory experiment\n")
    md.append("The schemes against measurements instead of analytic solutions: the dam break against an isolated "
              "building of Soares-Frazão and Zech (2007), water depths at six gauges over 30 s. Setup, data "
              "source, errors and figures: [validation-building.md](validation-building.md) (made by "
              "`bench/validate_building.py`; `ctest -R ValidationBuilding` checks fv2 and fv1 at 10 cm).\n")
    md.append("## Cross-check of the analytic solutions against SWASHES 1.05.01\n")
    md.append("The C++ solutions evaluated at the points of the SWASHES reference files (subsampled copies in "
              "`tests/data/swashes/`; SWASHES prints 7 significant digits). MacDonald beds differ by a few mm "
              "because SWASHES integrates the bed with a first-order rule on its own grid, while the report "
              "integrates it with Gauss-Legendre quadrature (so the report's h(x) is the exact steady state of "
              "its bed). The bump-with-shock rows leave out ±0.15 m around the jump (SWASHES places it with a "
              "tolerance of 10/N).\n")
    md.append("| file | quantity | points | max abs difference | max abs reference |")
    md.append("|---|---|---:|---:|---:|")
    for c in checks:
        md.append(f"| {c['file']} | {c['quantity']} | {c['points']} | {float(c['max_abs_diff']):.2e} | "
                  f"{float(c['max_abs_ref']):.3g} |")
    md.append("")
    with open(os.path.join(docs, "verification.md"), "w") as f:
        f.write("\n".join(md))
    print(f"wrote {os.path.join(docs, 'verification.md')} and {len(plots)} plots in {pngdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
