#!/usr/bin/env bash
# plenum chokepoints at GLORIA size (issue 15, item 4): the lean ranking
# (block GMRES on Z, `--solver auto`) against the same binary's LU path
# (`--solver lu`: A dense and its LU factors, what the dense model held), on
# the same synthetic pymrio text folder, whole process, alternated.
#
#   bash bench/chokepoints_scale.sh [DIR]     (default /tmp/glor60)
#
# DIR is made if absent: `synth_pymrio 164 120 DIR 5 42 SPARSITY` (n =
# 19,680, 60 % of interregional cells zero by default: Z 40 % dense, a
# 4.3 GB Z.txt; SPARSITY=0.97 gives Z 3.6 % dense, read as CSR by
# --storage auto). Environment: REPS (1), REGION (R00, 120 target
# industries), SPARSITY (0.6), LU (1: also run --solver lu; it needs about
# 10 GB and (2/3) n^3 = 5 TFLOP), PLENUM (target/release/plenum).
# Prints, for each run, wall, user, system and peak RSS, the load average
# before it, and the solver's sweeps and residual; then compares the two
# runs' CSVs (every score within 1e-9 of its measure's largest, identical
# ranks) with bench/chokepoints_compare.py.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=${1:-/tmp/glor60}
REPS=${REPS:-1}
REGION=${REGION:-R00}
SPARSITY=${SPARSITY:-0.6}
LU=${LU:-1}
PLENUM=${PLENUM:-target/release/plenum}
OUT=$(mktemp -d /tmp/choke-bench.XXXXXX)

cargo build --release -q -p plenum -p plenum-gvc --bin plenum --example synth_pymrio
if [ ! -f "$DIR/Z.txt" ]; then
  echo "making $DIR (synth_pymrio 164 120 $DIR 5 42 $SPARSITY)"
  target/release/examples/synth_pymrio 164 120 "$DIR" 5 42 "$SPARSITY"
fi

run() { # label solver
  local o="$OUT/$1"
  rm -rf "$o"
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v "$PLENUM" chokepoints "$DIR" --region "$REGION" --top 5 \
    --solver "$2" --out "$o" > "$OUT/$1.txt" 2> "$OUT/$1.err"
  python3 - "$OUT/$1.err" "$o/solver.json" "$1" "$load" <<'PY'
import json, re, sys
err, sj, label, load = sys.argv[1:]
t = open(err).read()
def g(k):
    return re.search(re.escape(k) + r": (.*)", t).group(1).strip()
w = g("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
s = json.load(open(sj))
print(f"{label:>6}: wall {wall:6.1f} s  user {float(g('User time (seconds)')):6.1f} s  "
      f"sys {float(g('System time (seconds)')):5.1f} s  peak {int(g('Maximum resident set size (kbytes)'))/1e6:5.2f} GB  "
      f"load {load}  {s['method']} sweeps {s['sweeps']} residual {s['max_relative_residual']:.1e}")
PY
}

for r in $(seq 1 "$REPS"); do
  if [ "$LU" = 1 ] && [ $((r % 2)) = 0 ]; then run lu lu; fi
  run auto auto
  if [ "$LU" = 1 ] && [ $((r % 2)) = 1 ]; then run lu lu; fi
done
if [ "$LU" = 1 ]; then
  python3 bench/chokepoints_compare.py "$OUT/lu" "$OUT/auto"
fi
echo "outputs in $OUT"
