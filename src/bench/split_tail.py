"""Writes a long-format CSV without the last N rows of every series: the training part of a holdout benchmark.

Usage: split_tail.py SRC DST ID_COLUMN N [--whole PATH] [NAME=EXPR ...]
Rows of a series are contiguous and in time order, as in ../shared/data. Each NAME=EXPR adds a column computed
from the row's series id, `sid` in the Python expression EXPR (e.g. "city=sid.split('_')[0]"); --whole also
writes every row, with the added columns, to PATH (the file the backtest reads).
"""
import csv, sys
from collections import Counter

src, dst, idcol, cut = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rest = sys.argv[5:]
whole_path = None
if rest[:1] == ["--whole"]:
    whole_path, rest = rest[1], rest[2:]
added = [a.split("=", 1) for a in rest]
with open(src) as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
col = header.index(idcol)
total = Counter(r[col] for r in body)
seen = Counter()
with open(dst, "w", newline="") as f, open(whole_path or "/dev/null", "w", newline="") as g:
    w, ww = csv.writer(f), csv.writer(g)
    out = header + [name for name, _ in added]
    w.writerow(out)
    ww.writerow(out)
    for r in body:
        row = r + [str(eval(expr, {}, {"sid": r[col]})) for _, expr in added]
        ww.writerow(row)
        seen[r[col]] += 1
        if seen[r[col]] <= total[r[col]] - cut:
            w.writerow(row)
