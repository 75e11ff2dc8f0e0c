import AlmanacCore
import Foundation

/// The slices a scan looks at, as monthly and daily series.
public struct ScanSlices: Sendable {
    /// The whole area (the county).
    public var whole: SliceSeries?
    /// Each "what" member (service), each "where" member (district), and each pair.
    public var what: [SliceSeries], place: [SliceSeries], both: [SliceSeries]
    /// The dimension names of "what" and "where", as in `SliceSeries.members`.
    public var whatKey: String?, placeKey: String?
    /// Daily series (by channel), for stoppages.
    public var daily: [DailySeries]
    /// The latest month by area against population, for the funnel.
    public var areas: [AreaCount]

    public init(whole: SliceSeries?, what: [SliceSeries], place: [SliceSeries], both: [SliceSeries], whatKey: String?, placeKey: String?,
                daily: [DailySeries] = [], areas: [AreaCount] = []) {
        self.whole = whole
        self.what = what
        self.place = place
        self.both = both
        self.whatKey = whatKey
        self.placeKey = placeKey
        self.daily = daily
        self.areas = areas
    }
}

/// What a scan found, with the multiple-testing account that goes with it.
public struct ScanOutcome: Sendable {
    /// Findings, in reading order: what is new or still going on at the period first, then
    /// standing patterns, then earlier events; strongest first within each.
    public var findings: [Finding]
    /// Hypotheses tested across the whole scan (every judged slice-month, shift window,
    /// trend, area and open day).
    public var tests: Int
    /// The false discovery rate the scan controls (Benjamini–Hochberg).
    public var level: Double
    /// The number of the findings expected to be false alarms: at most level × findings.
    public var expectedFalseAlarms: Double

    /// One line for the end of a listing.
    public var summary: String {
        let n = findings.count
        return "\(NumberFormat.integer.format(Double(n))) finding\(n == 1 ? "" : "s") from \(NumberFormat.integer.format(Double(tests))) tests, "
            + "false discovery rate controlled at \(NumberFormat.trimmed(level * 100, maxDecimals: 2))% (Benjamini–Hochberg): "
            + "about \(NumberFormat.trimmed(expectedFalseAlarms, maxDecimals: 1)) of them may be false alarms."
    }
}

/// Scans slices of the cube for what matters and ranks it, claiming nothing weak.
///
/// Every month of every slice (after a 12-month baseline) is judged against its usual level
/// (`UsualLevel`: robust season, trend and baseline from the months before it; quasi-Poisson
/// counts, log-scale money); the latest 3, 6 and 12 months of each slice are judged together
/// for a level shift still going on; sustained trends by the seasonal Mann-Kendall test;
/// areas against the 99.8% funnel limits; and days with no activity against the series' own
/// calendar. All p-values of the scan go into one Benjamini–Hochberg procedure at `level`.
public struct FindingsScanner: Sendable {
    /// The measure scanned.
    public var measure: String
    /// Lower-case noun for sentences: "contacts", "spend".
    public var noun: String
    /// How its values are written.
    public var format: NumberFormat
    /// Which way is better.
    public var improvement: ImprovementDirection
    /// Whether values are counts of events (contacts), so quasi-Poisson tests apply; otherwise
    /// amounts (spend), judged on the log scale.
    public var isCount = true
    /// Whether the noun is plural ("contacts were") or a mass noun ("spend was").
    public var isPlural = true
    /// False discovery rate across the scan.
    public var level = 0.01
    /// Smallest yearly change a sustained trend must have to be reported.
    public var minimumAnnualChange = 0.03

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

    // MARK: Words

    var were: String { isPlural ? "were" : "was" }
    var have: String { isPlural ? "have" : "has" }
    var their: String { isPlural ? "their" : "its" }

    static func monthLabel(_ key: String) -> String { TimeGrain.month.label(forKey: key) }

    static func monthRange(_ a: String, _ b: String) -> String {
        guard let x = Day(iso: a + "-01"), let y = Day(iso: b + "-01") else { return "\(a) to \(b)" }
        return Day.monthRangeLabel(x, y)
    }

    /// A p-value as a statistician writes it, from its log (exact below 1e-300 too).
    static func pText(logP: Double) -> String {
        let p = exp(logP)
        if logP < log(0.001) {
            let e = Int((-logP / log(10)).rounded(.down))
            return e >= 4 ? "p < 1e-\(e)" : "p < 0.001"
        }
        return "p = " + NumberFormat.trimmed(p, maxDecimals: 3)
    }

    /// A change in per cent as ONS writes it: whole numbers from 10%, one decimal below.
    static func percentText(_ x: Double) -> String {
        let v = abs(x) * 100
        return (v >= 9.95 ? NumberFormat.trimmed(v.rounded(), maxDecimals: 0) : NumberFormat.trimmed(v, maxDecimals: 1)) + "%"
    }

    /// The subject inside a sentence: "contacts across the county", not "Contacts across…".
    func inner(_ subject: String) -> String {
        let capital = noun.prefix(1).uppercased() + noun.dropFirst()
        return subject.hasPrefix(capital) ? noun + subject.dropFirst(capital.count) : subject
    }

    // MARK: The scan

    /// A finding before the whole scan's correction, with the index of its p-value.
    struct Candidate {
        var finding: Finding
        var test: Int
        /// For months: the series and month, so that runs can be formed.
        var series: Int = -1
        var month: Int = -1
        /// Activity affected, in the measure's units.
        var affected: Double
    }

    /// Scans the slices up to month `latest` (a month key such as `2025-10`).
    public func scan(_ slices: ScanSlices, latest: String) -> ScanOutcome {
        var pool: [Double] = []  // log p of every test
        var candidates: [Candidate] = []
        let bar = log(level)  // a test above this can never pass after correction
        func record(_ logP: Double) -> Int {
            pool.append(logP.isNaN ? 0 : logP)
            return pool.count - 1
        }

        // Seasonal indices: the whole area and each "what" series from themselves; each
        // "where" series from the whole area; each pair from its "what" series.
        let wholeIndices = slices.whole.flatMap { UsualLevel.seasonalIndices($0.values) }
        var whatIndices: [String: [Double]] = [:]
        for s in slices.what { if let k = slices.whatKey, let m = s.members[k], let i = UsualLevel.seasonalIndices(s.values) { whatIndices[m] = i } }
        var series: [(slice: SliceSeries, fit: UsualLevel, trend: Bool)] = []
        let scale: UsualLevel.Scale = isCount ? .count : .amount
        if let w = slices.whole { series.append((w, UsualLevel(w.values, scale: scale, indices: wholeIndices), true)) }
        for s in slices.what { series.append((s, UsualLevel(s.values, scale: scale, indices: whatIndices[s.members[slices.whatKey ?? ""] ?? ""]), true)) }
        for s in slices.place { series.append((s, UsualLevel(s.values, scale: scale, indices: wholeIndices), true)) }
        for s in slices.both {
            let own = whatIndices[s.members[slices.whatKey ?? ""] ?? ""] ?? wholeIndices
            series.append((s, UsualLevel(s.values, scale: scale, indices: own), false))
        }
        // How much activity the whole area usually has in a month, for weighting by size.
        let wholeValues = slices.whole?.values ?? []
        let usualWhole = max(1e-9, UsualLevel.median(wholeValues.filter { $0 > 0 }))

        for (si, entry) in series.enumerated() {
            let s = entry.slice, fit = entry.fit
            // Series with nothing in them, or money series that are mostly nil, are not judged.
            guard s.values.contains(where: { $0 > 0 }) else { continue }
            // Amounts need payments in most months to have a usual level: a series with no
            // spend in a third of its months is too sparse to judge month by month.
            if !isCount && (Double(s.values.filter { $0 <= 0 }.count) >= Double(s.values.count) / 3 || fit.spread <= 1e-3) { continue }
            // Single months.
            for t in s.values.indices {
                guard let lp = fit.logP[t], let mu = fit.expected[t], let z = fit.z[t] else { continue }
                let index = record(lp)
                guard lp <= bar else { continue }
                let d = z > 0 ? 1 : -1
                let y = s.values[t], when = Self.monthLabel(s.months[t])
                let sentence = y == 0 && isCount
                    ? "There were no \(inner(s.subject)) in \(when), when about \(format.format(mu)) would have been expected."
                    : "\(s.subject) in \(when) \(were) well \(d > 0 ? "above" : "below") \(their) usual level: \(format.format(y)) against about \(format.format(mu)) expected for the time of year and the trend."
                candidates.append(Candidate(
                    finding: Finding(kind: .unusualMonth, subject: s.subject, measure: measure, period: s.months[t],
                                     numbers: ["value": y, "expected": mu, "z": z, "change": y - mu, "percent_change": mu > 0 ? (y - mu) / mu : 0],
                                     test: "", p: exp(lp), logP: lp, q: 1, strength: 0, direction: d, assessment: assess(d),
                                     timing: s.months[t] == latest ? .current : .earlier, sentence: sentence),
                    test: index, series: si, month: t, affected: abs(y - mu)))
            }
            // Level shifts still going on: the last k months together, for every k from 3 to
            // all but the first year (a search for the change point, each k one test).
            for k in stride(from: 3, through: s.values.count - UsualLevel.baselineMonths, by: 1) {
                guard let shift = fit.shift(months: k) else { continue }
                let index = record(shift.logP)
                guard shift.logP <= bar, shift.expected > 0, Double(shift.agreeing) >= (2 * Double(k) / 3).rounded(.up) else { continue }
                let n = s.values.count
                let change = (shift.observed - shift.expected) / shift.expected
                let d = change > 0 ? 1 : -1
                candidates.append(Candidate(
                    finding: Finding(kind: .levelShift, subject: s.subject, measure: measure, period: "\(s.months[n - k]) to \(s.months[n - 1])",
                                     numbers: ["value": shift.observed, "expected": shift.expected, "months": Double(k), "change": shift.observed - shift.expected, "percent_change": change],
                                     test: "", p: exp(shift.logP), logP: shift.logP, q: 1, strength: 0, direction: d, assessment: assess(d), timing: k <= 12 ? .current : .standing,
                                     sentence: "\(s.subject) \(have) run \(Self.percentText(change)) \(d > 0 ? "above" : "below") \(their) usual level for the last \(k) months, since \(Self.monthLabel(s.months[n - k])): \(format.format(shift.observed)) against about \(format.format(shift.expected)) expected for the time of year and the trend."),
                    test: index, series: si, affected: abs(shift.observed - shift.expected)))
            }
            // Sustained trends (the whole area, each "what" and each "where").
            if entry.trend, s.values.count >= 36, let mk = try? MannKendall.seasonal(s.values.map { Optional($0) }) {
                let lp = Distributions.logNormalTwoSided(mk.z)
                let index = record(lp)
                let mean = s.values.reduce(0, +) / Double(s.values.count)
                let annual = mean > 0 ? mk.slope / mean : 0  // the seasonal slope is per year for monthly data
                if lp <= bar, abs(annual) >= minimumAnnualChange, let first = s.months.first, let last = s.months.last {
                    let d = annual > 0 ? 1 : -1
                    candidates.append(Candidate(
                        finding: Finding(kind: .sustainedTrend, subject: s.subject, measure: measure, period: "\(first) to \(last)",
                                         numbers: ["sen_slope_per_year": mk.slope, "annual_change": annual, "tau": mk.tau, "z": mk.z],
                                         test: "", p: exp(lp), logP: lp, q: 1, strength: 0, direction: d, assessment: assess(d), timing: .standing,
                                         sentence: "\(s.subject) \(have) \(d > 0 ? "risen" : "fallen") steadily since \(Self.monthLabel(first)), by about \(Self.percentText(annual)) a year once the season is allowed for."),
                        test: index, affected: abs(mk.slope)))
                }
            }
        }
        // The funnel of the latest month.
        if slices.areas.count >= 3, let f = try? FunnelPlot.compute(slices.areas.map { ($0.area, $0.count, $0.population) }, kind: .rate(per: 1000), overdispersion: true) {
            for u in f.units {
                let z = u.z / max(1, f.phi.squareRoot())
                let lp = Distributions.logNormalTwoSided(z)
                let index = record(lp)
                guard u.position == .above998 || u.position == .below998, lp <= bar else { continue }
                let d = u.position == .above998 ? 1 : -1
                let population = slices.areas.first { $0.area == u.name }?.population ?? 0
                candidates.append(Candidate(
                    finding: Finding(kind: .funnelOutlier, subject: u.name, measure: measure + " per 1,000 residents", period: latest,
                                     numbers: ["rate": u.value, "county_rate": f.target, "lower_998": u.lower998, "upper_998": u.upper998],
                                     test: "", p: exp(lp), logP: lp, q: 1, strength: 0, direction: d, assessment: assess(d), timing: .standing,
                                     sentence: "\(u.name) had \(NumberFormat.decimal1.format(u.value)) \(noun) per 1,000 residents in \(Self.monthLabel(latest)), \(d > 0 ? "above" : "below") the 99.8% limit for an area of its size (the rate for the whole area was \(NumberFormat.decimal1.format(f.target)))."),
                    test: index, affected: abs(u.value - f.target) * population / 1000))
                candidates[candidates.count - 1].finding.test = "funnel plot, 99.8% limits with over-dispersion (phi = \(NumberFormat.trimmed(f.phi, maxDecimals: 2)))"
            }
        }
        // Stoppages.
        if isCount {
            for s in slices.daily {
                let gaps = Self.stoppages(s)
                for _ in 0..<max(0, gaps.openDays - gaps.found.count) { pool.append(0) }
                for g in gaps.found {
                    let index = record(g.logP)
                    guard g.logP <= bar else { continue }
                    let a = s.days[g.first], b = s.days[g.last]
                    let days = g.openDays
                    let when = days == 1 ? "on \(Day.rangeLabel(a, b))" : "for \(days) days, \(Day.rangeLabel(a, b))"
                    let lastMonth = TimeGrain.month.key(for: b)
                    candidates.append(Candidate(
                        finding: Finding(kind: .stoppage, subject: s.subject, measure: measure, period: a == b ? "\(a)" : "\(a) to \(b)",
                                         numbers: ["days": Double(days), "expected": g.expected],
                                         test: "", p: exp(g.logP), logP: g.logP, q: 1, strength: 0, direction: -1, assessment: "concern",
                                         timing: lastMonth >= latest ? .current : .earlier,
                                         sentence: "\(s.subject) stopped \(when), when about \(NumberFormat.integer.format(g.expected)) would have been expected\(g.skipped > 0 ? " (days the series never has activity are left out)" : "")."),
                        test: index, affected: g.expected))
                    candidates[candidates.count - 1].finding.test = "chance of no activity on these days if the usual rates for those weekdays held (quasi-Poisson, phi = \(NumberFormat.trimmed(g.phi, maxDecimals: 2)))"
                }
            }
        }

        // One correction for the whole scan.
        let adjusted = Distributions.benjaminiHochberg(logP: pool)
        var kept: [Candidate] = []
        for var c in candidates {
            let lq = adjusted[c.test]
            guard lq <= bar else { continue }
            c.finding.q = exp(lq)
            c.finding.strength = min(50, -lq / log(10)) + 10 * (c.affected / usualWhole).squareRoot()
            if c.finding.test.isEmpty {
                c.finding.test = testText(c.finding)
            }
            c.finding.test += ", \(Self.pText(logP: c.finding.logP)); adjusted across \(NumberFormat.integer.format(Double(pool.count))) tests, \(Self.pText(logP: lq).replacingOccurrences(of: "p ", with: "q "))"
            kept.append(c)
        }
        let findings = Self.ranked(mergeMonths(kept, series: series.map(\.slice)))
        return ScanOutcome(findings: findings, tests: pool.count, level: level, expectedFalseAlarms: level * Double(findings.count))
    }

    func testText(_ f: Finding) -> String {
        switch f.kind {
        case .unusualMonth, .unusualRun:
            return isCount
                ? "against the usual level from the 12 months before (robust season and trend), quasi-Poisson"
                : "against the usual level from the 12 months before (robust season and trend), on the fourth-root scale of a compound Poisson sum"
        case .levelShift:
            return "segmented regression of the whole series (trend, season and a step at the start of the last \(Int(f.numbers["months"] ?? 0)) months), "
                + (isCount ? "quasi-Poisson" : "Tweedie quasi-likelihood") + ", with and without its most extreme month"
        case .sustainedTrend:
            return "seasonal Mann-Kendall, Sen's slope \(format.format(f.numbers["sen_slope_per_year"] ?? 0)) a year"
        case .funnelOutlier, .stoppage:
            return ""
        }
    }

    /// Consecutive unusual months of a series in the same direction become one run; a level
    /// shift still going on takes in the unusual months of its window in its direction.
    func mergeMonths(_ kept: [Candidate], series: [SliceSeries]) -> [Finding] {
        var out: [Finding] = []
        // The strongest shift per series.
        var shifts: [Int: Candidate] = [:]
        for c in kept where c.finding.kind == .levelShift {
            if let old = shifts[c.series], old.finding.strength >= c.finding.strength { continue }
            shifts[c.series] = c
        }
        out += shifts.values.map(\.finding)
        var months: [Int: [Candidate]] = [:]
        for c in kept {
            switch c.finding.kind {
            case .unusualMonth:
                if let s = shifts[c.series] {
                    let k = Int(s.finding.numbers["months"] ?? 0)
                    if c.month >= series[c.series].values.count - k && c.finding.direction == s.finding.direction { continue }
                }
                months[c.series, default: []].append(c)
            case .levelShift: continue
            default: out.append(c.finding)
            }
        }
        for (si, list) in months {
            let sorted = list.sorted { $0.month < $1.month }
            var i = 0
            while i < sorted.count {
                var j = i
                while j + 1 < sorted.count, sorted[j + 1].month == sorted[j].month + 1, sorted[j + 1].finding.direction == sorted[i].finding.direction { j += 1 }
                defer { i = j + 1 }
                if i == j { out.append(sorted[i].finding); continue }
                let run = Array(sorted[i...j])
                let s = series[si]
                let first = run[0].month, last = run[run.count - 1].month
                let observed = run.map { $0.finding.numbers["value"] ?? 0 }.reduce(0, +)
                let expected = run.map { $0.finding.numbers["expected"] ?? 0 }.reduce(0, +)
                guard let best = run.max(by: { $0.finding.strength < $1.finding.strength }) else { continue }
                var f = best.finding
                let d = f.direction
                f.kind = .unusualRun
                f.period = "\(s.months[first]) to \(s.months[last])"
                f.numbers = ["value": observed, "expected": expected, "months": Double(run.count), "change": observed - expected,
                             "percent_change": expected > 0 ? (observed - expected) / expected : 0]
                f.timing = s.months[last] == s.months.last ? .current : .earlier
                f.test = "each of \(run.count) months on its own; strongest: " + best.finding.test
                f.sentence = "\(s.subject) \(were) \(d > 0 ? "above" : "below") \(their) usual level for \(run.count) months in a row, \(Self.monthRange(s.months[first], s.months[last])): \(format.format(observed)) against about \(format.format(expected)) expected."
                out.append(f)
            }
        }
        return out
    }

    // MARK: Stoppages

    /// Days of no activity in a daily series, judged against its own calendar.
    public struct Gap: Sendable {
        /// First and last day (indices into the series), open days in between, closed days skipped.
        public var first: Int, last: Int, openDays: Int, skipped: Int
        /// Activity expected over the open days.
        public var expected: Double
        public var phi: Double
        public var logP: Double
    }

    /// The gaps of a daily series and the number of open days examined.
    ///
    /// The calendar is learned first: a weekday, a day of the month, or the bank holidays
    /// (England and Wales) on which the series has activity less than a quarter as often as
    /// on other days are closed days, never gaps. Each open day with none is then judged
    /// against the same weekday in the four weeks either side (open days with activity only);
    /// on a bank holiday that expectation is scaled by how the series usually does on that
    /// holiday in other years. Consecutive days with none (across closed days) are one gap,
    /// whose chance is that of none on every day of it, with the over-dispersion of the series.
    public static func stoppages(_ s: DailySeries) -> (found: [Gap], openDays: Int) {
        let n = s.values.count
        guard n >= 56 else { return ([], 0) }
        let holidays: [Int: String] = {
            var h: [Int: String] = [:]
            guard let a = s.days.first, let b = s.days.last else { return h }
            for y in a.year...b.year {
                for d in BankHolidays.englandAndWales(y) {
                    h[d.day.ordinal] = d.name.replacingOccurrences(of: " (substitute day)", with: "")
                }
                // The days themselves, at a weekend too (when the holiday moves to a weekday).
                for (month, day, name) in [(1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")] {
                    if let d = Day(year: y, month: month, day: day) { h[d.ordinal] = name }
                }
            }
            return h
        }()
        let isHoliday = s.days.map { holidays[$0.ordinal] != nil }
        let has = s.values.map { $0 > 0 }
        let overall = Double(has.filter { $0 }.count) / Double(n)
        guard overall > 0 else { return ([], 0) }
        func share(_ include: (Int) -> Bool) -> Double? {
            var total = 0, with = 0
            for i in 0..<n where include(i) { total += 1; if has[i] { with += 1 } }
            return total >= 4 ? Double(with) / Double(total) : nil
        }
        var closedWeekday = [Bool](repeating: false, count: 7)
        for w in 0..<7 { if let x = share({ s.days[$0].weekday == w && !isHoliday[$0] }), x < overall / 4 { closedWeekday[w] = true } }
        var closedDayOfMonth = [Bool](repeating: false, count: 32)
        for d in 1...31 { if let x = share({ s.days[$0].day == d && !isHoliday[$0] }), x < overall / 4 { closedDayOfMonth[d] = true } }
        let holidaysClosed = (share { isHoliday[$0] } ?? 1) < overall / 4
        let closed = (0..<n).map { i in
            (isHoliday[i] && holidaysClosed) || closedWeekday[s.days[i].weekday] || closedDayOfMonth[s.days[i].day]
        }
        // The usual level of each day: the same weekday in the four weeks either side, open days only.
        func baseline(_ i: Int, excluding gap: ClosedRange<Int>? = nil) -> Double? {
            var sum = 0.0, count = 0
            for k in stride(from: i - 28, through: i + 28, by: 7) where k >= 0 && k < n && k != i {
                if closed[k] || isHoliday[k] { continue }
                if let gap, gap.contains(k) { continue }
                sum += s.values[k]
                count += 1
            }
            return count >= 3 ? sum / Double(count) : nil
        }
        // How each holiday usually compares with its baseline, from every year it appears in.
        var holidayRatio: [String: Double] = [:]
        do {
            var observed: [String: Double] = [:], expected: [String: Double] = [:]
            for i in 0..<n where isHoliday[i] {
                guard let name = holidays[s.days[i].ordinal], let e = baseline(i) else { continue }
                observed[name, default: 0] += s.values[i]
                expected[name, default: 0] += e
            }
            for (name, e) in expected where e > 0 { holidayRatio[name] = (observed[name] ?? 0) / e }
        }
        func expectation(_ i: Int, excluding gap: ClosedRange<Int>? = nil) -> Double? {
            guard let e = baseline(i, excluding: gap) else { return nil }
            if isHoliday[i], let name = holidays[s.days[i].ordinal] {
                // Leave out this year's own day: the ratio must come from the other years.
                return e * (holidayRatio[name] ?? 1)
            }
            return e
        }
        // Dispersion: Pearson residuals of open days against their baseline.
        var residuals: [Double] = []
        for i in stride(from: 0, to: n, by: 1) where !closed[i] && !isHoliday[i] {
            if let e = baseline(i), e > 0 { residuals.append((s.values[i] - e) / e.squareRoot()) }
        }
        // Both a robust estimate and the mean square with the top 1% trimmed, the larger: on a
        // series of a few a day the median collapses to nothing, and a sum of contacts (one to
        // nine a record) is over-dispersed however sparse it is.
        let centre = UsualLevel.median(residuals)
        let mad = 1.4826 * UsualLevel.median(residuals.map { abs($0 - centre) })
        let squares = residuals.map { $0 * $0 }.sorted()
        let trimmed = squares.prefix(max(1, Int(Double(squares.count) * 0.99)))
        let meanSquare = trimmed.isEmpty ? 1 : trimmed.reduce(0, +) / Double(trimmed.count)
        let phi = max(1, mad * mad, meanSquare)
        // A channel is only said to have stopped if it usually has activity on most open days.
        let openDays = (0..<n).filter { !closed[$0] }
        guard !openDays.isEmpty, Double(openDays.filter { has[$0] }.count) / Double(openDays.count) >= 0.5 else { return ([], openDays.count) }
        var found: [Gap] = []
        var open = 0
        var i = 0
        while i < n {
            if closed[i] { i += 1; continue }
            open += 1
            guard s.values[i] == 0 else { i += 1; continue }
            // Extend across closed days while the open days have none.
            var j = i, k = i + 1, days = 1
            while k < n {
                if closed[k] { if s.values[k] == 0 { k += 1; continue } else { break } }
                if s.values[k] != 0 { break }
                j = k; days += 1; k += 1
            }
            let skipped = (i...j).filter { closed[$0] }.count
            open += days - 1
            var expected = 0.0
            for d in i...j where !closed[d] { expected += expectation(d, excluding: i...j) ?? 0 }
            if expected > 0 {
                found.append(Gap(first: i, last: j, openDays: days, skipped: skipped, expected: expected, phi: phi, logP: -expected / phi))
            }
            i = j + 1
        }
        return (found, open)
    }

    /// Reading order: current first, then standing, then earlier; strongest first within each.
    public static func ranked(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($0.timing, -$0.strength, $0.subject, $0.period) < ($1.timing, -$1.strength, $1.subject, $1.period) }
    }
}
