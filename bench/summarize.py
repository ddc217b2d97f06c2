"""Summary table of bench/analyze_vs_pymrio.sh from its results.tsv.

    python3 bench/summarize.py RESULTS_TSV

Per n: median wall time (and every run's), median CPU time (user + system),
peak RSS (the largest of the runs, GiB), and the ratios pymrio / plenum for
time and plenum / pymrio for memory (below 1: plenum uses less).
"""

import csv
import statistics
import sys


def main():
    rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
    print(
        "| n | plenum wall, median (runs) | plenum CPU | plenum peak RSS "
        "| pymrio wall, median (runs) | pymrio CPU | pymrio peak RSS "
        "| wall pymrio / plenum | CPU pymrio / plenum | RSS plenum / pymrio | load (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    native = []
    for n in sorted({int(r["n"]) for r in rows}):

        def of(tool):
            rs = [r for r in rows if int(r["n"]) == n and r["tool"] == tool]
            if not rs:
                return None
            wall = statistics.median(float(r["wall_s"]) for r in rs)
            cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
            rss = max(int(r["maxrss_kb"]) for r in rs) / 1024 / 1024
            return wall, cpu, rss, ", ".join(r["wall_s"] for r in rs)

        pw, pc, pr, pall = of("plenum")
        loads = sorted(float(r["load1"]) for r in rows if int(r["n"]) == n)
        nat = of("native")
        if nat:
            native.append(f"| {n} | {nat[0]:.2f} s ({nat[3]}) | {nat[2]:.2f} GiB |")
        if of("pymrio") is None:
            print(
                f"| {n} | {pw:.2f} s ({pall}) | {pc:.2f} s | {pr:.2f} GiB "
                f"| not run | | | | | | {loads[0]:.1f}–{loads[-1]:.1f} |"
            )
            continue
        yw, yc, yr, yall = of("pymrio")
        print(
            f"| {n} | {pw:.2f} s ({pall}) | {pc:.2f} s | {pr:.2f} GiB "
            f"| {yw:.2f} s ({yall}) | {yc:.2f} s | {yr:.2f} GiB "
            f"| **{yw / pw:.1f}×** | {yc / pc:.1f}× | {pr / yr:.2f} | {loads[0]:.1f}–{loads[-1]:.1f} |"
        )
    if native:
        print()
        print("| n | `plenum table info` on the native copy, wall (runs) | peak RSS |")
        print("|---|---|---|")
        print("\n".join(native))


if __name__ == "__main__":
    main()
