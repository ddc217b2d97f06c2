"""Regenerates the exvatools test tables used by plenum-gvc's golden tests.

Source: the R package exvatools 0.9.0 (Enrique Feás, GPL-3), git mirror
github:cran/exvatools at commit 8e973b9f7aa0f28c3bcf8316f2da85aae3253630,
files data/iciotest_data.rda and data/wiodtest_data.rda. exvatools documents
these tables as fictitious ("Data for these tables is not real"); they are
used here only as test inputs, with credit. The expected numbers compared
against live in tests/golden_exvatools.rs and come from exvatools'
tests/testthat/test-make_exvadec_*.R of the same commit.

Usage: python3 extract.py ICIOTEST.rda WIODTEST.rda
Writes iciotest.csv (30 x 42: Z | Y with 2 final-demand categories for
6 countries) and wiodtest.csv (18 x 30), no header, full double precision.
"""
import sys

import rdata  # pure-Python R data reader

assert rdata.__version__ == "1.1.0", f"pinned rdata 1.1.0, found {rdata.__version__}"

for src, name, shape in [(sys.argv[1], "iciotest", (30, 42)), (sys.argv[2], "wiodtest", (18, 30))]:
    d = rdata.read_rda(src)
    (arr,) = d.values()
    m = arr.values
    assert m.shape == shape, (name, m.shape)
    with open(f"{name}.csv", "w") as f:
        for row in m:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    print(name, m.shape, "sum", float(m.sum()))
