import AlmanacCore
import AlmanacModel
import Foundation
import XCTest

final class ModelLoaderTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var modelText: String { try! String(contentsOf: root.appendingPathComponent("models/council.yaml"), encoding: .utf8) }

    func testTheShippedModelLoads() throws {
        let m = try ModelLoader.load(path: Self.root.appendingPathComponent("models/council.yaml").path)
        XCTAssertEqual(Set(m.tables.map(\.name)), ["districts", "wards", "population", "services", "customers", "activity"])
        XCTAssertEqual(Set(m.measures.compactMap(\.agg)), Set(Aggregation.allCases))
        XCTAssertEqual(m.hierarchies.first { $0.name == "geography" }?.levels, ["county", "district", "ward"])
        XCTAssertEqual(m.time.grains, [.day, .isoWeek, .month, .quarter, .financialQuarter, .year, .financialYear])
        // Dimension tables load before the facts that reference them.
        let order = m.loadOrder.map(\.name)
        XCTAssertLessThan(order.firstIndex(of: "districts")!, order.firstIndex(of: "wards")!)
        XCTAssertEqual(order.last, "activity")
        XCTAssertEqual(m.measure("spend")?.format, .currency)
    }

    /// Replaces the first occurrence of `old` in the shipped model and returns the error.
    func error(replacing old: String, with new: String, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
        let text = Self.modelText
        XCTAssertTrue(text.contains(old), "fixture text not found: \(old)", file: file, line: line)
        do {
            _ = try ModelLoader.parse(text.replacingOccurrences(of: old, with: new), file: "models/council.yaml")
            XCTFail("expected an error", file: file, line: line)
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics
        } catch let d as Diagnostic {
            return [d]
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return []
        }
    }

    func lineOf(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }! + 1
    }

    func testUnknownColumnNamesFileLineAndSuggestion() {
        let text = Self.modelText.replacingOccurrences(of: "column: customer_id\n    unit: customers", with: "column: custmer_id\n    unit: customers")
        let line = lineOf("column: custmer_id", in: text)
        let d = error(replacing: "column: customer_id\n    unit: customers", with: "column: custmer_id\n    unit: customers")
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].file, "models/council.yaml")
        // The measure starts a few lines above its column key; the place is the measure.
        XCTAssertTrue((line - 8...line).contains(d[0].line ?? 0), "line \(String(describing: d[0].line)) near \(line)")
        XCTAssertTrue(d[0].message.contains("unknown column `custmer_id` in fact `activity`"), d[0].message)
        XCTAssertEqual(d[0].hint, "did you mean `customer_id`?")
        XCTAssertTrue(d[0].description.hasPrefix("models/council.yaml:"))
    }

    func testEveryBrokenReferenceIsReportedAtOnce() {
        let d = error(replacing: "{name: district, label: District, table: districts, column: district_name",
                      with: "{name: district, label: District, table: distrcts, column: district_name")
        XCTAssertTrue(d.contains { $0.message == "unknown table `distrcts`" && $0.hint == "did you mean `districts`?" })
        let two = error(replacing: "levels: [county, district, ward]", with: "levels: [county, distrct, wards]")
        XCTAssertEqual(two.count, 2)
        XCTAssertEqual(two.map(\.hint), ["did you mean `district`?", "did you mean `ward`?"])
    }

    func testStructuralMistakes() {
        let key = error(replacing: "    agg: sum\n    column: contacts", with: "    agregate: sum\n    column: contacts")
        XCTAssertTrue(key[0].message.contains("unknown key `agregate`") || key[0].message.contains("has no `agg`"), key[0].message)
        let agg = error(replacing: "    agg: count_distinct", with: "    agg: distinct_count")
        XCTAssertTrue(agg[0].message.contains("unknown aggregation `distinct_count`"))
        XCTAssertEqual(agg[0].hint?.contains("count_distinct"), true)
        XCTAssertNotNil(agg[0].line)
        let type = error(replacing: "{name: population, type: integer", with: "{name: population, type: int")
        XCTAssertTrue(type[0].message.contains("unknown column type `int`"))
        let sumText = error(replacing: "    agg: sum\n    column: spend_gbp", with: "    agg: sum\n    column: outcome")
        XCTAssertTrue(sumText[0].message.contains("which is text"), sumText[0].message)
        let grain = error(replacing: "grains: [day, iso_week, month", with: "grains: [day, iso_week, mnth")
        XCTAssertEqual(grain[0].hint, "did you mean `month`?")
    }

    func testYAMLSyntaxErrorsHaveAPlace() {
        XCTAssertThrowsError(try ModelLoader.parse("name: x\ntables: [\n  - a", file: "m.yaml")) { e in
            let d = e as! Diagnostic
            XCTAssertEqual(d.file, "m.yaml")
            XCTAssertNotNil(d.line)
        }
    }

    func testUnreachableDimensionIsAnError() {
        let d = error(replacing: "    joins:\n      - {table: districts, column: district_code}", with: "")
        XCTAssertTrue(d.contains { $0.message.contains("cannot reach") }, d.map(\.message).joined(separator: "; "))
    }
}
