#!/usr/bin/env python3
"""Regenerates the BoARIO golden trajectories of plenum-sim.

Run from this directory:  python3 generate.py
Needs boario 0.7.2, pymrio 0.7.0 (asserted below). Writes one directory per
case with:
  mrio/                 the input table as a pymrio text folder (Z, Y, x)
  event.toml            the events and model parameters, in plenum-sim's format
  <variable>.csv.gz     BoARIO's records, full precision (repr of float64):
                        production_realised, production_capacity,
                        final_demand_unmet, rebuild_demand (step x industry)
                        inputs_stocks (step x input, industry)

The event.toml is the source of truth: this script parses it and translates
every key into the BoARIO constructor argument of the same name, so that the
Rust test reads exactly what BoARIO was given.
"""
import gzip
import json
import os
import shutil
import sys
import tomllib
import warnings

import numpy as np
import pandas as pd
import pymrio
import boario
from boario import event as bevent
from boario.extended_models import ARIOPsiModel
from boario.simulation import Simulation

assert boario.__version__ == "0.7.2", boario.__version__
assert pymrio.__version__ == "0.7.0", pymrio.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 365
warnings.simplefilter("ignore")


def table_agg3x5():
    """pymrio's test MRIO aggregated exactly as BoARIO's integration tests do."""
    mrio = pymrio.load_test()
    mrio.aggregate(
        region_agg=["reg1", "reg1", "reg2", "reg2", "reg3", "reg3"],
        sector_agg=["food", "mining", "manufactoring", "other",
                    "construction", "other", "other", "other"],
    )
    mrio.calc_all()
    return mrio


def table_full6x8():
    """pymrio's test MRIO, not aggregated (6 regions x 8 sectors)."""
    mrio = pymrio.load_test()
    mrio.calc_all()
    return mrio


def table_agg2x4():
    """A second aggregation, deterministic, different grouping and order."""
    mrio = pymrio.load_test()
    mrio.aggregate(
        region_agg=["south", "north", "south", "north", "north", "south"],
        sector_agg=["primary", "primary", "manufacturing", "utilities",
                    "construction", "services", "services", "services"],
    )
    mrio.calc_all()
    return mrio


def save_core(mrio, path):
    """Saves Z, Y, x as a pymrio text folder at full precision and reloads it,
    so BoARIO runs on exactly the numbers the Rust test reads."""
    core = pymrio.IOSystem(Z=mrio.Z.copy(), Y=mrio.Y.copy(), x=mrio.x.copy(),
                           name="golden", unit=None)
    if os.path.exists(path):
        shutil.rmtree(path)
    core.save(path, float_format="%.17g")
    # Drop the save timestamp so that regenerating is byte-identical.
    meta_path = os.path.join(path, "metadata.json")
    with open(meta_path) as f:
        meta = json.load(f)
    meta["history"] = []
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=4)
    loaded = pymrio.load(path)
    loaded.calc_all()
    return loaded


def series2(d):
    """{region: {sector: v}} -> pd.Series with a (region, sector) MultiIndex."""
    idx, vals = [], []
    for r, secs in d.items():
        for s, v in secs.items():
            idx.append((r, s))
            vals.append(float(v))
    return pd.Series(vals, index=pd.MultiIndex.from_tuples(idx, names=["region", "sector"]))


def make_model(mrio, m):
    kw = dict(m)
    if "inventory_dict" in kw:
        kw["inventory_dict"] = dict(kw["inventory_dict"])
    if "productive_capital_vector" in kw:
        kw["productive_capital_vector"] = series2(kw["productive_capital_vector"])
    return ARIOPsiModel(mrio, **kw)


def distrib(spec, level, affected_regions, mrio):
    if isinstance(spec, dict):
        return pd.Series({k: float(v) for k, v in spec.items()})
    if spec == "equal":
        return "equal"
    assert spec == "gdp", spec
    va = (mrio.x.T - mrio.Z.sum(axis=0)).loc["indout"]
    if level == "region":
        return va.groupby(level="region").sum()
    return va.loc[list(affected_regions)].groupby(level="sector").sum()


def make_event(mrio, e, monetary_factor):
    e = dict(e)
    et = e.pop("event_type")
    impact = e.pop("impact")
    kw = {}
    for k in ["occurrence", "duration", "name", "event_monetary_factor",
              "recovery_tau", "recovery_function", "rebuild_tau", "rebuilding_factor"]:
        if k in e:
            kw[k] = e.pop(k)
    if "rebuilding_sectors" in e:
        kw["rebuilding_sectors"] = {k: float(v) for k, v in e.pop("rebuilding_sectors").items()}
    if isinstance(impact, dict):
        assert not e, e
        return bevent.from_series(series2(impact), event_type=et, **kw)
    regions = e.pop("affected_regions")
    sectors = e.pop("affected_sectors")
    rd = distrib(e.pop("impact_regional_distrib", "equal"), "region", regions, mrio)
    sd = distrib(e.pop("impact_sectoral_distrib", "equal"), "sector", regions, mrio)
    assert not e, e
    return bevent.from_scalar_regions_sectors(
        float(impact), event_type=et, affected_regions=regions, affected_sectors=sectors,
        impact_regional_distrib=rd, impact_sectoral_distrib=sd, **kw)


def fmt(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def write_wide(path, df, stocks=False):
    # With temporal_units_by_step > 1 BoARIO leaves the rows of the
    # temporal units between steps as NaN; keep the steps only.
    df = df.dropna(how="all")
    with gzip.GzipFile(path, "wb", mtime=0) as gz:
        cols = ["/".join(c) for c in df.columns]
        head = (["step", "input"] if stocks else ["step"]) + cols
        lines = [",".join(head)]
        for idx, row in zip(df.index, df.to_numpy()):
            keys = [str(idx[0]), str(idx[1])] if stocks else [str(idx)]
            lines.append(",".join(keys + [fmt(v) for v in row]))
        gz.write(("\n".join(lines) + "\n").encode())


def run_case(name, table_fn, toml_text):
    case = os.path.join(HERE, name)
    os.makedirs(case, exist_ok=True)
    with open(os.path.join(case, "event.toml"), "w") as f:
        f.write(toml_text)
    spec = tomllib.loads(toml_text)
    mrio = save_core(table_fn(), os.path.join(case, "mrio"))
    model = make_model(mrio, spec.get("model", {}))
    sim = Simulation(model, register_stocks=True, n_temporal_units_to_sim=STEPS)
    for e in spec.get("event", []):
        sim.add_event(make_event(model.mriot, e, model.monetary_factor))
    sim.loop()
    assert not sim.has_crashed, name
    write_wide(os.path.join(case, "production_realised.csv.gz"), sim.production_realised)
    write_wide(os.path.join(case, "production_capacity.csv.gz"), sim.production_capacity)
    write_wide(os.path.join(case, "final_demand_unmet.csv.gz"), sim.final_demand_unmet)
    write_wide(os.path.join(case, "rebuild_demand.csv.gz"), sim.rebuild_demand)
    write_wide(os.path.join(case, "inputs_stocks.csv.gz"), sim.inputs_stocks, stocks=True)
    pr = sim.production_realised
    print(f"{name}: had_shortage={model.had_shortage} min prod ratio="
          f"{(pr / pr.loc[0]).min().min():.6f}")


CASES = {
    # BoARIO's test_shortage_rec_event.
    "agg3x5_recovery_convexe_shortage": (table_agg3x5, """\
[model]
order_type = "alt"
alpha_base = 1.0
alpha_max = 1.25
alpha_tau = 365
rebuild_tau = 60
main_inv_dur = 90
monetary_factor = 1000000
psi_param = 0.8
inventory_restoration_tau = 60

[[event]]
event_type = "recovery"
impact = 900000000.0
affected_regions = ["reg1"]
affected_sectors = ["manufactoring", "mining"]
impact_regional_distrib = "equal"
impact_sectoral_distrib = "gdp"
duration = 120
recovery_tau = 180
recovery_function = "convexe"
event_monetary_factor = 1000000
"""),
    # BoARIO's test_shortage_reb_event.
    "agg3x5_rebuild_shortage": (table_agg3x5, """\
[[event]]
event_type = "rebuild"
impact = 14000000.0
affected_regions = ["reg1"]
affected_sectors = ["manufactoring", "mining"]
impact_regional_distrib = "equal"
impact_sectoral_distrib = "gdp"
rebuilding_sectors = { construction = 1.0 }
duration = 20
rebuild_tau = 180
event_monetary_factor = 1000000
"""),
    # BoARIO's test_arbitrary_events.
    "agg3x5_arbitrary_concave": (table_agg3x5, """\
[[event]]
event_type = "arbitrary"
impact = { reg1 = { mining = 0.2, manufactoring = 0.3 } }
duration = 20
recovery_tau = 180
recovery_function = "concave"
"""),
    # Two recovery events (BoARIO's test_multiple_rec_event, one concave),
    # impacts in units (event_monetary_factor 1, the default).
    "agg3x5_two_recoveries": (table_agg3x5, """\
[[event]]
event_type = "recovery"
impact = 160000000000000.0
affected_regions = ["reg1"]
affected_sectors = ["manufactoring", "food"]
duration = 20
recovery_tau = 180

[[event]]
event_type = "recovery"
occurrence = 15
impact = 1000000000.0
affected_regions = ["reg2", "reg3"]
affected_sectors = ["manufactoring", "food", "other"]
impact_regional_distrib = "gdp"
impact_sectoral_distrib = { manufactoring = 2.0, food = 1.0, other = 1.0 }
duration = 10
recovery_tau = 90
recovery_function = "concave"
event_monetary_factor = 1000000
"""),
    # The whole 6 x 8 test table with non-default model parameters.
    "full6x8_recovery_noalt": (table_full6x8, """\
[model]
order_type = "noalt"
alpha_max = 1.1
alpha_tau = 100
main_inv_dur = 60
psi_param = 0.9
inventory_restoration_tau = 30
inventory_dict = { food = 30, mining = 45, manufactoring = 60, electricity = "inf", construction = 20, trade = 10, transport = 15, other = 90 }

[[event]]
event_type = "recovery"
impact = 150000000.0
affected_regions = ["reg2", "reg5"]
affected_sectors = ["electricity", "manufactoring", "transport"]
impact_regional_distrib = "gdp"
impact_sectoral_distrib = "equal"
occurrence = 3
duration = 15
recovery_tau = 120
recovery_function = "linear"
event_monetary_factor = 1000000
"""),
    "full6x8_rebuild_two_sectors": (table_full6x8, """\
[model]
rebuild_tau = 30
alpha_max = 1.2

[[event]]
event_type = "rebuild"
impact = 40000000.0
affected_regions = ["reg3"]
affected_sectors = ["manufactoring", "trade", "electricity"]
impact_sectoral_distrib = "gdp"
rebuilding_sectors = { construction = 0.7, manufactoring = 0.3 }
occurrence = 10
duration = 5
rebuild_tau = 60
event_monetary_factor = 1000000
"""),
    # A different aggregation, an arbitrary shock given as a scalar share
    # spread over industries, and a different capital-to-VA ratio per sector.
    # BoARIO's test_multiple_reb_event: two rebuilding events at once.
    "agg3x5_two_rebuilds": (table_agg3x5, """\
[[event]]
event_type = "rebuild"
impact = 1000000.0
affected_regions = ["reg1"]
affected_sectors = ["manufactoring", "food"]
rebuilding_sectors = { construction = 1.0 }
duration = 30
rebuild_tau = 100
event_monetary_factor = 1000000

[[event]]
event_type = "rebuild"
occurrence = 7
impact = 3000000.0
affected_regions = ["reg2"]
affected_sectors = ["manufactoring", "food"]
rebuilding_sectors = { construction = 0.6, manufactoring = 0.4 }
duration = 30
rebuild_tau = 100
event_monetary_factor = 1000000
"""),
    # A rebuilding that ends within the run (then BoARIO keeps serving the
    # residual per-step demand).
    "agg3x5_rebuild_finishes": (table_agg3x5, """\
[[event]]
event_type = "rebuild"
impact = 100000.0
affected_regions = ["reg3"]
affected_sectors = ["mining", "other"]
rebuilding_sectors = { construction = 0.5, manufactoring = 0.5 }
occurrence = 5
duration = 3
rebuild_tau = 5
event_monetary_factor = 1000000
"""),
    # Two temporal units per step (BoARIO records every other row).
    "agg3x5_recovery_two_day_steps": (table_agg3x5, """\
[model]
temporal_units_by_step = 2

[[event]]
event_type = "recovery"
impact = 60000000.0
affected_regions = ["reg2"]
affected_sectors = ["manufactoring", "mining"]
occurrence = 7
duration = 20
recovery_tau = 90
recovery_function = "convexe"
event_monetary_factor = 1000000
"""),
    "agg2x4_arbitrary_linear": (table_agg2x4, """\
[model]
productive_capital_to_VA_dict = { primary = 3.0, manufacturing = 4.0, utilities = 6.0, construction = 2.5, services = 2.0 }
alpha_max = 1.3

[[event]]
event_type = "arbitrary"
impact = 0.6
affected_regions = ["north"]
affected_sectors = ["manufacturing", "utilities"]
impact_sectoral_distrib = { manufacturing = 1.0, utilities = 2.0 }
occurrence = 4
duration = 30
recovery_tau = 60
recovery_function = "linear"
"""),
}

if __name__ == "__main__":
    only = sys.argv[1:]
    for name, (fn, text) in CASES.items():
        if only and name not in only:
            continue
        run_case(name, fn, text)
