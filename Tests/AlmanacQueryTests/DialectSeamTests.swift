import AlmanacCore
import AlmanacModel
import AlmanacQuery
import XCTest

final class DialectSeamTests: XCTestCase {
    func testAnotherDialectNeedsNoPlannerChange() throws {
        let plan = try QueryPlanner(model: GoldenSQLTests.model).plan(QueryRequest(
            measures: ["contacts", "contacts_per_1000"], by: ["district", "month"],
            filter: "channel in ('Web', 'Email') and district != 'Preston'", period: try Period(parsing: "2025-Q1")))
        let pg = SQLCompiler(dialect: PostgreSQLDialect()).compile(plan)
        // The place condition is bound twice: once for the facts, once for the denominator.
        XCTAssertEqual(pg.parameters, [.text("2025-01-01"), .text("2025-04-01"), .text("Web"), .text("Email"), .text("Preston"), .text("Preston")])
        for i in 1...6 { XCTAssertTrue(pg.sql.contains("$\(i)"), "placeholder $\(i)") }
        XCTAssertFalse(pg.sql.contains("?"))
        XCTAssertTrue(pg.sql.contains("to_char(t0.\"activity_date\", 'YYYY-MM')"))
        // Numbered in the order they appear.
        let positions = (1...6).map { pg.sql.range(of: "$\($0)")!.lowerBound }
        XCTAssertEqual(positions, positions.sorted())
        // The same plan in SQLite differs only where the dialect says.
        let lite = SQLCompiler().compile(plan)
        XCTAssertEqual(lite.parameters, pg.parameters)
        XCTAssertEqual(lite.columns, pg.columns)
    }
}

final class PeriodExpressionTests: XCTestCase {
    let last = Day(iso: "2026-03-31")!

    func testRelativePeriodsResolveAgainstTheData() throws {
        XCTAssertEqual(try PeriodExpression(parsing: "latest").resolve(lastDay: last).span.description, "[2026-03-01, 2026-04-01)")
        let twelve = try PeriodExpression(parsing: "last 12 months").resolve(lastDay: last)
        XCTAssertEqual(twelve.span.description, "[2025-04-01, 2026-04-01)")
        XCTAssertEqual(twelve.label, "12 months to March 2026")
        XCTAssertEqual(twelve.previous.span.description, "[2024-04-01, 2025-04-01)")
        XCTAssertEqual(try PeriodExpression(parsing: "latest quarter").resolve(lastDay: last).first.key, "2026-Q1")
        let fytd = try PeriodExpression(parsing: "FYTD").resolve(lastDay: Day(iso: "2025-10-15")!)
        XCTAssertEqual(fytd.span.description, "[2025-04-01, 2025-11-01)")
        XCTAssertEqual(fytd.yearEarlier?.span.description, "[2024-04-01, 2024-11-01)")
        XCTAssertEqual(try PeriodExpression(parsing: "FY2024-25").resolve(lastDay: last).previous.first.key, "2023-24")
        XCTAssertThrowsError(try PeriodExpression(parsing: "last twelve months")) { e in
            XCTAssertTrue((e as! Diagnostic).hint!.contains("last 12 months"))
        }
    }

    func testKeysRoundTripAndShift() {
        XCTAssertEqual(TimeGrain.month.key("2025-01", shiftedBy: -1), "2024-12")
        XCTAssertEqual(TimeGrain.financialQuarter.key("2025-26 Q1", shiftedBy: -1), "2024-25 Q4")
        XCTAssertEqual(TimeGrain.isoWeek.key(for: Day(iso: "2021-01-03")!), "2020-W53")
        XCTAssertEqual(TimeGrain.isoWeek.key(for: Day(iso: "2024-12-30")!), "2025-W01")
        XCTAssertEqual(TimeGrain.financialQuarter.key(for: Day(iso: "2026-03-31")!), "2025-26 Q4")
    }
}
