#!/usr/bin/env bash
# Long fuzzing runs (issue 14: at least 30 CPU-minutes per target, once):
# runs each named target's libFuzzer binary on its corpus until its process
# has used LIMIT CPU-seconds (default 1800), then interrupts it with SIGINT
# (libFuzzer prints its final statistics on interrupt). CPU time, not wall
# time, because the machine is shared: a target at nice 19 gets what the
# others leave. Same limits as .ci/fuzz.sh (fuzz/limits.sh: -timeout=10,
# 2 GB RSS and allocation). Run .ci/fuzz.sh first (it builds the targets and seeds the
# corpora); findings land in $OUT/art-<target>/.
#
#   bash fuzz/long.sh pymrio_txt native icio        # one lane, in order
#   OUT=/tmp/fuzz LIMIT=600 bash fuzz/long.sh nbs   # 10 CPU-minutes
#
# Per target: $OUT/<target>.log (libFuzzer's output, ending with
# stat::number_of_executed_units and stat::peak_rss_mb), <target>.cpu (CPU
# seconds so far) and <target>.done (exit code and CPU seconds; a target
# with .done is skipped, so a lane can be restarted).
set -u
cd "$(dirname "$0")/.."
LIMIT="${LIMIT:-1800}"
OUT="${OUT:-fuzz/long}"
bin=fuzz/target/x86_64-unknown-linux-gnu/release
tck=$(getconf CLK_TCK)
mkdir -p "$OUT"
# shellcheck source=limits.sh
. fuzz/limits.sh
for t in "$@"; do
  [ -e "$OUT/$t.done" ] && continue
  if [ ! -x "$bin/$t" ]; then
    echo "no fuzz binary $bin/$t: run .ci/fuzz.sh (or cargo +nightly fuzz build -O) first" >&2
    exit 2
  fi
  mkdir -p "$OUT/art-$t"
  nice -n 19 "$bin/$t" "fuzz/corpus/$t" "${FUZZ_LIMITS[@]}" \
    -artifact_prefix="$OUT/art-$t/" > "$OUT/$t.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    read -r -a s < "/proc/$pid/stat" 2>/dev/null || break
    cpu=$(( (s[13] + s[14]) / tck ))
    echo "$cpu" > "$OUT/$t.cpu"
    if [ "$cpu" -ge "$LIMIT" ]; then kill -INT "$pid"; fi
    sleep 10
  done
  wait "$pid"; rc=$?
  echo "rc=$rc cpu=$(cat "$OUT/$t.cpu")" > "$OUT/$t.done"
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$OUT/$t.log" | tr '\n' ' '
  echo "$t rc=$rc"
done
