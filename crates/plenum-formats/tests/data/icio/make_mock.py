"""Writes the two mock OECD ICIO tables used by the tests (no dependencies).

Both start from one balanced "true" table of 3 regions x 3 sectors with six
final-demand categories, then write it in an edition's layout, splitting one
country's industries into parts the way the OECD does for China and Mexico:

- ICIO2021_2018.csv (2021 edition): regions AUS, CHN, ROW; China's
  industries split into CHN (1/2), CN1 (1/4) and CN2 (1/4) rows and
  columns, the CN parts appended after ROW's industries; final demand
  columns REG_HFCE ... REG_DPABR (final demand of China under CHN only);
  rows TAXSUB, VALU, OUTPUT; column TOTAL.
- ICIO2023_2020.csv (2023/2025 layout): regions USA, MEX, ROW, Mexico's
  industries given only as MX1 (1/2) and MX2 (1/2), no MEX industries;
  sector codes with underscores (A01_02, J62_63); rows TLS, VA, OUT; column
  OUT.

Every split is by a power of two, so the merged table the reader must
rebuild equals the true table exactly. Run: python3 make_mock.py
"""

FD = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]


def true_table(sectors):
    n = 9
    Z = [[float((3 * i + 5 * j) % 7 + (8 if i == j else 0)) for j in range(n)] for i in range(n)]
    Y = [[float((i + 2 * c) % 5) * 4.0 + (1.0 if c % 6 == 0 else 0.0) for c in range(18)] for i in range(n)]
    for i in range(n):
        Y[i][4] = -0.5 if i % 2 else 0.25  # inventories may be negative
    x = [sum(Z[i]) + sum(Y[i]) for i in range(n)]
    tax = [0.125 * (j + 1) for j in range(n)]
    va = [x[j] - sum(Z[i][j] for i in range(n)) - tax[j] for j in range(n)]
    tax_fd = [0.5] * 18
    return Z, Y, x, tax, va, tax_fd


def fmt(v):
    return repr(float(v))


def write(path, regions, sectors, split, rows_named, total_col):
    """split: {region: [(code, share), ...]} writes that region's industries as parts."""
    Z, Y, x, tax, va, tax_fd = true_table(sectors)
    # industry entities: (label, true index, share)
    ents = []
    tail = []
    for r, reg in enumerate(regions):
        parts = split.get(reg, [(reg, 1.0)])
        for code, share in parts:
            target = ents if code == reg else tail
            for s, sec in enumerate(sectors):
                target.append((f"{code}_{sec}", r * 3 + s, share))
    ents += tail
    fd_cols = [(f"{reg}_{cat}", r * 6 + c) for r, reg in enumerate(regions) for c, cat in enumerate(FD)]
    header = [""] + [e[0] for e in ents] + [f[0] for f in fd_cols] + [total_col]
    lines = [",".join(header)]
    for lab, i, si in ents:
        zs = [Z[i][j] * si * sj for _, j, sj in ents]
        ys = [Y[i][c] * si for _, c in fd_cols]
        lines.append(",".join([lab] + [fmt(v) for v in zs + ys] + [fmt(sum(zs) + sum(ys))]))
    tax_name, va_name, out_name = rows_named
    lines.append(",".join([tax_name] + [fmt(tax[j] * sj) for _, j, sj in ents] + [fmt(v) for v in tax_fd] + [""]))
    lines.append(",".join([va_name] + [fmt(va[j] * sj) for _, j, sj in ents] + ["0.0"] * len(fd_cols) + [""]))
    lines.append(",".join([out_name] + [fmt(x[j] * sj) for _, j, sj in ents] + [""] * len(fd_cols) + [""]))
    open(path, "w").write("\n".join(lines) + "\n")


write("ICIO2021_2018.csv", ["AUS", "CHN", "ROW"], ["A01T02", "C26", "F"],
      {"CHN": [("CHN", 0.5), ("CN1", 0.25), ("CN2", 0.25)]}, ("TAXSUB", "VALU", "OUTPUT"), "TOTAL")
write("ICIO2023_2020.csv", ["USA", "MEX", "ROW"], ["A01_02", "C26", "J62_63"],
      {"MEX": [("MX1", 0.5), ("MX2", 0.5)]}, ("TLS", "VA", "OUT"), "OUT")
