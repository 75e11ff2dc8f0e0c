import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import XCTest

final class PlannerErrorTests: XCTestCase {
    let planner = QueryPlanner(model: GoldenSQLTests.model)

    func diagnostic(_ r: QueryRequest) -> Diagnostic? {
        do {
            _ = try planner.plan(r)
            return nil
        } catch {
            return error as? Diagnostic
        }
    }

    func testUnknownNamesSuggestTheNearest() {
        XCTAssertEqual(diagnostic(QueryRequest(measures: ["contact"]))?.hint, "did you mean `contacts`?")
        XCTAssertEqual(diagnostic(QueryRequest(measures: ["spend"], by: ["distrct"]))?.hint, "did you mean `district`?")
        XCTAssertEqual(diagnostic(QueryRequest(measures: ["spend"], by: ["financial_yeer"]))?.hint, "did you mean `financial_year`?")
        XCTAssertTrue(diagnostic(QueryRequest(measures: ["district"]))?.message.contains("is a dimension") == true)
        XCTAssertTrue(diagnostic(QueryRequest(measures: ["spend"], by: ["contacts"]))?.message.contains("is a measure") == true)
        XCTAssertNotNil(diagnostic(QueryRequest(measures: [])))
    }

    func testFilterErrorsPointAtTheColumn() {
        func where_(_ f: String) -> Diagnostic? { diagnostic(QueryRequest(measures: ["contacts"], filter: f)) }
        let unknown = where_("district = 'Preston' and chanel = 'Web'")
        XCTAssertEqual(unknown?.column, 26)
        XCTAssertEqual(unknown?.hint, "did you mean `channel`?")
        XCTAssertEqual(where_("district = 'Preston")?.column, 12)
        XCTAssertEqual(where_("district = Preston")?.column, 12)
        XCTAssertEqual(where_("district == 'Preston' and")?.column, 26)
        XCTAssertEqual(where_("district in ('A' 'B')")?.column, 18)
        XCTAssertEqual(where_("district = \"Preston\"")?.column, 12)
        XCTAssertEqual(where_("(district = 'A'")?.column, 16)
    }

    func testFilterLanguageParses() throws {
        let e = try FilterParser.parse("a = 'x' or b != 'it''s' and not c in (1, 2.5)")
        XCTAssertEqual(e, .or(
            .compare(name: "a", op: .equal, value: .text("x"), column: 1),
            .and(.compare(name: "b", op: .notEqual, value: .text("it's"), column: 12),
                 .not(.member(name: "c", values: [.integer(1), .real(2.5)], negated: false, column: 33)))))
        XCTAssertEqual(try FilterParser.parse("x <> 'a'"), .compare(name: "x", op: .notEqual, value: .text("a"), column: 1))
        XCTAssertEqual(try FilterParser.parse("x not in ('a')"), .member(name: "x", values: [.text("a")], negated: true, column: 1))
    }
}
