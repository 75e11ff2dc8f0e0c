#!/usr/bin/env python3
"""The analyst's alternative to `almanac report`/`pack`: a DuckDB + matplotlib notebook.

One DuckDB connection; every query of the Almanac run (the SQL Almanac would run on the
facts, translated to DuckDB by bench/scale.py) run once, vectorised, on the raw facts; each
result drawn as a chart (a line per series over time where it has a time column, bars
otherwise) with its table beneath, one page each, into one PDF through PdfPages.

  notebook.py QUERIES.json OUT.pdf --duckdb FILE      facts already in a DuckDB file
  notebook.py QUERIES.json OUT.pdf --csv DIR          reading the CSV extracts itself

Prints the seconds it took (after Python and the libraries are imported).
"""
import argparse, json, sys, time

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

TIME = {"day", "iso_week", "month", "quarter", "financial_quarter", "year", "financial_year"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("queries")
    ap.add_argument("out")
    ap.add_argument("--duckdb")
    ap.add_argument("--csv")
    a = ap.parse_args()
    queries = json.load(open(a.queries))
    started = time.perf_counter()
    if a.duckdb:
        con = duckdb.connect(a.duckdb, read_only=True)
    else:
        con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if not a.duckdb:
        for table, types in TABLES.items():
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{a.csv}/{table}.csv', header=true{types})")
    skipped = 0
    with PdfPages(a.out) as pdf:
        for q in queries:
            try:
                cur = con.execute(q)
            except duckdb.Error:
                skipped += 1  # a statement the translation cannot express (ISO weeks)
                continue
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            cols = list(zip(*rows)) if rows else [[] for _ in names]
            dims = [i for i, c in enumerate(cols) if rows and isinstance(c[0], str)]
            nums = [i for i in range(len(names)) if i not in dims and not names[i].startswith("_")]
            tcol = next((i for i in dims if names[i] in TIME), None)
            fig, ax = plt.subplots(figsize=(8.27, 11.69))
            fig.subplots_adjust(bottom=0.45)
            if nums and rows:
                y = nums[0]
                if tcol is not None:
                    others = [i for i in dims if i != tcol]
                    series = {}
                    for row in rows:
                        key = row[others[0]] if others else names[y]
                        series.setdefault(key, ([], []))
                        series[key][0].append(row[tcol])
                        series[key][1].append(row[y] or 0)
                    for key, (xs, ys) in list(series.items())[:20]:
                        ax.plot(xs, ys, label=str(key))
                    if others:
                        ax.legend(fontsize=6, ncol=3)
                    ax.tick_params(axis="x", labelrotation=90, labelsize=6)
                elif dims:
                    ax.barh([str(r[dims[0]]) for r in rows[:40]], [r[y] or 0 for r in rows[:40]])
                    ax.tick_params(axis="y", labelsize=6)
                ax.set_title(names[y])
            # The table beneath: the first rows as text.
            lines = ["  ".join(f"{n[:14]:>14}" for n in names)]
            lines += ["  ".join(f"{(f'{v:,.2f}' if isinstance(v, float) else str(v))[:14]:>14}" for v in r) for r in rows[:30]]
            fig.text(0.05, 0.40, "\n".join(lines), family="monospace", fontsize=5, va="top")
            pdf.savefig(fig)
            plt.close(fig)
    if skipped:
        print(f"{skipped} queries DuckDB could not run", file=sys.stderr)
    print(f"{time.perf_counter() - started:.4f}")


# Tables as the extracts hold them; the date stays text, as in the warehouse, so the same
# SQL runs (substr and printf on ISO dates).
TABLES = {
    "districts": "", "wards": "", "services": "", "customers": "",
    "population": "", "activity": ", types={'activity_date': 'VARCHAR'}",
}

if __name__ == "__main__":
    sys.exit(main())
