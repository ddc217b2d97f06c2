"""Writes data/new-joe-kuo-6.1024.txt: the Joe–Kuo direction numbers (new-joe-kuo-6.21201)
for dimensions 2..1024, from the copy SALib 1.6.0 ships, read by src/joe_kuo.rs. Run from
crates/plenum-uncertainty:

    /work/venvs/uncert/bin/python tests/golden/make_joe_kuo.py
"""
from importlib.metadata import version
from SALib.sample.directions import directions

assert version("SALib") == "1.6.0", version("SALib")
N = 1023
LICENCE = """# Copyright (c) 2008, Frances Y. Kuo and Stephen Joe. All rights reserved.
# Redistribution and use in source and binary forms, with or without modification, are
# permitted provided that the following conditions are met: redistributions of source code
# must retain the above copyright notice, this list of conditions and the following
# disclaimer; redistributions in binary form must reproduce the above copyright notice, this
# list of conditions and the following disclaimer in the documentation and/or other materials
# provided with the distribution; neither the names of the copyright holders nor the names of
# the University of New South Wales and the University of Waikato and its contributors may be
# used to endorse or promote products derived from this software without specific prior
# written permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS "AS IS" AND ANY
# EXPRESS OR IMPLIED WARRANTIES ARE DISCLAIMED (full text: SALib/sample/sobol_sequence.py)."""
out = [
    "# Joe–Kuo direction numbers (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo, \"Constructing",
    "# Sobol sequences with better two-dimensional projections\", SIAM J. Sci. Comput. 30",
    "# (2008) 2635-2654), dimensions 2 to %d. Each line is `a m_1 … m_s`: the primitive" % (N + 1),
    "# polynomial's interior coefficients packed as bits, then the initial direction integers.",
    "# Dimension 1 is the van der Corput sequence (all m = 1). Generated from the copy SALib",
    "# 1.6.0 ships by tests/golden/make_joe_kuo.py; do not edit by hand.",
    "#",
    LICENCE,
]
for r in directions[:N]:
    out.append(" ".join(str(int(v)) for v in r))
open("data/new-joe-kuo-6.1024.txt", "w").write("\n".join(out) + "\n")
