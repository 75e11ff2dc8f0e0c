#!/usr/bin/env python3
"""Query-layer overhead, two ways, on the same warehouse:

- in process: `almanac query --timing` splits the run into database time and the query
  layer's own time (planning, compiling, reading rows into columns, shaping);
- end to end: the whole `almanac query` command (process start, model load, warehouse
  checks) against the sqlite3 shell running the SQL Almanac generates, its parameters bound.

Usage: python3 bench/query_overhead.py [ROWS ...]     (default: 1000000 10000000)
Needs a release build (scripts/setup release) and the sqlite3 shell. Warehouses are built
once per size under $TMPDIR and reused. Target (issue 3): overhead at most 5%.
"""
import os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
ALMANAC = os.path.join(bin_dir, "almanac")
QUERIES = [
    ("sum by directorate, financial year", ["contacts,spend", "--by", "directorate,financial_year"]),
    ("distinct customers by district, filtered", ["customers,contacts", "--by", "district", "--where", "channel != 'Web' and service in ('Highways', 'Libraries')"]),
    ("rate per 1,000 by district and month", ["contacts_per_1000", "--by", "district,month", "--period", "FY2024-25"]),
    ("repeat and multi-service customers by age band", ["repeat_contact_rate,multi_service_customers", "--by", "age_band", "--period", "FY2024-25"]),
]


def run(args, stdin=None):
    t = time.perf_counter()
    r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, input=stdin)
    if r.returncode != 0:
        sys.exit(f"failed: {args}\n{r.stderr}")
    return time.perf_counter() - t, r.stdout, r.stderr


def shell_script(explained):
    """The SQL as generated, its parameters bound by the shell (.parameter set), as a user
    pasting `--explain` output into sqlite3 would run it."""
    sql, _, params = explained.partition("-- parameters:")
    values = [] if params.strip() == "none" else re.findall(r"'(?:[^']|'')*'|[-\d.]+", params)
    binds = "".join(f'.parameter set ?{i + 1} "{v}"\n' for i, v in enumerate(values))
    return binds + sql


def best(fn, n=5):
    return min(fn() for _ in range(n))


for rows in [int(a) for a in sys.argv[1:]] or [1_000_000, 10_000_000]:
    wh = os.path.join(tempfile.gettempdir(), f"almanac-bench-{rows}.sqlite")
    if not os.path.exists(wh):
        data = tempfile.mkdtemp(prefix="almanac-bench-data-")
        run([ALMANAC, "sample", "--rows", str(rows), "--seed", "2025", "--out", data])
        run([ALMANAC, "load", "--data", data, "--warehouse", wh])
        subprocess.run(["rm", "-rf", data])
    print(f"{rows:,} fact rows")
    for name, q in QUERIES:
        _, explained, _ = run([ALMANAC, "query", *q, "--explain", "--warehouse", wh])
        sql = shell_script(explained)
        a = best(lambda: run([ALMANAC, "query", *q, "--format", "csv", "--warehouse", wh])[0])
        s = best(lambda: run(["sqlite3", "-csv", wh], stdin=sql)[0])
        inproc = min(float(re.search(r"overhead ([\d.]+)%", run([ALMANAC, "query", *q, "--format", "csv", "--timing", "--warehouse", wh])[2]).group(1)) for _ in range(3))
        print(f"  {name:<48} in process {inproc:5.2f}%   end to end: almanac {a * 1000:9.1f} ms  sqlite3 {s * 1000:9.1f} ms  {100 * (a / s - 1):+5.1f}%")
