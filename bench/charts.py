#!/usr/bin/env python3
"""Chart benchmark: Almanac (in process, `almanac gallery --time N`) against matplotlib
drawing the same multi-series line chart (5 directorates × 13 months, title, subtitle,
legend, markers, gridlines), to PDF, SVG and PNG bytes in memory (matplotlib's savefig to a
BytesIO; Almanac's renderer to a byte array), side by side in one run. Prints medians
and ratios. Targets (issue 4): one chart to PDF under 5 ms; at least 40× faster than
matplotlib to PDF, 30× to SVG and 4× to PNG.

Usage: python3 bench/charts.py [REPEATS]   (needs a release build and `pip install matplotlib`)
"""
import io, os, re, sqlite3, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
out = subprocess.run([os.path.join(bin_dir, "almanac"), "gallery", "--time", str(N), "--period", "2026-03"], cwd=ROOT, capture_output=True, text=True)
if out.returncode:
    sys.exit(out.stderr)
almanac = {}
for line in out.stdout.splitlines()[1:]:
    name, pdf, svg, png, layout, pdf_file = line.split()
    almanac[name] = (float(pdf), float(svg), float(png), float(layout), float(pdf_file))

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

db = sqlite3.connect(os.path.join(ROOT, "warehouse/almanac.sqlite"))
rows = db.execute("""SELECT substr(activity_date,1,7) m, directorate, SUM(contacts) FROM activity JOIN services USING (service_code)
    WHERE activity_date >= '2025-03-01' AND activity_date < '2026-04-01' GROUP BY 1, 2 ORDER BY 2, 1""").fetchall()
months = sorted({r[0] for r in rows})
series = {}
for m, d, v in rows:
    series.setdefault(d, {})[m] = v
palette = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]


def draw(fmt):
    fig, ax = plt.subplots(figsize=(6.875, 4.72))  # 495 × 340 points, as Almanac's
    for i, (name, vals) in enumerate(series.items()):
        ax.plot(months, [vals.get(m) for m in months], marker="o", markersize=3, color=palette[i % 6], label=name)
    ax.set_title("Contacts by directorate", loc="left", fontweight="bold")
    ax.grid(axis="y", color="#DDDDDD")
    ax.legend(loc="upper left", ncol=3, fontsize=7, frameon=False)
    ax.set_ylim(bottom=0)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=144 if fmt == "png" else 72)
    plt.close(fig)


mpl = {}
for fmt in ["pdf", "svg", "png"]:
    draw(fmt)  # warm up
    times = []
    for _ in range(max(5, N // 5)):
        t = time.perf_counter(); draw(fmt); times.append(time.perf_counter() - t)
    mpl[fmt] = statistics.median(times) * 1000

a = almanac["line"]
print(f"multi-series line chart, medians over {N} runs (matplotlib {matplotlib.__version__})")
for i, fmt in enumerate(["pdf", "svg", "png"]):
    print(f"  {fmt}: almanac {a[i]:7.2f} ms   matplotlib {mpl[fmt]:7.2f} ms   {mpl[fmt] / a[i]:6.1f}x faster")
targets = {"pdf": 40, "svg": 30, "png": 4}
for i, fmt in enumerate(["pdf", "svg", "png"]):
    ratio = mpl[fmt] / a[i]
    print(f"  target {fmt}: {targets[fmt]}x  {'met' if ratio >= targets[fmt] else 'MISSED'}")
print(f"  target one chart to PDF < 5 ms: {a[0]:.2f} ms ({'met' if a[0] < 5 else 'MISSED'}); written to a file: {a[4]:.2f} ms")
print("every chart kind (almanac, ms; bytes in memory, as matplotlib's are above):")
for name, (p, s, g, l, f) in almanac.items():
    print(f"  {name:<18} pdf {p:6.2f}  svg {s:6.2f}  png {g:6.2f}   (of which layout {l:5.2f}; pdf to a file {f:5.2f})")
