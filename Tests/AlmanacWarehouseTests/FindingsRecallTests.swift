import AlmanacAnalysis
import AlmanacCore
import AlmanacWarehouse
import Foundation
import XCTest

/// The scan must find every anomaly and trend documented beside the sample data
/// (sample-data/anomalies.csv and sample-data/README.md), and claim little else.
final class FindingsRecallTests: WarehouseTestCase {
    var w: Warehouse { AggregateReferenceTests.shared }

    func scan(_ measure: String, _ month: String = "2026-03") throws -> [Finding] {
        try CubeScan(model: model, warehouse: w).run(measure: measure, month: try Period(parsing: month)).findings
    }

    func assertFound(_ findings: [Finding], _ kind: Finding.Kind, subject: [String], period: String,
                     _ note: String, file: StaticString = #filePath, line: UInt = #line) {
        let hit = findings.contains { f in
            f.kind == kind && subject.allSatisfy { f.subject.contains($0) } && f.period.contains(period)
        }
        XCTAssertTrue(hit, "not found: \(note)", file: file, line: line)
    }

    func testEveryDocumentedAnomalyAndTrendIsFound() throws {
        let contacts = try scan("contacts")
        let spend = try scan("spend")
        // The documented list is the generator's; check we cover each id.
        let anomalies = try String(contentsOf: Self.root.appendingPathComponent("sample-data/anomalies.csv"), encoding: .utf8)
        XCTAssertEqual(anomalies.split(separator: "\r\n").count - 1, 6)
        assertFound(contacts, .specialCause, subject: ["Highways", "Wyre"], period: "2024-01", "A1 Wyre highways spike, January 2024")
        assertFound(contacts, .specialCause, subject: ["Waste and recycling", "Preston"], period: "2023-06", "A2 Preston waste spike, June 2023")
        assertFound(contacts, .stoppage, subject: ["Libraries", "Chorley"], period: "2022-09", "A3 Chorley library closure, September-October 2022")
        assertFound(contacts, .stoppage, subject: ["Web"], period: "2024-11-12", "A4 website outage, 12-14 November 2024")
        assertFound(spend, .specialCause, subject: ["Adult social care", "Lancaster"], period: "2025-02", "A5 Lancaster adult social care spend, February 2025")
        assertFound(contacts, .yearOnYear, subject: ["Children's social care", "Burnley"], period: "2025-04 to 2026-03", "A6 Burnley children's social care step from April 2025")
        // Documented trends.
        for (service, direction) in [("Special educational needs", 1), ("Libraries", -1), ("Adult social care", 1), ("Home care", 1)] {
            XCTAssertTrue(contacts.contains { $0.kind == .sustainedTrend && $0.subject == "\(service) contacts" && $0.direction == direction },
                          "trend in \(service)")
        }
        // Nothing weak: every finding clears its bar, and there are not hundreds of them.
        XCTAssertTrue(contacts.allSatisfy { $0.p < 0.001 }, contacts.filter { $0.p >= 0.001 }.map(\.sentence).joined(separator: "\n"))
        XCTAssertLessThan(contacts.count, 40)
        XCTAssertLessThan(spend.count, 40)
        XCTAssertFalse(contacts.contains { $0.sentence.contains("nan") || $0.numbers.values.contains { $0.isNaN } })
        // Ranked strongest first.
        XCTAssertEqual(contacts.map(\.strength), contacts.map(\.strength).sorted(by: >))
    }

    func testCommentaryReadsAsAnAnalystWouldWriteIt() throws {
        let contacts = try scan("contacts")
        let web = contacts.first { $0.kind == .stoppage && $0.subject == "Web contacts" }!
        XCTAssertTrue(web.sentence.hasPrefix("Web contacts stopped for 3 days, 12 to 14 November 2024, when about "), web.sentence)
        let burnley = contacts.first { $0.kind == .yearOnYear && $0.subject.contains("Burnley") && $0.subject.contains("Children") }!
        XCTAssertTrue(burnley.sentence.contains("Children's social care contacts in Burnley rose by"), burnley.sentence)
        XCTAssertTrue(burnley.sentence.contains("in the 12 months to March 2026 compared with the 12 months before"))
        XCTAssertTrue(contacts.allSatisfy { $0.sentence.hasSuffix(".") })
        XCTAssertThrowsError(try scan("spend_per_contact"), "a ratio is not scanned with count tests")
    }
}
