#!/usr/bin/env python3
"""Writes trend.json: reference results for Almanac's trend tests, from well-known
implementations. Dev tooling only; Almanac never runs Python.

  pymannkendall 1.4.3  original_test, seasonal_test (period 12)
  scipy 1.17.1         stats.linregress, stats.t.ppf (OLS slope, its standard error and 95% CI)

Run from the repository root after `almanac load`:
  python3 Tests/AlmanacAnalysisTests/Fixtures/make_trend_fixtures.py
"""
import json, math, sqlite3
import numpy as np
import pymannkendall as mk
import scipy
from scipy import stats

db = sqlite3.connect("warehouse/almanac.sqlite")


def monthly(where):
    rows = db.execute(f"""SELECT substr(activity_date, 1, 7), SUM(contacts) FROM activity a
        JOIN services s USING (service_code) JOIN wards w USING (ward_code) JOIN districts d ON d.district_code = w.district_code
        WHERE {where} GROUP BY 1 ORDER BY 1""").fetchall()
    return [float(v) for _, v in rows]


series = {
    "short_with_ties": [3, 4, 4, 5, 3, 6, 7, 7, 7, 9, 8, 10, 10, 12, 11, 11, 13, 15, 14, 15],
    "missing_values": [10.0, 12.0, None, 13.0, 15.0, None, 14.0, 18.0, 17.0, 21.0, None, 22.0],
    "flat_noise": [5, 7, 6, 5, 7, 6, 5, 6, 7, 5, 6, 7, 6, 5, 6],
    "sen_monthly_county": monthly("s.service_code = 'SEN'"),
    "libraries_monthly_county": monthly("s.service_code = 'LIB'"),
    "highways_monthly_wyre": monthly("s.service_code = 'HWY' AND d.district_name = 'Wyre'"),
}

out = {"source": f"pymannkendall {mk.__version__}, scipy {scipy.__version__}", "cases": []}
for name, values in series.items():
    x = np.array([math.nan if v is None else v for v in values], dtype=float)
    case = {"name": name, "series": values}
    r = mk.original_test(x)
    case["mann_kendall"] = {"s": float(r.s), "var_s": float(r.var_s), "z": float(r.z), "p": float(r.p), "tau": float(r.Tau),
                            "slope": float(r.slope), "intercept": float(r.intercept), "trend": r.trend}
    if len(values) >= 24:
        r = mk.seasonal_test(x, period=12)
        case["seasonal"] = {"s": float(r.s), "var_s": float(r.var_s), "z": float(r.z), "p": float(r.p), "tau": float(r.Tau),
                            "slope": float(r.slope), "intercept": float(r.intercept), "trend": r.trend}
    keep = ~np.isnan(x)
    idx = np.arange(len(x))[keep]
    lr = stats.linregress(idx, x[keep])
    t975 = stats.t.ppf(0.975, keep.sum() - 2)
    case["ols"] = {"slope": lr.slope, "intercept": lr.intercept, "stderr": lr.stderr, "p": lr.pvalue,
                   "lower95": lr.slope - t975 * lr.stderr, "upper95": lr.slope + t975 * lr.stderr}
    out["cases"].append(case)

with open("Tests/AlmanacAnalysisTests/Fixtures/trend.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote", len(out["cases"]), "cases")
