"""Bad inputs raise plenum's typed exceptions with the CLI's messages,
never a panic or a crash of the interpreter."""
import numpy as np
import pytest

import plenum


def test_hierarchy():
    for e in (plenum.TableError, plenum.ScenarioError, plenum.SimulationError, plenum.AnalysisError):
        assert issubclass(e, plenum.PlenumError)
        assert issubclass(e, Exception)


def test_missing_file():
    with pytest.raises(plenum.TableError, match="no such file"):
        plenum.read_table("/nonexistent/table.plenum")


def test_unknown_format(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(plenum.TableError, match="cannot tell the format"):
        plenum.read_table(p)
    with pytest.raises(plenum.TableError, match="unknown format"):
        plenum.read_table(p, format="xlsx")


def test_corrupt_native(tmp_path):
    p = tmp_path / "bad.plenum"
    p.write_bytes(b"not a plenum file at all")
    with pytest.raises(plenum.TableError, match="bad.plenum"):
        plenum.read_table(p)


def test_bad_arrays():
    z = np.array([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(plenum.TableError, match=r"Z: entry \(0, 1\) is NaN"):
        plenum._plenum.table_from_arrays(["r"], ["a", "b"], ["hh"], z, np.ones((2, 1)), np.ones(2), [])
    with pytest.raises(plenum.TableError, match="must be n×n"):
        plenum._plenum.table_from_arrays(["r"], ["a", "b"], ["hh"], np.ones((2, 3)), np.ones((2, 1)), np.ones(2), [])
    with pytest.raises(plenum.TableError):
        # Duplicate sector labels.
        plenum._plenum.table_from_arrays(["r"], ["a", "a"], ["hh"], np.eye(2) * 0.1, np.ones((2, 1)), np.ones(2), [])


def test_bad_scenario():
    with pytest.raises(plenum.ScenarioError, match="no such file, nor a shipped scenario"):
        plenum.run(["no-such-scenario"])
    with pytest.raises(plenum.ScenarioError, match=r"<scenario>:5:1: unknown field `no_such_key`"):
        plenum.run(['schema = 1\nname = "x"\nextends = "baseline-2024"\n[world]\nno_such_key = 1\n'])


def test_bad_events(io_test):
    with pytest.raises(plenum.SimulationError):
        plenum.simulate_ario(io_test, {"event_type": "recovery", "impact": 1.0, "affected_regions": ["nowhere"],
                                       "affected_sectors": ["food"], "duration": 5, "recovery_tau": 10}, 10)
    with pytest.raises(plenum.SimulationError, match="steps"):
        plenum.simulate_ario(io_test, {"event_type": "recovery", "impact": 1.0}, 0)


def test_bad_gvc_labels():
    t = plenum.default_table()
    with pytest.raises(plenum.AnalysisError, match="no region \"ATLANTIS\""):
        plenum.chokepoints(t, "ATLANTIS")
    with pytest.raises(plenum.AnalysisError, match="unknown method"):
        plenum.decompose(t, "nope")
