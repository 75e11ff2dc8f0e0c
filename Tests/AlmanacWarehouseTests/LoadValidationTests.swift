import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

final class LoadValidationTests: WarehouseTestCase {
    /// A warehouse with the sample loaded, and its fingerprint.
    func loaded() throws -> (Warehouse, String) {
        let w = try newWarehouse()
        _ = try w.load(model: model, files: allSampleFiles)
        return (w, try fingerprint(w))
    }

    /// Loads `text` as an activity extract, expects failure, and checks nothing changed.
    func rejectActivity(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Diagnostic] {
        let (w, before) = try loaded()
        let path = try write("activity-bad.csv", text)
        do {
            _ = try w.load(model: model, files: ["activity": path])
            XCTFail("the load should have failed", file: file, line: line)
            return []
        } catch let failure as LoadFailure {
            XCTAssertEqual(try fingerprint(w), before, "the warehouse changed after a failed load", file: file, line: line)
            XCTAssertTrue(failure.description.contains("nothing was loaded"), file: file, line: line)
            return failure.diagnostics
        }
    }

    let header = "activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome\n"
    let good = "2025-10-01,C8617892,ASC,BUR01,Phone,2,343.03,14.6,Resolved\n"

    func testSampleLoadsCompletely() throws {
        let w = try newWarehouse()
        let report = try w.load(model: model, files: allSampleFiles)
        let activity = report.entries.first { $0.table == "activity" }!
        XCTAssertEqual(activity.read, 72_000)
        XCTAssertEqual(activity.loaded, 72_000)
        XCTAssertEqual(activity.rejected, 0)
        XCTAssertEqual(report.entries.map(\.table), ["districts", "wards", "population", "services", "customers", "activity"])
        XCTAssertEqual(try w.loads().count, 6)
        XCTAssertNoThrow(try w.verify(model: model))
    }

    func testWrongColumnNameIsRejectedWithSuggestion() throws {
        let d = try rejectActivity(header.replacingOccurrences(of: "customer_id", with: "custmer_id") + good)
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].line, 1)
        XCTAssertTrue(d[0].message.contains("no column `customer_id`"), d[0].message)
        XCTAssertEqual(d[0].hint, "the header has `custmer_id`; rename it to `customer_id`")
    }

    func testBadDateNamesLineColumnAndValue() throws {
        let d = try rejectActivity(header + good + "2025-02-30,C8617892,ASC,BUR01,Phone,2,343.03,14.6,Resolved\n")
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual([d[0].line, d[0].column], [3, 1])
        XCTAssertEqual(d[0].field, "activity_date")
        XCTAssertTrue(d[0].message.contains("`2025-02-30`"))
        XCTAssertTrue(d[0].hint!.contains("YYYY-MM-DD"))
    }

    func testNonNumericAmountIsRejected() throws {
        let d = try rejectActivity(header + good + "2025-10-02,C8617892,ASC,BUR01,Phone,2,£343.03,14.6,Resolved\n"
                                   + "2025-10-02,C8617892,ASC,BUR01,Phone,two,1,14.6,Resolved\n")
        XCTAssertEqual(d.map(\.line), [3, 4])
        XCTAssertEqual(d.map(\.field), ["spend_gbp", "contacts"])
        XCTAssertEqual(d[0].column, 39)
        XCTAssertTrue(d[0].description.contains("activity-bad.csv:3:39: error: not a number in column `spend_gbp`: `£343.03`"), d[0].description)
    }

    func testUnknownKeyAndRaggedRowAreRejected() throws {
        let d = try rejectActivity(header + "2025-10-01,C8617892,ASC,XXX99,Phone,2,343.03,14.6,Resolved\n"
                                   + "2025-10-01,C8617892,ASC,BUR01,Phone,2,343.03,14.6\n")
        XCTAssertEqual(d.count, 2)
        XCTAssertTrue(d[0].message.contains("`XXX99` is not a key of `wards`"))
        XCTAssertTrue(d[1].message.contains("9"))
    }

    func testMalformedCSVIsRejected() throws {
        let d = try rejectActivity(header + "2025-10-01,C8617892,ASC,BUR01,\"Phone,2,343.03,14.6,Resolved\n")
        XCTAssertEqual(d[0].line, 2)
        XCTAssertTrue(d[0].message.contains("never closed"))
    }

    func testLoadingTheSameFileTwiceDoesNotDoubleCount() throws {
        let (w, before) = try loaded()
        let again = try w.load(model: model, files: allSampleFiles)
        XCTAssertTrue(again.entries.allSatisfy { $0.skippedAsDuplicate != nil && $0.loaded == 0 })
        XCTAssertEqual(try fingerprint(w), before)
        // The same bytes under another name are still the same file.
        let copy = folder.appendingPathComponent("activity-copy.csv").path
        try FileManager.default.copyItem(atPath: sample("activity"), toPath: copy)
        let renamed = try w.load(model: model, files: ["activity": copy])
        XCTAssertNotNil(renamed.entries[0].skippedAsDuplicate)
        XCTAssertEqual(try fingerprint(w), before)
    }

    func testAChangedExtractUnderTheSameNameNeedsReplace() throws {
        let w = try newWarehouse()
        var files = allSampleFiles
        files["activity"] = try write("activity.csv", header + good)
        _ = try w.load(model: model, files: files)
        let before = try fingerprint(w)
        let changed = try write("activity.csv", header + good + good.replacingOccurrences(of: "2025-10-01", with: "2025-10-02"))
        XCTAssertThrowsError(try w.load(model: model, files: ["activity": changed])) { e in
            XCTAssertTrue("\(e)".contains("--replace"))
        }
        XCTAssertEqual(try fingerprint(w), before)
        var options = LoadOptions()
        options.replace = true
        _ = try w.load(model: model, files: ["activity": changed], options: options)
        XCTAssertEqual(try w.rawRows("SELECT COUNT(*) FROM activity")[0][0], 2.databaseValue)
    }

    func testAFailureInALaterTableUndoesEarlierTables() throws {
        let w = try newWarehouse()
        let before = try fingerprint(w)
        var files = allSampleFiles
        files["activity"] = try write("activity.csv", header + "2025-13-01,C8617892,ASC,BUR01,Phone,2,1,1,Resolved\n")
        XCTAssertThrowsError(try w.load(model: model, files: files))
        XCTAssertEqual(try fingerprint(w), before, "districts, wards… must not be left behind")
        XCTAssertEqual(try w.loads().count, 0)
    }
}
