#!/usr/bin/env bash
# The Python package (issue 18): a fresh virtual environment, the peers from
# the package index, `pip install ./python` (maturin builds the extension,
# reusing the workspace's compiled dependencies through CARGO_TARGET_DIR),
# then pytest. Where Python or pip is missing it says SKIPPED and passes.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv --help >/dev/null 2>&1; then
  echo "SKIPPED: python3 with venv not found"
  exit 0
fi
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "maturin>=1.7,<2" pytest "pymrio==0.7.0" "boario==0.7.2" progressbar2 pandas numpy
export CARGO_TARGET_DIR="$PWD/target"
"$venv/bin/pip" install -q ./python
# The package's crate is outside the workspace, so .ci/lint.sh does not see it.
echo "== cargo clippy (python/) -- -D warnings"
(cd python && PYO3_PYTHON="$venv/bin/python" cargo clippy --release --all-targets -- -D warnings)
# From a folder of its own: `python -m pytest` puts the working folder on
# sys.path, and in python/ that is the source package without its compiled
# module, which would shadow the installed one.
repo="$PWD"
cd "$(mktemp -d)"
"$venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$repo/python" "$repo/python/tests"
