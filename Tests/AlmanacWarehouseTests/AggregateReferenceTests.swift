import AlmanacCore
import AlmanacQuery
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// Almanac's answers against the same questions written by hand in SQL on the same data.
final class AggregateReferenceTests: WarehouseTestCase {
    /// One loaded warehouse for all the reference tests (loading takes a second).
    // Made on first use rather than in a `static let`: loading runs on GRDB's queue, and doing
    // that inside a lazy static's one-time initialiser trapped in swift_once on Linux.
    nonisolated(unsafe) static var made: Warehouse?
    static var shared: Warehouse {
        if let made { return made }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-ref-\(UUID().uuidString).sqlite").path
        let w = try! Warehouse(path: path)
        let files = Dictionary(uniqueKeysWithValues: model.tables.map {
            ($0.name, root.appendingPathComponent("sample-data/\($0.source)").path)
        })
        _ = try! w.load(model: model, files: files)
        made = w
        return w
    }

    func warehouse() throws -> Warehouse { Self.shared }

    /// Compares every cell (text exactly, numbers to 1e-9 relative).
    func assertSame(_ t: DataTable, _ rows: [[DatabaseValue]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.rowCount, rows.count, "row count", file: file, line: line)
        XCTAssertGreaterThan(rows.count, 0, "a reference query with no rows proves nothing", file: file, line: line)
        for (r, row) in rows.enumerated() where r < t.rowCount {
            for (c, column) in t.columns.enumerated() {
                let expected = row[c]
                if let x = column.values.double(at: r) {
                    let e = Double.fromDatabaseValue(expected) ?? .nan
                    XCTAssertEqual(x, e, accuracy: max(1e-9, abs(e) * 1e-9), "row \(r) \(column.name)", file: file, line: line)
                } else {
                    XCTAssertEqual(column.values.text(at: r), String.fromDatabaseValue(expected), "row \(r) \(column.name)", file: file, line: line)
                }
            }
        }
    }

    func testSumsByDirectorateAndFinancialYearForADistrict() throws {
        let w = try warehouse()
        let t = try query(w, QueryRequest(measures: ["contacts", "spend"], by: ["directorate", "financial_year"], filter: "district = 'Preston'"))
        let reference = try w.rawRows("""
            SELECT s.directorate,
                   CASE WHEN CAST(strftime('%m', a.activity_date) AS INT) >= 4
                        THEN strftime('%Y', a.activity_date) || '-' || substr(CAST(strftime('%Y', a.activity_date) AS INT) + 1, 3, 2)
                        ELSE (CAST(strftime('%Y', a.activity_date) AS INT) - 1) || '-' || substr(strftime('%Y', a.activity_date), 3, 2) END AS fy,
                   SUM(a.contacts), SUM(a.spend_gbp)
            FROM activity a JOIN services s USING (service_code) JOIN wards w USING (ward_code) JOIN districts d ON d.district_code = w.district_code
            WHERE d.district_name = 'Preston'
            GROUP BY 1, 2 ORDER BY 1, 2
            """)
        assertSame(t, reference)
        XCTAssertEqual(t.rowCount, 25)  // 5 directorates × 5 financial years
    }

    func testEveryAggregationForOneMonth() throws {
        let w = try warehouse()
        let t = try query(w, QueryRequest(
            measures: ["contacts", "records", "customers", "avg_handling_minutes", "min_spend", "max_spend"],
            by: ["service"], period: try Period(parsing: "2025-10")))
        let reference = try w.rawRows("""
            SELECT s.service_name, SUM(contacts), COUNT(*), COUNT(DISTINCT customer_id), AVG(handling_minutes), MIN(spend_gbp), MAX(spend_gbp)
            FROM activity a JOIN services s ON s.service_code = a.service_code
            WHERE activity_date BETWEEN '2025-10-01' AND '2025-10-31'
            GROUP BY 1 ORDER BY 1
            """)
        assertSame(t, reference)
    }

    func testCountDistinctCustomersIsNotInflatedByJoins() throws {
        let w = try warehouse()
        let byCounty = try query(w, QueryRequest(measures: ["customers", "contacts"], by: ["county"]))
        let total = try w.rawRows("SELECT COUNT(DISTINCT customer_id), SUM(contacts) FROM activity")
        XCTAssertEqual(byCounty.columns[1].values.double(at: 0), Double.fromDatabaseValue(total[0][0]))
        XCTAssertEqual(byCounty.columns[2].values.double(at: 0), Double.fromDatabaseValue(total[0][1]))
        // Districts sum back to the county total for an additive measure.
        let byDistrict = try query(w, QueryRequest(measures: ["contacts"], by: ["district"]))
        let sum = (0..<byDistrict.rowCount).compactMap { byDistrict.columns[1].values.double(at: $0) }.reduce(0, +)
        XCTAssertEqual(sum, Double.fromDatabaseValue(total[0][1]))
        XCTAssertEqual(byDistrict.rowCount, 12)
    }

    func testAgeBandsSortInAgeOrderAndQuartersByGrain() throws {
        let w = try warehouse()
        let t = try query(w, QueryRequest(measures: ["customers"], by: ["age_band"]))
        XCTAssertEqual(t.columns[0].values, .text(["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85 and over"]))
        let q = try query(w, QueryRequest(measures: ["contacts"], by: ["quarter"], period: try Period(parsing: "FY2024-25")))
        XCTAssertEqual(q.columns[0].values, .text(["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]))
        let reference = try w.rawRows("""
            SELECT strftime('%Y', activity_date) || '-Q' || ((CAST(strftime('%m', activity_date) AS INT) + 2) / 3), SUM(contacts)
            FROM activity WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01' GROUP BY 1 ORDER BY 1
            """)
        assertSame(q, reference)
    }

    func testInjectionThroughAFilterValueStaysData() throws {
        let w = try warehouse()
        let t = try query(w, QueryRequest(measures: ["contacts"], filter: "district = 'x''; DROP TABLE activity; --'"))
        XCTAssertEqual(t.columns[0].values.double(at: 0), 0)
        XCTAssertEqual(try w.rawRows("SELECT COUNT(*) FROM activity")[0][0], 72_000.databaseValue)
    }
}
