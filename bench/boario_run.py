#!/usr/bin/env python3
"""BoARIO side of bench/ario_vs_boario.sh: one whole-process run.

    python3 bench/boario_run.py FOLDER EVENT.toml STEPS OUT.csv

Loads the pymrio folder FOLDER with pymrio.load_all, sets A = Z / x (all
BoARIO needs beyond Z, Y, x; calc_all would also invert I - A, which BoARIO
does not use), builds ARIOPsiModel with the [model] keys of EVENT.toml
(none: BoARIO's defaults) and a Simulation of STEPS temporal units without
recording inventories (as plenum's --no-stocks), adds the [[event]]s of
EVENT.toml translated key by key as crates/plenum-sim/tests/golden/generate.py
does (scalar impacts only: from_scalar_regions_sectors), runs, and writes the
last step's production_realised (region, sector, value as repr of float64)
to OUT.csv. Phase times go to stderr, prefixed "boario:".
"""
import sys
import time

T0 = time.perf_counter()
import tomllib  # noqa: E402
import warnings  # noqa: E402

import pandas as pd  # noqa: E402
import pymrio  # noqa: E402
import boario  # noqa: E402
from boario import event as bevent  # noqa: E402
from boario.extended_models import ARIOPsiModel  # noqa: E402
from boario.simulation import Simulation  # noqa: E402

assert boario.__version__ == "0.7.2", boario.__version__
assert pymrio.__version__ == "0.7.0", pymrio.__version__
warnings.simplefilter("ignore")


def distrib(spec, level, regions, mrio):
    if isinstance(spec, dict):
        return pd.Series({k: float(v) for k, v in spec.items()})
    if spec == "equal":
        return "equal"
    assert spec == "gdp", spec
    va = (mrio.x.T - mrio.Z.sum(axis=0)).loc["indout"]
    if level == "region":
        return va.groupby(level="region").sum()
    return va.loc[list(regions)].groupby(level="sector").sum()


def make_event(mrio, e):
    e = dict(e)
    et = e.pop("event_type")
    impact = float(e.pop("impact"))
    kw = {k: e.pop(k) for k in ["occurrence", "duration", "name", "event_monetary_factor",
                                 "recovery_tau", "recovery_function", "rebuild_tau",
                                 "rebuilding_factor"] if k in e}
    if "rebuilding_sectors" in e:
        kw["rebuilding_sectors"] = {k: float(v) for k, v in e.pop("rebuilding_sectors").items()}
    regions = e.pop("affected_regions")
    sectors = e.pop("affected_sectors")
    rd = distrib(e.pop("impact_regional_distrib", "equal"), "region", regions, mrio)
    sd = distrib(e.pop("impact_sectoral_distrib", "equal"), "sector", regions, mrio)
    assert not e, f"keys not translated: {sorted(e)}"
    return bevent.from_scalar_regions_sectors(
        impact, event_type=et, affected_regions=regions, affected_sectors=sectors,
        impact_regional_distrib=rd, impact_sectoral_distrib=sd, **kw)


def main():
    folder, event_path, steps, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(event_path, "rb") as f:
        spec = tomllib.load(f)
    t1 = time.perf_counter()
    mrio = pymrio.load_all(folder)
    mrio.A = pymrio.calc_A(mrio.Z, mrio.x)
    t2 = time.perf_counter()
    model = ARIOPsiModel(mrio, **spec.get("model", {}))
    sim = Simulation(model, register_stocks=False, n_temporal_units_to_sim=steps)
    for e in spec.get("event", []):
        sim.add_event(make_event(model.mriot, e))
    t3 = time.perf_counter()
    sim.loop()
    assert not sim.has_crashed
    t4 = time.perf_counter()
    last = sim.production_realised.dropna(how="all").iloc[-1]
    with open(out, "w") as f:
        f.write("region,sector,value\n")
        for (r, s), v in last.items():
            f.write(f"{r},{s},{float(v)!r}\n")
    print(f"boario: imports {t1 - T0:.2f} s, load_all + A {t2 - t1:.2f} s, "
          f"model + events {t3 - t2:.2f} s, loop {t4 - t3:.2f} s "
          f"({(t4 - t3) / steps * 1e3:.0f} ms/step), had_shortage={model.had_shortage}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
