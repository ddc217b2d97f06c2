"""Golden files of plenum-uncertainty, made by the peers on the same samples.

Run from crates/plenum-uncertainty with the pinned peers:

    python3 -m venv /work/venvs/uncert
    /work/venvs/uncert/bin/pip install SALib==1.6.0 pymoo==0.6.1.6
    /work/venvs/uncert/bin/python tests/golden/make_goldens.py

Writes (all JSON, in tests/golden/):
- sobol_seq.json        SALib's Sobol' sequence (Joe-Kuo) points
- saltelli_unit.json    SALib's (deprecated but still shipped) saltelli.sample on [0,1]^4
- ishigami_sobol.json   SALib sobol.analyze of the Ishigami function on SALib's Saltelli design
                        (the same design plenum makes; tested), N = 1024, second order
- morris_ishigami.json  SALib morris.analyze on plenum's Morris design (morris_ishigami_x.csv,
                        written by `PLENUM_BLESS=1 cargo test -p plenum-uncertainty --test golden`)
- zdt.json              pymoo NSGA2 (defaults) on ZDT1 and ZDT2 (30 variables), hypervolume of
                        the final front against (1.1, 1.1), seeds 1-10, at 5,000 and 10,000 evaluations
- peer_times.json       wall times of the peers on the same analytic problems (this machine)
"""
import json
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import saltelli, sobol_sequence
from SALib.test_functions import Ishigami

assert version("SALib") == "1.6.0", version("SALib")
assert version("pymoo") == "0.6.1.6", version("pymoo")
HERE = Path(__file__).parent


def clean(obj):
    """NaN (SALib's unused S2 cells) as JSON null."""
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    return obj


def dump(name, obj):
    (HERE / name).write_text(json.dumps(clean(obj), indent=1, allow_nan=False) + "\n")


versions = {"SALib": version("SALib"), "pymoo": version("pymoo"), "numpy": version("numpy")}
times = {"versions": versions}

# Sobol' sequence.
pts = sobol_sequence.sample(300, 40)
dump("sobol_seq.json", {"versions": versions, "n": 300, "d": 40, "points": pts.tolist()})

# Saltelli design on the unit cube.
unit = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0.0, 1.0]] * 4}
for so in (True, False):
    X = saltelli.sample(unit, 16, calc_second_order=so)
    dump(
        "saltelli_unit.json" if so else "saltelli_unit_first.json",
        {"versions": versions, "n": 16, "d": 4, "second_order": so, "skip": 16, "rows": X.tolist()},
    )

# Ishigami, N = 1024, second order.
ish = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
t0 = time.perf_counter()
X = saltelli.sample(ish, 1024, calc_second_order=True)
Y = Ishigami.evaluate(X)
S = sobol_analyze.analyze(ish, Y, calc_second_order=True, num_resamples=1000, seed=1)
t_sobol = time.perf_counter() - t0
dump(
    "ishigami_sobol.json",
    {
        "versions": versions,
        "n": 1024,
        "num_resamples": 1000,
        "S1": S["S1"].tolist(),
        "S1_conf": S["S1_conf"].tolist(),
        "ST": S["ST"].tolist(),
        "ST_conf": S["ST_conf"].tolist(),
        "S2": [[S["S2"][j][k] for k in range(3)] for j in range(3)],
        "S2_conf": [[S["S2_conf"][j][k] for k in range(3)] for j in range(3)],
    },
)
times["ishigami_sobol_n1024_second_order_s"] = t_sobol

# Sobol' indices over 10 parameters at N = 1024 (first and total order; 12,288 runs) on a
# cheap function, to time SALib's own work (sample + analyse) beside plenum's.
ten = {"num_vars": 10, "names": [f"x{i}" for i in range(10)], "bounds": [[0.0, 1.0]] * 10}
t0 = time.perf_counter()
X10 = saltelli.sample(ten, 1024, calc_second_order=False)
Y10 = (X10 * np.arange(1, 11)).sum(axis=1) + X10[:, 0] * X10[:, 1]
sobol_analyze.analyze(ten, Y10, calc_second_order=False, num_resamples=100, seed=1)
times["sobol_10_params_n1024_s"] = time.perf_counter() - t0

# Morris on plenum's design.
xm = HERE / "morris_ishigami_x.csv"
if xm.exists():
    Xm = np.loadtxt(xm, delimiter=",")
    Ym = Ishigami.evaluate(Xm)
    M = morris_analyze.analyze(ish, Xm, Ym, num_resamples=1000, num_levels=4, seed=1)
    dump(
        "morris_ishigami.json",
        {
            "versions": versions,
            "levels": 4,
            "mu": np.asarray(M["mu"]).tolist(),
            "mu_star": np.asarray(M["mu_star"]).tolist(),
            "sigma": np.asarray(M["sigma"]).tolist(),
            "mu_star_conf": np.asarray(M["mu_star_conf"]).tolist(),
        },
    )
else:
    print("morris_ishigami_x.csv missing: run the Rust golden test with PLENUM_BLESS=1 first")

# pymoo NSGA2 on ZDT1/ZDT2.
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.indicators.hv import HV
from pymoo.optimize import minimize
from pymoo.problems import get_problem

hv = HV(ref_point=np.array([1.1, 1.1]))
zdt = {"versions": versions, "ref": [1.1, 1.1], "pop_size": 100, "n_var": 30, "seeds": list(range(1, 11))}
for name in ("zdt1", "zdt2"):
    for gens in (50, 100):
        vals, secs = [], []
        for seed in zdt["seeds"]:
            t0 = time.perf_counter()
            res = minimize(get_problem(name), NSGA2(pop_size=100), ("n_gen", gens), seed=seed, verbose=False)
            secs.append(time.perf_counter() - t0)
            vals.append(float(hv(res.F)))
        key = f"{name}_{gens * 100}"
        zdt[key] = {"evaluations": gens * 100, "hv": vals, "hv_mean": float(np.mean(vals))}
        times[f"pymoo_{key}_mean_s"] = float(np.mean(secs))
dump("zdt.json", zdt)
dump("peer_times.json", times)
print(json.dumps(times, indent=1))
