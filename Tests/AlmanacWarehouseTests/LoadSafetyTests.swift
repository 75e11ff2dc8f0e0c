import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// Loads that never lose or double rows: row provenance, replace by file name, unique keys,
/// keys that name one row, declared ranges, clean text, several files at once, no empty loads.
final class LoadSafetyTests: WarehouseTestCase {
    let header = "activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome\n"
    func row(_ day: String, _ customer: String = "C8617892", contacts: String = "2", outcome: String = "Resolved") -> String {
        "\(day),\(customer),ASC,BUR01,Phone,\(contacts),343.03,14.6,\(outcome)\n"
    }

    /// A warehouse with the sample's dimensions and two activity extracts of two rows each.
    func twoExtracts() throws -> Warehouse {
        let w = try newWarehouse()
        var files = allSampleFiles
        files["activity"] = try write("activity-2025-09.csv", header + row("2025-09-01") + row("2025-09-02"))
        _ = try w.load(model: model, files: files)
        _ = try w.load(model: model, files: ["activity": try write("activity-2025-10.csv", header + row("2025-10-01") + row("2025-10-02"))])
        return w
    }

    func count(_ w: Warehouse, _ sql: String = "SELECT COUNT(*) FROM activity") throws -> Int {
        Int.fromDatabaseValue(try w.rawRows(sql)[0][0]) ?? -1
    }

    func failure(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            XCTFail("expected the load to fail")
            return ""
        } catch { return "\(error)" }
    }

    func testReplaceReplacesExactlyTheRowsOfThatFileName() throws {
        let w = try twoExtracts()
        XCTAssertEqual(try count(w), 4)
        var replace = LoadOptions()
        replace.replace = true
        let corrected = try write("activity-2025-10.csv", header + row("2025-10-01", contacts: "5") + row("2025-10-02") + row("2025-10-03"))
        _ = try w.load(model: model, files: ["activity": corrected], options: replace)
        XCTAssertEqual(try count(w), 5, "September's rows stay; October's two become three")
        XCTAssertEqual(try count(w, "SELECT SUM(contacts) FROM activity WHERE activity_date = '2025-10-01'"), 5)
        XCTAssertEqual(try count(w, "SELECT COUNT(*) FROM activity WHERE activity_date < '2025-10-01'"), 2)
        // The ledger records each load's rows and the days it covers.
        let ledger = try w.rawRows("SELECT file_name, rows, first_day, last_day FROM _almanac_loads WHERE table_name = 'activity' ORDER BY id")
        XCTAssertEqual(ledger.map { String.fromDatabaseValue($0[0]) }, ["activity-2025-09.csv", "activity-2025-10.csv"])
        XCTAssertEqual(ledger.last.map { String.fromDatabaseValue($0[2]) }, "2025-10-01")
        XCTAssertEqual(ledger.last.map { String.fromDatabaseValue($0[3]) }, "2025-10-03")
        XCTAssertEqual(ledger.last.map { Int.fromDatabaseValue($0[1]) }, 3)
        // Every fact row records its load and line.
        XCTAssertEqual(try count(w, "SELECT COUNT(*) FROM activity WHERE _load_id IS NULL OR _line IS NULL"), 0)
        XCTAssertEqual(try count(w, "SELECT _line FROM activity WHERE activity_date = '2025-10-03'"), 4)
    }

    func testAnEmptyExtractNeverEmptiesATable() throws {
        let w = try twoExtracts()
        let before = try fingerprint(w)
        var replace = LoadOptions()
        replace.replace = true
        let empty = try write("activity-2025-10.csv", header)
        XCTAssertTrue(failure { try w.load(model: self.model, files: ["activity": empty], options: replace) }.contains("a header but no rows"))
        XCTAssertEqual(try fingerprint(w), before)
        replace.allowEmpty = true
        _ = try w.load(model: model, files: ["activity": empty], options: replace)
        XCTAssertEqual(try count(w), 2, "with --allow-empty, exactly that file's rows go")
    }

    func testAReExportInAnotherLineEndingIsRefusedNamingBothCopies() throws {
        let w = try twoExtracts()
        let before = try fingerprint(w)
        let crlf = try write("october-again.csv", (header + row("2025-10-01") + row("2025-10-02")).replacingOccurrences(of: "\n", with: "\r\n"))
        let message = failure { try w.load(model: self.model, files: ["activity": crlf]) }
        XCTAssertTrue(message.contains("october-again.csv:2:1"), message)
        XCTAssertTrue(message.contains("same activity_date, customer_id, service_code, ward_code, channel as activity-2025-10.csv:2"), message)
        XCTAssertEqual(try fingerprint(w), before)
        // A duplicate within one file names both lines.
        let twice = try write("twice.csv", header + row("2025-11-01") + row("2025-11-02") + row("2025-11-01", outcome: "Referred"))
        XCTAssertTrue(failure { try w.load(model: self.model, files: ["activity": twice]) }.contains("twice.csv:4:1: error: this row has the same activity_date, customer_id, service_code, ward_code, channel as line 2 of this file"))
        XCTAssertEqual(try fingerprint(w), before)
    }

    func testSeveralFilesForOneTableLoadTogether() throws {
        let w = try newWarehouse()
        var batch = allSampleFiles.filter { $0.key != "activity" }.map { (table: $0.key, path: $0.value) }
        batch.append(("activity", try write("a.csv", header + row("2025-09-01"))))
        batch.append(("activity", try write("b.csv", header + row("2025-10-01") + row("2025-10-02"))))
        let report = try w.load(model: model, batch: batch)
        XCTAssertEqual(report.entries.filter { $0.table == "activity" }.map(\.loaded), [1, 2])
        XCTAssertEqual(try count(w), 3)
        // One bad file among them: nothing from either.
        let w2 = try Warehouse(path: folder.appendingPathComponent("w2.sqlite").path)
        batch[batch.count - 1] = ("activity", try write("c.csv", header + row("2025-10-01", contacts: "x")))
        XCTAssertTrue(failure { try w2.load(model: self.model, batch: batch) }.contains("c.csv:2:"))
        XCTAssertEqual(try w2.loads().count, 0)
    }

    func testDuplicateKeysInDimensionsAndDenominatorsNameBothLines() throws {
        let w = try newWarehouse()
        var files = allSampleFiles
        let wards = try String(contentsOfFile: sample("wards"), encoding: .utf8)
        files["wards"] = try write("wards.csv", wards + "BUR01,Burnley Moved,E07000118\n")
        let message = failure { try w.load(model: self.model, files: files) }
        XCTAssertTrue(message.contains("wards.csv:79:1: error: `BUR01` is already the key of line 2 (wards.csv:2)"), message)
        XCTAssertEqual(try w.loads().count, 0)
        files = allSampleFiles
        let population = try String(contentsOfFile: sample("population"), encoding: .utf8)
        files["population"] = try write("population.csv", population + "E07000117,2021,1\n")
        let denominator = failure { try w.load(model: self.model, files: files) }
        XCTAssertTrue(denominator.contains("population.csv:74:1: error: this row has the same district_code, year as line 2 of this file"), denominator)
    }

    func testHeadersValuesAndRangesAreChecked() throws {
        let w = try newWarehouse()
        _ = try w.load(model: model, files: allSampleFiles.filter { $0.key != "activity" })
        func refused(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let before = try fingerprint(w)
            let message = failure { try w.load(model: self.model, files: ["activity": try self.write("x.csv", text)]) }
            XCTAssertTrue(message.contains(expected), message, file: file, line: line)
            XCTAssertEqual(try fingerprint(w), before, file: file, line: line)
        }
        try refused("activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome,contacts\n" + row("2025-10-01"),
                    "x.csv:1:102: error: the header names `contacts` twice (fields 6 and 10)")
        try refused(header + row("2025-10-01", outcome: "Resol\u{0}ved"), "a control character in column `outcome`: `Resol\\u{0}ved`")
        try refused(header + row("2025-10-01", outcome: "\u{1B}[2JGone"), "`\\u{1B}[2JGone`")
        try refused(header + row("2025-10-01", contacts: "9223372036854775807"), "the number is outside the range 0 to 1000000 in column `contacts`")
        try refused(header + row("2025-10-01", contacts: "-1"), "outside the range 0 to 1000000")
        try refused(header + row("9999-12-31"), "the date is outside the range 1990-01-01 to 2099-12-31 in column `activity_date`")
        try refused(header + row("0001-01-01"), "the date is outside the range")
    }
}
