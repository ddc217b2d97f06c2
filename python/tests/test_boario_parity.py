"""plenum.simulate_ario against BoARIO 0.7.2 on pymrio's test MRIO, one
recovery event, every recorded variable at rtol 1e-8."""
import numpy as np
import pandas as pd
import pytest

import plenum

STEPS = 120
MODEL = {
    "order_type": "noalt",
    "alpha_max": 1.1,
    "alpha_tau": 100,
    "main_inv_dur": 60,
    "psi_param": 0.9,
    "inventory_restoration_tau": 30,
}
EVENT = {
    "event_type": "recovery",
    "impact": 150000000.0,
    "affected_regions": ["reg2", "reg5"],
    "affected_sectors": ["electricity", "manufactoring", "transport"],
    "impact_regional_distrib": "equal",
    "impact_sectoral_distrib": "equal",
    "occurrence": 3,
    "duration": 15,
    "recovery_tau": 120,
    "recovery_function": "linear",
    "event_monetary_factor": 1000000,
}


def boario_run(io):
    boario = pytest.importorskip("boario")
    assert boario.__version__ == "0.7.2", boario.__version__
    from boario import event as bevent
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    io = io.copy()
    model = ARIOPsiModel(io, **MODEL)
    sim = Simulation(model, register_stocks=False, n_temporal_units_to_sim=STEPS)
    e = dict(EVENT)
    sim.add_event(
        bevent.from_scalar_regions_sectors(
            e.pop("impact"),
            event_type=e.pop("event_type"),
            affected_regions=e.pop("affected_regions"),
            affected_sectors=e.pop("affected_sectors"),
            impact_regional_distrib=e.pop("impact_regional_distrib"),
            impact_sectoral_distrib=e.pop("impact_sectoral_distrib"),
            **e,
        )
    )
    sim.loop()
    assert not sim.has_crashed
    return sim


def test_one_event_matches_boario(io_test):
    sim = boario_run(io_test)
    ours = plenum.simulate_ario(io_test, EVENT, STEPS, model=MODEL)
    for var in ["production_realised", "production_capacity", "final_demand_unmet", "rebuild_demand"]:
        theirs = getattr(sim, var).dropna(how="all")
        mine = ours[var]
        n = min(len(theirs), len(mine))
        assert n >= STEPS - 1, (var, len(theirs), len(mine))
        # Same column order: BoARIO sorts regions and sectors, as plenum does.
        assert [tuple(map(str, c)) for c in theirs.columns] == [tuple(c) for c in mine.columns], var
        a = mine.to_numpy()[:n]
        b = theirs.to_numpy(dtype=float)[:n]
        scale = max(np.abs(b).max(), 1e-300)
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-8 * scale, err_msg=var)
    pr = ours["production_realised"].to_numpy()
    assert pr.min(axis=0).sum() < pr[0].sum(), "the event must lower production somewhere"


def test_toml_text_and_dict_agree(io_test):
    toml = """[model]
order_type = "noalt"
alpha_max = 1.1
alpha_tau = 100
main_inv_dur = 60
psi_param = 0.9
inventory_restoration_tau = 30

[[event]]
event_type = "recovery"
impact = 150000000.0
affected_regions = ["reg2", "reg5"]
affected_sectors = ["electricity", "manufactoring", "transport"]
impact_regional_distrib = "equal"
impact_sectoral_distrib = "equal"
occurrence = 3
duration = 15
recovery_tau = 120
recovery_function = "linear"
event_monetary_factor = 1000000
"""
    a = plenum.simulate_ario(io_test, toml, 30)
    b = plenum.simulate_ario(io_test, EVENT, 30, model=MODEL)
    pd.testing.assert_frame_equal(a["production_realised"], b["production_realised"], rtol=0, atol=0)
