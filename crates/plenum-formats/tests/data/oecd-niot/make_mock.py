"""Writes the two mock OECD national tables (TTL layout) used by the tests.

Hand-chosen flows; the balancing items are computed so that every identity
of the layout holds exactly (3 decimals, as the OECD publishes):
row:    sum(TTL uses) + final uses + EXPO + IMPO = TOTAL = OUTPUT
column: sum(TTL) + IMP_OTHER + TXS_INT_FNL = TTL_INT_FNL; + VALU = OUTPUT;
        VALU = LABR + OTXS + CFC + NOPS.
B05 (coal) is made nowhere in XYZ: its uses are all imported.
Run: python3 make_mock.py  (no dependencies)
"""
IND = ["A01", "B05", "C26", "F"]
FD = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR", "CONS_NONRES", "EXPO", "IMPO"]


def write(code, U, F, E, M, txs, impo_other, labr, otxs, cfc_share):
    n = len(IND)
    x = [round(sum(U[i]) + sum(F[i]) + E[i] - M[i], 3) for i in range(n)]
    lines = ['"",' + ",".join(f'"{c}"' for c in IND + FD + ["TOTAL"])]
    for i in range(n):
        vals = U[i] + F[i] + [E[i], -M[i] if M[i] else 0.0]
        lines.append(f'"TTL_{IND[i]}",' + ",".join(f"{v:.3f}".rstrip("0").rstrip(".") if v else "0" for v in vals + [x[i]]))
    colsum = [sum(U[i][j] for i in range(n)) for j in range(n)]
    tif = [colsum[j] + impo_other[j] + txs[j] for j in range(n)]
    valu = [x[j] - tif[j] for j in range(n)]
    gops = [valu[j] - labr[j] - otxs[j] for j in range(n)]
    cfc = [round(g * cfc_share, 3) for g in gops]
    nops = [g - c for g, c in zip(gops, cfc)]
    zero_fd = [0.0] * len(FD)

    def prim(label, vals, fd=None):
        fd = fd or zero_fd
        tot = sum(vals) + sum(fd)
        lines.append(f'"{label}",' + ",".join(f"{v:.3f}" for v in vals + fd + [tot]))

    prim("IMP_OTHER", impo_other, [1.5] + [0.0] * 8)
    prim("TXS_INT_FNL", txs, [12.25, 0.0, 0.0, 3.0] + [0.0] * 5)
    prim("TTL_INT_FNL", tif)
    prim("VALU", valu)
    prim("LABR", labr)
    prim("OTXS", otxs)
    prim("CFC", cfc)
    prim("NOPS", nops)
    prim("OUTPUT", x)
    with open(f"{code}2022ttl.csv", "w") as f:
        f.write("\n".join(lines) + "\n")


# XYZ: 4 industries, B05 with zero output but imported uses.
write(
    "XYZ",
    U=[[20.5, 0, 3.25, 1], [4, 0, 2, 0.5], [2, 0, 30, 6], [1.5, 0, 2, 10]],
    F=[[60, 0.5, 1, 0, -0.75, 0, 0], [0.5, 0, 0, 0, 0, 0, 0], [40, 0, 5, 25, 1, 0.5, 0.25], [5, 0, 3, 80, 0, 0, 0]],
    E=[10, 0, 45.125, 0.5],
    M=[-0.0, 7.0, 20, 0],
    txs=[1.25, 0, 2.5, 3],
    impo_other=[0.25, 0, 0.5, 0],
    labr=[30, 0, 20, 40],
    otxs=[-2, 0, 1, 1.5],
    cfc_share=0.4,
)
# ABC: another economy for the folder reader.
write(
    "ABC",
    U=[[5, 1, 0, 2], [1, 3, 1, 0], [0, 1, 8, 1], [1, 0, 1, 2]],
    F=[[20, 0, 1, 2, 0, 0, 0], [2, 0, 0, 0, 1, 0, 0], [10, 0, 0, 15, 0, 0, 0], [4, 0, 6, 30, 0, 0, 0]],
    E=[3, 6, 12, 0],
    M=[2, 1, 4, 0],
    txs=[0.5, 0.25, 1, 1],
    impo_other=[0, 0, 0, 0],
    labr=[10, 5, 8, 20],
    otxs=[0.5, 0.5, 0.5, 0.5],
    cfc_share=0.5,
)
