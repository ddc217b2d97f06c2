"""Compares two `plenum chokepoints --out` folders: every score within
TOL (1e-9) of its measure's largest, ranks identical. Exit 1 otherwise.

    python3 bench/chokepoints_compare.py DIR_A DIR_B [TOL]
"""
import csv
import sys


def load(path):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[tuple(v for k, v in r.items() if k != "value")] = float(r["value"])
    return rows


def main():
    a_dir, b_dir = sys.argv[1], sys.argv[2]
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    ok = True
    for name in ["chokepoints.csv", "chokepoint_hits.csv", "spearman.csv"]:
        a, b = load(f"{a_dir}/{name}"), load(f"{b_dir}/{name}")
        if a.keys() != b.keys():
            print(f"{name}: different rows")
            ok = False
            continue
        scale = {}
        for k, v in a.items():
            scale[k[-1]] = max(scale.get(k[-1], 0.0), abs(v))
        worst, ranks = 0.0, 0
        for k, v in a.items():
            if "rank" in k[-1]:
                ranks += v != b[k]
            elif scale[k[-1]] > 0:
                worst = max(worst, abs(v - b[k]) / scale[k[-1]])
        print(f"{name}: {len(a)} values, largest difference {worst:.1e} of the measure's largest, {ranks} ranks differ")
        ok = ok and worst <= tol and ranks == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
