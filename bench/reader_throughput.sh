#!/usr/bin/env bash
# Reader throughput of plenum's table formats (issue 15, item 5: "the
# Parquet and native formats read at >= 1 GB/s, and the text reader streams
# without holding the file"). See BENCHMARKS.md, "reader throughput".
#
#   bash bench/reader_throughput.sh [N]        (N: 5000 (default) or 9800)
#
# Environment: WORK (/tmp/plenum-bench, shared with analyze_vs_pymrio.sh),
# REPS (3), PYTHON (python3 with pymrio 0.7.0, for the Parquet copy).
#
# 1. Makes the seeded synthetic table of bench/analyze_vs_pymrio.sh as a
#    pymrio text folder (synth_pymrio), converts it to native (.plenum) with
#    `plenum table convert`, and to pymrio's Parquet layout with pymrio's own
#    `load_all` + `save_all(table_format="parquet")` (not timed).
# 2. REPS times per format, each after dropping nothing from the page cache
#    (warm cache: this measures decoding, not the disk):
#      PLENUM_TIMINGS=1 plenum analyze TABLE --solver lu
#    and keeps the "read table" phase (wall and CPU): reading, parsing and
#    validating the table into memory, nothing else.
# 3. Prints bytes on disk, the median read wall time and GB/s = bytes / wall
#    (decimal GB), and for the text folder the reader's peak RSS from a
#    separate `/usr/bin/time -v plenum table info` against the folder's size
#    (a streaming reader peaks near the table's in-memory size, 8 n² bytes
#    for Z plus Y, not near the text's size).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${1:-5000}
REPS=${REPS:-3}
WORK=${WORK:-/tmp/plenum-bench}
PYTHON=${PYTHON:-python3}
case "$N" in
  5000) R=100; S=50 ;;
  9800) R=49; S=200 ;;
  *) echo "N must be 5000 or 9800" >&2; exit 2 ;;
esac
mkdir -p "$WORK"
cargo build --release -p plenum
cargo build --release -p plenum-gvc --example synth_pymrio
PLENUM="$ROOT/target/release/plenum"
SYNTH="$ROOT/target/release/examples/synth_pymrio"
TXT="$WORK/n$N"
NAT="$WORK/n$N.plenum"
PQ="$WORK/n$N-parquet"
[ -f "$TXT/factor_inputs/F.txt" ] || "$SYNTH" "$R" "$S" "$TXT" 5 42 0.3
[ -f "$NAT" ] || "$PLENUM" table convert "$TXT" --to native --out "$NAT" > /dev/null
if [ ! -f "$PQ/Z.parquet" ]; then
  "$PYTHON" - "$TXT" "$PQ" <<'EOF'
import sys, pymrio
io = pymrio.load_all(sys.argv[1])
io.save_all(sys.argv[2], table_format="parquet")
EOF
fi

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# plenum $(git rev-parse --short HEAD), n = $N"
printf 'format\tbytes\tread_wall_s\tread_cpu_s\tGB_per_s_wall\tGB_per_s_cpu\n'
for fmt in native parquet text; do
  case $fmt in
    native) path=$NAT ;;
    parquet) path=$PQ ;;
    text) path=$TXT ;;
  esac
  bytes=$(du -sbL "$path" | cut -f1)
  walls=(); cpus=()
  for _ in $(seq 1 "$REPS"); do
    line=$(PLENUM_TIMINGS=1 "$PLENUM" analyze "$path" --solver lu 2>&1 >/dev/null | grep 'timing: read table')
    walls+=("$(echo "$line" | awk '{print $4}')")
    cpus+=("$(echo "$line" | awk '{print $7}')")
  done
  "$PYTHON" - "$fmt" "$bytes" "${walls[*]}" "${cpus[*]}" <<'EOF'
import sys, statistics
fmt, b, w, c = sys.argv[1:]
w = statistics.median(map(float, w.split()))
c = statistics.median(map(float, c.split()))
b = int(b)
print(f"{fmt}\t{b}\t{w:.3f}\t{c:.2f}\t{b / w / 1e9:.2f}\t{b / c / 1e9:.2f}")
EOF
done
/usr/bin/time -v -o "$WORK/time-info-text.txt" "$PLENUM" table info "$TXT" > /dev/null
rss=$(grep 'Maximum resident' "$WORK/time-info-text.txt" | awk '{print $NF}')
echo "# text reader: folder $(du -sbL "$TXT" | cut -f1) bytes, plenum table info peak RSS ${rss} kB; Z + Y in memory $((8 * N * N + 8 * N * 5 * R)) bytes"
