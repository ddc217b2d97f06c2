"""plenum.analyze against pymrio 0.7.0's calc_all on pymrio.load_test(),
every quantity at rtol 1e-10, and the pymrio round trip."""
import numpy as np
import pandas as pd
import pytest

import plenum

RTOL = 1e-10


def close(ours: pd.DataFrame, theirs: pd.DataFrame, what: str):
    """Same labels (as sets, in pymrio's order) and values within RTOL, with
    an absolute floor of RTOL times the quantity's largest magnitude."""
    theirs = theirs.copy()
    if isinstance(theirs, pd.Series):
        theirs = theirs.to_frame()
    assert list(map(str, ours.index)) == list(map(str, theirs.index)), f"{what}: index differs"
    assert list(map(str, ours.columns)) == list(map(str, theirs.columns)), f"{what}: columns differ"
    a = ours.to_numpy(dtype=float)
    b = theirs.to_numpy(dtype=float)
    scale = max(np.abs(b).max(), 1e-300)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale, err_msg=what)


@pytest.fixture(scope="module")
def ours(io_test):
    t = plenum.Table.from_pymrio(io_test)
    pop = io_test.population.to_numpy().reshape(-1)
    return t, plenum.analyze(t, L=True, ghosh=True, population=pop)


def test_core_quantities(io_test, ours):
    t, res = ours
    close(t.Z_df, io_test.Z, "Z")
    close(t.Y_df, io_test.Y, "Y")
    close(res.x, io_test.x, "x")
    close(res.A, io_test.A, "A")
    close(res.L, io_test.L, "L")


def test_ghosh_quantities(io_test, ours):
    pymrio = pytest.importorskip("pymrio")
    _, res = ours
    io = io_test.copy()
    io.calc_all(include_ghosh=True)
    close(res.G, io.G, "G")
    close(res.B, io.B, "B")


@pytest.mark.parametrize("ext", ["factor_inputs", "emissions"])
def test_extension_quantities(io_test, ours, ext):
    _, res = ours
    io = io_test.copy()
    io.calc_all(include_ghosh=True)
    theirs = getattr(io, ext)
    mine = res.extensions[ext]
    names = ["S", "M", "M_down", "D_cba", "D_pba", "D_imp", "D_exp",
             "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg",
             "D_cba_cap", "D_pba_cap", "D_imp_cap", "D_exp_cap"]
    if getattr(theirs, "S_Y", None) is not None:
        names.append("S_Y")
    checked = 0
    for q in names:
        want = getattr(theirs, q, None)
        if want is None:
            continue
        got = getattr(mine, q)
        assert got is not None, f"{ext}.{q} missing"
        close(got, want, f"{ext}.{q}")
        checked += 1
    assert checked >= 14, checked


def test_round_trip_through_pymrio(io_test):
    t = plenum.Table.from_pymrio(io_test)
    back = t.to_pymrio()
    close(back.Z, io_test.Z, "Z")
    close(back.Y, io_test.Y, "Y")
    close(back.x, io_test.x, "x")
    for ext in ["factor_inputs", "emissions"]:
        a, b = getattr(back, ext), getattr(io_test, ext)
        close(a.F, b.F, f"{ext}.F")
        if getattr(b, "F_Y", None) is not None:
            close(a.F_Y, b.F_Y, f"{ext}.F_Y")
    # And once more through plenum: the same table, bit for bit.
    again = plenum.Table.from_pymrio(back)
    assert again.hash() == t.hash()
    back.calc_all()
    close(back.emissions.D_cba, io_test.emissions.D_cba, "D_cba after the round trip")


def test_labels_are_pymrios(io_test):
    t = plenum.Table.from_pymrio(io_test)
    assert t.regions == list(io_test.get_regions())
    assert t.sectors == list(io_test.get_sectors())
    assert t.Z_df.index.names == ["region", "sector"]
    assert t.Y_df.columns.names == ["region", "category"]
    assert list(t.x_df.columns) == ["indout"]


def test_read_table_and_write(tmp_path, io_test):
    t = plenum.Table.from_pymrio(io_test)
    t.write(tmp_path / "t.plenum")
    r = plenum.read_table(tmp_path / "t.plenum")
    assert r.hash() == t.hash()
    t.write(tmp_path / "folder", format="pymrio")
    r2 = plenum.read_table(tmp_path / "folder")
    np.testing.assert_allclose(r2.Z, t.Z, rtol=1e-15)


def test_default_table_and_gvc():
    t = plenum.default_table()
    assert "CHN" in t.regions and len(t.sectors) > 10
    sr = plenum.self_reliance(t, "CHN", "C26")
    va = sr["va_origin"]
    tot = va[(va.basis == "output") & (va.measure == "total")].value.iloc[0]
    dom = va[(va.basis == "output") & (va.measure == "domestic")].value.iloc[0]
    fo = va[(va.basis == "output") & (va.measure == "foreign")].value.iloc[0]
    assert abs(dom + fo - tot) <= 1e-9 * tot
    dec = plenum.decompose(t, "bm-source", "country", ["CHN"])
    exgr = dec[dec.term == "EXGR"].value.iloc[0]
    terms = dec[dec.term != "EXGR"].value.sum()
    assert abs(terms - exgr) <= 1e-8 * exgr
    ch = plenum.chokepoints(t, "CHN")
    assert len(ch) > 0 and (ch.region != "CHN").all()
    assert sorted(ch.rank_exposure) == list(range(1, len(ch) + 1))


def test_linkages_and_gross_trade(io_test):
    pymrio = pytest.importorskip("pymrio")
    res = plenum.analyze(io_test, linkages=True)
    np.testing.assert_allclose(
        res.linkages.backward_total.to_numpy(), io_test.L.sum(axis=0).to_numpy(), rtol=RTOL
    )
    gt = pymrio.calc_gross_trade(io_test.Z, io_test.Y)
    close(res.gross_trade, gt.bilat_flows, "gross_trade.bilat_flows")
    assert plenum.analyze(io_test).linkages is None


def test_sparse_storage_gives_pymrios_numbers(tmp_path, io_test):
    """A pymrio folder read with Z in compressed sparse rows: analyze solves
    without a dense copy of Z and still gives pymrio's numbers; asking for
    sparse storage where no reader fills it, or for an unknown storage, is a
    TableError."""
    t = plenum.Table.from_pymrio(io_test)
    t.write(tmp_path / "folder", format="pymrio")
    dense = plenum.read_table(tmp_path / "folder", storage="dense")
    sparse = plenum.read_table(tmp_path / "folder", storage="sparse")
    assert (dense.storage, sparse.storage) == ("dense", "csr")
    assert sparse.hash() == dense.hash()
    io = io_test.copy()
    io.calc_all()
    res = plenum.analyze(sparse)
    close(res.x, io.x, "x from a sparse Z")
    for q in ["M", "D_cba", "D_pba", "D_imp", "D_exp"]:
        close(getattr(res.extensions["emissions"], q), getattr(io.emissions, q), f"emissions.{q} from a sparse Z")
    t.write(tmp_path / "t.plenum")
    with pytest.raises(plenum.TableError, match="pymrio folders only"):
        plenum.read_table(tmp_path / "t.plenum", storage="sparse")
    with pytest.raises(plenum.TableError, match="unknown storage"):
        plenum.read_table(tmp_path / "folder", storage="csc")
