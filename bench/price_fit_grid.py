#!/usr/bin/env python3
"""The price block's fitted inputs on a grid (docs/calibration.md, "Prices and
nominal accounts", "The price fit on a grid").

The baseline's import-price path for 2023 and 2024 (`[prices]
import_price_growth`) and the deflator anchor (`gdp_deflator_growth`) have no
figure of their own in the calibration file; they are fitted to its price
facts. This script runs the baseline on a grid of the three, re-calibrated at
each point as every run is, and scores each point by the sum of squared misses
of the five price rows of the fit, each over its band:

    CPI 2023, CPI H1 2024, PPI 2023, PPI H1 2024, GDP deflator 2023 (annual).

Nominal growth in 2023 is left out of the score: it is real growth times the
deflator, so fitting prices to it would make them cover a miss of real growth.
Points are kept only if the deflator's highest quarter in 2023Q2-2024Q2 is at
most -0.1% (negative with a margin) and 2024 and 2025 growth lie within the
July 2024 consensus bands. It prints the kept points, best first, and where
the shipped point stands.

Usage: python3 bench/price_fit_grid.py [PLENUM_BINARY] [SCENARIO_TOML]
(defaults target/release/plenum and scenarios/baseline-2024.toml; about 100
runs, half a minute).
"""
import csv
import itertools
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/plenum"
SCEN = sys.argv[2] if len(sys.argv) > 2 else "scenarios/baseline-2024.toml"
SHIPPED_LINE = "import_price_growth = { 2022 = 0.0, 2023 = -5.0, 2024 = 0.5, 2025 = 0.0 }"
SHIPPED = (-5.0, 0.5, 1.0)
SCORED = {
    "CPI 2023, % y/y": 0.5,
    "CPI H1 2024, % y/y": 0.5,
    "PPI 2023, % y/y": 1.0,
    "PPI H1 2024, % y/y": 1.0,
    "GDP deflator 2023, % (annual)": 0.5,
}
SHOWN = list(SCORED) + [
    "highest GDP deflator growth 2023Q2-2024Q2, % y/y (negative in each)",
    "nominal GDP growth 2023, %",
    "real growth 2024, % (July 2024 consensus)",
    "real growth 2025, % (July 2024 consensus)",
]


def run(base, work, ip23, ip24, anchor):
    text = base.replace(
        SHIPPED_LINE,
        f"import_price_growth = {{ 2022 = 0.0, 2023 = {ip23}, 2024 = {ip24}, 2025 = 0.0 }}",
    )
    text += f"\n[params]\ngdp_deflator_growth = {anchor}\n"
    scen = os.path.join(work, "grid.toml")
    out = os.path.join(work, f"out_{ip23}_{ip24}_{anchor}")
    with open(scen, "w") as f:
        f.write(text)
    r = subprocess.run([BIN, "run", scen, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"plenum run failed at {ip23}, {ip24}, {anchor}:\n{r.stderr}")
    with open(os.path.join(out, "fit.csv")) as f:
        return {row["target"]: row for row in csv.DictReader(f)}


def main():
    with open(SCEN) as f:
        base = f.read()
    if SHIPPED_LINE not in base:
        sys.exit(f"{SCEN}: the shipped import-price line changed; update SHIPPED_LINE")
    if "[params]" in base:
        sys.exit(f"{SCEN} has a [params] table; this script appends its own")
    points = []
    with tempfile.TemporaryDirectory() as work:
        grid = itertools.product(
            [-3.5, -4.0, -4.5, -5.0, -5.5, -6.0],
            [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5],
            [0.7, 0.8, 0.9, 1.0, 1.1, 1.2],
        )
        for ip23, ip24, anchor in grid:
            rows = run(base, work, ip23, ip24, anchor)
            model = [float(rows[k]["model"]) for k in SHOWN]
            score = sum(
                ((float(rows[k]["model"]) - float(rows[k]["fact"])) / tol) ** 2
                for k, tol in SCORED.items()
            )
            kept = model[5] <= -0.1 and abs(model[7] - 5.0) <= 0.5 and abs(model[8] - 4.5) <= 0.5
            points.append((score, kept, (ip23, ip24, anchor), model))
    points.sort(key=lambda p: p[0])
    kept = [p for p in points if p[1]]
    print("score | ip2023 ip2024 anchor | CPI23 CPI-H1 PPI23 PPI-H1 defl23 | defl-max nominal23 g2024 g2025")
    for score, _, x, m in kept[:15]:
        mark = "  <- shipped" if x == SHIPPED else ""
        print(
            f"{score:5.2f} | {x[0]:5.1f} {x[1]:5.1f} {x[2]:4.1f} | "
            + " ".join(f"{v:6.2f}" for v in m[:5])
            + " | "
            + " ".join(f"{v:6.2f}" for v in m[5:])
            + mark
        )
    rank = [p[2] for p in kept].index(SHIPPED) + 1 if SHIPPED in [p[2] for p in kept] else None
    ship = next(p for p in points if p[2] == SHIPPED)
    print(f"shipped {SHIPPED}: score {ship[0]:.2f}, rank {rank} of {len(kept)} kept points")
    in_band = [p for p in kept if abs(p[3][6] - 4.6) <= 0.5]
    if in_band:
        b = in_band[0]
        print(f"best kept point with nominal growth 2023 in its band: {b[2]}, score {b[0]:.2f}")


if __name__ == "__main__":
    main()
