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
