"""SALib 1.6.0 on a plenum sample: reads the designs and outputs `plenum sensitivity` wrote
(sobol_design.csv, morris_design.csv: parameter columns, then output columns) and writes
salib.json with SALib's S1/ST (sobol.analyze, first order only) and mu/mu_star/sigma
(morris.analyze, 4 levels) per output. The Rust test analyses the same designs and outputs
with plenum-uncertainty and compares (tests/uncertainty_cli.rs). To remake the sample:

    plenum sensitivity --params mpc_labour,land_sales_elasticity,local_interest_rate,china_potential_growth \
        --outputs growth_avg,local_debt_to_gdp_2030 --n 16 --trajectories 6 --resamples 1000 --seed 11 \
        --out /tmp/sens && cp /tmp/sens/*_design.csv crates/plenum/tests/golden-uncertainty/
    /work/venvs/uncert/bin/python crates/plenum/tests/golden-uncertainty/make_golden.py
"""
import json
from importlib.metadata import version
from pathlib import Path

import numpy as np
from SALib.analyze import morris, sobol

assert version("SALib") == "1.6.0"
HERE = Path(__file__).parent
PARAMS = ["mpc_labour", "land_sales_elasticity", "local_interest_rate", "china_potential_growth"]
OUTPUTS = ["growth_avg", "local_debt_to_gdp_2030"]


def load(name):
    lines = (HERE / name).read_text().splitlines()
    head = lines[0].split(",")
    data = np.array([[float(v) for v in l.split(",")] for l in lines[1:]])
    assert head[: len(PARAMS)] == PARAMS and head[len(PARAMS):] == OUTPUTS, head
    return data[:, : len(PARAMS)], data[:, len(PARAMS):]


problem = {"num_vars": len(PARAMS), "names": PARAMS, "bounds": [[0.0, 1.0]] * len(PARAMS)}
Xs, Ys = load("sobol_design.csv")
Xm, Ym = load("morris_design.csv")
out = {"versions": {"SALib": version("SALib"), "numpy": version("numpy")}}
for k, name in enumerate(OUTPUTS):
    S = sobol.analyze(problem, Ys[:, k], calc_second_order=False, num_resamples=100, seed=1)
    # Morris on the unit-cube grid: SALib reads only the sign of each step, and plenum's
    # design maps the grid through each parameter's quantile function (monotone).
    M = morris.analyze(problem, Xm, Ym[:, k], num_levels=4, num_resamples=100, seed=1)
    out[name] = {
        "S1": S["S1"].tolist(),
        "ST": S["ST"].tolist(),
        "mu": np.asarray(M["mu"]).tolist(),
        "mu_star": np.asarray(M["mu_star"]).tolist(),
        "sigma": np.asarray(M["sigma"]).tolist(),
    }
(HERE / "salib.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(out, indent=1))
