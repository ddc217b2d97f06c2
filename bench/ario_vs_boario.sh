#!/usr/bin/env bash
# plenum simulate ario vs BoARIO 0.7.2, whole process, on the same synthetic
# pymrio folder and the same event file. See BENCHMARKS.md, section
# "plenum simulate ario vs BoARIO; ensembles".
#
#   bash bench/ario_vs_boario.sh [SIZES...]        (default: 2500)
#
# Environment: REPS (2: plenum runs per size), BOARIO_REPS (1: BoARIO runs per
# size; at n = 2500 one run is ~50 s of loop), STEPS (100), WORK
# (/tmp/plenum-ario-bench), ENSEMBLE (1: also run the bench_ensemble example
# afterwards, so its figures come from the same session), FORMATS ("text
# parquet": the folder as pymrio's text tables, and the same tables saved by
# pymrio with table_format="parquet", which both tools read).
#
# For each n = R·S (1000 = 50×20, 2500 = 100×25, 5000 = 100×50):
#   1. writes the seeded synthetic table (plenum_gvc::synthetic::random_table,
#      5 final-demand categories, seed 42) as a pymrio text folder with
#      `synth_pymrio`, and its parquet copy (pymrio.load_all + save_all;
#      neither timed), and the event file $WORK/event-N.toml: a
#      recovery event in 2 regions × 3 sectors, split equally, destroying 40 %
#      of the smallest of their capitals (4 × value added) in each, 5 days
#      before a linear 60-day recovery; BoARIO's default model parameters;
#   2. under /usr/bin/time -v, alternating which goes first:
#      (a) plenum simulate ario --mrio FOLDER --event event.toml --steps STEPS
#          --out OUT   (reads the folder, validates, runs, writes
#          the tidy trajectory CSV and manifest.json);
#      (b) python3 bench/boario_run.py FOLDER event.toml STEPS OUT.csv
#          (pymrio.load_all, A = Z/x, ARIOPsiModel + Simulation, same event,
#          loop, writes the last step's production_realised);
#   3. checks that the last step's production_realised agrees (rtol 1e-8).
# Raw figures go to $WORK/results.tsv; a summary table is printed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
REPS=${REPS:-2}
BOARIO_REPS=${BOARIO_REPS:-1}
STEPS=${STEPS:-100}
WORK=${WORK:-/tmp/plenum-ario-bench}
ENSEMBLE=${ENSEMBLE:-1}
FORMATS=${FORMATS:-text parquet}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2500)
mkdir -p "$WORK"

shape() {
  case "$1" in
    200) echo "10 20" ;;
    1000) echo "50 20" ;;
    2500) echo "100 25" ;;
    5000) echo "100 50" ;;
    *) echo "unknown size $1 (use 200, 1000, 2500 or 5000)" >&2; exit 2 ;;
  esac
}

cargo build --release -p plenum -p plenum-sim --examples
cargo build --release -p plenum-gvc --example synth_pymrio
PLENUM="$ROOT/target/release/plenum"
SYNTH="$ROOT/target/release/examples/synth_pymrio"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# plenum $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- crates || echo ' (crates/ has uncommitted changes)')"
python3 -c 'import boario, pymrio, numpy, pandas; print("# boario", boario.__version__, "pymrio", pymrio.__version__, "numpy", numpy.__version__, "pandas", pandas.__version__)'

RES="$WORK/results.tsv"
printf 'n\tformat\ttool\trep\twall_s\tmaxrss_kb\tuser_s\tsys_s\tload1\n' > "$RES"

# run TOOL N REP: one timed run on the $FMT folder, one line appended to $RES.
run() {
  local tool=$1 n=$2 rep=$3 dir="$WORK/n$2$SUFFIX" tf="$WORK/time-$1-$2-$FMT-$3.txt" load
  load=$(cut -d' ' -f1 /proc/loadavg)
  case "$tool" in
    plenum)
      rm -rf "$WORK/out-plenum-$n"
      /usr/bin/time -v -o "$tf" "$PLENUM" simulate ario --mrio "$dir" --event "$EVENT" \
        --steps "$STEPS" --no-stocks --out "$WORK/out-plenum-$n" \
        > "$WORK/stdout-plenum-$n.txt" 2> "$WORK/stderr-plenum-$n-$rep.txt" ;;
    boario)
      /usr/bin/time -v -o "$tf" python3 "$ROOT/bench/boario_run.py" "$dir" "$EVENT" "$STEPS" \
        "$WORK/boario-$n.csv" 2> "$WORK/stderr-boario-$n-$rep.txt" ;;
  esac
  python3 - "$tf" "$n" "$FMT" "$tool" "$rep" "$load" >> "$RES" <<'PY'
import sys
tf, n, fmt, tool, rep, load = sys.argv[1:]
d = {}
for line in open(tf):
    k, _, v = line.strip().rpartition(": ")
    d[k] = v
t = 0.0
for part in d["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
    t = 60 * t + float(part)
print(f"{n}\t{fmt}\t{tool}\t{rep}\t{t:.2f}\t{d['Maximum resident set size (kbytes)']}\t{d['User time (seconds)']}\t{d['System time (seconds)']}\t{load}")
PY
  tail -n 1 "$RES" >&2
}

for n in "${SIZES[@]}"; do
  read -r regions sectors <<< "$(shape "$n")"
  if [ ! -f "$WORK/n$n/Z.txt" ]; then
    "$SYNTH" "$regions" "$sectors" "$WORK/n$n"
  fi
  EVENT="$WORK/event-$n.toml"
  # Impact: 40 % of the smallest capital (4 × value added, BoARIO's default
  # ratio) among the 6 affected industries, times 6, spread equally, so every
  # affected industry loses at most 40 % of its capital.
  impact=$(python3 - "$WORK/n$n" <<'PY'
import sys
import pandas as pd
d = sys.argv[1]
ind = [(r, s) for r in ("R00", "R01") for s in ("S00", "S01", "S02")]
x = pd.read_csv(f"{d}/x.txt", sep="\t", index_col=[0, 1]).iloc[:, 0]
head = pd.read_csv(f"{d}/Z.txt", sep="\t", header=None, nrows=2, dtype=str)
pos = {(head.iloc[0, j], head.iloc[1, j]): j for j in range(2, head.shape[1])}
z = pd.read_csv(f"{d}/Z.txt", sep="\t", header=None, skiprows=2,
                usecols=[pos[i] for i in ind])
colsum = {i: z[pos[i]].sum() for i in ind}
k = [4 * (x.loc[i] - colsum[i]) for i in ind]
print(repr(round(float(0.4 * min(k) * len(ind)), 6)))
PY
)
  cat > "$EVENT" <<TOML
[[event]]
event_type = "recovery"
name = "bench"
impact = $impact
affected_regions = ["R00", "R01"]
affected_sectors = ["S00", "S01", "S02"]
impact_regional_distrib = "equal"
impact_sectoral_distrib = "equal"
occurrence = 1
duration = 5
recovery_tau = 60
recovery_function = "linear"
event_monetary_factor = 1000000
TOML
  echo "## n = $n: event impact $impact (table units)"
  if [[ " $FORMATS " == *" parquet "* ]] && [ ! -f "$WORK/n$n-parquet/Z.parquet" ]; then
    python3 -c 'import sys, pymrio; pymrio.load_all(sys.argv[1]).save_all(sys.argv[2], table_format="parquet")' \
      "$WORK/n$n" "$WORK/n$n-parquet"
  fi
  for FMT in $FORMATS; do
  SUFFIX=""
  [ "$FMT" = text ] || SUFFIX="-$FMT"
  reps=$(( REPS > BOARIO_REPS ? REPS : BOARIO_REPS ))
  for rep in $(seq 1 "$reps"); do
    order="plenum boario"
    [ $((rep % 2)) -eq 1 ] || order="boario plenum"
    for tool in $order; do
      if [ "$tool" = plenum ] && [ "$rep" -le "$REPS" ]; then run plenum "$n" "$rep"; fi
      if [ "$tool" = boario ] && [ "$rep" -le "$BOARIO_REPS" ]; then run boario "$n" "$rep"; fi
    done
  done
  echo "## n = $n, $FMT folder: BoARIO phases (last run)"
  grep '^boario:' "$WORK/stderr-boario-$n-$BOARIO_REPS.txt" || true
  echo "## n = $n, $FMT folder: last step's production_realised, plenum vs BoARIO"
  python3 - "$WORK/out-plenum-$n/trajectory.csv" "$WORK/boario-$n.csv" <<'PY'
import sys
import numpy as np
import pandas as pd
p = pd.read_csv(sys.argv[1])
p = p[p.variable == "production_realised"]
p = p[p.step == p.step.max()].set_index(["region", "sector"]).value
b = pd.read_csv(sys.argv[2]).set_index(["region", "sector"]).value
assert len(p) == len(b) and (p.index == b.index).all(), "industries differ"
rel = (np.abs(p.to_numpy() - b.to_numpy()) / np.abs(b.to_numpy())).max()
ok = np.allclose(p.to_numpy(), b.to_numpy(), rtol=1e-8, atol=0)
print(f"{len(b)} industries, max relative difference {rel:.2e}: {'agree' if ok else 'DISAGREE'} at rtol 1e-8")
sys.exit(0 if ok else 1)
PY
  done
done

echo
python3 - "$RES" <<'PY'
import sys
import pandas as pd
r = pd.read_csv(sys.argv[1], sep="\t")
r["cpu_s"] = r.user_s + r.sys_s
print("| n | folder | tool | runs | wall s (median) | CPU s (median) | peak RSS MB (max) | load1 |")
print("|---|---|---|---|---|---|---|---|")
for (n, fmt, tool), g in r.groupby(["n", "format", "tool"], sort=False):
    print(f"| {n} | {fmt} | {tool} | {len(g)} | {g.wall_s.median():.2f} | {g.cpu_s.median():.2f} | "
          f"{g.maxrss_kb.max() / 1024:.0f} | {g.load1.min():.1f}–{g.load1.max():.1f} |")
for (n, fmt), g in r.groupby(["n", "format"], sort=False):
    p, b = g[g.tool == "plenum"], g[g.tool == "boario"]
    if len(p) and len(b):
        print(f"n = {n}, {fmt}: BoARIO / plenum wall {b.wall_s.median() / p.wall_s.median():.0f}×, "
              f"CPU {b.cpu_s.median() / p.cpu_s.median():.0f}×, "
              f"peak RSS {b.maxrss_kb.max() / p.maxrss_kb.max():.1f}×")
PY

if [ "$ENSEMBLE" = 1 ]; then
  echo "## bench_ensemble (same session): 1000 variants × 28 quarters on the default table"
  /usr/bin/time -f "whole process: %e s wall, %M KB peak RSS" \
    "$ROOT/target/release/examples/bench_ensemble"
fi
