#!/usr/bin/env python3
"""plenum's Python package against pymrio and BoARIO, in-process, on the same
seeded synthetic pymrio system (issue 18's targets; see BENCHMARKS.md).

    python bench/python_vs_peers.py analyze 5000      # from_pymrio + analyze vs calc_all
    python bench/python_vs_peers.py ario 2500         # simulate_ario vs BoARIO, 100 steps

Each side runs in its own child process (so peak RSS is its own), REPS times
(default 3) alternating which goes first; prints medians and the ratio. The
arrays are built in memory before the clock starts (the "loaded arrays" of
the issue). Needs plenum (pip install ./python), pymrio 0.7.0, boario 0.7.2.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time

SHAPES = {1000: (50, 20), 2500: (100, 25), 5000: (100, 50)}


def system(n, seed=42):
    import numpy as np
    import pandas as pd
    import pymrio

    R, S = SHAPES[n]
    rng = np.random.default_rng(seed)
    regs = [f"R{r:03d}" for r in range(R)]
    secs = [f"s{s:02d}" for s in range(S)]
    cats = ["hh", "gov", "inv"]
    idx = pd.MultiIndex.from_product([regs, secs], names=["region", "sector"])
    fidx = pd.MultiIndex.from_product([regs, cats], names=["region", "category"])
    # Domestic blocks dense, foreign flows sparser and smaller; column sums of A ≤ 0.6.
    a = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    for r in range(R):
        sl = slice(r * S, (r + 1) * S)
        a[sl, sl] += rng.random((S, S)) * 4
    a *= 0.6 * rng.random(n) / a.sum(axis=0)
    x = 100 + 900 * rng.random(n)
    Z = a * x
    fd = x - Z.sum(axis=1)
    share = rng.random((n, len(cats) * R)) * (rng.random((n, len(cats) * R)) < 0.3)
    for r in range(R):
        share[r * S:(r + 1) * S, r * len(cats):(r + 1) * len(cats)] += 5
    Y = share / share.sum(axis=1, keepdims=True) * fd[:, None]
    va = x - Z.sum(axis=0)
    io = pymrio.IOSystem(
        Z=pd.DataFrame(Z, index=idx, columns=idx),
        Y=pd.DataFrame(Y, index=idx, columns=fidx),
        x=pd.DataFrame({"indout": x}, index=idx),
        unit=pd.DataFrame({"unit": ["M.EUR"] * n}, index=idx),
        factor_inputs={
            "name": "factor_inputs",
            "F": pd.DataFrame([va], index=pd.Index(["VA"], name="inputtype"), columns=idx),
            "unit": pd.DataFrame({"unit": ["M.EUR"]}, index=pd.Index(["VA"], name="inputtype")),
        },
    )
    return io


EVENT = {
    "event_type": "recovery", "impact": 5e6, "affected_regions": ["R001", "R002"],
    "affected_sectors": ["s01", "s02", "s03"], "impact_regional_distrib": "equal",
    "impact_sectoral_distrib": "equal", "duration": 10, "recovery_tau": 90,
}
MODEL = {"order_type": "alt", "alpha_max": 1.25, "main_inv_dur": 90}


def child(kind, side, n):
    io = system(n)
    if kind == "ario":
        io.calc_all()
    t0 = time.perf_counter()
    if kind == "analyze" and side == "plenum":
        import plenum
        res = plenum.analyze(plenum.Table.from_pymrio(io))
        check = float(res.extensions["factor_inputs"].D_cba.to_numpy().sum())
    elif kind == "analyze":
        io.calc_all()
        check = float(io.factor_inputs.D_cba.to_numpy().sum())
    elif side == "plenum":
        import plenum
        tr = plenum.simulate_ario(io, EVENT, 100, model=MODEL)
        check = float(tr["production_realised"].to_numpy()[-1].sum())
    else:
        from boario import event as bevent
        from boario.extended_models import ARIOPsiModel
        from boario.simulation import Simulation
        sim = Simulation(ARIOPsiModel(io, **MODEL), n_temporal_units_to_sim=100)
        e = dict(EVENT)
        sim.add_event(bevent.from_scalar_regions_sectors(
            e.pop("impact"), event_type=e.pop("event_type"), affected_regions=e.pop("affected_regions"),
            affected_sectors=e.pop("affected_sectors"), impact_regional_distrib=e.pop("impact_regional_distrib"),
            impact_sectoral_distrib=e.pop("impact_sectoral_distrib"), **e))
        sim.loop()
        check = float(sim.production_realised.dropna(how="all").to_numpy()[-1].sum())
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": dt, "peak_mb": rss, "check": check}))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    kind, n = sys.argv[1], int(sys.argv[2])
    peer = "pymrio" if kind == "analyze" else "boario"
    reps = int(os.environ.get("REPS", "3"))
    res = {"plenum": [], peer: []}
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    for rep in range(reps):
        order = ["plenum", peer] if rep % 2 == 0 else [peer, "plenum"]
        for side in order:
            out = subprocess.run([sys.executable, __file__, "--child", kind, side, str(n)],
                                 check=True, capture_output=True, text=True, env=env)
            res[side].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in res.items()}
    mem = {k: max(r["peak_mb"] for r in v) for k, v in res.items()}
    chk = {k: v[0]["check"] for k, v in res.items()}
    rel = abs(chk["plenum"] - chk[peer]) / abs(chk[peer])
    print(f"{kind} n={n} reps={reps}")
    for k in res:
        print(f"  {k:8s} median {med[k]:8.3f} s   peak RSS {mem[k]:8.0f} MB   check {chk[k]:.12e}")
    print(f"  ratio {peer}/plenum: {med[peer] / med['plenum']:.1f}x time, plenum/{peer} memory {mem['plenum'] / mem[peer]:.2f}; checks agree to {rel:.1e}")


if __name__ == "__main__":
    main()
