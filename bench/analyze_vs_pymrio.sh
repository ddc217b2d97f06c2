#!/usr/bin/env bash
# plenum analyze vs pymrio calc_all, whole process, on the same synthetic
# tables (issue 2). See BENCHMARKS.md, section "plenum analyze vs pymrio".
#
#   bash bench/analyze_vs_pymrio.sh [SIZES...]        (default: 1000 2500 5000)
#
# Sizes: 1000 = 50×20, 2500 = 100×25, 5000 = 100×50 (30 % of interregional
# cells zero), 9800 = 49×200 (EXIOBASE's shape, 30 %), 19680 = 164×120
# (GLORIA's shape, 60 % zero: ~60 % of all cells). PYMRIO_MAX (9800): larger
# sizes run plenum only, unless PYMRIO_MAX is raised (pymrio at 19,680 needs
# more than 24 GB; run it alone with REPS=1). NATIVE (1): also time `plenum
# table info` on the native (.plenum) copy of each table, the reader alone.
#
# Environment: REPS (3), WORK (/tmp/plenum-bench: tables and outputs, about
# 0.6 GB), LU_BENCH (1: also run plenum-iomath's lu_bench at n = 5000 after
# the side-by-side runs, so that its figures come from the same session).
#
# For each n = R·S (1000 = 50×20, 2500 = 100×25, 5000 = 100×50):
#   1. writes the seeded synthetic table (plenum_gvc::synthetic::random_table,
#      5 final-demand categories, seed 42) as a pymrio text folder with
#      `synth_pymrio` (not timed);
#   2. REPS times, alternating which goes first, under /usr/bin/time -v:
#      (a) plenum analyze FOLDER --out OUT --tidy csv
#          reads the folder, validates the table, A, LU of I − A, x, output,
#          value-added and domestic value-added multipliers, linkages, gross
#          trade, value-added footprints, regional accounts of every
#          extension (here factor_inputs); writes the summary to stdout
#          (discarded) and industries.csv, regions.csv, accounts.csv and
#          manifest.json (with the table's SHA-256) to OUT;
#      (b) python3 bench/pymrio_calc_all.py FOLDER OUT
#          pymrio.load_all, calc_all (A, L by numpy solve, S, M, D_cba, D_pba,
#          D_imp, D_exp and regional sums of factor_inputs), writes x, 1'L, M,
#          D_cba and D_cba_reg as CSV. Run with OPENBLAS_CORETYPE and
#          OPENBLAS_L2_SIZE unset, which otherwise may slow numpy here.
#   3. checks that both agree (bench/compare_outputs.py, rtol 1e-9): x,
#      multipliers, the VA footprints and every factor_inputs account by
#      industry (S, M, D_cba, D_pba, D_imp, D_exp) and by region.
# Prints a table of median wall time, median CPU time (user + system), peak
# RSS (largest of the runs) and the ratios (bench/summarize.py); raw figures
# go to $WORK/results.tsv.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
REPS=${REPS:-3}
WORK=${WORK:-/tmp/plenum-bench}
LU_BENCH=${LU_BENCH:-1}
PYMRIO_MAX=${PYMRIO_MAX:-9800}
NATIVE=${NATIVE:-1}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 2500 5000)
mkdir -p "$WORK"

shape() {
  case "$1" in
    1000) echo "50 20" ;;
    2500) echo "100 25" ;;
    5000) echo "100 50" ;;
    9800) echo "49 200" ;;
    19680) echo "164 120" ;;
    *) echo "unknown size $1 (use 1000, 2500, 5000, 9800 or 19680)" >&2; exit 2 ;;
  esac
}

cargo build --release -p plenum
cargo build --release -p plenum-gvc --example synth_pymrio
PLENUM="$ROOT/target/release/plenum"
SYNTH="$ROOT/target/release/examples/synth_pymrio"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "# plenum $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' (crates/ has uncommitted changes)')"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 -c '
import numpy, pandas, pymrio, threadpoolctl
print("# pymrio", pymrio.__version__, "numpy", numpy.__version__, "pandas", pandas.__version__)
for p in threadpoolctl.threadpool_info():
    print("# numpy BLAS:", p["internal_api"], p["version"], "kernel", p.get("architecture"), "threads", p["num_threads"])
'

RES="$WORK/results.tsv"
printf 'n\ttool\trep\twall_s\tmaxrss_kb\tuser_s\tsys_s\tload1\n' > "$RES"

# run TOOL N REP: one timed run, one line appended to $RES.
run() {
  local tool=$1 n=$2 rep=$3 dir="$WORK/n$2" tf="$WORK/time-$1-$2-$3.txt" load
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$WORK/out-$tool-$n"
  case "$tool" in
    plenum)
      /usr/bin/time -v -o "$tf" "$PLENUM" analyze "$dir" --out "$WORK/out-plenum-$n" --tidy csv \
        > "$WORK/stdout-plenum-$n.txt" 2> "$WORK/stderr-plenum-$n-$rep.txt" ;;
    native)
      /usr/bin/time -v -o "$tf" "$PLENUM" table info "$WORK/n$n.plenum" \
        > /dev/null 2> "$WORK/stderr-native-$n-$rep.txt" ;;
    pymrio)
      /usr/bin/time -v -o "$tf" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        python3 "$ROOT/bench/pymrio_calc_all.py" "$dir" "$WORK/out-pymrio-$n" \
        2> "$WORK/stderr-pymrio-$n-$rep.txt" ;;
  esac
  python3 - "$tf" "$n" "$tool" "$rep" "$load" >> "$RES" <<'EOF'
import sys
tf, n, tool, rep, load = sys.argv[1:]
d = {}
for line in open(tf):
    k, _, v = line.strip().rpartition(": ")
    d[k] = v
def secs(s):
    t = 0.0
    for part in s.split(":"):
        t = 60 * t + float(part)
    return t
wall = secs(d["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
print(f"{n}\t{tool}\t{rep}\t{wall:.2f}\t{d['Maximum resident set size (kbytes)']}\t{d['User time (seconds)']}\t{d['System time (seconds)']}\t{load}")
EOF
  tail -n 1 "$RES" >&2
}

for n in "${SIZES[@]}"; do
  read -r regions sectors <<< "$(shape "$n")"
  sparsity=0.3
  [ "$n" -lt 19680 ] || sparsity=0.6
  if [ ! -f "$WORK/n$n/factor_inputs/F.txt" ]; then
    "$SYNTH" "$regions" "$sectors" "$WORK/n$n" 5 42 "$sparsity"
  fi
  if [ "$NATIVE" = 1 ] && [ ! -f "$WORK/n$n.plenum" ]; then
    "$PLENUM" table convert "$WORK/n$n" --to native --out "$WORK/n$n.plenum" > /dev/null
  fi
  peer=1
  [ "$n" -le "$PYMRIO_MAX" ] || peer=0
  for rep in $(seq 1 "$REPS"); do
    [ "$NATIVE" = 1 ] && run native "$n" "$rep"
    if [ "$peer" = 0 ]; then
      run plenum "$n" "$rep"
    elif [ $((rep % 2)) -eq 1 ]; then
      run plenum "$n" "$rep"; run pymrio "$n" "$rep"
    else
      run pymrio "$n" "$rep"; run plenum "$n" "$rep"
    fi
  done
  echo "## n = $n: plenum solver (solver.json)"
  cat "$WORK/out-plenum-$n/solver.json"
  if [ "$peer" = 1 ]; then
    echo "## n = $n: plenum vs pymrio outputs"
    python3 "$ROOT/bench/compare_outputs.py" "$WORK/out-plenum-$n" "$WORK/out-pymrio-$n" 1e-9
    echo "## n = $n: pymrio phases (last run)"
    grep '^pymrio:' "$WORK/stderr-pymrio-$n-$REPS.txt" || true
  fi
done

echo
python3 "$ROOT/bench/summarize.py" "$RES"

if [ "$LU_BENCH" = 1 ]; then
  echo "## plenum-iomath lu_bench, n = 5000, 3 rounds (same session)"
  cargo run --release -p plenum-iomath --example lu_bench -- 5000 3
fi
