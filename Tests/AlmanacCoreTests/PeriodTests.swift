import AlmanacCore
import XCTest

final class PeriodTests: XCTestCase {
    func testMonthQuarterYearAndDay() throws {
        let m = try Period(parsing: "2025-10")
        XCTAssertEqual(m.grain, .month)
        XCTAssertEqual(m.start.description, "2025-10-01")
        XCTAssertEqual(m.end.description, "2025-11-01")
        XCTAssertEqual(m.label, "October 2025")
        let q = try Period(parsing: "2025-Q4")
        XCTAssertEqual([q.start.description, q.end.description], ["2025-10-01", "2026-01-01"])
        let y = try Period(parsing: "2024")
        XCTAssertEqual([y.start.description, y.end.description], ["2024-01-01", "2025-01-01"])
        let d = try Period(parsing: "2024-02-29")
        XCTAssertEqual([d.start.description, d.end.description], ["2024-02-29", "2024-03-01"])
    }

    func testFinancialYearRunsAprilToMarch() throws {
        for text in ["FY2024-25", "2024-25", "fy2024-25"] {
            let p = try Period(parsing: text)
            XCTAssertEqual(p.grain, .financialYear, text)
            XCTAssertEqual(p.start.description, "2024-04-01")
            XCTAssertEqual(p.end.description, "2025-04-01")
            XCTAssertEqual(p.key, "2024-25")
        }
        // The century turns inside a financial year.
        XCTAssertEqual(try Period(parsing: "FY2099-00").end.description, "2100-04-01")
        XCTAssertEqual(TimeGrain.financialYear.key(for: Day(iso: "2025-03-31")!), "2024-25")
        XCTAssertEqual(TimeGrain.financialYear.key(for: Day(iso: "2025-04-01")!), "2025-26")
        XCTAssertEqual(TimeGrain.financialYearLabel(2009), "2009-10")
    }

    func testBadPeriodsAreRejectedWithTheFormsThatWork() {
        for text in ["2025-13", "October", "2025-Q5", "FY2024-26", "2024-2025", "", "2025-02-30"] {
            XCTAssertThrowsError(try Period(parsing: text), text) { error in
                let d = error as? Diagnostic
                XCTAssertNotNil(d?.hint, text)
            }
        }
    }

    func testShiftingCrossesYearEnds() throws {
        let m = try Period(parsing: "2025-01")
        XCTAssertEqual(m.shifted(by: -1).key, "2024-12")
        XCTAssertEqual(m.shifted(by: -12).key, "2024-01")
        XCTAssertEqual(m.shifted(by: 13).key, "2026-02")
        XCTAssertEqual(try Period(parsing: "FY2024-25").shifted(by: -1).key, "2023-24")
    }

    func testDayOrdinalRoundTripsAndWeekdays() {
        var d = Day(year: 1999, month: 12, day: 25)!
        for _ in 0..<1000 {
            XCTAssertEqual(Day(ordinal: d.ordinal), d)
            let next = d.adding(days: 37)
            XCTAssertGreaterThan(next, d)
            d = next
        }
        XCTAssertEqual(Day(iso: "1970-01-01")!.ordinal, 0)
        XCTAssertEqual(Day(iso: "2025-10-31")!.weekday, 4)  // a Friday
        XCTAssertNil(Day(iso: "2023-02-29"))
        XCTAssertNil(Day(iso: "2023-2-28"))
    }
}
