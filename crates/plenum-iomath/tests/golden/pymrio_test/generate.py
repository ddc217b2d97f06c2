#!/usr/bin/env python3
"""Golden files for plenum-iomath from pymrio 0.7.0 on its test MRIO.

Regenerate (from the workspace root):

    python3 crates/plenum-iomath/tests/golden/pymrio_test/generate.py

1. `pymrio.load_test()` (6 regions x 8 sectors, 7 final-demand categories,
   extensions "factor_inputs" and "emissions", with population) is saved as a
   pymrio folder (`save_all`, txt) into `mrio/`, with 17 significant digits so
   that the text holds every bit of each double.
2. That folder is loaded back with `pymrio.load_all`, so the golden numbers
   are computed from exactly the values a reader of `mrio/` sees.
3. `calc_all(include_ghosh=True)` and `calc_gross_trade()` run, and every
   quantity is written to `out/NAME.tsv`: a header line (a label column, then
   column labels), then one line per row: the row label and the values as
   Python `repr` (shortest round-trip form, full precision).
"""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio

assert pymrio.__version__ == "0.7.0", f"pymrio {pymrio.__version__}, expected 0.7.0"

HERE = Path(__file__).resolve().parent
MRIO = HERE / "mrio"
OUT = HERE / "out"


def label(idx):
    return "|".join(str(v) for v in idx) if isinstance(idx, tuple) else str(idx)


def write(name, df):
    if isinstance(df, pd.Series):
        df = df.to_frame()
    arr = df.to_numpy(dtype=float)
    assert np.isfinite(arr).all(), name
    lines = ["\t".join(["label"] + [label(c) for c in df.columns])]
    for r, row in zip(df.index, arr):
        lines.append("\t".join([label(r)] + [repr(float(v)) for v in row]))
    (OUT / f"{name}.tsv").write_text("\n".join(lines) + "\n")


def main():
    for d in (MRIO, OUT):
        if d.exists():
            shutil.rmtree(d)
    OUT.mkdir(parents=True)

    pymrio.load_test().save_all(MRIO, table_format="txt", float_format="%.17g")
    io = pymrio.load_all(MRIO)
    io.calc_all(include_ghosh=True)

    for name in ["Z", "Y", "x", "A", "L", "B", "G"]:
        write(name, getattr(io, name))
    write("population", io.population)

    for ext_name in ["factor_inputs", "emissions"]:
        ext = getattr(io, ext_name)
        for name in [
            "F", "F_Y", "S", "S_Y", "M", "M_down",
            "D_cba", "D_pba", "D_imp", "D_exp",
            "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg",
            "D_cba_cap", "D_pba_cap", "D_imp_cap", "D_exp_cap",
        ]:
            df = getattr(ext, name, None)
            if df is not None:
                write(f"{ext_name}.{name}", df)

    gt = io.get_gross_trade()
    write("gross_trade.bilat_flows", gt.bilat_flows)
    write("gross_trade.totals", gt.totals[["exports", "imports"]])

    (OUT / "VERSIONS").write_text(
        f"pymrio {pymrio.__version__}\npandas {pd.__version__}\nnumpy {np.__version__}\n"
    )


if __name__ == "__main__":
    main()
