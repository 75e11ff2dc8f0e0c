import AlmanacCore
import Foundation

/// Scans slices of the cube for what matters and ranks it, claiming nothing weak:
///
/// - year-on-year movers: the latest month against the same month a year earlier, by an
///   exact test of two Poisson counts, Bonferroni-corrected across every slice tested;
/// - areas outside the 99.8% funnel limits for the latest month, over-dispersion allowed for;
/// - special cause variation (NHS XmR rules) in each slice's seasonally adjusted history;
/// - sustained trends by the seasonal Mann-Kendall test (p < 0.001 and at least 3% a year);
/// - days when a channel that always has activity had none, by the Poisson chance of zeros.
public struct FindingsScanner: Sendable {
    /// The measure scanned.
    public var measure: String
    /// Lower-case noun for sentences: "contacts", "spend".
    public var noun: String
    /// How its values are written.
    public var format: NumberFormat
    /// Which way is better.
    public var improvement: ImprovementDirection
    /// Significance before correction.
    public var alpha = 0.05
    /// Whether values are counts of events, so that Poisson tests apply (contacts, not spend).
    public var isCount = true

    public init(measure: String, noun: String, format: NumberFormat, improvement: ImprovementDirection) {
        self.measure = measure
        self.noun = noun
        self.format = format
        self.improvement = improvement
    }

    func assess(_ direction: Int) -> String {
        switch improvement {
        case .neutral: return "neither"
        case .up: return direction > 0 ? "improvement" : "concern"
        case .down: return direction < 0 ? "improvement" : "concern"
        }
    }

    static func strength(_ p: Double) -> Double { p <= 0 ? 30 : min(30, -log10(p)) }

    static func monthLabel(_ key: String) -> String { TimeGrain.month.label(forKey: key) }

    static func monthRange(_ a: String, _ b: String) -> String {
        guard let x = Day(iso: a + "-01"), let y = Day(iso: b + "-01") else { return "\(a) to \(b)" }
        return Day.monthRangeLabel(x, y)
    }

    static func pText(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : "p = " + NumberFormat.trimmed(p, maxDecimals: 3)
    }

    // MARK: Year on year

    /// The latest `window` months of each slice against the same months a year earlier
    /// (window 1: the latest month; window 12: the last year against the year before).
    public func yearOnYear(_ slices: [SliceSeries], group: String, window: Int = 1) -> [Finding] {
        guard isCount, let anyMonths = slices.first?.months, anyMonths.count >= 12 + window else { return [] }
        let tests = slices.count
        var found: [Finding] = []
        for s in slices {
            let n = s.values.count
            let now = s.values[(n - window)..<n].reduce(0, +)
            let before = s.values[(n - window - 12)..<(n - 12)].reduce(0, +)
            guard now + before > 0 else { continue }
            // Exact test of two Poisson counts over equal spans: given the total, the latest
            // is Binomial(total, 1/2) when nothing changed.
            let total = Int((now + before).rounded()), k = Int(now.rounded())
            let lower = Distributions.binomialCDF(k, n: total, p: 0.5), upper = 1 - Distributions.binomialCDF(k - 1, n: total, p: 0.5)
            let p = min(1, 2 * min(lower, upper))
            guard p < alpha / Double(tests), before > 0 else { continue }
            let change = (now - before) / before
            let d = now > before ? 1 : -1
            let last = Self.monthLabel(s.months[n - 1]), earlier = Self.monthLabel(s.months[n - 13])
            let when = window == 1 ? "in \(last) compared with \(earlier)" : "in the \(window) months to \(last) compared with the \(window) months before"
            found.append(Finding(
                kind: .yearOnYear, subject: s.subject, measure: measure,
                period: window == 1 ? s.months[n - 1] : "\(s.months[n - window]) to \(s.months[n - 1])",
                numbers: ["value": now, "year_earlier": before, "change": now - before, "percent_change": change, "months": Double(window)],
                test: "exact test of two Poisson counts, Bonferroni-corrected over \(tests) \(group), \(Self.pText(p))",
                p: p, strength: Self.strength(p), direction: d, assessment: assess(d),
                sentence: "\(s.subject) \(d > 0 ? "rose" : "fell") by \(NumberFormat.percent.format(abs(change)).replacingOccurrences(of: ".0%", with: "%")) (from \(format.format(before)) to \(format.format(now))) \(when)"))
        }
        // The largest rise and fall get said as such.
        for d in [1, -1] {
            let same = found.indices.filter { found[$0].direction == d }
            if same.count > 1, let i = same.max(by: { abs(found[$0].numbers["percent_change"]!) < abs(found[$1].numbers["percent_change"]!) }) {
                found[i].sentence += " — the largest \(d > 0 ? "rise" : "fall") of any of the \(group)"
            }
        }
        return found.map { var f = $0; f.sentence += "."; return f }
    }

    // MARK: Funnel

    /// Areas outside the 99.8% limits of a funnel of rates per 1,000 residents.
    public func funnelOutliers(_ areas: [AreaCount], period: String) throws -> [Finding] {
        let f = try FunnelPlot.compute(areas.map { ($0.area, $0.count, $0.population) }, kind: .rate(per: 1000), overdispersion: true)
        return f.units.compactMap { u in
            guard u.position == .above998 || u.position == .below998 else { return nil }
            let d = u.position == .above998 ? 1 : -1
            let z = u.z / max(1, f.phi.squareRoot())
            let p = 2 * (1 - Distributions.normalCDF(abs(z)))
            return Finding(
                kind: .funnelOutlier, subject: u.name, measure: measure + " per 1,000 residents", period: period,
                numbers: ["rate": u.value, "county_rate": f.target, "lower_998": u.lower998, "upper_998": u.upper998],
                test: "funnel plot, 99.8% limits with over-dispersion (phi = \(NumberFormat.trimmed(f.phi, maxDecimals: 2)))",
                p: p, strength: Self.strength(p), direction: d, assessment: assess(d),
                sentence: "\(u.name) had \(NumberFormat.decimal1.format(u.value)) \(noun) per 1,000 residents in \(Self.monthLabel(period)), \(d > 0 ? "above" : "below") the 99.8% limit for an area of its size (county rate \(NumberFormat.decimal1.format(f.target))).")
        }
    }

    // MARK: Special causes

    /// Significance a special cause must reach: the scan tests thousands of points, so a
    /// chance signal must be rarer than one in ten thousand before it is reported.
    public var specialCauseP = 1e-4

    /// Special cause variation in each slice's history once the season and any steady trend
    /// are taken out, so a winter peak or a long rise is not mistaken for a one-off. A run of
    /// flagged months is reported once, with the evidence of the whole run (its mean
    /// departure over sigma / √months).
    public func specialCauses(_ slices: [SliceSeries]) -> [Finding] {
        var found: [Finding] = []
        for s in slices {
            guard s.values.count >= 24, s.values.reduce(0, +) > 0 else { continue }
            let adjusted = (try? SeasonalDecomposition.classical(s.values).adjusted) ?? s.values
            let senSlope = MannKendall.median(MannKendall.pairwiseSlopes(adjusted.map { Optional($0) }))
            let middle = Double(adjusted.count - 1) / 2
            let level = adjusted.indices.map { adjusted[$0] - senSlope * (Double($0) - middle) }
            guard let chart = try? XmRChart.compute(level, improvement: improvement) else { continue }
            let seg = chart.segments[0]
            let sigma = seg.movingRange / 1.128
            guard sigma > 0 else { continue }
            var i = 0
            while i < chart.points.count {
                let pt = chart.points[i]
                let signalled = pt.rules.subtracting([.trend])
                guard !signalled.isEmpty else { i += 1; continue }
                var j = i
                while j + 1 < chart.points.count, !chart.points[j + 1].rules.subtracting([.trend]).isEmpty, chart.points[j + 1].side == pt.side { j += 1 }
                defer { i = j + 1 }
                let stretch = i...j
                let k = Double(stretch.count)
                let departure = stretch.map { level[$0] - seg.mean }.reduce(0, +) / k
                let z = departure / (sigma / k.squareRoot())
                let p = 2 * (1 - Distributions.normalCDF(abs(z)))
                // Money is skewed (a few large packages of care make months jump), so sums that
                // are not counts must clear a bar a hundred times higher.
                guard p < (isCount ? specialCauseP : specialCauseP / 100) else { continue }
                let d = z > 0 ? 1 : -1
                let peak = stretch.max { abs(level[$0] - seg.mean) < abs(level[$1] - seg.mean) }!
                let rules = Set(stretch.flatMap { chart.points[$0].rules }).subtracting([.trend]).map(\.rawValue).sorted().joined(separator: " and ")
                let months = Self.monthRange(s.months[i], s.months[j])
                let total = stretch.map { s.values[$0] }.reduce(0, +)
                let sentence = stretch.count == 1
                    ? "\(s.subject) in \(months) (\(format.format(s.values[peak]))) were \(d > 0 ? "well above" : "well below") their usual level, allowing for the season and the trend."
                    : "\(s.subject) ran \(d > 0 ? "above" : "below") their usual level for \(stretch.count) months in a row, from \(months) (\(format.format(total)) in all), allowing for the season and the trend."
                found.append(Finding(
                    kind: .specialCause, subject: s.subject, measure: measure,
                    period: stretch.count == 1 ? s.months[i] : "\(s.months[i]) to \(s.months[j])",
                    numbers: ["value": s.values[peak], "months": k, "mean_departure": departure, "sigma": sigma, "upper": seg.upper, "lower": seg.lower],
                    test: "XmR chart of the series less season and trend (\(rules)); run of \(stretch.count): z = \(NumberFormat.trimmed(z, maxDecimals: 2)), \(Self.pText(p))",
                    p: p, strength: Self.strength(p), direction: d, assessment: assess(d), sentence: sentence))
            }
        }
        return found
    }

    /// Months with no activity at all in a slice that usually has plenty: the expected count
    /// is the mean of the six months either side; the chance of none is Poisson.
    public func monthlyStoppages(_ slices: [SliceSeries], threshold: Double = 1e-6) -> [Finding] {
        guard isCount else { return [] }
        var found: [Finding] = []
        for s in slices {
            var i = 0
            while i < s.values.count {
                guard s.values[i] == 0 else { i += 1; continue }
                var j = i
                while j + 1 < s.values.count && s.values[j + 1] == 0 { j += 1 }
                defer { i = j + 1 }
                let around = (max(0, i - 6)..<min(s.values.count, j + 7)).filter { $0 < i || $0 > j }
                guard !around.isEmpty else { continue }
                let expected = around.map { s.values[$0] }.reduce(0, +) / Double(around.count) * Double(j - i + 1)
                let p = exp(-expected)
                guard p < threshold else { continue }
                let months = Self.monthRange(s.months[i], s.months[j])
                found.append(Finding(
                    kind: .stoppage, subject: s.subject, measure: measure, period: i == j ? s.months[i] : "\(s.months[i]) to \(s.months[j])",
                    numbers: ["months": Double(j - i + 1), "expected": expected],
                    test: "chance of none if the usual monthly level held (Poisson), \(Self.pText(p))", p: p, strength: Self.strength(p),
                    direction: -1, assessment: assess(-1),
                    sentence: "There were no \(s.subject) \(i == j ? "in" : "from") \(months), when about \(NumberFormat.integer.format(expected)) would have been expected."))
            }
        }
        return found
    }

    // MARK: Trends

    /// Sustained trends by the seasonal Mann-Kendall test.
    public func sustainedTrends(_ slices: [SliceSeries], minimumAnnualChange: Double = 0.03) -> [Finding] {
        slices.compactMap { s -> Finding? in
            guard s.values.count >= 36, let mk = try? MannKendall.seasonal(s.values.map { Optional($0) }), mk.p < 0.001 else { return nil }
            let mean = s.values.reduce(0, +) / Double(s.values.count)
            guard mean > 0 else { return nil }
            let annual = mk.slope / mean  // the seasonal slope is per year for monthly data
            guard abs(annual) >= minimumAnnualChange else { return nil }
            let d = annual > 0 ? 1 : -1
            return Finding(
                kind: .sustainedTrend, subject: s.subject, measure: measure, period: "\(s.months.first!) to \(s.months.last!)",
                numbers: ["sen_slope_per_year": mk.slope, "annual_change": annual, "tau": mk.tau, "z": mk.z],
                test: "seasonal Mann-Kendall, \(Self.pText(mk.p)), Sen's slope \(format.format(mk.slope)) a year", p: mk.p,
                strength: Self.strength(mk.p), direction: d, assessment: assess(d),
                sentence: "\(s.subject) have \(d > 0 ? "risen" : "fallen") steadily since \(Self.monthLabel(s.months.first!)), by about \(NumberFormat.percent.format(abs(annual)).replacingOccurrences(of: ".0%", with: "%")) a year once the season is allowed for.")
        }
    }

    // MARK: Stoppages

    /// Runs of two or more days with no activity where each day would normally have some:
    /// the expected count is the mean of the same weekday over the four weeks either side.
    /// Days the council is closed (25 and 26 December, 1 January) are not stoppages, and the
    /// chance of the run must be below 0.05 divided by the number of days tested.
    public func stoppages(_ series: [DailySeries]) -> [Finding] {
        guard isCount else { return [] }
        var found: [Finding] = []
        let tests = Double(max(1, series.reduce(0) { $0 + $1.days.count }))
        func closed(_ d: Day) -> Bool { (d.month == 12 && (d.day == 25 || d.day == 26)) || (d.month == 1 && d.day == 1) }
        for s in series {
            var i = 0
            while i < s.values.count {
                guard s.values[i] == 0, !closed(s.days[i]) else { i += 1; continue }
                var j = i
                while j + 1 < s.values.count && s.values[j + 1] == 0 && !closed(s.days[j + 1]) { j += 1 }
                defer { i = j + 1 }
                guard j > i else { continue }
                var expected = 0.0
                for k in i...j {
                    let same = stride(from: k - 28, through: k + 28, by: 7).filter { $0 >= 0 && $0 < s.values.count && !(i...j).contains($0) }
                    expected += same.map { s.values[$0] }.reduce(0, +) / Double(max(1, same.count))
                }
                let p = exp(-expected)
                guard p < 0.05 / tests else { continue }
                let days = j - i + 1
                found.append(Finding(
                    kind: .stoppage, subject: s.subject, measure: measure, period: "\(s.days[i]) to \(s.days[j])",
                    numbers: ["days": Double(days), "expected": expected],
                    test: "chance of no activity on these days if the usual daily rates held (Poisson), \(Self.pText(p))",
                    p: p, strength: Self.strength(p), direction: -1, assessment: "concern",
                    sentence: "\(s.subject) stopped for \(days) days, \(Day.rangeLabel(s.days[i], s.days[j])), when about \(NumberFormat.integer.format(expected)) would have been expected."))
            }
        }
        return found
    }

    /// Everything, strongest first.
    public static func ranked(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($0.strength, $0.subject) > ($1.strength, $1.subject) }
    }
}
