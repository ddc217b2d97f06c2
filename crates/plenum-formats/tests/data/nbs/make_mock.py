"""Writes the two mock NBS tables used by the tests (no dependencies).

china_2017_3.csv: split layout (Origin Domestic / Imports), 3 sectors,
final uses TC FU201 FU202 EX. china_2020_4.csv: total layout (no Origin),
4 sectors, final uses FU101 FU102 FU103 FU201 FU202 EX with subtotals THC TC
GCF TFU and IM (positive). Values chosen by hand; totals computed so that
every identity holds exactly (dyadic numbers, exact in binary).
"""


def fmt(v):
    return repr(float(v))


# ---- split layout, 3 sectors
codes = ["01", "02", "03"]
names = [("Agriculture", "农林牧渔产品和服务"), ("Mining and washing of coal", "煤炭采选产品"),
         ("Communication equipment, computers and other electronic equipment", "通信设备、计算机和其他电子设备")]
Zd = [[10, 2, 4], [3, 20, 6], [1, 5, 30]]
Yd = [[40, 2, -1.5, 6], [8, 1, 0.5, 10], [20, 15, 2, 50.25]]
Zm = [[1, 0.5, 0], [0, 2, 1], [0.25, 1, 12]]
Ym = [[5, 0, 0, 0], [0, 0, 0, 0], [6, 4, 0.5, 3]]
x = [sum(Zd[i]) + sum(Yd[i]) for i in range(3)]
lines = ["Code,Description,DescriptionInChinese,Origin," + ",".join(codes) + ",TIU,TC,FU201,FU202,EX,TFU,GO"]
for i in range(3):
    lines.append(f'{codes[i]},"{names[i][0]}",{names[i][1]},Domestic,' + ",".join(fmt(v) for v in Zd[i])
                 + f",{fmt(sum(Zd[i]))}," + ",".join(fmt(v) for v in Yd[i]) + f",{fmt(sum(Yd[i]))},{fmt(x[i])}")
for i in range(3):
    m = sum(Zm[i]) + sum(Ym[i])
    lines.append(f'{codes[i]},"{names[i][0]}",{names[i][1]},Imports,' + ",".join(fmt(v) for v in Zm[i])
                 + f",{fmt(sum(Zm[i]))}," + ",".join(fmt(v) for v in Ym[i]) + f",{fmt(sum(Ym[i]))},{fmt(m)}")
tii = [sum(Zd[i][j] + Zm[i][j] for i in range(3)) for j in range(3)]
va_total = [x[j] - tii[j] for j in range(3)]
va = [[0.5 * t for t in va_total], [0.125 * t for t in va_total], [0.125 * t for t in va_total], [0.25 * t for t in va_total]]
empty = "," * 6
lines.append("TII,Total intermediate input,中间投入合计,TOT," + ",".join(fmt(v) for v in tii) + f",{fmt(sum(tii))}" + empty)
for k, (nm, zh) in enumerate([("Compensation of employees", "劳动者报酬"), ("Net taxes on production", "生产税净额"),
                              ("Depreciation of fixed assets", "固定资产折旧"), ("Operating surplus", "营业盈余")]):
    lines.append(f"VA00{k+1},{nm},{zh},TOT," + ",".join(fmt(v) for v in va[k]) + f",{fmt(sum(va[k]))}" + empty)
lines.append("TVA,Total value-added,增加值合计,TOT," + ",".join(fmt(v) for v in va_total) + f",{fmt(sum(va_total))}" + empty)
lines.append("TI,Total inputs,总投入,TOT," + ",".join(fmt(v) for v in x) + f",{fmt(sum(x))}" + empty)
open("china_2017_3.csv", "w").write("\n".join(lines) + "\n")

# ---- total layout, 4 sectors
codes = ["001", "002", "003", "004"]
names = ["Agriculture", "Coal", "Semiconductors", "Construction"]
Z = [[10, 2, 4, 1], [3, 20, 6, 2], [1, 5, 30, 4], [0.5, 1, 2, 3]]
F = [[20, 30, 1, 2, -1, 6], [2, 4, 1, 1, 0.5, 10], [5, 15, 2, 15, 2, 80], [0, 0, 0, 100, 0, 0.5]]
IM = [12, 20, 60.5, 0]
x = [sum(Z[i]) + sum(F[i]) - IM[i] for i in range(4)]
lines = ["Code,Description,DescriptionInChinese," + ",".join(codes)
         + ",TIU,FU101,FU102,THC,FU103,TC,FU201,FU202,GCF,EX,TFU,IM,GO"]
for i in range(4):
    f101, f102, f103, f201, f202, ex = F[i]
    thc = f101 + f102
    tc = thc + f103
    gcf = f201 + f202
    tfu = tc + gcf + ex
    vals = Z[i] + [sum(Z[i]), f101, f102, thc, f103, tc, f201, f202, gcf, ex, tfu, IM[i], x[i]]
    lines.append(f"{codes[i]},{names[i]},部门{i+1}," + ",".join(fmt(v) for v in vals))
tii = [sum(Z[i][j] for i in range(4)) for j in range(4)]
va_total = [x[j] - tii[j] for j in range(4)]
empty = "," * 12
lines.append("TII,Total intermediate input,中间投入合计," + ",".join(fmt(v) for v in tii) + f",{fmt(sum(tii))}" + empty)
for k in range(4):
    share = [0.5, 0.125, 0.125, 0.25][k]
    row = [share * t for t in va_total]
    lines.append(f"VA00{k+1},va{k+1},增加值{k+1}," + ",".join(fmt(v) for v in row) + f",{fmt(sum(row))}" + empty)
lines.append("TVA,Total value-added,增加值合计," + ",".join(fmt(v) for v in va_total) + f",{fmt(sum(va_total))}" + empty)
lines.append("TI,Total inputs,总投入," + ",".join(fmt(v) for v in x) + f",{fmt(sum(x))}" + empty)
open("china_2020_4.csv", "w").write("\n".join(lines) + "\n")
