#!/usr/bin/env bash
# The memory estimates of `--max-memory-gb` against the peaks of real runs
# (BENCHMARKS.md, "Memory bounds"; crates/plenum/src/cmd/memory.rs).
#
#   bash bench/memory_bounds.sh [SIZES...]      (default: 2500 5000 7500)
#
# For each n (2500 = 50x50, 5000 = 100x50, 7500 = 100x75) writes the seeded
# synthetic table (synth_pymrio R S DIR 5 42 0.3), converts it to a native
# file, and runs each command with PLENUM_TIMINGS=1, which prints the
# estimate and the process's peak resident memory (VmHWM). Prints
# n | command | estimate | peak | estimate/peak. WORK (/tmp/plenum-mem) holds
# the tables (about 1 GB at 7,500).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=${WORK:-/tmp/plenum-mem}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(2500 5000 7500)
mkdir -p "$WORK"
cargo build --release -p plenum -p plenum-gvc --example synth_pymrio >/dev/null 2>&1
PLENUM="$ROOT/target/release/plenum"
SYNTH="$ROOT/target/release/examples/synth_pymrio"
printf 'R01\nR02\n' > "$WORK/group.txt"
for n in "${SIZES[@]}"; do
  case "$n" in
    2500) rs="50 50" ;; 5000) rs="100 50" ;; 7500) rs="100 75" ;;
    *) echo "unknown size $n (2500, 5000 or 7500)" >&2; exit 2 ;;
  esac
  t="$WORK/n$n.plenum"
  if [ ! -f "$t" ]; then
    # shellcheck disable=SC2086
    "$SYNTH" $rs "$WORK/n$n" 5 42 0.3 >/dev/null 2>&1
    "$PLENUM" table convert "$WORK/n$n" --to native --out "$t" >/dev/null
    rm -rf "$WORK/n$n"
  fi
  while IFS= read -r cmd; do
    # shellcheck disable=SC2086
    line=$(PLENUM_TIMINGS=1 "$PLENUM" $cmd "$t" --max-memory-gb 64 2>&1 >/dev/null | grep '^memory' | tr '\n' ' ')
    est=$(sed -n 's/.*memory: estimate \([0-9]*\) bytes.*/\1/p' <<<"$line")
    peak=$(sed -n 's/.*memory: peak \([0-9]*\) bytes.*/\1/p' <<<"$line")
    awk -v n="$n" -v c="$cmd" -v e="$est" -v p="$peak" \
      'BEGIN { printf "%s | %s | %.2f GB | %.2f GB | %.2f\n", n, c, e/1e9, p/1e9, e/p }'
  done <<EOC
analyze decompose --method wwz
analyze self-reliance --region R00 --group $WORK/group.txt
chokepoints --region R00 --dynamic
chokepoints --region R00 --solver lu
analyze
analyze --solver iterative
chokepoints --region R00 --solver iterative
EOC
done
