#!/usr/bin/env bash
# How much of a one-quarter demand shock lands in its own quarter, with the
# engine stepped by quarters (as scenario runs are) and by months
# (docs/calibration.md, "Not in the calibration"). The bare engine on the
# embedded default table: China's final demand 1% lower in days 365-456
# (one quarter), against the same run without it; China's gross output by
# quarter. Usage: bash bench/substep_share.sh [PLENUM_BINARY]
set -euo pipefail
bin="${1:-target/release/plenum}"
dir="$(mktemp -d)"
for st in quarter month; do
  if [ "$st" = quarter ]; then step='"quarter"'; n=16; else step=30.416666666666668; n=48; fi
  for s in base shock; do
    if [ "$s" = base ]; then p='[[0, 1.0], [10000, 1.0]]'
    else p='[[0, 1.0], [364.9, 1.0], [365.0, 0.99], [456.2, 0.99], [456.25, 1.0], [10000, 1.0]]'; fi
    printf '[simulation]\nstep = %s\nrates = "exponential"\n\n[[final_demand_path]]\nregions = ["CHN"]\npath = %s\n' \
      "$step" "$p" > "$dir/$st-$s.toml"
    "$bin" simulate --shocks "$dir/$st-$s.toml" --steps "$n" --out "$dir/$st-$s" >"$dir/log" 2>&1 \
      || { cat "$dir/log"; exit 1; }
  done
done
python3 - "$dir" <<'PY'
import csv, collections, sys
d = sys.argv[1]
def chn(run):
    s = collections.defaultdict(float)
    for r in csv.DictReader(open(f"{d}/{run}/trajectory.csv")):
        if r["region"] == "CHN" and r["variable"] == "production_realised":
            s[int(r["step"])] += float(r["value"])
    return s
for st, k in (("quarter", 1), ("month", 3)):
    b, s = chn(f"{st}-base"), chn(f"{st}-shock")
    q = lambda run, j: sum(run[i] for i in range(j * k, j * k + k))
    diffs = [q(s, j) - q(b, j) for j in range(len(b) // k)]
    tot, base = sum(diffs[4:]), q(b, 4)
    print(f"{st:8s} effect by quarter from the shock's, % of output: "
          + " ".join(f"{100 * x / base:.3f}" for x in diffs[4:10]))
    print(f"{'':8s} share of the cumulative effect in the shock's quarter {diffs[4] / tot:.2f}, "
          f"within two quarters {(diffs[4] + diffs[5]) / tot:.2f}; next quarter / impact {diffs[5] / diffs[4]:.2f}")
PY
rm -rf "$dir"
