#!/usr/bin/env python3
"""The baseline for issue 7: a plain openpyxl script doing the same checks.

It finds the fields by their labels, recomputes the funds rates and score,
the funds sums, each indicator's cap, the total and the grade with Decimal,
and prints one line per finding. No interval arithmetic: it is what a unit
would write in an afternoon, and what xlsxeval must beat by 10x.

    /usr/bin/python3 scripts/bench/openpyxl_check.py DIR
"""
import os
import re
import sys
from decimal import Decimal, ROUND_HALF_UP

import openpyxl

NUM = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def num(v):
    if v is None or v == "-":
        return None
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    m = NUM.search(str(v))
    return Decimal(m.group().replace(",", "")) if m else None


def r2(d):
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def find(ws, label):
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.replace(" ", "").startswith(label):
                return c
    return None


def check_sheet(path, ws, out):
    head = find(ws, "年初预算数")
    if head is None:
        return
    r0 = head.row
    col = {}
    for c in ws[r0]:
        if isinstance(c.value, str):
            for k in ("年初预算数", "全年预算数", "全年执行数", "分", "执行率", "得分"):
                if c.value.startswith(k) and k not in col:
                    col[k] = c.column
    funds = []
    for r in range(r0 + 1, r0 + 5):
        b, e = num(ws.cell(r, col["全年预算数"]).value), num(ws.cell(r, col["全年执行数"]).value)
        rate = num(ws.cell(r, col["执行率"]).value)
        want = Decimal(0) if not b else r2(e / b * 100)
        if rate is not None and rate != want:
            out.append(f"{path}!{ws.title} funds.rate row {r}: {rate} != {want}")
        funds.append((b, e, rate))
    parts = [f[0] or 0 for f in funds[1:]]
    if funds[0][0] is not None and funds[0][0] != sum(parts):
        out.append(f"{path}!{ws.title} funds.sum: {funds[0][0]} != {sum(parts)}")
    w = num(ws.cell(r0 + 1, col["分"]).value) or Decimal(10)
    fscore = num(ws.cell(r0 + 1, col["得分"]).value) or Decimal(0)
    if funds[0][2] is not None and fscore != r2(w * min(funds[0][2] / 100, Decimal(1))):
        out.append(f"{path}!{ws.title} funds.score: {fscore}")
    ih = find(ws, "一级指标")
    total_row = find(ws, "总分")
    scores = []
    for r in range(ih.row + 1, total_row.row):
        t, a = ws.cell(r, 4).value, ws.cell(r, 5).value
        wt, sc = num(ws.cell(r, 6).value), num(ws.cell(r, 7).value)
        if wt is None or sc is None:
            continue
        scores.append(sc)
        tn, an = num(t), num(a)
        cap = wt
        if tn is not None and an is not None and isinstance(t, str):
            if t[0] in "≥>" and an < tn:
                cap = wt * an / tn
            elif t[0] in "≤<" and an > tn:
                cap = wt * tn / an
            elif t[0] == "=" and an != tn and an and tn:
                cap = wt * min(an / tn, tn / an)
        elif isinstance(a, str) and "部分" in a:
            cap = wt * Decimal("0.8")
        if sc > r2(cap):
            out.append(f"{path}!{ws.title} ind.cap row {r}: {sc} > {r2(cap)}")
        if sc < wt and not ws.cell(r, 8).value:
            out.append(f"{path}!{ws.title} ind.reason row {r}")
    total = num(ws.cell(total_row.row, 7).value)
    want = r2(fscore + sum(scores))
    if total is not None and total != want:
        out.append(f"{path}!{ws.title} total.sum: {total} != {want}")
    g = find(ws, "评分等级")
    if g is not None and total is not None:
        band = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
        if ws.cell(g.row, g.column + 1).value != band:
            out.append(f"{path}!{ws.title} total.grade")


def main():
    out, n = [], 0
    for root, _, files in os.walk(sys.argv[1]):
        for name in sorted(files):
            if name.endswith(".xlsx"):
                wb = openpyxl.load_workbook(os.path.join(root, name), data_only=True)
                for ws in wb.worksheets:
                    if ws.sheet_state == "visible":
                        check_sheet(name, ws, out)
                n += 1
    print("\n".join(out))
    print(f"{n} files, {len(out)} findings", file=sys.stderr)


if __name__ == "__main__":
    main()
