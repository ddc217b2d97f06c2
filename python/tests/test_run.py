"""plenum.run returns the tidy results `plenum run` writes."""
import threading

import plenum


def test_run_one_scenario_tidy():
    df = plenum.run(["baseline-2024"])
    assert list(df.columns) == ["quarter", "scenario", "region", "sector", "variable", "value"]
    assert set(df.scenario) == {"baseline-2024"}
    g = df[(df.region == "CHN") & (df.variable == "gdp_growth_yoy") & (df.quarter == "2024Q1")]
    assert len(g) == 1
    assert abs(g.value.iloc[0] - 5.3) < 0.11
    assert "baseline-2024" in plenum.shipped_scenarios()


def test_run_is_reproducible():
    a = plenum.run(["baseline-2024"])
    b = plenum.run(["baseline-2024"])
    assert a.equals(b)


def test_gil_is_released_during_compute():
    # While one thread runs the scenarios, another thread keeps running
    # Python code; with the GIL held it could not tick at all.
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    plenum.run(["baseline-2024", "controls-escalate"])
    done.set()
    th.join()
    assert len(ticks) > 5, len(ticks)


def test_run_carries_the_fit_against_the_calibration_file():
    # The CLI's fit.csv: every judged row, `met` agreeing with the band,
    # the consensus rows for the first scenario only, a cause on each row.
    df = plenum.run(["baseline-2024", "controls-escalate"])
    fit = df.attrs["fit"]
    assert list(fit.columns) == [
        "scenario", "target", "fact", "tolerance", "model", "met",
        "solved", "consensus", "source", "cause",
    ]
    base = fit[fit.scenario == "baseline-2024"]
    other = fit[fit.scenario == "controls-escalate"]
    assert len(base) == 22 and len(other) == 20
    assert base.consensus.sum() == 2 and not other.consensus.any()
    within = (base.model - base.fact).abs() <= base.tolerance
    assert (within == base.met).all()
    assert base[base.solved].met.all()
    assert (fit.cause.str.len() > 0).all()
    g = df[(df.region == "CHN") & (df.variable == "gdp_growth_yoy") & (df.quarter == "2024Q1")
           & (df.scenario == "baseline-2024")].value.iloc[0]
    row = base[base.target == "real growth 2024Q1, % y/y"]
    assert abs(row.model.iloc[0] - g) < 1e-12
