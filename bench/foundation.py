#!/usr/bin/env python3
"""Foundation benchmark: sample generation, loading, one query and the monthly pack.

Usage: python3 bench/foundation.py [ROWS]   (default 1,000,000; 10,000,000 works too)
Needs a release build (scripts/setup release) and the sqlite3 command-line shell.

Prints wall-clock figures, and the query side by side with the sqlite3 shell running the
SQL Almanac generates (the tool an analyst would otherwise reach for), as a ratio.
"""
import os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
almanac = os.path.join(bin_dir, "almanac")
if not os.path.exists(almanac):
    sys.exit("build first: scripts/setup release")


def timed(args, repeat=1, stdin=None, **kw):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, input=stdin, **kw)
        if r.returncode not in (0,):
            sys.exit(f"failed: {' '.join(args)}\n{r.stderr}")
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, r.stdout


work = tempfile.mkdtemp(prefix="almanac-bench-")
try:
    data, wh = os.path.join(work, "data"), os.path.join(work, "w.sqlite")
    t_gen, _ = timed([almanac, "sample", "--rows", str(rows), "--seed", "2025", "--out", data])
    size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data))
    print(f"sample   {rows:>12,} rows  {t_gen:8.2f} s  {rows / t_gen:12,.0f} rows/s  ({size / 1e6:,.0f} MB)")
    t_load, _ = timed([almanac, "load", "--data", data, "--warehouse", wh])
    print(f"load     {rows:>12,} rows  {t_load:8.2f} s  {rows / t_load:12,.0f} rows/s")

    q = ["contacts,spend,customers", "--by", "directorate,financial_year"]
    _, sql = timed([almanac, "query", *q, "--explain", "--warehouse", wh])
    sql = sql.split("-- parameters:")[0]
    t_alm, _ = timed([almanac, "query", *q, "--format", "csv", "--warehouse", wh], repeat=3)
    t_sq, _ = timed(["sqlite3", "-csv", wh], repeat=3, stdin=sql)
    print(f"query    almanac {t_alm * 1000:8.1f} ms   sqlite3 shell {t_sq * 1000:8.1f} ms   ratio {t_alm / t_sq:5.2f}")

    out = os.path.join(work, "out")
    t_pack, _ = timed([almanac, "report", "monthly-performance", "--period", "2025-10", "--out", out, "--warehouse", wh], repeat=3)
    print(f"pack     monthly-performance 2025-10 at {rows:,} rows: {t_pack:6.2f} s")
finally:
    shutil.rmtree(work, ignore_errors=True)
