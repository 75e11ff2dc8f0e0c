#!/usr/bin/env python3
"""Writes funnel.json: funnel-plot limits computed with scipy 1.17.1's Poisson and binomial
distributions by the method of Spiegelhalter (2005), appendix A.1.1 (interpolated exact
limits), and the over-dispersion adjustment of section 5 (10% winsorised z-scores,
additive random effects). Dev tooling only. Run from the repository root after `almanac load`.
"""
import json, sqlite3
import numpy as np
import scipy
from scipy import stats

db = sqlite3.connect("warehouse/almanac.sqlite")
rate_rows = db.execute("""SELECT d.district_name, SUM(a.contacts), (SELECT population FROM population p WHERE p.district_code = d.district_code AND year = 2024)
    FROM activity a JOIN wards w USING (ward_code) JOIN districts d ON d.district_code = w.district_code
    WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01' AND a.service_code = 'HWY' GROUP BY d.district_code ORDER BY 1""").fetchall()
prop_rows = db.execute("""SELECT d.district_name, SUM(a.contacts * (channel = 'Web')), SUM(a.contacts)
    FROM activity a JOIN wards w USING (ward_code) JOIN districts d ON d.district_code = w.district_code
    WHERE activity_date >= '2025-01-01' AND activity_date < '2025-04-01' GROUP BY d.district_code ORDER BY 1""").fetchall()


def limits(dist, theta, n, p):
    d = dist(theta, n)
    r = d.ppf(p)                     # smallest r with F(r) >= p
    fr, fr1 = d.cdf(r), d.cdf(r - 1)
    alpha = (fr - p) / (fr - fr1) if fr > fr1 else 0.0
    return (r - alpha) / n


def funnel(rows, kind, over):
    num = np.array([float(r[1]) for r in rows]); den = np.array([float(r[2]) for r in rows])
    theta = num.sum() / den.sum()
    var = theta * (1 - theta) / den if kind == "proportion" else theta / den
    z = (num / den - theta) / np.sqrt(var)
    k = len(z); s = np.sort(z)
    lo, hi = s[int(np.floor(0.1 * k))], s[int(np.ceil(0.9 * k)) - 1]
    phi = float(np.mean(np.clip(z, lo, hi) ** 2))
    tau2 = 0.0
    if over and k * phi > k - 1:
        w = 1 / var
        tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    dist = (lambda t, n: stats.binom(int(round(n)), t)) if kind == "proportion" else (lambda t, n: stats.poisson(t * n))
    units = []
    for (name, _, _), n, zz, v in zip(rows, den, z, var):
        if tau2 > 0:
            lim = {f"{p}": float(theta + stats.norm.ppf(p) * np.sqrt(v + tau2)) for p in (0.001, 0.025, 0.975, 0.999)}
        else:
            lim = {f"{p}": float(limits(dist, theta, n, p)) for p in (0.001, 0.025, 0.975, 0.999)}
        units.append({"name": name, "z": float(zz), "limits": lim})
    return {"kind": kind, "overdispersion": over, "theta": float(theta), "phi": phi, "tau2": float(tau2),
            "input": [[r[0], float(r[1]), float(r[2])] for r in rows], "units": units}


out = {"source": f"scipy {scipy.__version__}, Spiegelhalter (2005)",
       "cases": [funnel(rate_rows, "rate", False), funnel(rate_rows, "rate", True),
                 funnel(prop_rows, "proportion", False), funnel(prop_rows, "proportion", True)]}
json.dump(out, open("Tests/AlmanacAnalysisTests/Fixtures/funnel.json", "w"), indent=1)
for c in out["cases"]:
    print(c["kind"], c["overdispersion"], round(c["phi"], 3), c["tau2"])
