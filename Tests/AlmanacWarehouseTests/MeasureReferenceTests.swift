import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// Every measure kind, comparison and shaping option against hand-written SQL.
final class MeasureReferenceTests: WarehouseTestCase {
    var w: Warehouse { AggregateReferenceTests.shared }
    var executor: QueryExecutor { QueryExecutor(model: model, warehouse: w) }

    func run(_ measures: [String], by: [String] = [], where filter: String? = nil, period: String? = nil,
             options: QueryOptions = QueryOptions()) throws -> DataTable {
        let resolved = try period.map { try PeriodExpression(parsing: $0).resolve(lastDay: Day(iso: "2026-03-31")!) }
        return try executor.run(QueryRequest(measures: measures, by: by, filter: filter), period: resolved, options: options)
    }

    func values(_ t: DataTable, _ column: String) -> [Double?] {
        let c = t.column(column)!
        return (0..<t.rowCount).map { c.values.double(at: $0) }
    }

    func texts(_ t: DataTable, _ column: String) -> [String?] {
        let c = t.column(column)!
        return (0..<t.rowCount).map { c.values.text(at: $0) }
    }

    func reference(_ sql: String) throws -> [[DatabaseValue]] { try w.rawRows(sql) }
    func numbers(_ rows: [[DatabaseValue]], _ i: Int) -> [Double?] { rows.map { Double.fromDatabaseValue($0[i]) } }

    func assertClose(_ a: [Double?], _ b: [Double?], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "row count", file: file, line: line)
        XCTAssertFalse(a.isEmpty, "nothing compared", file: file, line: line)
        for (x, y) in zip(a, b) {
            if let x, let y { XCTAssertEqual(x, y, accuracy: max(1e-9, abs(y) * 1e-9), file: file, line: line) } else {
                XCTAssertEqual(x == nil, y == nil, "\(String(describing: x)) vs \(String(describing: y))", file: file, line: line)
            }
        }
    }

    let districtJoin = "activity a JOIN wards w ON w.ward_code = a.ward_code JOIN districts d ON d.district_code = w.district_code"

    func testFilteredMeasure() throws {
        let t = try run(["web_contacts"], by: ["district"], period: "FY2024-25")
        let r = try reference("SELECT d.district_name, SUM(CASE WHEN channel = 'Web' THEN contacts ELSE 0 END) FROM \(districtJoin) WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01' GROUP BY 1 ORDER BY 1")
        assertClose(values(t, "web_contacts"), numbers(r, 1))
    }

    func testRatioIsComputedFromTotals() throws {
        let t = try run(["spend_per_contact", "web_share"], by: ["service"], period: "2025-Q3")
        let r = try reference("""
            SELECT s.service_name, SUM(spend_gbp) / SUM(contacts), SUM(CASE WHEN channel = 'Web' THEN contacts END) * 1.0 / SUM(contacts)
            FROM activity a JOIN services s USING (service_code) WHERE activity_date BETWEEN '2025-07-01' AND '2025-09-30' GROUP BY 1 ORDER BY 1
            """)
        assertClose(values(t, "spend_per_contact"), numbers(r, 1))
        assertClose(values(t, "web_share"), numbers(r, 2))
    }

    func testShareOfTotalWithinEachPeriod() throws {
        let t = try run(["contacts_share"], by: ["month", "directorate"], period: "2025-Q4")
        let r = try reference("""
            SELECT m, dir, c * 1.0 / SUM(c) OVER (PARTITION BY m) FROM (
              SELECT substr(activity_date, 1, 7) AS m, s.directorate AS dir, SUM(contacts) AS c
              FROM activity a JOIN services s USING (service_code) WHERE activity_date >= '2025-10-01' AND activity_date < '2026-01-01' GROUP BY 1, 2)
            ORDER BY 1, 2
            """)
        assertClose(values(t, "contacts_share"), numbers(r, 2))
        XCTAssertEqual(values(t, "contacts_share").prefix(5).compactMap { $0 }.reduce(0, +), 1, accuracy: 1e-12)
    }

    func testRatePerThousandUsesThePopulationOfTheYearWithoutFanOut() throws {
        let t = try run(["contacts", "contacts_per_1000"], by: ["district"], period: "FY2024-25")
        let r = try reference("""
            SELECT d.district_name, SUM(a.contacts), SUM(a.contacts) * 1000.0 / (SELECT population FROM population p WHERE p.district_code = d.district_code AND p.year = 2024)
            FROM \(districtJoin) WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01' GROUP BY d.district_code ORDER BY 1
            """)
        assertClose(values(t, "contacts"), numbers(r, 1))  // the five population rows per district multiply nothing
        assertClose(values(t, "contacts_per_1000"), numbers(r, 2))
        // County level: the denominator is every district's population, summed once.
        let county = try run(["contacts_per_1000"], by: ["county", "financial_year"], period: "FY2024-25")
        let c = try reference("SELECT SUM(contacts) * 1000.0 / (SELECT SUM(population) FROM population WHERE year = 2024) FROM activity WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01'")
        assertClose(values(county, "contacts_per_1000"), numbers(c, 0))
    }

    func testRateFollowsAFilterOnPlaceAndIgnoresOthers() throws {
        let t = try run(["contacts_per_1000"], by: ["service"], where: "district = 'Preston' and channel != 'Web'", period: "2025-10")
        let r = try reference("""
            SELECT s.service_name, SUM(a.contacts) * 1000.0 / (SELECT population FROM population WHERE district_code = 'E07000123' AND year = 2025)
            FROM \(districtJoin) JOIN services s ON s.service_code = a.service_code
            WHERE d.district_name = 'Preston' AND channel <> 'Web' AND activity_date BETWEEN '2025-10-01' AND '2025-10-31' GROUP BY 1 ORDER BY 1
            """)
        assertClose(values(t, "contacts_per_1000"), numbers(r, 1))
        XCTAssertThrowsError(try run(["contacts_per_1000"], by: ["ward"])) { e in
            XCTAssertTrue("\(e)".contains("cannot be split by ward"))
        }
        XCTAssertThrowsError(try run(["contacts_per_1000"], where: "district = 'Preston' or channel = 'Web'"))
    }

    func testCustomerMeasures() throws {
        let t = try run(["customers", "repeat_customers", "repeat_contact_rate", "multi_service_customers", "contacts_per_customer"],
                        by: ["age_band"], period: "FY2024-25")
        let r = try reference("""
            SELECT band, COUNT(*), SUM(n >= 2), SUM(n >= 2) * 1.0 / COUNT(*), SUM(s >= 2), SUM(n) * 1.0 / COUNT(*) FROM (
              SELECT c.age_band AS band, c.age_band_order AS o, a.customer_id, SUM(a.contacts) AS n, COUNT(DISTINCT a.service_code) AS s
              FROM activity a JOIN customers c USING (customer_id)
              WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01' GROUP BY 1, 2, 3)
            GROUP BY band ORDER BY MIN(o)
            """)
        for (i, m) in ["customers", "repeat_customers", "repeat_contact_rate", "multi_service_customers", "contacts_per_customer"].enumerated() {
            assertClose(values(t, m), numbers(r, i + 1))
        }
    }

    func testRunningTotalsReachBeforeThePeriod() throws {
        let t = try run(["contacts", "contacts_fytd", "contacts_rolling_3", "contacts_rolling_12"], by: ["month"], period: "FY2025-26")
        XCTAssertEqual(t.rowCount, 12)
        let monthly = try reference("SELECT substr(activity_date, 1, 7), SUM(contacts) FROM activity GROUP BY 1 ORDER BY 1")
        let byMonth = Dictionary(uniqueKeysWithValues: monthly.map { (String.fromDatabaseValue($0[0])!, Double.fromDatabaseValue($0[1])!) })
        let months = texts(t, "month").map { $0! }
        func sum(_ keys: [String]) -> Double { keys.map { byMonth[$0] ?? 0 }.reduce(0, +) }
        func back(_ key: String, _ n: Int) -> [String] { (0...n).map { TimeGrain.month.key(key, shiftedBy: -$0)! } }
        assertClose(values(t, "contacts_rolling_3"), months.map { sum(back($0, 2)) })
        assertClose(values(t, "contacts_rolling_12"), months.map { sum(back($0, 11)) })
        assertClose(values(t, "contacts_fytd"), months.enumerated().map { i, _ in sum(Array(months.prefix(i + 1))) })
        XCTAssertThrowsError(try run(["contacts_fytd"], by: ["district"]))
    }

    func testComparisonsAcrossTheYearEndAndDifferentLengths() throws {
        var o = QueryOptions()
        o.compare = [.previous, .yearEarlier]
        let t = try run(["contacts", "customers"], by: ["district"], period: "2025-01", options: o)
        let r = try reference("""
            SELECT d.district_name,
              SUM(CASE WHEN activity_date BETWEEN '2025-01-01' AND '2025-01-31' THEN contacts END),
              SUM(CASE WHEN activity_date BETWEEN '2024-12-01' AND '2024-12-31' THEN contacts END),
              SUM(CASE WHEN activity_date BETWEEN '2024-01-01' AND '2024-01-31' THEN contacts END),
              COUNT(DISTINCT CASE WHEN activity_date BETWEEN '2024-12-01' AND '2024-12-31' THEN customer_id END)
            FROM \(districtJoin) GROUP BY 1 ORDER BY 1
            """)
        assertClose(values(t, "contacts__previous"), numbers(r, 2))
        assertClose(values(t, "contacts__year_earlier"), numbers(r, 3))
        assertClose(values(t, "customers__previous"), numbers(r, 4))
        assertClose(values(t, "contacts__change_previous"), zip(numbers(r, 1), numbers(r, 2)).map { $0! - $1! })
        assertClose(values(t, "contacts__pct_change_year_earlier"), zip(numbers(r, 1), numbers(r, 3)).map { ($0! - $1!) / $1! })
        // February against January: periods of different lengths compare as whole periods.
        let feb = try run(["contacts"], by: ["month"], period: "2025-02", options: o)
        let jan = try reference("SELECT SUM(contacts) FROM activity WHERE activity_date BETWEEN '2025-01-01' AND '2025-01-31'")
        assertClose(values(feb, "contacts__previous"), numbers(jan, 0))
        // A financial year against the one before.
        var p = QueryOptions()
        p.compare = [.previous]
        let fy = try run(["contacts"], by: ["financial_year"], period: "FY2025-26", options: p)
        let fyBefore = try reference("SELECT SUM(contacts) FROM activity WHERE activity_date >= '2024-04-01' AND activity_date < '2025-04-01'")
        assertClose(values(fy, "contacts__previous"), numbers(fyBefore, 0))
    }

    /// Rows grouped by a finer grain than the period's are compared with the same rows of the
    /// comparison span: a year's quarters with the quarters a year earlier (not the quarter
    /// before), a month's days with the same days a year earlier, a quarter's months with the
    /// three months before.
    func testComparisonsOfRowsFinerThanThePeriod() throws {
        var o = QueryOptions()
        o.compare = [.yearEarlier]
        let quarters = try run(["contacts"], by: ["quarter"], period: "2025", options: o)
        let q2024 = try reference("""
            SELECT (CAST(strftime('%m', activity_date) AS INTEGER) + 2) / 3, SUM(contacts) FROM activity
            WHERE activity_date BETWEEN '2024-01-01' AND '2024-12-31' GROUP BY 1 ORDER BY 1
            """)
        assertClose(values(quarters, "contacts__year_earlier"), numbers(q2024, 1))
        let days = try run(["contacts"], by: ["day"], period: "2025-10", options: o)
        let d2024 = try reference("SELECT activity_date, SUM(contacts) FROM activity WHERE activity_date BETWEEN '2024-10-01' AND '2024-10-31' GROUP BY 1 ORDER BY 1")
        assertClose(values(days, "contacts__year_earlier"), numbers(d2024, 1))
        var p = QueryOptions()
        p.compare = [.previous]
        let months = try run(["contacts"], by: ["month"], period: "2025-Q3", options: p)
        let before = try reference("SELECT strftime('%Y-%m', activity_date), SUM(contacts) FROM activity WHERE activity_date BETWEEN '2025-04-01' AND '2025-06-30' GROUP BY 1 ORDER BY 1")
        assertClose(values(months, "contacts__previous"), numbers(before, 1))
        let feb = try run(["contacts"], by: ["day"], period: "2025-02", options: o)
        let feb2024 = try reference("SELECT activity_date, SUM(contacts) FROM activity WHERE activity_date BETWEEN '2024-02-01' AND '2024-02-28' GROUP BY 1 ORDER BY 1")
        assertClose(values(feb, "contacts__year_earlier"), numbers(feb2024, 1))
        // 29 February 2024 falls on 28 February a year on, where 28 February 2024 (first) is the one compared.
        XCTAssertEqual(QueryExecutor.shift("2024-02-29", grain: .day, from: ResolvedPeriod(first: try Period(parsing: "2024-02"), count: 1),
                                           to: ResolvedPeriod(first: try Period(parsing: "2025-02"), count: 1)), "2025-02-28")
    }

    func testTopNWithAnExactAllOtherRow() throws {
        var o = QueryOptions()
        o.top = 3
        let t = try run(["customers", "contacts"], by: ["district"], period: "FY2024-25", options: o)
        XCTAssertEqual(t.rowCount, 4)
        XCTAssertEqual(texts(t, "district").last!, "All other")
        let top = texts(t, "district").prefix(3).map { "'\($0!)'" }.joined(separator: ", ")
        let r = try reference("SELECT COUNT(DISTINCT customer_id), SUM(contacts) FROM \(districtJoin) WHERE d.district_name NOT IN (\(top)) AND activity_date >= '2024-04-01' AND activity_date < '2025-04-01'")
        assertClose([values(t, "customers").last!, values(t, "contacts").last!], [numbers(r, 0)[0], numbers(r, 1)[0]])
        let ranks = values(t, "customers").prefix(3).map { $0! }
        XCTAssertEqual(ranks, ranks.sorted(by: >))
    }

    func testSubtotalsAreComputedNotSummed() throws {
        var o = QueryOptions()
        o.totals = true
        let t = try run(["customers"], by: ["directorate", "service"], period: "2025-10", options: o)
        let adult = (0..<t.rowCount).first { texts(t, "directorate")[$0] == "Adult Services" && texts(t, "service")[$0] == "Total" }!
        let r = try reference("SELECT COUNT(DISTINCT customer_id) FROM activity JOIN services USING (service_code) WHERE directorate = 'Adult Services' AND activity_date BETWEEN '2025-10-01' AND '2025-10-31'")
        XCTAssertEqual(values(t, "customers")[adult], Double.fromDatabaseValue(r[0][0]))
        let grand = try reference("SELECT COUNT(DISTINCT customer_id) FROM activity WHERE activity_date BETWEEN '2025-10-01' AND '2025-10-31'")
        XCTAssertEqual(values(t, "customers").last!, Double.fromDatabaseValue(grand[0][0]))
        XCTAssertEqual(texts(t, "directorate").last!, "Total")
        // Distinct customers do not add up: the computed total is below the sum of its parts.
        let parts = (0..<adult).filter { texts(t, "directorate")[$0] == "Adult Services" }.compactMap { values(t, "customers")[$0] }.reduce(0, +)
        XCTAssertLessThan(values(t, "customers")[adult]!, parts)
    }

    func testTimeSpineShowsEmptyPeriodsAsZero() throws {
        let t = try run(["contacts", "spend_per_contact"], by: ["day"], where: "district = 'Ribble Valley' and service = 'Libraries'", period: "2025-10")
        XCTAssertEqual(t.rowCount, 31)
        let present = try reference("SELECT COUNT(DISTINCT activity_date) FROM \(districtJoin) WHERE d.district_name = 'Ribble Valley' AND a.service_code = 'LIB' AND activity_date BETWEEN '2025-10-01' AND '2025-10-31'")
        let zeros = values(t, "contacts").filter { $0 == 0 }.count
        XCTAssertEqual(zeros, 31 - Int(Double.fromDatabaseValue(present[0][0])!))
        XCTAssertGreaterThan(zeros, 0)
        XCTAssertEqual(values(t, "spend_per_contact").filter { $0 == nil }.count, zeros, "a ratio over nothing is empty, not zero")
    }

    func testTimeGrainKeysMatchInSQLAndSwift() throws {
        let dialect = SQLiteDialect()
        for grain in TimeGrain.allCases {
            let rows = try reference("""
                WITH RECURSIVE days(d) AS (SELECT '2019-12-20' UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < '2027-01-10')
                SELECT d, \(dialect.timeGrain(grain, of: "d")) FROM days
                """)
            for row in rows {
                let day = Day(iso: String.fromDatabaseValue(row[0])!)!
                XCTAssertEqual(String.fromDatabaseValue(row[1]), grain.key(for: day), "\(grain) of \(day)")
                XCTAssertEqual(grain.startDay(ofKey: grain.key(for: day)), grain.start(of: day), "\(grain) start of \(day)")
            }
        }
    }
}

extension MeasureReferenceTests {
    func testServicesUsedTogether() throws {
        let period = try PeriodExpression(parsing: "FY2024-25").resolve(lastDay: Day(iso: "2026-03-31")!)
        let t = try executor.combinations(of: "service", request: QueryRequest(measures: ["customers"], filter: "district = 'Pendle'"), period: period)
        let r = try reference("""
            SELECT services, COUNT(*) FROM (
              SELECT customer_id, group_concat(service_name, ' + ') AS services FROM (
                SELECT DISTINCT a.customer_id, s.service_name FROM \(districtJoin) JOIN services s ON s.service_code = a.service_code
                WHERE d.district_name = 'Pendle' AND activity_date >= '2024-04-01' AND activity_date < '2025-04-01' ORDER BY 1, 2)
              GROUP BY customer_id)
            GROUP BY services ORDER BY 2 DESC, 1
            """)
        XCTAssertEqual(texts(t, "service_combination"), r.map { String.fromDatabaseValue($0[0]) })
        assertClose(values(t, "customers"), numbers(r, 1))
        XCTAssertTrue(texts(t, "service_combination").contains("Adult social care + Home care"))
        XCTAssertEqual(values(t, "share").compactMap { $0 }.reduce(0, +), 1, accuracy: 1e-9)
    }

    func testDrillingFollowsTheHierarchies() {
        XCTAssertEqual(model.drill(from: "district", down: true), "ward")
        XCTAssertEqual(model.drill(from: "district", down: false), "county")
        XCTAssertEqual(model.drill(from: "service", down: false), "directorate")
        XCTAssertEqual(model.drill(from: "financial_year", down: true), "financial_quarter")
        XCTAssertEqual(model.drill(from: "month", down: false), "quarter")
        XCTAssertNil(model.drill(from: "county", down: false))
        XCTAssertNil(model.drill(from: "channel", down: true))
    }
}

extension MeasureReferenceTests {
    func testAnAudienceScopeReachesEveryQuery() throws {
        var request = QueryRequest(measures: ["contacts", "contacts_share", "contacts_per_1000"], by: ["service"])
        request.scope = "district = 'Burnley'"
        var options = QueryOptions()
        options.totals = true
        options.top = 3
        let period = try PeriodExpression(parsing: "2025-10").resolve(lastDay: Day(iso: "2026-03-31")!)
        let t = try executor.run(request, period: period, options: options)
        let burnley = try reference("SELECT SUM(contacts) FROM \(districtJoin) WHERE d.district_name = 'Burnley' AND activity_date BETWEEN '2025-10-01' AND '2025-10-31'")
        // Top 3 + All other + Total: the total is Burnley's, not the county's.
        XCTAssertEqual(texts(t, "service").last!, "Total")
        XCTAssertEqual(values(t, "contacts").last!, Double.fromDatabaseValue(burnley[0][0]))
        let shares = values(t, "contacts_share").dropLast().compactMap { $0 }.reduce(0, +)
        XCTAssertEqual(shares, 1, accuracy: 1e-9, "shares are of Burnley's total")
        let pop = try reference("SELECT population FROM population WHERE district_code = 'E07000117' AND year = 2025")
        XCTAssertEqual(values(t, "contacts_per_1000").last!!, values(t, "contacts").last!! * 1000 / Double.fromDatabaseValue(pop[0][0])!, accuracy: 1e-9)
    }
}
