import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import XCTest

/// Each test compiles one query shape and compares the SQL with `Golden/<test>.sql`.
/// Re-record with `ALMANAC_RECORD=1 swift test --filter GoldenSQLTests` and review the diff.
final class GoldenSQLTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let model = try! ModelLoader.load(path: here.appendingPathComponent("../../models/council.yaml").standardized.path)

    func compile(_ r: QueryRequest) throws -> CompiledQuery {
        SQLCompiler().compile(try QueryPlanner(model: Self.model).plan(r))
    }

    /// Compares a request's SQL in both dialects with `Golden/<test>.sql` (SQLite) and its
    /// twin `Golden/postgresql/<test>.sql`.
    func assertGolden(_ r: QueryRequest, name: String = #function, file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try QueryPlanner(model: Self.model).plan(r)
        let test = name.replacingOccurrences(of: "()", with: "")
        for (dialect, folder) in [(SQLiteDialect() as any SQLDialect, "Golden"), (PostgreSQLDialect(), "Golden/postgresql")] {
            let q = SQLCompiler(dialect: dialect).compile(plan)
            let text = q.sql + "-- parameters: " + q.parameters.map(\.description).joined(separator: ", ") + "\n"
            let url = Self.here.appendingPathComponent("\(folder)/\(test).sql")
            if ProcessInfo.processInfo.environment["ALMANAC_RECORD"] == "1" {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("no golden file \(folder)/\(url.lastPathComponent); record with ALMANAC_RECORD=1", file: file, line: line)
                continue
            }
            XCTAssertEqual(text, expected, "SQL differs from \(folder)/\(url.lastPathComponent)", file: file, line: line)
        }
    }

    func testMeasuresByDirectorateAndFinancialYearInADistrict() throws {
        try assertGolden(QueryRequest(
            measures: ["contacts", "spend"], by: ["directorate", "financial_year"], filter: "district = 'Preston'"))
    }

    func testAllAggregationsForAMonth() throws {
        try assertGolden(QueryRequest(
            measures: ["contacts", "records", "customers", "avg_handling_minutes", "min_spend", "max_spend"],
            period: try Period(parsing: "2025-10")))
    }

    func testWardToCountyHierarchyAndSortedAgeBands() throws {
        try assertGolden(QueryRequest(measures: ["customers"], by: ["county", "district", "ward", "age_band"]))
    }

    func testTimeGrainsQuarterAndMonthWithComplexFilter() throws {
        try assertGolden(QueryRequest(
            measures: ["contacts"], by: ["quarter", "month", "channel"],
            filter: "district in ('Preston', 'Burnley') and not (channel = 'Web' or outcome != 'Resolved')",
            period: try Period(parsing: "FY2024-25"), limit: 10))
    }

    func testUserValuesAreAlwaysParameters() throws {
        let attack = "x'); DROP TABLE activity; --"
        let q = try compile(QueryRequest(measures: ["contacts"], by: ["district"], filter: "district = '\(attack.replacingOccurrences(of: "'", with: "''"))'"))
        XCTAssertFalse(q.sql.contains("DROP"))
        XCTAssertFalse(q.sql.contains("'x"))
        XCTAssertEqual(q.parameters, [.text(attack)])
        // Names are checked against the model, so SQL cannot come in as a name either.
        XCTAssertThrowsError(try compile(QueryRequest(measures: ["contacts"], by: ["district; DROP TABLE activity"])))
        XCTAssertThrowsError(try compile(QueryRequest(measures: ["contacts) FROM activity; --"])))
    }
}

extension GoldenSQLTests {
    func testRatesSharesAndFilteredMeasuresInStages() throws {
        try assertGolden(QueryRequest(
            measures: ["contacts_per_1000", "contacts_share", "web_share"], by: ["financial_year", "district", "service"],
            filter: "district in ('Preston', 'Wyre') and service != 'Libraries'"))
    }

    func testCustomerLevelMeasures() throws {
        try assertGolden(QueryRequest(
            measures: ["customers", "repeat_contact_rate", "multi_service_customers"], by: ["age_band"],
            period: try Period(parsing: "FY2024-25")))
    }
}
