#!/usr/bin/env python3
"""Writes decomposition.json: statsmodels 0.15.0 seasonal_decompose (multiplicative and
additive, period 12) of sample series. Dev tooling only; run from the repository root
after `almanac load`."""
import json, sqlite3
import numpy as np
import statsmodels
from statsmodels.tsa.seasonal import seasonal_decompose

db = sqlite3.connect("warehouse/almanac.sqlite")
def monthly(code):
    return [float(v) for _, v in db.execute(f"SELECT substr(activity_date,1,7), SUM(contacts) FROM activity WHERE service_code = '{code}' GROUP BY 1 ORDER BY 1")]

def clean(a):
    return [None if np.isnan(v) else float(v) for v in np.asarray(a)]

cases = []
for code in ["HWY", "WST", "SEN"]:
    x = monthly(code)
    for model in ["multiplicative", "additive"]:
        r = seasonal_decompose(np.array(x), model=model, period=12)
        cases.append({"series": code, "model": model, "x": x, "trend": clean(r.trend), "seasonal": clean(r.seasonal), "resid": clean(r.resid)})
json.dump({"source": f"statsmodels {statsmodels.__version__}", "cases": cases}, open("Tests/AlmanacAnalysisTests/Fixtures/decomposition.json", "w"))
print(len(cases), "cases")
