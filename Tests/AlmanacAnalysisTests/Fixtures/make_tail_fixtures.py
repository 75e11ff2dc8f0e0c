#!/usr/bin/env python3
"""Writes tails.json: reference log p-values for the scan's tests, to 1e-9 relative, from
mpmath (arbitrary precision, so p = 1e-300 and beyond are exact) and scipy for the
Benjamini-Hochberg adjustment. Dev tooling only; Almanac never runs Python.

  Poisson tails at fractional k (quasi-Poisson): P(X <= k) = Q(k + 1, m), P(X >= k) = P(k, m)
  Normal upper tail; Student's t two-sided; regularized incomplete beta; BH adjusted p-values.

  python3 Tests/AlmanacAnalysisTests/Fixtures/make_tail_fixtures.py
"""
import json
import mpmath as mp
import scipy
from scipy.stats import false_discovery_control

mp.mp.dps = 60
poisson = []
for k, m in [(0, 3.0), (8, 0.5), (8, 2.0), (20.5, 3.2), (100, 40), (5, 60), (0, 700), (2, 250), (500, 300), (1e4, 9e3), (3, 3), (12.25, 12.5),
             (1200, 651), (63, 232), (0.4, 0.05)]:
    atmost = mp.gammainc(k + 1, m, mp.inf, regularized=True)
    atleast = mp.gammainc(k, 0, m, regularized=True) if k > 0 else mp.mpf(1)
    poisson.append({"k": k, "mean": m, "log_at_most": float(mp.log(atmost)), "log_at_least": float(mp.log(atleast))})
normal = [{"z": z, "log_upper": float(mp.log(mp.ncdf(-z)))} for z in [-3, 0, 1.5, 5, 8.3, 20, 29.9, 30.1, 38, 50, 120]]
student = []
for t, df in [(0.5, 3), (2.0, 10), (4.5, 17.4), (9.0, 40), (30, 25), (200, 30), (3.0, 3)]:
    p = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True)
    student.append({"t": t, "df": df, "log_two_sided": float(mp.log(p))})
beta = [{"x": x, "a": a, "b": b, "log": float(mp.log(mp.betainc(a, b, 0, x, regularized=True)))}
        for x, a, b in [(0.3, 2, 3), (0.9, 5, 0.5), (1e-8, 15, 0.5), (0.999, 0.5, 40), (0.5, 100, 100)]]
ps = [1e-12, 0.003, 0.04, 0.2, 0.0004, 0.9, 0.01, 0.0004, 1e-5, 0.5]
bh = {"p": ps, "tests": 40, "adjusted": list(false_discovery_control(ps + [1.0] * 30, method="bh")[:len(ps)])}
print(json.dumps({"source": f"mpmath {mp.__version__}, scipy {scipy.__version__}", "poisson": poisson, "normal": normal,
                  "student": student, "beta": beta, "bh": bh}, indent=1))
