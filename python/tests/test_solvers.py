"""The solver choice of plenum.analyze and plenum.chokepoints (the CLI's
--solver and --rtol): every solver gives pymrio's numbers or the LU
ranking within its tolerance, the solve log says which method ran, and bad
choices raise plenum's typed errors."""
import numpy as np
import pytest

import plenum

from test_pymrio_parity import close

SOLVERS = ("auto", "lu", "iterative", "mixed-lu")
LOG_KEYS = {
    "method",
    "storage",
    "density_of_Z",
    "rtol",
    "block_solves",
    "right_hand_sides",
    "sweeps",
    "max_relative_residual",
    "fallbacks_to_lu",
    "refinement_steps",
    "lu_factored",
    "block_jacobi_preconditioner",
}


@pytest.mark.parametrize("solver", SOLVERS)
def test_analyze_gives_pymrios_numbers_by_every_solver(io_test, solver):
    res = plenum.analyze(io_test, solver=solver)
    close(res.x, io_test.x, "x")
    for name in ("emissions", "factor_inputs"):
        ours, theirs = res.extensions[name], getattr(io_test, name)
        for q in ("M", "D_cba", "D_pba", "D_imp", "D_exp"):
            close(getattr(ours, q), getattr(theirs, q), f"{solver}: {name}.{q}")
    log = res.solver
    assert set(log) == LOG_KEYS, sorted(log)
    # pymrio's test system has 48 industries: auto factors.
    method = {"auto": "lu", "lu": "lu", "iterative": "gmres", "mixed-lu": "mixed-lu"}[solver]
    assert log["method"] == method
    assert log["right_hand_sides"] > 0 and log["block_solves"] > 0
    if solver == "iterative":
        assert log["sweeps"] > 0 and 0 < log["max_relative_residual"] <= 1e-12
        assert log["fallbacks_to_lu"] == 0
    else:
        assert log["sweeps"] == 0


def test_analyze_rtol_reaches_the_log(io_test):
    loose = plenum.analyze(io_test, solver="iterative", rtol=1e-6).solver
    tight = plenum.analyze(io_test, solver="iterative").solver
    assert (loose["rtol"], tight["rtol"]) == (1e-6, 1e-12)
    assert loose["max_relative_residual"] <= 1e-6
    assert loose["sweeps"] < tight["sweeps"]


def test_analyze_with_L_and_an_iterative_solver_still_gives_pymrios_L(io_test):
    res = plenum.analyze(io_test, L=True, solver="iterative")
    close(res.L, io_test.L, "L")
    assert res.solver["method"] == "gmres" and res.solver["lu_factored"]


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"solver": "cholesky"}, "mixed-lu"),
        ({"solver": "LU"}, "not a solver"),
        ({"rtol": 0.0}, "rtol"),
        ({"rtol": 0.5}, "rtol"),
        ({"rtol": float("nan")}, "rtol"),
    ],
)
def test_bad_solver_settings_are_typed_errors(io_test, kw, match):
    with pytest.raises(plenum.TableError, match=match):
        plenum.analyze(io_test, **kw)
    with pytest.raises(plenum.AnalysisError, match=match):
        plenum.chokepoints(plenum.default_table(), "CHN", **kw)


@pytest.fixture(scope="module")
def world():
    return plenum.default_table()


def test_chokepoints_by_gmres_agree_with_lu(world):
    lu = plenum.chokepoints(world, "CHN", solver="lu")
    it = plenum.chokepoints(world, "CHN", solver="iterative")
    assert lu.attrs["solver"]["method"] == "lu"
    assert it.attrs["solver"]["method"] == "gmres"
    assert it.attrs["solver"]["max_relative_residual"] <= 1e-12
    # The CLI's measures, in its order, after the supplier's labels.
    assert list(lu.columns[:4]) == ["region", "sector", "deliveries", "exposure_output"]
    assert "exposure_direct_part" in lu.columns and list(lu.columns) == list(it.columns)
    assert (lu.region == it.region).all() and (lu.sector == it.sector).all()
    for c in lu.columns[2:]:
        a, b = it[c].to_numpy(), lu[c].to_numpy()
        if c.startswith("rank_"):
            continue
        scale = np.nanmax(np.abs(b))
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10 * scale, err_msg=c)
    # Ranks may only differ where scores tie to the solver's tolerance; on
    # this table they do not.
    for c in ("rank_exposure", "rank_bottleneck", "rank_extraction"):
        assert (lu[c] == it[c]).all(), c


def test_chokepoints_default_is_auto_and_matches_lu_bits(world):
    auto = plenum.chokepoints(world, "CHN")
    lu = plenum.chokepoints(world, "CHN", solver="lu")
    assert auto.attrs["solver"]["method"] == "lu"
    assert auto.equals(lu)
