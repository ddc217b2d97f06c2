#!/usr/bin/env bash
# The pymrio Parquet reader, two binaries side by side (issue 15, item 5:
# "the Parquet and native formats read at >= 1 GB/s"). See BENCHMARKS.md,
# "The Parquet reader decodes straight into Z and gathers the folds".
#
#   bash bench/parquet_reader_pair.sh OLD_PLENUM NEW_PLENUM FOLDER|FILE.plenum [REPS]
#
# FOLDER: a pymrio Parquet folder, e.g. made with
#   target/release/examples/synth_pymrio 164 120 /tmp/pq/n19680 5 42 0.6
#   python -c 'import sys, pymrio; pymrio.load_all(sys.argv[1]).save_all(sys.argv[2], table_format="parquet")' \
#     /tmp/pq/n19680 /tmp/pq/n19680-parquet          (pymrio 0.7.0, pyarrow)
# FOLDER may also be a native table file (the reader of issue 15's "native
# format" half), e.g. made with
#   plenum table convert /tmp/pq/n19680 --to native --out /tmp/pq/n19680.plenum
# the same run, timing and GB/s (8 n (n + Y columns) / wall) apply.
# Runs `plenum table info FOLDER` (read + validate + print) REPS (3) times
# per binary, alternating, each after dropping the page cache and reading
# the folder's files back into it (root: /proc/sys/vm/drop_caches), under
# /usr/bin/time -v; prints wall, user, sys, peak RSS, the load, and GB/s
# decoded = 8 n (n + Y columns) / wall, and whether the outputs are equal.
# SETTLE=S (default 0) waits S seconds after priming the cache: this VM's
# balloon reports freed 2 MiB blocks to the host within seconds (free page
# reporting, order 9), and a run that faults in reported pages pays the
# host's faults too (system time 2 s or 7 s for the same 3.2 GB); with a
# pause both binaries start from the same state.
set -euo pipefail
OLD=$1 NEW=$2 F=$3 REPS=${4:-3} SETTLE=${SETTLE:-0}
OUT=$(mktemp -d)
size=$("$NEW" table info "$F" | grep '^size')
n=$(echo "$size" | sed -n 's/.*= \([0-9]*\) industries.*/\1/p')
regions=$(echo "$size" | sed -n 's/^size *\([0-9]*\) regions.*/\1/p')
cats=$(echo "$size" | sed -n 's/.*industries; \([0-9]*\) final-demand.*/\1/p')
bytes=$((8 * n * (n + regions * cats)))
echo "# n = $n, decoded bytes $bytes, $(nproc) cores"
printf 'binary\trep\twall_s\tuser_s\tsys_s\tmaxrss_kb\tload1\tGB_per_s\n'
for rep in $(seq 1 "$REPS"); do
  for which in old new; do
    bin=$OLD; [ "$which" = new ] && bin=$NEW
    sync; echo 1 > /proc/sys/vm/drop_caches
    find "$F" -type f -exec cat {} + > /dev/null
    sleep "$SETTLE"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v -o "$OUT/time" "$bin" table info "$F" > "$OUT/out-$which.txt"
    python3 - "$OUT/time" "$which" "$rep" "$load" "$bytes" <<'PY'
import sys
t, which, rep, load, b = sys.argv[1:]
v = {}
for line in open(t):
    k, _, x = line.strip().rpartition(": ")
    v[k] = x
w = v["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(w)))
print(f"{which}\t{rep}\t{wall:.2f}\t{v['User time (seconds)']}\t{v['System time (seconds)']}\t"
      f"{v['Maximum resident set size (kbytes)']}\t{load}\t{int(b) / wall / 1e9:.2f}")
PY
  done
done
cmp -s "$OUT/out-old.txt" "$OUT/out-new.txt" && echo "# outputs identical" || echo "# outputs DIFFER"
rm -rf "$OUT"
