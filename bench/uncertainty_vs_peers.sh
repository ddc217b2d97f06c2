#!/usr/bin/env bash
# plenum-uncertainty beside SALib 1.6.0 and pymoo 0.6.1.6 on the same analytic problems
# (Ishigami Sobol' indices, 10-parameter Saltelli design and analysis, NSGA-II on ZDT1/ZDT2),
# in the same run. Needs a venv with the peers:
#   python3 -m venv /work/venvs/uncert && /work/venvs/uncert/bin/pip install SALib==1.6.0 pymoo==0.6.1.6
# Usage: bench/uncertainty_vs_peers.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-/work/venvs/uncert/bin/python}"
cargo build --release -q -p plenum-uncertainty --example peer_problems
echo "== plenum-uncertainty"
./target/release/examples/peer_problems
echo "== SALib and pymoo (regenerates the golden files, which must not change)"
( cd crates/plenum-uncertainty && "$PY" -W ignore tests/golden/make_goldens.py )
git diff --stat -- crates/plenum-uncertainty/tests/golden ':!crates/plenum-uncertainty/tests/golden/peer_times.json'
