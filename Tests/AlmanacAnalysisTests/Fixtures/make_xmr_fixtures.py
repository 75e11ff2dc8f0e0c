#!/usr/bin/env python3
"""XmR fixtures: an independent implementation of NHS "Making Data Count" XmR rules, written
from NHSRplotthedots 0.2 (ptd_spc_standard and ptd_calculate_point_type, MIT licence) function
by function, in plain Python, to check Almanac's XmRChart point by point.

Each case is a series; for each point the fixture gives the special cause type NHSRplotthedots
assigns ("Above UCL", "7 Point Trend (Increasing)", "2 in 3 Below CL", "7 Points Above CL",
"Common Cause"), and the mean and limits (moving ranges of 3.267 x their mean or more screened
out, as screen_outliers = TRUE does).

  python3 make_xmr_fixtures.py > xmr.json
"""
import json, random


def spc_standard(y, screen_outliers=True):
    limit = 2.66
    limitclose = 2 * (limit / 3)
    mean = sum(y) / len(y)
    mr = [None] + [abs(y[i] - y[i - 1]) for i in range(1, len(y))]
    present = [m for m in mr if m is not None]
    amr = sum(present) / len(present)
    if screen_outliers:
        mr = [m if (m is not None and m < 3.267 * amr) else None for m in mr]
        present = [m for m in mr if m is not None]
        amr = sum(present) / len(present)
    lpl, upl = mean - limit * amr, mean + limit * amr
    nlpl, nupl = mean - limitclose * amr, mean + limitclose * amr
    outside = [v > upl or v < lpl for v in y]
    rtm = [(v > mean) - (v < mean) for v in y]
    close = [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside)]
    return mean, lpl, upl, outside, rtm, close


def seven_point_one_side_mean(v):
    vp = [0] * 6 + v
    return [1 if all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0 else 0 for i in range(6, len(vp))]


def part_of_seven_trend(v):
    vp = v + [0] * 6
    return [1 if any(abs(vp[i + k]) == 1 for k in range(7)) else 0 for i in range(len(v))]


def sign(x):
    return (x > 0) - (x < 0)


def seven_point_trend(y):
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - k] for k in range(7)]  # y[i - 0:6]: newest first
        d = [-sign(window[k + 1] - window[k]) for k in range(6)]  # sign(diff(...)) * -1
        out.append(1 if all(x == 1 for x in d) else -1 if all(x == -1 for x in d) else 0)
    return out


def two_in_three(v, rtm):
    vp = [0, 0] + [int(x) for x in v] + [0, 0]
    rp = [0, 0] + rtm + [0, 0]
    out = []
    for i in range(len(v)):
        hit = False
        for a in (0, 1, 2):
            w = range(i + a, i + a + 3)
            if sum(vp[j] for j in w) >= 2 and abs(sum(rp[j] for j in w)) == 3:
                hit = True
        out.append(1 if hit else 0)
    return out


def special_cause_type(y, rtm, close, outside):
    trend = part_of_seven_trend(seven_point_trend(y))
    two = [1 if t == 1 and c else 0 for t, c in zip(two_in_three(close, rtm), close)]
    shift = part_of_seven_trend(seven_point_one_side_mean(rtm))
    sdy = [sign(y[i + 1] - y[i]) for i in range(len(y) - 1)]
    nxt = trend[1:] + [0]
    right = sdy + sdy[-1:]
    left = [0] + sdy
    sdy = [right[i] if (nxt[i] and trend[i]) else left[i] for i in range(len(y))]
    out = []
    for i in range(len(y)):
        above = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            out.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif trend[i]:
            out.append("7 Point Trend (" + ("In" if sdy[i] == 1 else "De") + "creasing)")
        elif two[i]:
            out.append("2 in 3 " + above + " CL")
        elif shift[i]:
            out.append("7 Points " + above + " CL")
        else:
            out.append("Common Cause")
    return out


def case(name, y):
    mean, lpl, upl, outside, rtm, close = spc_standard(y)
    return {"name": name, "values": y, "mean": mean, "lower": lpl, "upper": upl, "types": special_cause_type(y, rtm, close, outside)}


rng = random.Random(20261126)
BASE = [10, 10.5, 9.5, 10.5, 9.5, 10, 10.5, 9.5, 10.5, 9.5] * 2
cases = [
    case("worked example: 2 in 3 with a point beyond the limit", [10, 11, 9, 10, 12, 9, 10, 11, 10, 9, 10, 30, 10, 15.2, 15.3, 9, 10, 11, 10, 9]),
    case("2 in 3 near the limit but across the mean", [10, 11, 9, 10, 11, 9, 10, 11, 10, 9, 14.6, 9.5, 14.6, 10, 9, 11, 10, 9, 10, 11]),
    case("a falling trend above the mean", [20, 19, 18, 17, 16, 15, 14, 10, 11, 9, 10, 11, 9, 10, 11, 10]),
    case("shift and trend together", [10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 9, 9.5, 9, 9.2, 9.1, 9.3, 9.4, 9.6, 9.2]),
    case("points on the mean break a shift", [1, 2, 1, 2, 1, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 1, 2, 1, 2, 1]),
    case("near, beyond and the mean", BASE + [12.2, 15, 10.4, 10, 10.5, 9.5]),
    case("near twice across the mean", BASE + [12.2, 9.0, 12.2, 10, 10.5, 9.5]),
    case("near twice on one side", BASE + [12.2, 10.6, 12.2, 10, 10.5, 9.5]),
    case("screening: one huge jump", [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]),
]
for k in range(40):
    n = rng.randint(12, 60)
    base = [rng.gauss(100, 10) for _ in range(n)]
    kind = k % 5
    if kind == 1:  # a step
        at = rng.randint(4, n - 4)
        base = [v + (18 if i >= at else 0) for i, v in enumerate(base)]
    elif kind == 2:  # a drift
        base = [v + 0.8 * i for i, v in enumerate(base)]
    elif kind == 3:  # spikes
        for _ in range(2):
            base[rng.randrange(n)] += rng.choice([-1, 1]) * 45
    elif kind == 4:  # integers, with ties and points on the mean
        base = [float(round(v / 10)) for v in base]
    cases.append(case(f"random {k}", [round(v, 3) for v in base]))
print(json.dumps(cases, indent=1))
