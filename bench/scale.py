#!/usr/bin/env python3
"""Performance at council scale (issue 13), side by side with the tools an analyst would
otherwise reach for. Run through bench/run, which installs DuckDB and matplotlib.

For each size (millions of activity rows, `almanac sample --seed 2025`):
  load      `almanac load` (validated, rollups built) | sqlite3 `.import` | DuckDB read_csv
  queries   every statement the monthly report, the Cabinet pack, the 12 district packs and
            the findings scan run (recorded with ALMANAC_TRACE_SQL), replayed in the sqlite3
            shell (the same SQL) and in DuckDB on the raw facts (the SQL Almanac would run
            on the facts, translated); Almanac's own time per statement from the trace
  end to end `almanac report`, `pack` (both packs, all audiences), `analyse`, against a
            DuckDB + matplotlib notebook running the same queries and drawing a chart and
            table per query into one PDF (bench/notebook.py), from a DuckDB file and reading
            the CSVs itself
Wall time is the median of --repeat runs; memory the peak resident set of each process
(GNU time's %M).
Writes bench/results.md (or --out).
"""
import argparse, json, os, platform, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable
PERIOD = "2026-03"


def run(args, env=None, stdin=None):
    """Like sh, with the process's own peak memory (wait4)."""
    e = dict(os.environ)
    e.update(env or {})
    fo, fe = tempfile.TemporaryFile(mode="w+"), tempfile.TemporaryFile(mode="w+")
    fi = None
    if stdin:
        fi = tempfile.TemporaryFile(mode="w+")
        fi.write(stdin)
        fi.seek(0)
    # Peak memory through GNU time: a child forked from this Python would count the
    # interpreter's own pages (DuckDB, matplotlib) in its high-water mark.
    peak_file = tempfile.NamedTemporaryFile(delete=False)
    peak_file.close()
    t = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", peak_file.name, *args], cwd=ROOT, env=e,
                         stdin=fi or subprocess.DEVNULL, stdout=fo, stderr=fe, text=True)
    code = p.wait()
    dt = time.perf_counter() - t
    fo.seek(0)
    fe.seek(0)
    out, err = fo.read(), fe.read()
    peak = open(peak_file.name).read().strip().splitlines()
    os.unlink(peak_file.name)
    if code not in (0, 3):
        sys.exit(f"failed ({code}): {' '.join(args)}\n{err[-3000:]}")
    return dt, int(peak[-1]) / 1024 if peak and peak[-1].isdigit() else float("nan"), out, err


def median_of(n, fn):
    walls, peaks, last = [], [], None
    for _ in range(n):
        w, m, *rest = fn()
        walls.append(w)
        peaks.append(m)
        last = rest
    return statistics.median(walls), max(peaks), last


# ---------------------------------------------------------------------------------------
# SQLite SQL -> DuckDB SQL, for the statements Almanac would run on the facts.

def literal(v):
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def bind(sql, params):
    for i in range(len(params), 0, -1):
        sql = sql.replace(f"?{i}", literal(params[i - 1]))
    return sql


def to_duckdb(sql):
    s = re.sub(r"^--.*$", "", sql, flags=re.M)
    # Booleans used as numbers: SQLite's (month < 4), SUM(x >= 2).
    s = re.sub(r"\((CAST\(substr\([^()]*, 6, 2\) AS INTEGER\) < 4)\)", r"CAST((\1) AS INTEGER)", s)
    s = re.sub(r'SUM\(("_v\d+" >= \d+)\)', r"SUM(CAST((\1) AS INTEGER))", s)
    # SQLite divides integers to integers.
    s = re.sub(r"(\)) / (\d+)\b", r"\1 // \2", s)
    # SQLite's two-argument MIN and MAX are LEAST and GREATEST.
    s = s.replace("MAX(MIN(", "GREATEST(LEAST(")
    # `a IS b` between values is DuckDB's IS NOT DISTINCT FROM.
    s = re.sub(r"\bIS (?!NULL\b|NOT\b)", "IS NOT DISTINCT FROM ", s)
    return s


# ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,3,10", help="millions of rows, e.g. 1,3,10")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", ".work"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results.md"))
    ap.add_argument("--keep", action="store_true", help="keep the other sizes of the last run's results")
    ap.add_argument("--replay-limit", type=int, default=80, help="statements per job replayed in sqlite3 and DuckDB")
    a = ap.parse_args()
    sizes = [float(x) for x in a.sizes.split(",")]
    os.makedirs(a.work, exist_ok=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    almanac = os.path.join(bin_dir, "almanac")
    sqlite3 = shutil.which("sqlite3")
    if not os.path.exists(almanac) or not sqlite3:
        sys.exit("needs the release build and the sqlite3 shell: run bench/run")
    import duckdb
    import matplotlib

    results = {"sizes": [], "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
               "versions": {"duckdb": duckdb.__version__, "matplotlib": matplotlib.__version__,
                            "sqlite3": subprocess.run([sqlite3, "--version"], capture_output=True, text=True).stdout.split()[0]}}
    # Sizes measured by an earlier run (with --keep) stay in the results beside these.
    previous = os.path.join(a.work, "results.json")
    if a.keep and os.path.exists(previous):
        results["sizes"] = [r for r in json.load(open(previous))["sizes"] if r["rows"] not in [int(x * 1_000_000) for x in sizes]]
    for size in sizes:
        rows = int(size * 1_000_000)
        label = f"{size:g}M"
        print(f"== {label} rows", flush=True)
        data = os.path.join(a.work, f"data-{label}")
        if not os.path.exists(os.path.join(data, "activity.csv")):
            shutil.rmtree(data, ignore_errors=True)
            subprocess.run([almanac, "sample", "--rows", str(rows), "--seed", "2025", "--out", data], check=True, capture_output=True)
        csv_mb = os.path.getsize(os.path.join(data, "activity.csv")) / 1e6
        r = {"label": label, "rows": rows, "csv_mb": csv_mb, "repeat": a.repeat}
        wh = os.path.join(a.work, f"w-{label}.sqlite")

        # Load.
        def almanac_load():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(wh + suffix):
                    os.remove(wh + suffix)
            return run([almanac, "load", "--data", data, "--warehouse", wh])
        r["load"] = median_of(a.repeat, almanac_load)[:2]
        r["warehouse_mb"] = os.path.getsize(wh) / 1e6
        imp = os.path.join(a.work, "import.sqlite")

        def sqlite_import():
            if os.path.exists(imp):
                os.remove(imp)
            return run([sqlite3, imp, ".mode csv", f".import {data}/activity.csv activity"])
        r["import"] = median_of(a.repeat, sqlite_import)[:2]
        os.remove(imp)
        duck = os.path.join(a.work, f"d-{label}.duckdb")

        def duck_load():
            if os.path.exists(duck):
                os.remove(duck)
            code = ("import duckdb,time,sys\nt=time.perf_counter()\nc=duckdb.connect(sys.argv[1])\nc.execute('SET enable_progress_bar = false')\n"
                    "c.execute(\"CREATE TABLE activity AS SELECT * FROM read_csv('\"+sys.argv[2]+\"', header=true)\")\nc.close()\n"
                    "print(time.perf_counter()-t)")
            w, m, out, _ = run([PY, "-c", code, duck, f"{data}/activity.csv"])
            return float(out.strip().splitlines()[-1]), m
        r["duck_load"] = median_of(a.repeat, duck_load)[:2]
        # The DuckDB database the queries and the notebook read: every table, the date as text.
        os.remove(duck)
        con = duckdb.connect(duck)
        con.execute("SET enable_progress_bar = false")
        for table in ("districts", "wards", "services", "customers", "population"):
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{data}/{table}.csv', header=true)")
        con.execute(f"CREATE TABLE activity AS SELECT * FROM read_csv('{data}/activity.csv', header=true, types={{'activity_date': 'VARCHAR'}})")
        con.close()
        print(f"   load {r['load'][0]:.2f} s ({rows / r['load'][0]:,.0f} rows/s, {r['load'][1]:.0f} MB); "
              f"sqlite3 .import {r['import'][0]:.2f} s; DuckDB {r['duck_load'][0]:.2f} s", flush=True)

        # End to end, and the statements each job runs.
        jobs = {
            "report monthly-performance": ["report", "monthly-performance"],
            "pack cabinet-monthly": ["pack", "cabinet-monthly"],
            "pack district-pack (12 audiences)": ["pack", "district-pack", "--audience", "district-managers"],
            "analyse contacts": ["analyse", "contacts"],
        }
        r["jobs"] = {}
        for name, args in jobs.items():
            def once(env=None):
                out = tempfile.mkdtemp(prefix="almanac-bench-")
                extra = [] if args[0] == "analyse" else ["--out", out, "--produced", "2026-04-08"]
                try:
                    return run([almanac, *args, "--period", PERIOD, "--warehouse", wh, *extra], env=env)
                finally:
                    shutil.rmtree(out, ignore_errors=True)
            wall, peak, _ = median_of(a.repeat, once)
            trace = os.path.join(a.work, f"trace-{label}-{args[1]}.jsonl")
            if os.path.exists(trace):
                os.remove(trace)
            once({"ALMANAC_TRACE_SQL": trace})
            statements = [json.loads(l) for l in open(trace)]
            job = {"wall": wall, "peak": peak, "statements": len(statements),
                   "in_database": sum(s["seconds"] for s in statements)}
            # Replay a spread of the statements (all of them when few).
            step = max(1, len(statements) // a.replay_limit)
            chosen = statements[::step][: a.replay_limit]
            job["replay"] = replay(chosen, wh, duck, sqlite3, a.repeat)
            # The notebook: the same queries on the facts, charts and tables into one PDF.
            queries = [to_duckdb(bind(s.get("fact_sql", s["sql"]), s.get("fact_parameters", s["parameters"])))
                       for s in statements if "_almanac_" not in s["sql"]]
            qfile = os.path.join(a.work, f"queries-{label}-{args[1]}.json")
            json.dump(queries, open(qfile, "w"))
            pdf = os.path.join(a.work, "notebook.pdf")
            job["notebook"] = median_of(a.repeat, lambda: run([PY, os.path.join(ROOT, "bench", "notebook.py"), qfile, pdf, "--duckdb", duck]))[:2]
            w, m, out, _ = run([PY, os.path.join(ROOT, "bench", "notebook.py"), qfile, pdf, "--csv", data])
            job["notebook_csv"] = (w, m)
            job["notebook_inner"] = float((out.strip().splitlines() or ["0"])[-1])
            r["jobs"][name] = job
            rep = job["replay"]
            print(f"   {name}: {wall:.2f} s, {peak:.0f} MB, {len(statements)} statements ({job['in_database']:.2f} s in SQLite); "
                  f"notebook {job['notebook'][0]:.2f} s ({job['notebook_csv'][0]:.2f} s reading CSVs); "
                  f"replayed {len(rep)}: rollup {sum(1 for x in rep if x['rollup'])}", flush=True)
        results["sizes"].append(r)
        results["sizes"].sort(key=lambda x: x["rows"])
        json.dump(results, open(os.path.join(a.work, "results.json"), "w"), indent=1)
    write(results, a.out)
    print(open(a.out).read())


def replay(statements, wh, duck, sqlite3, repeat):
    """Times each statement in the sqlite3 shell (the same SQL) and in DuckDB (the facts' SQL)."""
    import duckdb
    out = []
    script = [".timer on", ".mode list"]
    for i, s in enumerate(statements):
        sql = bind(s["sql"], s["parameters"]).strip().rstrip(";")
        for _ in range(repeat):
            script.append(f"SELECT '@@{i}';")
            script.append(sql + ";")
    _, _, text, _ = run([sqlite3, "-readonly", wh], stdin="\n".join(script) + "\n")
    shell = {}
    current, seen_marker_time = None, False
    for line in text.splitlines():
        m = re.match(r"^@@(\d+)$", line)
        if m:
            current, seen_marker_time = int(m.group(1)), False
            continue
        t = re.match(r"^Run Time: real ([0-9.]+)", line)
        if t and current is not None:
            if not seen_marker_time:
                seen_marker_time = True
            else:
                shell.setdefault(current, []).append(float(t.group(1)))
    con = duckdb.connect(duck, read_only=True)
    con.execute("SET enable_progress_bar = false")
    for i, s in enumerate(statements):
        fact_sql = to_duckdb(bind(s.get("fact_sql", s["sql"]), s.get("fact_parameters", s["parameters"])))
        times, rows, error = [], None, None
        if "_almanac_" not in s["sql"]:
            try:
                for _ in range(repeat):
                    t = time.perf_counter()
                    rows = len(con.execute(fact_sql).fetchall())
                    times.append(time.perf_counter() - t)
            except Exception as e:  # a statement DuckDB cannot run as translated
                error = str(e).splitlines()[0][:120]
        out.append({"almanac": s["seconds"], "shell": statistics.median(shell[i]) if i in shell else None,
                    "duckdb": statistics.median(times) if times else None, "rows": s["rows"], "duck_rows": rows,
                    "rollup": '"_rollup_' in s["sql"], "error": error, "sql": s["sql"].splitlines()[0][:140]})
    con.close()
    return out


def fmt(x, unit="s"):
    return "–" if x is None else (f"{x:.3f} {unit}" if x < 1 else f"{x:.2f} {unit}")


def write(results, path):
    L = ["# Performance at council scale", "",
         "Written by `bench/run` (see `bench/scale.py` for what is measured and how). "
         f"Machine: {results['machine']}. DuckDB {results['versions']['duckdb']}, matplotlib "
         f"{results['versions']['matplotlib']}, sqlite3 shell {results['versions']['sqlite3']}. "
         "Times are medians; memory is the peak resident set of the process.", ""]
    L += ["Runs per measurement: " + ", ".join(f"{r['label']}: {r.get('repeat', '?')}" for r in results["sizes"]) + ".", ""]
    L += ["## Load", "", "| rows | `almanac load` (validated, rollups) | rows/s | peak | sqlite3 `.import` | ratio | DuckDB `read_csv` | ratio | warehouse |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in results["sizes"]:
        l, i, d = r["load"], r["import"], r["duck_load"]
        L.append(f"| {r['label']} | {fmt(l[0])} | {r['rows'] / l[0]:,.0f} | {l[1]:.0f} MB | {fmt(i[0])} | {l[0] / i[0]:.2f}× | "
                 f"{fmt(d[0])} | {l[0] / d[0]:.2f}× | {r['warehouse_mb']:,.0f} MB |")
    L += ["", "## End to end", "", "| rows | job | Almanac | peak | statements | in SQLite | DuckDB + matplotlib notebook | ratio | notebook reading CSVs |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in results["sizes"]:
        for name, j in r["jobs"].items():
            L.append(f"| {r['label']} | {name} | {fmt(j['wall'])} | {j['peak']:.0f} MB | {j['statements']} | {fmt(j['in_database'])} | "
                     f"{fmt(j['notebook'][0])} | {j['wall'] / j['notebook'][0]:.2f}× | {fmt(j['notebook_csv'][0])} |")
    L += ["", "## Statements, replayed", "",
          "Each job's statements (a spread of at most `--replay-limit`), Almanac's time from its trace; the same SQL in the "
          "sqlite3 shell; DuckDB running the SQL Almanac would have run on the facts. Rollup statements are held to DuckDB "
          "(≤ 1.0×), fact statements to the sqlite3 shell (≤ 1.1×).", "",
          "| rows | job | from rollups | ≤ DuckDB | Almanac / DuckDB (sum) | from facts | ≤ 1.1× shell | Almanac / shell (sum) | DuckDB errors |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in results["sizes"]:
        for name, j in r["jobs"].items():
            rep = j["replay"]
            ro = [x for x in rep if x["rollup"] and x["duckdb"]]
            fa = [x for x in rep if not x["rollup"] and x["shell"]]
            def ratio(xs, other):
                s = sum(x[other] for x in xs)
                return f"{sum(x['almanac'] for x in xs) / s:.2f}×" if s else "–"
            L.append(f"| {r['label']} | {name} | {len(ro)} | {sum(1 for x in ro if x['almanac'] <= x['duckdb'])} | {ratio(ro, 'duckdb')} | "
                     f"{len(fa)} | {sum(1 for x in fa if x['almanac'] <= 1.1 * x['shell'])} | {ratio(fa, 'shell')} | "
                     f"{sum(1 for x in rep if x['error'])} |")
    big = results["sizes"][-1]
    L += ["", f"### Slowest statements at {big['label']} rows", "", "| job | source | Almanac | sqlite3 shell | DuckDB (facts) | statement |", "|---|---|---|---|---|---|"]
    rows = [(name, x) for name, j in big["jobs"].items() for x in j["replay"]]
    for name, x in sorted(rows, key=lambda p: -p[1]["almanac"])[:12]:
        L.append(f"| {name} | {'rollup' if x['rollup'] else 'facts'} | {fmt(x['almanac'])} | {fmt(x['shell'])} | {fmt(x['duckdb'])} | `{x['sql'][3:].strip()}` |")
    open(path, "w").write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
