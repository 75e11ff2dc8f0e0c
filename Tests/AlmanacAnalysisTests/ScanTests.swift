import AlmanacAnalysis
import AlmanacCore
import Foundation
import XCTest

/// The scan's parts on series made here: exact tails, the whole-scan correction, the usual
/// level, single months kept single, rises from zero, stoppages against a learned calendar,
/// the false-alarm rate on pure noise, and the words.
final class ScanTests: XCTestCase {
    // MARK: Tails, against arbitrary precision (Fixtures/make_tail_fixtures.py)

    struct Tails: Decodable {
        struct PoissonCase: Decodable { var k: Double; var mean: Double; var log_at_most: Double; var log_at_least: Double }
        struct NormalCase: Decodable { var z: Double; var log_upper: Double }
        struct StudentCase: Decodable { var t: Double; var df: Double; var log_two_sided: Double }
        struct BetaCase: Decodable { var x: Double; var a: Double; var b: Double; var log: Double }
        struct BH: Decodable { var p: [Double]; var tests: Int; var adjusted: [Double] }
        var source: String
        var poisson: [PoissonCase]
        var normal: [NormalCase]
        var student: [StudentCase]
        var beta: [BetaCase]
        var bh: BH
    }

    static let tails: Tails = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tails.json")
        return try! JSONDecoder().decode(Tails.self, from: Data(contentsOf: url))
    }()

    func close(_ a: Double, _ b: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), what, file: file, line: line)
    }

    func testBothTailsAreExactInLogSpace() {
        XCTAssertTrue(Self.tails.source.contains("mpmath"))
        for c in Self.tails.poisson {
            let t = Distributions.logPoissonTails(c.k, mean: c.mean)
            close(t.atMost, c.log_at_most, "P(X ≤ \(c.k) | \(c.mean))")
            close(t.atLeast, c.log_at_least, "P(X ≥ \(c.k) | \(c.mean))")
        }
        for c in Self.tails.normal { close(Distributions.logNormalUpperTail(c.z), c.log_upper, "normal tail at \(c.z)") }
        for c in Self.tails.student { close(Distributions.logStudentTTwoSided(c.t, df: c.df), c.log_two_sided, "t \(c.t) on \(c.df)") }
        for c in Self.tails.beta { close(Distributions.logIncompleteBeta(c.x, c.a, c.b), c.log, "I_\(c.x)(\(c.a), \(c.b))") }
        // 1 − CDF loses a rise's p-value below 1e-16; the log tails keep it, equal to the fall's.
        let rise = Distributions.logPoissonTails(1200, mean: 651).atLeast
        XCTAssertLessThan(rise / log(10), -60)
        XCTAssertEqual(Distributions.normalDeviate(logTwoSided: Distributions.logNormalTwoSided(37.5)), 37.5, accuracy: 1e-9)
        XCTAssertEqual(Distributions.normalDeviate(logTwoSided: log(0.05)), 1.959963984540054, accuracy: 1e-9)
    }

    func testBenjaminiHochbergAgreesWithScipy() {
        let bh = Self.tails.bh
        let adjusted = Distributions.benjaminiHochberg(logP: bh.p.map { log($0) } + Array(repeating: 0, count: bh.tests - bh.p.count))
        for (i, q) in bh.adjusted.enumerated() { XCTAssertEqual(exp(adjusted[i]), q, accuracy: 1e-12 * max(1, q)) }
    }

    // MARK: Bank holidays

    func testBankHolidaysByRuleWithSubstitutesAndOneOffs() {
        func days(_ y: Int) -> [String] { BankHolidays.englandAndWales(y).map(\.day.description) }
        XCTAssertEqual(days(2026), ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"])
        XCTAssertEqual(days(2022), ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
                                    "2022-09-19", "2022-12-26", "2022-12-27"])
        XCTAssertEqual(days(2027), ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"])
        XCTAssertTrue(days(2020).contains("2020-05-08"), "VE Day moved the early May holiday")
        XCTAssertTrue(days(2023).contains("2023-05-08"), "the coronation")
        XCTAssertEqual(BankHolidays.easter(2024).description, "2024-03-31")
        XCTAssertEqual(BankHolidays.easter(2038).description, "2038-04-25")
    }

    // MARK: Series made here

    /// A deterministic generator: a negative-binomial-like count around `mean` (gamma-mixed
    /// Poisson, variance about mean + mean²/size).
    struct Noise {
        var state: UInt64
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
        }
        mutating func normal() -> Double { (-2 * log(max(1e-300, unit()))).squareRoot() * cos(2 * .pi * unit()) }
        mutating func poisson(_ m: Double) -> Double {
            if m > 50 { return max(0, (m + m.squareRoot() * normal()).rounded()) }
            var k = 0.0, p = exp(-m), s = p
            let u = unit()
            while u > s && k < 1000 { k += 1; p *= m / k; s += p }
            return k
        }
        mutating func count(_ mean: Double, relative: Double = 0.05) -> Double { poisson(mean * exp(relative * normal())) }
    }

    static func months(_ n: Int, from first: String = "2021-04") -> [String] {
        let p = try! Period(parsing: first)
        return (0..<n).map { p.shifted(by: $0).key }
    }

    static let season = [1.2, 1.1, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.0, 1.05, 1.0, 0.95]

    func scanner(count: Bool = true) -> FindingsScanner {
        var s = FindingsScanner(measure: count ? "Contacts" : "Spend", noun: count ? "contacts" : "spend",
                                format: count ? .integer : .currency, improvement: .neutral)
        s.isCount = count
        s.isPlural = count
        return s
    }

    func slices(_ series: [[Double]], months: [String]) -> ScanSlices {
        let names = ["Roads", "Waste", "Parks", "Housing", "Libraries", "Schools", "Care", "Leisure"]
        let list = series.enumerated().map { i, v in
            SliceSeries(subject: "\(names[i % names.count])\(i < names.count ? "" : " \(i / names.count)") contacts", members: ["service": "s\(i)"], months: months, values: v)
        }
        return ScanSlices(whole: nil, what: list, place: [], both: [], whatKey: "service", placeKey: nil)
    }

    func testOneMonthSpikeStaysSingleWhenOrdinaryMonthsFollow() {
        var g = Noise(state: 7)
        let m = Self.months(48)
        var series = (0..<6).map { i in (0..<48).map { t in g.count(200 * Self.season[t % 12] * pow(1.04, Double(t) / 12)) } }
        series[2][30] *= 2.5  // one month, then seventeen ordinary ones
        let outcome = scanner().scan(slices(series, months: m), latest: m[47])
        let spike = outcome.findings.filter { $0.subject.hasPrefix("Parks") && $0.kind != .sustainedTrend }
        XCTAssertEqual(spike.count, 1, outcome.findings.map(\.sentence).joined(separator: "\n"))
        XCTAssertEqual(spike.first?.kind, .unusualMonth)
        XCTAssertEqual(spike.first?.period, m[30])
        XCTAssertEqual(spike.first?.timing, .earlier)
        // At its own month it is new, and first.
        let then = scanner().scan(slices(series.map { Array($0.prefix(31)) }, months: Array(m.prefix(31))), latest: m[30])
        XCTAssertEqual(then.findings.first?.subject, "Parks contacts")
        XCTAssertEqual(then.findings.first?.timing, .current)
        XCTAssertTrue(then.findings.first?.sentence.hasPrefix("Parks contacts in \(TimeGrain.month.label(forKey: m[30])) were well above their usual level: ") ?? false)
    }

    func testADipInASmallSeriesAndARiseFromZeroAreFound() {
        var g = Noise(state: 11)
        let m = Self.months(40)
        var series = (0..<4).map { _ in (0..<40).map { t in g.count(60 * Self.season[t % 12]) } }
        series[1][33] = (series[1][33] * 0.2).rounded()
        // A new service: nothing for 36 months, then 8 in one month.
        series[3] = Array(repeating: 0, count: 36) + [8, 0, 0, 0]
        let outcome = scanner().scan(slices(series, months: m), latest: m[39])
        XCTAssertTrue(outcome.findings.contains { $0.subject.hasPrefix("Waste") && $0.period == m[33] && $0.direction == -1 },
                      outcome.findings.map(\.sentence).joined(separator: "\n"))
        let rise = outcome.findings.first { $0.subject.hasPrefix("Housing") && $0.period == m[36] }
        XCTAssertNotNil(rise, "8 against a history of none is found, not dropped")
        XCTAssertEqual(rise?.direction, 1)
    }

    func testAStepThatLastsIsOneLevelShiftStillGoingOn() {
        var g = Noise(state: 5)
        let m = Self.months(60)
        func level(_ t: Int) -> Double { 150 * Self.season[t % 12] * pow(1.06, Double(t) / 12) }
        var series = (0..<4).map { _ in (0..<60).map { t in g.count(level(t)) } }
        for t in 30..<60 { series[0][t] = g.count(1.5 * level(t)) }  // for two and a half years
        for t in 54..<60 { series[1][t] = g.count(1.5 * level(t)) }  // for the last six months
        let outcome = scanner().scan(slices(series, months: m), latest: m[59])
        let old = outcome.findings.first { $0.kind == .levelShift && $0.subject.hasPrefix("Roads") }
        XCTAssertNotNil(old, outcome.findings.map(\.sentence).joined(separator: "\n"))
        XCTAssertEqual(old?.timing, .standing, "a shift of more than a year is a standing pattern")
        XCTAssertEqual(old?.numbers["percent_change"] ?? 0, 0.5, accuracy: 0.12)
        XCTAssertEqual(old?.period.hasPrefix(m[30]), true, "the change is placed where it happened: \(old?.period ?? "")")
        XCTAssertTrue(old?.sentence.contains("have run") ?? false)
        let new = outcome.findings.first { $0.kind == .levelShift && $0.subject.hasPrefix("Waste") }
        XCTAssertEqual(new?.timing, .current)
        XCTAssertEqual(outcome.findings.first?.subject, "Waste contacts", "what is still going on comes first")
        // Each step is one finding, not a run of unusual months besides (the steps also make
        // the two series' long-term trends steeper, which the trend test rightly reports).
        XCTAssertEqual(outcome.findings.filter { ($0.subject.hasPrefix("Roads") || $0.subject.hasPrefix("Waste")) && $0.kind != .sustainedTrend }.count, 2,
                       outcome.findings.map(\.sentence).joined(separator: "\n"))
    }

    func testPureNoiseRaisesAlmostNothing() {
        // 40 series × 60 months of over-dispersed counts with season and trend, ten times over:
        // the expected number of false findings at a 1% false discovery rate is near zero.
        var total = 0, worst = 0
        for seed in 1...10 {
            var g = Noise(state: UInt64(seed) * 1_000_003)
            let m = Self.months(60)
            let sizes = (0..<40).map { i in [12.0, 40, 150, 600, 3000][i % 5] }
            let series = sizes.map { size in (0..<60).map { t in g.count(size * Self.season[t % 12] * pow(1.03, Double(t) / 12), relative: 0.06) } }
            let outcome = scanner().scan(slices(series, months: m), latest: m[59])
            let alarms = outcome.findings.filter { $0.kind != .sustainedTrend }
            total += alarms.count
            worst = max(worst, alarms.count)
            XCTAssertGreaterThan(outcome.tests, 40 * 48)
        }
        XCTAssertLessThanOrEqual(total, 4, "false alarms over 10 noise scans")
        XCTAssertLessThanOrEqual(worst, 2)
    }

    func testMoneyIsJudgedAsSkewedPaymentsNotAsCounts() {
        // Skewed payments (log-normal, σ = 0.8): in a series of three a month a month with
        // none is no surprise; in a series of fifteen a month, six times the usual is.
        var g = Noise(state: 3)
        let m = Self.months(48)
        func month(_ payments: Double, factor: Double = 1) -> Double {
            let n = g.poisson(payments)
            return (0..<Int(n)).map { _ in 400 * exp(0.8 * g.normal()) * factor }.reduce(0, +)
        }
        var series = (0..<5).map { i in (0..<48).map { _ in month(i == 1 ? 3 : 15) } }
        series[0][40] = month(15, factor: 6)
        series[1][30] = 0
        let outcome = scanner(count: false).scan(slices(series, months: m), latest: m[47])
        let spike = outcome.findings.first { $0.subject.hasPrefix("Roads") && $0.period == m[40] }
        XCTAssertNotNil(spike, outcome.findings.map(\.sentence).joined(separator: "\n"))
        XCTAssertFalse(outcome.findings.contains { $0.subject.hasPrefix("Waste") }, "a month without payments in a series of three a month")
        XCTAssertLessThanOrEqual(outcome.findings.count, 2)
        // Grammar: spend "was", its level.
        XCTAssertTrue(spike?.sentence.contains(" was well above its usual level: £") ?? false, spike?.sentence ?? "")
    }

    // MARK: Stoppages

    func daily(_ days: Int, from: String = "2023-01-01", value: (Day) -> Double) -> DailySeries {
        let first = Day(iso: from)!
        let d = (0..<days).map { first.adding(days: $0) }
        return DailySeries(subject: "Web contacts", days: d, values: d.map(value))
    }

    func testAnExtractWithoutDays29To31RaisesNoStoppages() {
        var g = Noise(state: 9)
        let s = daily(900) { $0.day >= 29 ? 0 : g.poisson(40) }
        XCTAssertTrue(FindingsScanner.stoppages(s).found.allSatisfy { $0.logP > log(1e-3) }, "days 29 to 31 are learned as closed")
        // A real three-day gap in the middle of a month is one finding.
        var h = Noise(state: 10)
        let gap = daily(900) { d in d.day >= 29 || (d.year == 2024 && d.month == 5 && (13...15).contains(d.day)) ? 0 : h.poisson(40) }
        let found = FindingsScanner.stoppages(gap).found.filter { $0.logP < log(1e-6) }
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.openDays, 3)
    }

    func testClosedWeekendsAndBankHolidaysAreNotGaps() {
        var g = Noise(state: 12)
        // A service closed at weekends and on bank holidays, with a real gap Friday to Tuesday.
        let s = daily(800) { d in
            if d.weekday >= 5 || BankHolidays.holiday(on: d) != nil { return 0 }
            if d.year == 2024 && d.month == 3 && (d.day == 8 || d.day == 11 || d.day == 12) { return 0 }
            return g.poisson(30)
        }
        let found = FindingsScanner.stoppages(s).found.filter { $0.logP < log(1e-6) }
        XCTAssertEqual(found.count, 1, "\(found)")
        XCTAssertEqual(found.first.map { s.days[$0.first].description }, "2024-03-08")
        XCTAssertEqual(found.first.map { s.days[$0.last].description }, "2024-03-12")
        XCTAssertEqual(found.first?.openDays, 3, "Friday, Monday and Tuesday; the weekend is closed")
    }
}
