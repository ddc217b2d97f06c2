#!/usr/bin/env python3
"""Python's `max_memory_gb=` estimates against the peak each call adds
(BENCHMARKS.md, "Memory bounds", Python). Each call runs in a fresh
interpreter on a table folder read with `plenum.read_table`: the estimate is
read from the refusal at a bound of 1e-9 GB, then the peak is reset
(`/proc/self/clear_refs`), the call made, and the peak (`VmHWM`) less the
resident memory before the call reported. Linux only.

Usage: python3 bench/python_memory_bounds.py DIR [DIR ...]
(folders from `synth_pymrio R S DIR 5 42 0.3`, e.g. 50 50 and 50 100 for
n = 2,500 and 5,000; run with the interpreter that has plenum and pytest
installed, as the probe is python/tests/test_memory.py's; region R00 is the
target and R01, R02 the group).
"""
import os
import sys

# The probe of python/tests/test_memory.py, which checks the same estimates
# on every CI run.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python", "tests"))
from test_memory import measure  # noqa: E402

CALLS = [
    ("analyze", "plenum.analyze(t, **kw)"),
    ("analyze L=True", "plenum.analyze(t, L=True, **kw)"),
    ("analyze solver=iterative", "plenum.analyze(t, solver='iterative', **kw)"),
    ("analyze ghosh=True", "plenum.analyze(t, ghosh=True, **kw)"),
    ("chokepoints", "plenum.chokepoints(t, 'R00', **kw)"),
    ("chokepoints solver=lu", "plenum.chokepoints(t, 'R00', solver='lu', **kw)"),
    ("chokepoints solver=iterative", "plenum.chokepoints(t, 'R00', solver='iterative', **kw)"),
    ("decompose wwz", "plenum.decompose(t, method='wwz', **kw)"),
    ("self_reliance", "plenum.self_reliance(t, 'R00', group=['R01', 'R02'], **kw)"),
]

print("| n | call | estimate | peak added | estimate / peak |")
print("|---|---|---|---|---|")
for path in sys.argv[1:]:
    for name, expr in CALLS:
        r = measure(f"t = plenum.read_table({path!r})", expr)
        print(
            f"| {r['n']:,} | `{name}` | {r['estimate'] / 1e9:.2f} GB | {r['added'] / 1e9:.2f} GB "
            f"| {r['estimate'] / r['added']:.2f} |"
        )
