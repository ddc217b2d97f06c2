"""Loads the folder plenum's pymrio writer made for the WIOD mock table
(wiod-mock/, pinned by the Rust test writer_golden_folder_loaded_by_pymrio)
with pymrio itself, checks every block against the mock's own CSV files read
with pandas, runs pymrio's calc_all() on it, and records the result in
pymrio_check.json (which the Rust test reads: it must say ok and list the
same file hashes as the folder).

Pinned: pymrio 0.7.0. Run from this folder: python3 check_with_pymrio.py
"""
import hashlib
import json
import pathlib

import numpy as np
import pandas as pd
import pymrio

assert pymrio.__version__ == "0.7.0", f"pymrio {pymrio.__version__}, expected 0.7.0"

here = pathlib.Path(__file__).resolve().parent
folder = here / "wiod-mock"
mock = here.parent.parent / "data" / "wiod"

io = pymrio.load_all(folder)
Zs = pd.read_csv(mock / "wiotmock_inter.csv.gz", index_col=0)
Ys = pd.read_csv(mock / "wiotmock_final.csv", index_col=0)
xs = pd.read_csv(mock / "wiotmock_output.csv", index_col=0)["output"]

ind = [tuple(l.split("_", 1)) for l in Zs.index]
regions = list(dict.fromkeys(r for r, _ in ind))
cats = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN"]
fd = [(r, c) for r in regions for c in cats]

checks = {}
checks["Z labels"] = list(io.Z.index) == ind and list(io.Z.columns) == ind
checks["Z values (exact)"] = bool((io.Z.values == Zs.values).all())
checks["Y labels"] = list(io.Y.index) == ind and list(io.Y.columns) == fd
checks["Y values (exact)"] = bool((io.Y.values == Ys.values).all())
checks["x values (exact)"] = bool((io.x["indout"].values == xs.values).all())
va = xs.values - Zs.values.sum(axis=0)
checks["factor_inputs VA = x - 1'Z (exact)"] = bool((io.factor_inputs.F.loc["VA"].values == va).all())
checks["unit"] = set(io.unit["unit"]) == {"USD million"}

io.calc_all()
checks["pymrio calc_x equals x"] = bool(
    np.array_equal(pymrio.calc_x(io.Z, io.Y)["indout"].values, xs.values)
)
L = io.L.values
checks["L finite and non-negative"] = bool(np.isfinite(L).all() and (L >= -1e-12).all())
# Consumption-based accounts redistribute value added: totals are conserved.
d_cba = io.factor_inputs.D_cba.values.sum()
checks["D_cba total = total VA (rel 1e-12)"] = bool(abs(d_cba - va.sum()) <= 1e-12 * va.sum())

sha = {}
for p in sorted(folder.rglob("*")):
    if p.is_file():
        sha[p.relative_to(folder).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()

result = {
    "pymrio_version": pymrio.__version__,
    "pandas_version": pd.__version__,
    "ok": all(checks.values()),
    "checks": checks,
    "sha256": sha,
}
(here / "pymrio_check.json").write_text(json.dumps(result, indent=2) + "\n")
print(json.dumps(result["checks"], indent=2))
assert result["ok"], "a check failed"
