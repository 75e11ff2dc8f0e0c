import AlmanacAnalysis
import AlmanacCore
import AlmanacSample
import AlmanacWarehouse
import Foundation
import XCTest

/// The scan on the committed sample (sample-data/, 72,000 rows, seed 2025) and on the same
/// council at 300,000 rows: every documented anomaly its slices are big enough to show is
/// found, ranked as a director would read it, and nothing else is claimed that the planted
/// anomalies, trends and district differences (sample-data/README.md) do not explain.
final class FindingsRecallTests: WarehouseTestCase {
    var w: Warehouse { AggregateReferenceTests.shared }

    func scan(_ measure: String, _ month: String = "2026-03", in warehouse: Warehouse? = nil) throws -> [Finding] {
        try CubeScan(model: model, warehouse: warehouse ?? w).run(measure: measure, month: try Period(parsing: month)).findings
    }

    func assertFound(_ findings: [Finding], _ kind: Finding.Kind, subject: [String], period: String,
                     _ note: String, file: StaticString = #filePath, line: UInt = #line) {
        let hit = findings.contains { f in
            f.kind == kind && subject.allSatisfy { f.subject.contains($0) } && f.period.contains(period)
        }
        XCTAssertTrue(hit, "not found: \(note)\n" + findings.map { "\($0.kind.rawValue): \($0.sentence)" }.joined(separator: "\n"), file: file, line: line)
    }

    /// Whether the documented story explains a finding: a planted anomaly (its slice and
    /// period), a planted service trend (a trend of a slice holding a growing service), or the
    /// districts' different demand per head (the funnel).
    func explained(_ f: Finding) -> Bool {
        let period = f.period.components(separatedBy: " to ")
        let (from, to) = (String(period.first ?? ""), String(period.last ?? ""))
        func overlaps(_ a: String, _ b: String) -> Bool { from.prefix(a.count) <= b && to.prefix(a.count) >= a || (from <= b && to >= a) }
        switch f.kind {
        case .funnelOutlier: return true
        case .sustainedTrend:
            return !["Highways", "Public health"].contains { f.subject.hasPrefix($0) }
                || f.subject.contains("Burnley")
        default:
            let stories: [(subject: [String], from: String, to: String)] = [
                (["Wyre"], "2024-01", "2024-01"), (["Highways"], "2024-01", "2024-01"), (["across the"], "2024-01", "2024-01"),
                (["Preston"], "2023-06", "2023-06"), (["Waste"], "2023-06", "2023-06"), (["across the"], "2023-06", "2023-06"),
                (["Chorley"], "2022-09", "2022-10"), (["Libraries"], "2022-09", "2022-10"),
                (["Web"], "2024-11-12", "2024-11-14"),
                (["Lancaster"], "2025-02", "2025-02"), (["Adult social care spend"], "2025-02", "2025-02"), (["Spend across"], "2025-02", "2025-02"),
                (["Burnley"], "2025-04", "2026-03"), (["across the"], "2025-04", "2026-03"),
            ]
            return stories.contains { s in s.subject.allSatisfy { f.subject.contains($0) } && from <= s.to && to >= s.from }
        }
    }

    func testTheSampleShowsItsAnomaliesTrendsAndNoNoise() throws {
        let contacts = try scan("contacts")
        let spend = try scan("spend")
        let anomalies = try String(contentsOf: Self.root.appendingPathComponent("sample-data/anomalies.csv"), encoding: .utf8)
        XCTAssertEqual(anomalies.split(separator: "\r\n").count - 1, 6)
        assertFound(contacts, .unusualMonth, subject: ["Highways", "Wyre"], period: "2024-01", "A1 Wyre highways spike, January 2024")
        assertFound(contacts, .unusualMonth, subject: ["Waste and recycling", "Preston"], period: "2023-06", "A2 Preston waste spike, June 2023")
        assertFound(contacts, .stoppage, subject: ["Web"], period: "2024-11-12", "A4 website outage, 12-14 November 2024")
        assertFound(contacts, .levelShift, subject: ["Contacts in Burnley"], period: "2025-04 to 2026-03", "A6 Burnley step from April 2025")
        for (service, direction) in [("Special educational needs", 1), ("Libraries", -1), ("Adult social care", 1), ("Home care", 1)] {
            XCTAssertTrue(contacts.contains { $0.kind == .sustainedTrend && $0.subject == "\(service) contacts" && $0.direction == direction },
                          "trend in \(service)")
        }
        // Nothing the story does not explain.
        for f in contacts + spend { XCTAssertTrue(explained(f), "unexplained: \(f.kind.rawValue): \(f.sentence)") }
        XCTAssertFalse(contacts.contains { $0.sentence.contains("nan") || $0.numbers.values.contains { $0.isNaN } })
        // Reading order: still going on first, then standing patterns, then earlier events.
        XCTAssertEqual(contacts.map(\.timing), contacts.map(\.timing).sorted())
        for timing in [Finding.Timing.current, .standing, .earlier] {
            let s = contacts.filter { $0.timing == timing }.map(\.strength)
            XCTAssertEqual(s, s.sorted(by: >))
        }
        XCTAssertTrue(contacts.allSatisfy { $0.q <= 0.01 && $0.q >= $0.p * 0.999 })
    }

    func testTheMonthlyReportsPeriodLeadsWithItsOwnAnomaly() throws {
        // October 2025, the monthly report's period: the Burnley step is what is going on.
        let contacts = try scan("contacts", "2025-10")
        XCTAssertEqual(contacts.first?.kind, .levelShift)
        XCTAssertEqual(contacts.first?.subject, "Contacts in Burnley")
        XCTAssertEqual(contacts.first?.timing, .current)
        XCTAssertTrue(contacts.first?.sentence.hasPrefix("Contacts in Burnley have run ") ?? false, contacts.first?.sentence ?? "")
        XCTAssertTrue(contacts.first?.sentence.contains("above their usual level for the last 7 months, since April 2025") ?? false)
        for f in contacts { XCTAssertTrue(explained(f), "unexplained: \(f.sentence)") }
        for f in try scan("spend", "2025-10") { XCTAssertTrue(explained(f), "unexplained: \(f.sentence)") }
    }

    func testCommentaryReadsAsAnAnalystWouldWriteIt() throws {
        let contacts = try scan("contacts")
        let web = try XCTUnwrap(contacts.first { $0.kind == .stoppage && $0.subject == "Web contacts" })
        XCTAssertTrue(web.sentence.hasPrefix("Web contacts stopped for 3 days, 12 to 14 November 2024, when about "), web.sentence)
        let wyre = try XCTUnwrap(contacts.first { $0.kind == .unusualMonth && $0.subject == "Highways contacts in Wyre" })
        XCTAssertTrue(wyre.sentence.hasPrefix("Highways contacts in Wyre in January 2024 were well above their usual level: "), wyre.sentence)
        XCTAssertTrue(contacts.allSatisfy { $0.sentence.hasSuffix(".") && !$0.sentence.contains("  ") })
        XCTAssertFalse(contacts.contains { $0.kind != .funnelOutlier && ($0.sentence.contains(" was ") || $0.sentence.contains(" has ")) }, "contacts are plural")
        let trend = try XCTUnwrap(contacts.first { $0.kind == .sustainedTrend })
        XCTAssertTrue(trend.sentence.contains(" have "), trend.sentence)
        XCTAssertThrowsError(try scan("spend_per_contact"), "a ratio is not scanned with count tests")
    }

    /// A service lead's scan (scope: one service) looks at each series once, under the name
    /// that says what it is, and says nothing of channels too sparse to have stopped.
    func testAScopedScanLooksAtEachSeriesOnce() throws {
        let result = try CubeScan(model: model, warehouse: w).run(measure: "contacts", month: try Period(parsing: "2026-03"), scope: "service = 'Highways'")
        let keys = result.findings.map { "\($0.kind.rawValue) \($0.period) \($0.numbers["value"] ?? -1)" }
        XCTAssertEqual(keys.count, Set(keys).count, "the same series twice: " + result.findings.map(\.sentence).joined(separator: "\n"))
        XCTAssertTrue(result.findings.contains { $0.subject == "Highways contacts in Wyre" && $0.period == "2024-01" })
        XCTAssertFalse(result.findings.contains { $0.subject.hasPrefix("Contacts in ") || $0.subject.hasPrefix("Contacts across") },
                       "within one service every series is that service's")
        XCTAssertFalse(result.findings.contains { $0.kind == .stoppage && !$0.subject.hasPrefix("Web") },
                       result.findings.filter { $0.kind == .stoppage }.map(\.sentence).joined(separator: "\n"))
    }

    /// Data loaded part way through a month: that month is not judged as a month (it would
    /// look like a fall everywhere) and the days after the last one with data are not a gap.
    func testAMonthNotYetCompleteIsNotJudgedAsAFall() throws {
        let activity = try String(contentsOfFile: sample("activity"), encoding: .utf8)
        let kept = activity.split(separator: "\n").filter { !$0.hasPrefix("2026-03-") || $0 < "2026-03-15" }
        var files = allSampleFiles
        files["activity"] = try write("activity.csv", kept.joined(separator: "\n") + "\n")
        let partial = try newWarehouse()
        _ = try partial.load(model: model, files: files)
        let result = try CubeScan(model: model, warehouse: partial).run(measure: "contacts", month: try Period(parsing: "2026-03"))
        XCTAssertEqual(result.note, "March 2026 is not complete in the data (it ends on 14 March 2026): months are judged up to February 2026, days up to 14 March 2026.")
        XCTAssertFalse(result.findings.contains { $0.period.contains("2026-03") }, result.findings.map(\.sentence).joined(separator: "\n"))
        XCTAssertTrue(result.findings.contains { $0.kind == .levelShift && $0.subject == "Contacts in Burnley" && $0.period.hasSuffix("2026-02") })
    }

    /// At 300,000 rows the small slices carry enough activity for the other two anomalies too:
    /// the Chorley library closure (a run of two months) and the Lancaster spend spike.
    func testAtThreeHundredThousandRowsAllSixAreFound() throws {
        let data = folder.appendingPathComponent("data").path
        _ = try SampleGenerator(rows: 300_000, seed: 2025).write(to: data)
        let big = try Warehouse(path: folder.appendingPathComponent("big.sqlite").path)
        _ = try big.load(model: model, files: Dictionary(uniqueKeysWithValues: model.tables.map { ($0.name, data + "/" + $0.source) }))
        let contacts = try scan("contacts", in: big)
        let spend = try scan("spend", in: big)
        assertFound(contacts, .unusualMonth, subject: ["Highways", "Wyre"], period: "2024-01", "A1")
        assertFound(contacts, .unusualMonth, subject: ["Waste and recycling", "Preston"], period: "2023-06", "A2")
        XCTAssertTrue(contacts.contains { [.unusualMonth, .unusualRun].contains($0.kind) && $0.subject == "Libraries contacts in Chorley" && $0.period.hasPrefix("2022-") },
                      "A3: " + contacts.map(\.sentence).joined(separator: "\n"))
        assertFound(contacts, .stoppage, subject: ["Web"], period: "2024-11-12", "A4")
        assertFound(spend, .unusualMonth, subject: ["Adult social care", "Lancaster"], period: "2025-02", "A5")
        assertFound(contacts, .levelShift, subject: ["Contacts in Burnley"], period: "2025-04", "A6")
        let noise = (contacts + spend).filter { !explained($0) }
        XCTAssertLessThanOrEqual(noise.count, 2, noise.map(\.sentence).joined(separator: "\n"))
    }
}
