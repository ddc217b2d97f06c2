"""Checks that `plenum analyze` and pymrio's calc_all agree on the same table
(bench/analyze_vs_pymrio.sh runs it after the timed runs).

    python3 bench/compare_outputs.py PLENUM_OUT PYMRIO_OUT [RTOL]

Compared, with |a - b| <= RTOL * max(|a|, |b|) + 1e-12 * max over the vector
(RTOL defaults to 1e-9):
  - gross output x: plenum industries.csv `output` vs pymrio x.csv;
  - output multipliers: plenum `output_multiplier` vs pymrio column sums of L;
  - value-added multipliers: plenum `value_added_multiplier` vs pymrio
    factor_inputs M summed over components;
  - value-added footprints by region: plenum regions.csv
    `value_added_footprint` and accounts.csv `D_cba_reg` of Factor Inputs vs
    pymrio factor_inputs D_cba_reg;
  - the satellite accounts by industry: plenum satellite.csv `S`, `M`,
    `D_cba`, `D_pba`, `D_imp`, `D_exp` vs pymrio's factor_inputs frames of the
    same names, and accounts.csv `D_*_reg` vs pymrio's `D_*_reg`.
Exits 1 on any disagreement, printing the worst relative difference of each.
"""

import sys

import numpy as np
import pandas as pd


def check(name, a, b, rtol):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        print(f"FAIL {name}: shapes {a.shape} vs {b.shape}")
        return False
    scale = np.maximum(np.abs(a), np.abs(b))
    floor = 1e-12 * float(scale.max()) if scale.size else 0.0
    rel = np.abs(a - b) / np.maximum(scale, 1e-300)
    ok = bool(np.all(np.abs(a - b) <= rtol * scale + floor))
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {a.size} values, max rel diff {rel.max():.2e}")
    return ok


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    pl, py = sys.argv[1], sys.argv[2]
    rtol = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-9
    ind = pd.read_csv(f"{pl}/industries.csv", keep_default_na=False)
    reg = pd.read_csv(f"{pl}/regions.csv", keep_default_na=False)
    acc = pd.read_csv(f"{pl}/accounts.csv", keep_default_na=False)

    def var(v):
        d = ind[ind["variable"] == v]
        return d.set_index(["region", "sector"])["value"]

    x = pd.read_csv(f"{py}/x.csv", index_col=[0, 1])["indout"]
    om = pd.read_csv(f"{py}/output_multipliers.csv", index_col=[0, 1])["output_multiplier"]
    m = pd.read_csv(f"{py}/factor_inputs_M.csv", index_col=0, header=[0, 1])
    m_tot = m.sum(axis=0)
    d_reg = pd.read_csv(f"{py}/factor_inputs_D_cba_reg.csv", index_col=0).sum(axis=0)

    keys = list(x.index)
    ok = True
    ok &= check("x", var("output").loc[keys], x.loc[keys], rtol)
    ok &= check("output multipliers", var("output_multiplier").loc[keys], om.loc[keys], rtol)
    ok &= check(
        "value-added multipliers",
        var("value_added_multiplier").loc[keys],
        [m_tot[k] for k in keys],
        rtol,
    )
    regions = list(d_reg.index)
    fp = reg[(reg["variable"] == "value_added_footprint")].set_index("region")["value"]
    ok &= check("VA footprint (regions.csv)", fp.loc[regions], d_reg.loc[regions], rtol)
    dc = acc[(acc["extension"] == "Factor Inputs") & (acc["account"] == "D_cba_reg")]
    dc = dc.groupby("region", sort=False)["value"].sum()
    ok &= check("VA footprint (accounts.csv D_cba_reg)", dc.loc[regions], d_reg.loc[regions], rtol)
    sat = pd.read_csv(f"{pl}/satellite.csv", keep_default_na=False)
    sat = sat[sat["extension"] == "Factor Inputs"]
    for name in ["S", "M", "D_cba", "D_pba", "D_imp", "D_exp"]:
        want = pd.read_csv(f"{py}/factor_inputs_{name}.csv", index_col=0, header=[0, 1]).sum(axis=0)
        got = sat[sat["account"] == name].groupby(["region", "sector"], sort=False)["value"].sum()
        ok &= check(f"{name} by industry", [got[k] for k in keys], [want[k] for k in keys], rtol)
    for name in ["D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"]:
        want = pd.read_csv(f"{py}/factor_inputs_{name}.csv", index_col=0).sum(axis=0)
        got = acc[(acc["extension"] == "Factor Inputs") & (acc["account"] == name)]
        got = got.groupby("region", sort=False)["value"].sum()
        ok &= check(name, got.loc[regions], want.loc[regions], rtol)
    if not ok:
        sys.exit(1)
    print("plenum and pymrio agree")


if __name__ == "__main__":
    main()
