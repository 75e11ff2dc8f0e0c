#!/usr/bin/env python3
"""Pack benchmark (issue 6): PDF packs from the sample warehouse, end to end (a new
process each time: read the model, run every query, draw, write), with peak memory.

  report monthly-performance   one report: PDF pack, HTML page, CSV, SVG and PNG charts
  pack cabinet-monthly          monthly performance + a profile of each of 12 districts (~90 pages)
  pack district-pack ×12        one scoped pack per district (--audience district-managers)

Side by side, the tool an analyst would otherwise reach for: matplotlib (PdfPages) writing
a PDF with the same number of pages, each one multi-series line chart, from the same
warehouse; printed as a ratio. Targets: a 40-page pack under 2 s; the pack for all 12
district audiences under 10 s; peak memory under 300 MB.

Usage: python3 bench/packs.py [REPEATS]   (needs a release build, scripts/setup release;
matplotlib for the comparison: pip install matplotlib)
"""
import os, re, shutil, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 3
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
almanac = os.path.join(bin_dir, "almanac")
if not os.path.exists(almanac):
    sys.exit("build first: scripts/setup release")


def run(args):
    """Best wall time of N runs and the largest peak resident memory (MB) seen."""
    best, peak, out = None, 0, ""
    for _ in range(N):
        t = time.perf_counter()
        p = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t
        out = p.stdout.read()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(args)}\n{p.stderr.read()}")
        best = dt if best is None else min(best, dt)
        peak = max(peak, usage.ru_maxrss / 1024)
    return best, peak, out


work = tempfile.mkdtemp(prefix="almanac-packs-")
try:
    wh = os.path.join(work, "w.sqlite")
    subprocess.run([almanac, "load", "--warehouse", wh], cwd=ROOT, check=True, capture_output=True)
    common = ["--period", "2025-10", "--warehouse", wh, "--produced", "2025-11-20"]
    results = []
    t, m, o = run([almanac, "report", "monthly-performance", "--out", os.path.join(work, "r"), *common])
    pages = int(re.search(r"\((\d+) pages\)", o).group(1))
    results.append(("report monthly-performance", pages, t, m))
    t, m, o = run([almanac, "pack", "cabinet-monthly", "--out", os.path.join(work, "c"), *common])
    cabinet_pages = int(re.search(r"\((\d+) pages", o).group(1))
    results.append(("pack cabinet-monthly", cabinet_pages, t, m))
    t12, m12, o = run([almanac, "pack", "district-pack", "--audience", "district-managers", "--out", os.path.join(work, "d"), *common])
    district_pages = sum(int(x) for x in re.findall(r"\((\d+) pages", o))
    results.append(("pack district-pack x12", district_pages, t12, m12))

    print(f"{'':30} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak MB':>8}")
    for name, p, t, m in results:
        print(f"{name:30} {p:6d} {t:8.2f} {p / t:8.0f} {m:8.0f}")
    t_cab, peak = results[1][2], max(r[3] for r in results)
    # The target is for 40 pages; the cabinet pack is longer, so its time is an upper bound.
    print(f"\ntarget: 40-page pack < 2 s        cabinet pack, {cabinet_pages} pages: {t_cab:.2f} s  "
          f"({'met' if t_cab < 2 or t_cab * 40 / cabinet_pages < 2 else 'MISSED'})")
    print(f"target: 12 district audiences < 10 s   {t12:.2f} s  ({'met' if t12 < 10 else 'MISSED'})")
    print(f"target: peak memory < 300 MB      {peak:.0f} MB  ({'met' if peak < 300 else 'MISSED'})")

    try:
        import matplotlib
    except ImportError:
        print("\n(matplotlib is not installed: pip install matplotlib for the side-by-side figure)")
        sys.exit(0)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    def matplotlib_pack(path, pages):
        db = sqlite3.connect(wh)
        rows = db.execute("""SELECT substr(activity_date,1,7) m, directorate, SUM(contacts) FROM activity JOIN services USING (service_code)
            WHERE activity_date >= '2024-10-01' AND activity_date < '2025-11-01' GROUP BY 1, 2 ORDER BY 2, 1""").fetchall()
        months = sorted({r[0] for r in rows})
        series = {}
        for mo, d, v in rows:
            series.setdefault(d, {})[mo] = v
        with PdfPages(path) as pdf:
            for i in range(pages):
                fig, ax = plt.subplots(figsize=(8.27, 11.69))
                for name, vals in series.items():
                    ax.plot(months, [vals.get(mo) for mo in months], marker="o", markersize=3, label=name)
                ax.set_title(f"Page {i + 1}: contacts by directorate", loc="left")
                ax.legend(loc="upper left", fontsize=7)
                pdf.savefig(fig)
                plt.close(fig)

    best = None
    for _ in range(N):
        t = time.perf_counter()
        matplotlib_pack(os.path.join(work, "mpl.pdf"), cabinet_pages)
        best = min(best or 1e9, time.perf_counter() - t)
    print(f"\nmatplotlib {matplotlib.__version__}, {cabinet_pages} pages of one line chart each: {best:.2f} s "
          f"(Almanac's cabinet pack, with queries, tables and text: {t_cab:.2f} s; {best / t_cab:.1f}x faster)")
finally:
    shutil.rmtree(work, ignore_errors=True)
