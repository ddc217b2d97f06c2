"""pymrio side of bench/analyze_vs_pymrio.sh: load a pymrio folder, run
calc_all, write the results that correspond to `plenum analyze`'s outputs.

    python3 bench/pymrio_calc_all.py FOLDER OUTDIR

What it does, in this order (each step's wall time goes to stderr):
  1. pymrio.load_all(FOLDER): pandas reads Z, Y, x, unit and the extension
     factor_inputs (F = value added) from the tab-separated text files.
  2. io.calc_all(): A = Z x^-1, L = (I - A)^-1 (numpy.linalg.solve against
     the identity: the dense inverse), then for factor_inputs S, M = S L,
     D_cba, D_pba, D_imp, D_exp and their regional sums.
  3. writes to OUTDIR, as CSV: x.csv (gross output), output_multipliers.csv
     (1'L, column sums of L), factor_inputs_M.csv (value-added multipliers
     M = S L), and factor_inputs_NAME.csv for S and the accounts D_cba,
     D_pba, D_imp, D_exp (stressor x industry, as pymrio stores them) and
     their regional sums D_*_reg.
It also prints the BLAS that numpy runs (threadpoolctl) to stderr.

Pinned peers: pymrio 0.7.0 (asserted below).
"""

import os
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import pymrio  # noqa: E402

assert pymrio.__version__ == "0.7.0", f"pymrio {pymrio.__version__}, expected 0.7.0"


def lap(what, t0):
    t = time.perf_counter()
    print(f"pymrio: {what} {t - t0:.2f} s", file=sys.stderr)
    return t


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    folder, out = sys.argv[1], sys.argv[2]
    try:
        import threadpoolctl

        for p in threadpoolctl.threadpool_info():
            print(
                "pymrio: BLAS {internal_api} {version} kernel {architecture} threads {num_threads}".format(
                    **{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                ),
                file=sys.stderr,
            )
    except ImportError:
        print("pymrio: threadpoolctl not installed; BLAS kernel unknown", file=sys.stderr)
    t = lap("imports", T_START)
    io = pymrio.load_all(folder)
    t = lap("load_all", t)
    io.calc_all()
    t = lap("calc_all", t)
    os.makedirs(out, exist_ok=True)
    fi = io.factor_inputs
    io.x.to_csv(os.path.join(out, "x.csv"))
    io.L.sum(axis=0).to_frame("output_multiplier").to_csv(os.path.join(out, "output_multipliers.csv"))
    for name in ["S", "M", "D_cba", "D_pba", "D_imp", "D_exp",
                 "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"]:
        getattr(fi, name).to_csv(os.path.join(out, f"factor_inputs_{name}.csv"))
    t = lap("write", t)
    lap("total in python", T_START)


if __name__ == "__main__":
    main()
