#!/usr/bin/env bash
# Fuzzes every reader and parser for a bounded time with cargo-fuzz
# (libFuzzer, nightly toolchain): pymrio text and parquet, native, ICIO,
# WIOD, OECD national, NBS, and the scenario, event and shocks parsers.
# Seeds come from the test fixtures. Fails on a crash (panic included), a
# timeout of one input (> 10 s) or an allocation over 2 GB.
#
#   .ci/fuzz.sh                 # every target, FUZZ_SECONDS (30) each
#   FUZZ_SECONDS=1800 .ci/fuzz.sh nbs wiod
#
# A finding is left in fuzz/artifacts/<target>/; reproduce it with
# `cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>`.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SECONDS:-30}"
all=(pymrio_txt pymrio_parquet native icio wiod oecd_national nbs scenario event shocks)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

if ! cargo +nightly fuzz --version > /dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

data=crates/plenum-formats/tests/data
# One input packing the files of a folder (see fuzz/src/lib.rs).
pack() {
  (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
    printf '\n@@@ %s\n' "$f"
    cat "$f"
  done)
}
seed() {
  local t="$1" d="fuzz/corpus/$1"
  mkdir -p "$d"
  case "$t" in
    pymrio_txt) pack "$data/pymrio/test-mrio-txt" > "$d/seed-test-mrio-txt" ;;
    pymrio_parquet) pack "$data/pymrio/test-mrio-parquet" > "$d/seed-test-mrio-parquet" ;;
    wiod) pack "$data/wiod" > "$d/seed-wiotmock" ;;
    native) cp data/default/default.plenum "$d/seed-default.plenum" ;;
    icio) cp "$data"/icio/*.csv "$d/" ;;
    oecd_national) cp "$data"/oecd-niot/*.csv "$d/" ;;
    nbs) cp "$data"/nbs/*.csv "$d/" ;;
    scenario) cp scenarios/*.toml "$d/" ;;
    event) for f in crates/plenum-sim/tests/golden/*/event.toml; do
             cp "$f" "$d/seed-$(basename "$(dirname "$f")").toml"; done ;;
    shocks) cp examples/shocks/*.toml "$d/" ;;
  esac
}

echo "== building the fuzz targets"
if [ $# -eq 0 ]; then
  cargo +nightly fuzz build -O
else
  for t in "${targets[@]}"; do cargo +nightly fuzz build -O "$t"; done
fi

# shellcheck source=../fuzz/limits.sh
. fuzz/limits.sh
for t in "${targets[@]}"; do
  seed "$t"
  echo "== fuzzing $t for ${secs} s"
  log="fuzz/artifacts/$t.log"
  mkdir -p fuzz/artifacts
  if ! cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" "${FUZZ_LIMITS[@]}" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $t failed: the input is in fuzz/artifacts/$t/"
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$log" | tr '\n' ' '
  echo
done
echo "== fuzzing done: no crash, timeout or allocation over 2 GB"
