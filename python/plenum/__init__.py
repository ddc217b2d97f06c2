"""plenum: an open scenario engine for multi-regional input-output tables.

The numbers come from plenum's compiled core (Rust), the same code as the
``plenum`` command line; this module gives them pymrio's names and labels:

>>> import pymrio, plenum
>>> io = pymrio.load_test()
>>> t = plenum.Table.from_pymrio(io)           # no files written
>>> res = plenum.analyze(t)                   # pymrio's calc_all quantities
>>> res.x.head()                              # DataFrame, index (region, sector)
>>> res.extensions["emissions"].D_cba          # stressors × (region, sector)

Errors are raised as :class:`TableError`, :class:`ScenarioError`,
:class:`SimulationError` or :class:`AnalysisError` (all :class:`PlenumError`),
with the command line's messages. Heavy calls release the GIL.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _plenum
from ._plenum import (  # noqa: F401  (re-exported)
    AnalysisError,
    PlenumError,
    ScenarioError,
    SimulationError,
    TableError,
    __version__,
)

__all__ = [
    "Table",
    "Analysis",
    "ExtensionAnalysis",
    "read_table",
    "default_table",
    "analyze",
    "self_reliance",
    "decompose",
    "chokepoints",
    "simulate_ario",
    "run",
    "shipped_scenarios",
    "PlenumError",
    "TableError",
    "ScenarioError",
    "SimulationError",
    "AnalysisError",
    "__version__",
]

# Joins the levels of a multi-level stressor index into one plenum label,
# as plenum's pymrio folder reader does.
_LEVEL_SEP = " | "


def _industry_index(regions: Sequence[str], sectors: Sequence[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([list(regions), list(sectors)], names=["region", "sector"])


def _fd_index(regions: Sequence[str], categories: Sequence[str]) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([list(regions), list(categories)], names=["region", "category"])


def _region_index(regions: Sequence[str]) -> pd.Index:
    return pd.Index(list(regions), name="region")


class Table:
    """A validated multi-regional input-output table.

    Matrices are numpy arrays (``Z``, ``Y``, ``x``, ``V``) and pandas frames
    labelled as pymrio labels them (``Z_df``, ``Y_df``, ``x_df``, ``V_df``).
    Industries are region-major: industry ``r * S + s``.
    """

    __slots__ = ("_t", "_stressor_index")

    def __init__(self, native: "_plenum.Table", stressor_index: Optional[Dict[str, pd.Index]] = None):
        self._t = native
        self._stressor_index = stressor_index or {}

    # -- construction ---------------------------------------------------
    @classmethod
    def from_pymrio(cls, io: Any, balance_rtol: Optional[float] = 1e-8) -> "Table":
        """A table from a pymrio ``IOSystem`` held in memory (no files).

        ``Z``, ``Y`` and ``x`` are taken as they are (``x`` is computed as
        pymrio computes it, Z·1 + Y·1, when the system has none); V is the
        one component ``VA`` = x' − 1'Z, as plenum's pymrio folder reader
        derives it; every extension is kept with its F and F_Y.
        """
        Z = io.Z
        Y = io.Y
        if Z is None or Y is None:
            raise TableError("the pymrio system has no Z or Y; load or compute them first (io.calc_system())")
        regions = list(Z.index.get_level_values(0).unique())
        sectors = list(Z.index.get_level_values(1).unique())
        categories = list(Y.columns.get_level_values(1).unique())
        want_rows = _industry_index(regions, sectors)
        if not Z.index.equals(want_rows) and list(Z.index) != list(want_rows):
            raise TableError(
                "Z's index is not region-major (every sector of the first region, then the next region); "
                "sort it with io.Z.sort_index() or reindex it before converting"
            )
        x = getattr(io, "x", None)
        if x is None:
            xv = Z.to_numpy(dtype=np.float64).sum(axis=1) + Y.to_numpy(dtype=np.float64).sum(axis=1)
        else:
            xv = np.asarray(x.to_numpy(dtype=np.float64)).reshape(-1)
        exts = []
        stressor_index: Dict[str, pd.Index] = {}
        for ext in io.get_extensions(data=True):
            F = ext.F
            if F is None:
                continue
            key = getattr(ext, "name", None) or "extension"
            folder = key.lower().replace(" ", "_")
            stressor_index[folder] = F.index
            stressors = [
                _LEVEL_SEP.join(str(v) for v in s) if isinstance(s, tuple) else str(s) for s in F.index
            ]
            unit = getattr(ext, "unit", None)
            if unit is not None and len(unit) == len(F.index):
                units = [str(u) for u in np.asarray(unit).reshape(len(F.index), -1)[:, 0]]
            else:
                units = [""] * len(F.index)
            FY = getattr(ext, "F_Y", None)
            exts.append(
                (
                    folder,
                    stressors,
                    units,
                    np.ascontiguousarray(F.to_numpy(dtype=np.float64)),
                    None if FY is None else np.ascontiguousarray(FY.to_numpy(dtype=np.float64)),
                )
            )
        native = _plenum.table_from_arrays(
            regions,
            sectors,
            categories,
            np.asarray(Z.to_numpy(dtype=np.float64)),
            np.asarray(Y.to_numpy(dtype=np.float64)),
            np.ascontiguousarray(xv, dtype=np.float64),
            exts,
            name=str(getattr(io, "name", "pymrio") or "pymrio"),
            unit=_first_unit(io),
            balance_rtol=balance_rtol,
        )
        return cls(native, stressor_index)

    def to_pymrio(self) -> Any:
        """This table as a pymrio ``IOSystem`` (Z, Y, x, unit and every
        extension with F, F_Y and unit), ready for ``calc_all``."""
        import pymrio

        idx = self.industry_index
        exts = {}
        for name in self.extensions:
            F = self.extension_F(name)
            FY = self.extension_F_Y(name)
            units = pd.DataFrame({"unit": self._t.extension_units(name)}, index=F.index)
            exts[name] = {"name": name, "F": F, "F_Y": FY, "unit": units}
        io = pymrio.IOSystem(
            Z=self.Z_df,
            Y=self.Y_df,
            x=self.x_df,
            unit=pd.DataFrame({"unit": [self.unit] * len(idx)}, index=idx),
            name=self.name,
            **exts,
        )
        return io

    # -- labels -----------------------------------------------------------
    @property
    def name(self) -> str:
        return self._t.name

    @property
    def unit(self) -> str:
        return self._t.unit

    @property
    def currency(self) -> str:
        return self._t.currency

    @property
    def storage(self) -> str:
        """How Z is kept: ``"dense"`` or ``"csr"`` (compressed sparse rows;
        see ``read_table(storage=...)``)."""
        return self._t.storage

    @property
    def regions(self) -> List[str]:
        return self._t.regions

    @property
    def sectors(self) -> List[str]:
        return self._t.sectors

    @property
    def fd_categories(self) -> List[str]:
        return self._t.fd_categories

    @property
    def va_components(self) -> List[str]:
        return self._t.va_components

    @property
    def extensions(self) -> List[str]:
        return self._t.extensions

    @property
    def industry_index(self) -> pd.MultiIndex:
        return _industry_index(self.regions, self.sectors)

    @property
    def fd_index(self) -> pd.MultiIndex:
        return _fd_index(self.regions, self.fd_categories)

    # -- arrays -------------------------------------------------------------
    @property
    def Z(self) -> np.ndarray:
        return self._t.Z

    @property
    def Y(self) -> np.ndarray:
        return self._t.Y

    @property
    def x(self) -> np.ndarray:
        return self._t.x

    @property
    def V(self) -> np.ndarray:
        return self._t.V

    @property
    def Z_df(self) -> pd.DataFrame:
        i = self.industry_index
        return pd.DataFrame(self.Z, index=i, columns=i.copy())

    @property
    def Y_df(self) -> pd.DataFrame:
        return pd.DataFrame(self.Y, index=self.industry_index, columns=self.fd_index)

    @property
    def x_df(self) -> pd.DataFrame:
        return pd.DataFrame({"indout": self.x}, index=self.industry_index)

    @property
    def V_df(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.V, index=pd.Index(self.va_components, name="inputtype"), columns=self.industry_index
        )

    def stressor_index(self, extension: str) -> pd.Index:
        """The stressor index of an extension as pymrio had it (levels
        restored), or plenum's one-level labels."""
        if extension in self._stressor_index:
            return self._stressor_index[extension]
        labels = self._t.extension_stressors(extension)
        if labels and all(_LEVEL_SEP in s for s in labels):
            return pd.MultiIndex.from_tuples(
                [tuple(s.split(_LEVEL_SEP)) for s in labels], names=["stressor", "compartment"]
            )
        return pd.Index(labels, name="stressor")

    def extension_F(self, extension: str) -> pd.DataFrame:
        return pd.DataFrame(
            self._t.extension_F(extension), index=self.stressor_index(extension), columns=self.industry_index
        )

    def extension_F_Y(self, extension: str) -> Optional[pd.DataFrame]:
        a = self._t.extension_F_Y(extension)
        if a is None:
            return None
        return pd.DataFrame(a, index=self.stressor_index(extension), columns=self.fd_index)

    def hash(self) -> str:
        """sha256 of the table's canonical encoding (the manifests' table hash)."""
        return self._t.hash()

    def write(self, path: Union[str, os.PathLike], format: str = "native") -> None:
        """Writes a ``.plenum`` file (``native``) or a pymrio text folder (``pymrio``)."""
        self._t.write(os.fspath(path), format)

    def __repr__(self) -> str:
        return repr(self._t)


def _first_unit(io: Any) -> str:
    u = getattr(io, "unit", None)
    try:
        return str(np.asarray(u).reshape(-1)[0]) if u is not None and len(u) else ""
    except Exception:  # a unit the system does not hold in a frame
        return ""


def read_table(
    path: Union[str, os.PathLike],
    format: str = "auto",
    allow_zero_output: bool = False,
    balance_rtol: Optional[float] = None,
    storage: str = "auto",
) -> Table:
    """Reads a table: a ``.plenum`` file, a pymrio folder (text or parquet),
    WIOD 2013, OECD ICIO or national tables, or China's NBS tables;
    ``format="auto"`` tells them apart as ``plenum --format auto`` does.

    ``storage`` is how Z is kept, as ``plenum --storage``: ``"auto"`` keeps
    a pymrio text folder's Z in compressed sparse rows when at most 15 % of
    its cells are nonzero (the measured threshold), ``"dense"`` and
    ``"sparse"`` force one. ``Table.storage`` says which was kept;
    ``analyze`` then solves without a dense copy of Z (``Table.Z`` and
    pymrio's ``A`` are dense numpy arrays whatever the storage)."""
    return Table(
        _plenum.read_table(os.fspath(path), format, allow_zero_output, balance_rtol, storage)
    )


def default_table() -> Table:
    """The embedded 2022 world table, ``plenum run``'s default."""
    return Table(_plenum.default_table())


@dataclass
class ExtensionAnalysis:
    """pymrio's quantities of one extension, with pymrio's labels."""

    name: str
    S: pd.DataFrame
    M: pd.DataFrame
    D_cba: pd.DataFrame
    D_pba: pd.DataFrame
    D_imp: pd.DataFrame
    D_exp: pd.DataFrame
    D_cba_reg: pd.DataFrame
    D_pba_reg: pd.DataFrame
    D_imp_reg: pd.DataFrame
    D_exp_reg: pd.DataFrame
    S_Y: Optional[pd.DataFrame] = None
    M_down: Optional[pd.DataFrame] = None
    D_cba_cap: Optional[pd.DataFrame] = None
    D_pba_cap: Optional[pd.DataFrame] = None
    D_imp_cap: Optional[pd.DataFrame] = None
    D_exp_cap: Optional[pd.DataFrame] = None


@dataclass
class Analysis:
    """pymrio's ``calc_all`` quantities, as DataFrames with pymrio's index
    and columns; ``L``, ``B``, ``G`` and ``M_down`` only when asked for."""

    x: pd.DataFrame
    A: pd.DataFrame
    output_multipliers: pd.Series
    extensions: Dict[str, ExtensionAnalysis] = field(default_factory=dict)
    linkages: Optional[pd.DataFrame] = None
    gross_trade: Optional[pd.DataFrame] = None
    L: Optional[pd.DataFrame] = None
    B: Optional[pd.DataFrame] = None
    G: Optional[pd.DataFrame] = None
    va_multipliers: Optional[pd.Series] = None
    solver: Dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, extension: str) -> ExtensionAnalysis:
        return self.extensions[extension]


def _as_table(table: Any) -> Table:
    if isinstance(table, Table):
        return table
    if table is None:
        return default_table()
    if hasattr(table, "Z") and hasattr(table, "get_extensions"):
        return Table.from_pymrio(table)
    if isinstance(table, (str, os.PathLike)):
        return read_table(table)
    raise TypeError("give a plenum.Table, a pymrio IOSystem or the path of a table")


def analyze(
    table: Any,
    L: bool = False,
    ghosh: bool = False,
    population: Optional[Union[pd.DataFrame, Sequence[float]]] = None,
    linkages: bool = False,
    solver: str = "auto",
    rtol: float = 1e-12,
    max_memory_gb: float = 8.0,
) -> Analysis:
    """Every quantity of pymrio's ``calc_all`` (and linkages and gross trade).

    ``L=True`` also returns the Leontief inverse (n × n; the other quantities
    never need it), ``ghosh=True`` the Ghosh B and G and the downstream
    multipliers ``M_down``, and ``population`` (one number per region, or
    pymrio's population frame) the per-capita accounts ``D_*_cap``;
    ``linkages=True`` adds the backward/forward linkages (from the same
    solves, no inverse) and gross bilateral trade.

    ``solver`` is the CLI's ``--solver``: ``"auto"`` (LU below 1,500
    industries or with many right-hand sides per industry, else block GMRES
    on Z as stored), ``"lu"``, ``"iterative"`` or ``"mixed-lu"``; ``rtol``
    the iterative solves' relative residual (default 1e-12). With ``L`` or
    ``ghosh``, ``"auto"`` factors. ``Analysis.solver`` is the solve log,
    with the keys of the CLI's ``solver.json``.

    ``max_memory_gb`` (default 8, as the CLI's ``--max-memory-gb``) bounds
    the memory the call adds beside the table, estimated from the table's
    size before any work; over it the call raises with the estimate and the
    lighter route.
    """
    t = _as_table(table)
    pop = None
    if population is not None:
        pop = [float(v) for v in np.asarray(population, dtype=np.float64).reshape(-1)]
    core, exts, log = _plenum.analyze(t._t, L, ghosh, pop, linkages, solver, rtol, max_memory_gb)
    ii = t.industry_index
    regs = _region_index(t.regions)
    sq = lambda a: pd.DataFrame(a, index=ii, columns=ii.copy())  # noqa: E731
    out = Analysis(
        x=pd.DataFrame({"indout": core["x"]}, index=ii),
        A=sq(core["A"]),
        output_multipliers=pd.Series(core["output_multipliers"], index=ii, name="output_multipliers"),
        linkages=(
            pd.DataFrame({k: core[k] for k in _LINKAGES}, index=ii) if "backward_index" in core else None
        ),
        gross_trade=(
            pd.DataFrame(core["bilat_flows"], index=ii, columns=regs) if "bilat_flows" in core else None
        ),
        L=sq(core["L"]) if "L" in core else None,
        B=sq(core["B"]) if "B" in core else None,
        G=sq(core["G"]) if "G" in core else None,
        va_multipliers=(
            pd.Series(core["va_multipliers"], index=ii, name="va_multipliers")
            if "va_multipliers" in core
            else None
        ),
        solver=log,
    )
    for name, q in exts.items():
        si = t.stressor_index(name)
        by_ind = lambda a: pd.DataFrame(a, index=si, columns=ii)  # noqa: E731
        by_reg = lambda a: pd.DataFrame(a, index=si, columns=regs)  # noqa: E731
        opt = lambda k, f: f(q[k]) if k in q else None  # noqa: E731
        out.extensions[name] = ExtensionAnalysis(
            name=name,
            S=by_ind(q["S"]),
            M=by_ind(q["M"]),
            D_cba=by_ind(q["D_cba"]),
            D_pba=by_ind(q["D_pba"]),
            D_imp=by_ind(q["D_imp"]),
            D_exp=by_ind(q["D_exp"]),
            D_cba_reg=by_reg(q["D_cba_reg"]),
            D_pba_reg=by_reg(q["D_pba_reg"]),
            D_imp_reg=by_reg(q["D_imp_reg"]),
            D_exp_reg=by_reg(q["D_exp_reg"]),
            S_Y=opt("S_Y", lambda a: pd.DataFrame(a, index=si, columns=t.fd_index)),
            M_down=opt("M_down", by_ind),
            D_cba_cap=opt("D_cba_cap", by_reg),
            D_pba_cap=opt("D_pba_cap", by_reg),
            D_imp_cap=opt("D_imp_cap", by_reg),
            D_exp_cap=opt("D_exp_cap", by_reg),
        )
    return out


def _frame(cols: Dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame(cols)


def self_reliance(
    table: Any,
    region: Union[str, Sequence[str]],
    sector: Optional[Union[str, Sequence[str]]] = None,
    group: Optional[Sequence[str]] = None,
    max_memory_gb: float = 8.0,
) -> Dict[str, pd.DataFrame]:
    """Value added by origin and dependence on a group of regions (default:
    the chip-control coalition), as ``plenum analyze self-reliance``.

    Returns ``{"va_origin", "va_origin_by_source", "dependence"}`` tidy frames.

    ``max_memory_gb`` (default 8, as the CLI's ``--max-memory-gb``) bounds
    the memory the call adds beside the table, estimated from the table's
    size before any work; over it the call raises with the estimate and the
    lighter route.
    """
    t = _as_table(table)
    regions = [region] if isinstance(region, str) else list(region)
    sectors = None if sector is None else ([sector] if isinstance(sector, str) else list(sector))
    a, b, c = _plenum.self_reliance(
        t._t, regions, sectors, None if group is None else list(group), max_memory_gb
    )
    return {"va_origin": _frame(a), "va_origin_by_source": _frame(b), "dependence": _frame(c)}


def decompose(
    table: Any,
    method: str = "bm-source",
    level: str = "country",
    region: Optional[Sequence[str]] = None,
    max_memory_gb: float = 8.0,
) -> pd.DataFrame:
    """Gross-export decomposition (``kww``, ``wwz``, ``bm-source``, ``bm-sink``)
    at the ``country``, ``bilateral`` or ``sector`` level: columns exporter,
    importer, sector, term, value (``EXGR`` and each term).

    ``max_memory_gb`` (default 8, as the CLI's ``--max-memory-gb``) bounds
    the memory the call adds beside the table, estimated from the table's
    size before any work; over it the call raises with the estimate and the
    lighter route.
    """
    t = _as_table(table)
    regions = None if region is None else list(region)
    return _frame(_plenum.decompose(t._t, method, level, regions, max_memory_gb))


def chokepoints(
    table: Any,
    region: Union[str, Sequence[str]],
    critical_share: float = 0.01,
    solver: str = "auto",
    rtol: float = 1e-12,
    max_memory_gb: float = 8.0,
) -> pd.DataFrame:
    """Foreign suppliers of the target region(s) ranked by look-through
    exposure, bottleneck loss and hypothetical extraction, one row per
    supplier industry (sorted by exposure rank), as ``plenum chokepoints``.

    ``solver`` is the CLI's ``--solver``: ``"auto"`` (LU for small tables,
    block GMRES on Z as stored at scale), ``"lu"`` (the dense model's bits),
    ``"iterative"`` or ``"mixed-lu"``; ``rtol`` the iterative solves'
    relative residual. ``df.attrs["solver"]`` holds the solve log with the
    keys of the CLI's ``solver.json`` (method, sweeps, residual, ...).

    ``max_memory_gb`` (default 8, as the CLI's ``--max-memory-gb``) bounds
    the memory the call adds beside the table, estimated from the table's
    size before any work; over it the call raises with the estimate and the
    lighter route.
    """
    t = _as_table(table)
    regions = [region] if isinstance(region, str) else list(region)
    cols, log = _plenum.chokepoints(t._t, regions, critical_share, solver, rtol, max_memory_gb)
    df = _frame(cols)
    df.attrs["solver"] = log
    return df


_LINKAGES = (
    "backward_direct",
    "forward_direct",
    "backward_total",
    "forward_total",
    "backward_index",
    "forward_index",
)

_ARIO_VARIABLES = ("production_realised", "production_capacity", "final_demand_unmet", "rebuild_demand")


def simulate_ario(
    io_or_table: Any,
    events: Union[str, os.PathLike, Dict[str, Any], Sequence[Dict[str, Any]]],
    steps: int,
    model: Optional[Dict[str, Any]] = None,
    stocks: bool = False,
) -> Dict[str, pd.DataFrame]:
    """Runs the ARIO engine, BoARIO's model step for step.

    ``events`` is an event file's path or text (plenum's TOML event file), or
    a dict (one event) or list of dicts in BoARIO's argument names
    (``event_type="recovery"``, ``impact``, ``affected_regions``, ...);
    ``model`` holds the model's arguments in BoARIO's names (``order_type``,
    ``alpha_max``, ``inventory_dict``, ...). Returns one DataFrame per
    recorded variable: index step, columns (region, sector) in the model's
    order (sorted, as BoARIO sorts them).
    """
    t = _as_table(io_or_table)
    if isinstance(events, (dict, list, tuple)):
        evs = [events] if isinstance(events, dict) else list(events)
        doc: Dict[str, Any] = {"event": evs}
        if model:
            doc["model"] = model
        out = _plenum.simulate_ario(t._t, json.dumps(doc, default=_jsonable), int(steps), True, "<events>", stocks)
    else:
        if model:
            raise SimulationError("give the model's arguments in the event file's [model] table, or pass events as dicts")
        p = Path(os.fspath(events))
        if "\n" not in str(events) and p.is_file():
            out = _plenum.simulate_ario(t._t, p.read_text(), int(steps), False, str(p), stocks)
        else:
            out = _plenum.simulate_ario(t._t, str(events), int(steps), False, "<events>", stocks)
    cols = _industry_index(out["regions"], out["sectors"])
    steps_idx = pd.RangeIndex(len(out["temporal_units"]), name="step")
    res = {k: pd.DataFrame(out[k], index=steps_idx, columns=cols) for k in _ARIO_VARIABLES}
    if stocks:
        sc = pd.MultiIndex.from_tuples(
            [(inp, r, s) for inp in out["sectors"] for (r, s) in cols], names=["input", "region", "sector"]
        )
        res["inputs_stocks"] = pd.DataFrame(out["inputs_stocks"], index=steps_idx, columns=sc)
    return res


def _jsonable(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        f = float(v)
        return "inf" if f == float("inf") else f
    if isinstance(v, (np.ndarray, pd.Index, pd.Series)):
        return list(v)
    raise TypeError(f"cannot pass {type(v).__name__} to the engine")


def shipped_scenarios() -> List[str]:
    """Names of the scenarios shipped with plenum."""
    return list(_plenum.shipped_scenarios())


def run(
    scenarios: Optional[Iterable[Union[str, os.PathLike]]] = None,
    table: Any = None,
    report: Optional[Union[str, os.PathLike]] = None,
) -> pd.DataFrame:
    """Calibrates and runs scenarios quarter by quarter, as ``plenum run``:
    each item is a shipped name, a scenario file's path or its TOML text;
    ``None`` runs all shipped scenarios on the embedded default table.

    Returns the tidy results (quarter, scenario, region, sector, variable,
    value). ``df.attrs["fit"]`` is the fit against the calibration file's
    facts, as ``plenum run``'s ``fit.csv``: one row per scenario and target
    with fact, tolerance, model, met, solved, consensus (judged for the
    first scenario only), source and cause (what sets the row in the model
    and why a miss misses). ``report=PATH`` also writes the HTML report by
    calling the ``plenum`` command, when it is installed.
    """
    items = []
    for s in scenarios or []:
        s = os.fspath(s) if isinstance(s, os.PathLike) else s
        p = Path(s)
        if "\n" not in s and p.suffix == ".toml" and p.is_file():
            items.append((str(p), p.read_text()))
        elif "\n" in s or "=" in s:
            items.append(("<scenario>", s))
        else:
            items.append((s, None))
    t = None if table is None else _as_table(table)._t
    cols = _plenum.run(items, t)
    fit = pd.DataFrame(cols.pop("_fit"))
    df = pd.DataFrame(cols)
    df.attrs["fit"] = fit
    if report is not None:
        _write_report(list(scenarios or []), report)
    return df


def _write_report(scenarios: List[Any], path: Union[str, os.PathLike]) -> None:
    import shutil
    import subprocess
    import tempfile

    exe = shutil.which("plenum")
    if exe is None:
        raise ScenarioError("the HTML report needs the plenum command on PATH (cargo install --path crates/plenum)")
    with tempfile.TemporaryDirectory() as d:
        args = [exe, "run", *[os.fspath(s) for s in scenarios], "--out", d]
        subprocess.run(args, check=True, capture_output=True)
        shutil.copyfile(os.path.join(d, "report.html"), os.fspath(path))
