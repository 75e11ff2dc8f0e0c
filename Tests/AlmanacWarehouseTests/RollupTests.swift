import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacSample
import AlmanacWarehouse
import Foundation
import XCTest

/// Rollups answer exactly what the facts answer: every query shape is run twice, once
/// allowed to read rollups and once made to read the facts, on data generated with seeds
/// other than the sample's, under the shipped rollups and under a differently declared set
/// (customer keys, a day rollup by channel only); and a load refreshes only the months it
/// touched, leaving rollups equal to ones built from scratch.
final class RollupTests: WarehouseTestCase {
    /// Writes a generated council (`rows`, `seed`) into `folder/name` and returns the folder.
    func generate(rows: Int, seed: UInt64, name: String = "data") throws -> String {
        let data = folder.appendingPathComponent(name).path
        _ = try SampleGenerator(rows: rows, seed: seed).write(to: data)
        return data
    }

    func files(in data: String, model m: SemanticModel) -> [String: String] {
        Dictionary(uniqueKeysWithValues: m.tables.map { ($0.name, data + "/" + $0.source) })
    }

    /// The shipped model with its `rollups:` replaced by `rollups` (YAML lines).
    func model(rollups: String) throws -> SemanticModel {
        let path = Self.root.appendingPathComponent("models/council.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let r = text.range(of: "\nrollups:") { text = String(text[..<r.lowerBound]) }
        return try ModelLoader.parse(text + "\nrollups:\n" + rollups, file: path)
    }

    /// Equal tables: same columns, rows, text and integers; reals equal to 1e-9 relative
    /// (a sum of decimal sums adds the same pennies in another order).
    func assertSame(_ a: DataTable, _ b: DataTable, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.columns.map(\.name), b.columns.map(\.name), what, file: file, line: line)
        XCTAssertEqual(a.rowCount, b.rowCount, what, file: file, line: line)
        guard a.columns.count == b.columns.count, a.rowCount == b.rowCount else { return }
        for (ca, cb) in zip(a.columns, b.columns) {
            for row in 0..<a.rowCount {
                switch (ca.values, cb.values) {
                case (.text, _), (_, .text):
                    XCTAssertEqual(ca.values.text(at: row), cb.values.text(at: row), "\(what): \(ca.name) row \(row)", file: file, line: line)
                default:
                    let x = ca.values.double(at: row), y = cb.values.double(at: row)
                    if let x, let y {
                        XCTAssertLessThanOrEqual(abs(x - y), 1e-9 * max(1, abs(x), abs(y)), "\(what): \(ca.name) row \(row): \(x) vs \(y)", file: file, line: line)
                    } else {
                        XCTAssertEqual(x == nil, y == nil, "\(what): \(ca.name) row \(row): \(String(describing: x)) vs \(String(describing: y))", file: file, line: line)
                    }
                }
            }
        }
    }

    struct Shape {
        var measures: [String]
        var by: [String]
        var filter: String?
        var scope: String?
        var period: String?
        var options: QueryOptions
    }

    /// Query shapes: every measure alone, by each grain and dimension, filtered, scoped, with
    /// comparisons, top N and totals, over months, quarters, years and all time.
    func shapes(_ m: SemanticModel) -> [Shape] {
        var out: [Shape] = []
        let plain = QueryOptions()
        for measure in m.measures {
            for by in [[], ["month"], ["district"], ["service", "financial_year"], ["channel", "quarter"], ["ward", "month"], ["age_band"], ["day"]] {
                out.append(Shape(measures: [measure.name], by: by, filter: nil, scope: nil, period: by == ["day"] ? "2025-11" : "2025-26", options: plain))
            }
        }
        var compare = QueryOptions()
        compare.compare = [.previous, .yearEarlier]
        var top = QueryOptions()
        top.top = 3
        var totals = QueryOptions()
        totals.totals = true
        let mix = ["contacts", "spend", "web_share", "spend_per_contact", "contacts_per_1000", "avg_handling_minutes", "max_spend", "contacts_share"]
        out += [
            Shape(measures: mix, by: ["district", "month"], filter: nil, scope: nil, period: "2025-26", options: plain),
            Shape(measures: mix, by: ["directorate"], filter: "channel = 'Web' or outcome in ('Resolved', 'Referred on')", scope: nil, period: "2025-Q3", options: plain),
            Shape(measures: mix, by: ["service"], filter: "not district = 'Preston'", scope: "district = 'Burnley'", period: "2025-12", options: compare),
            Shape(measures: ["contacts", "spend"], by: ["district"], filter: nil, scope: nil, period: "2025", options: top),
            Shape(measures: ["contacts", "web_share"], by: ["directorate", "service"], filter: nil, scope: nil, period: "2026-02", options: totals),
            Shape(measures: ["contacts_fytd", "contacts_rolling_3", "contacts_rolling_12"], by: ["month"], filter: nil, scope: nil, period: "2025-26", options: plain),
            Shape(measures: ["contacts", "customers", "repeat_customers", "multi_service_customers"], by: ["district", "financial_quarter"], filter: nil, scope: nil, period: "2024-25", options: plain),
            Shape(measures: ["contacts", "spend"], by: ["iso_week"], filter: nil, scope: nil, period: "2025-Q4", options: plain),
            Shape(measures: ["contacts", "records"], by: ["channel"], filter: nil, scope: nil, period: nil, options: plain),
            Shape(measures: ["contacts", "spend", "min_spend"], by: ["month", "service"], filter: "month >= '2025-06'", scope: nil, period: "2025", options: plain),
        ]
        return out
    }

    /// Runs every shape through the executor with and without rollups; returns how many were
    /// answered from a rollup (and sets `planned` to how many the model can answer at all).
    @discardableResult
    func compareAll(_ m: SemanticModel, _ w: Warehouse, planned count: UnsafeMutablePointer<Int>? = nil) throws -> Int {
        var fromRollups = 0
        let range = try XCTUnwrap(try w.dateRange(model: m))
        for s in shapes(m) {
            var r = QueryRequest(measures: s.measures, by: s.by, filter: s.filter)
            r.scope = s.scope
            let period = try s.period.map { try PeriodExpression(parsing: $0).resolve(lastDay: range.last) }
            var withRollups = QueryExecutor(model: m, warehouse: w)
            withRollups.useRollups = true
            var facts = QueryExecutor(model: m, warehouse: w)
            facts.useRollups = false
            var planned = r
            planned.span = period?.span
            // Shapes the model cannot answer at all (a rate by ward) are refused either way.
            guard let plan = try? QueryPlanner(model: m).plan(planned) else { continue }
            count?.pointee += 1
            if try withRollups.answered(plan).plan.rollup != nil { fromRollups += 1 }
            let what = "\(s.measures) by \(s.by) where \(s.filter ?? "-") scope \(s.scope ?? "-") for \(s.period ?? "all time")"
            assertSame(try withRollups.run(r, period: period, options: s.options), try facts.run(r, period: period, options: s.options), what)
        }
        return fromRollups
    }

    func testEveryQueryShapeIsTheSameFromTheShippedRollupsAndFromTheFacts() throws {
        let data = try generate(rows: 40_000, seed: 11)
        let w = try newWarehouse()
        _ = try w.load(model: model, files: files(in: data, model: model))
        XCTAssertEqual(try w.rollupCandidates(model: model).count, model.rollups.count, "every shipped rollup is built at load")
        var planned = 0
        let n = try compareAll(model, w, planned: &planned)
        XCTAssertGreaterThan(n, planned / 2, "most shapes should be answered from a rollup")
        XCTAssertLessThan(n, planned, "distinct counts and days by ward must fall back to the facts")
    }

    func testScopedCoverageAndRowCountsAreTheSameFromRollupsAndFromTheFacts() throws {
        let data = try generate(rows: 20_000, seed: 321)
        let w = try newWarehouse()
        _ = try w.load(model: model, files: files(in: data, model: model))
        var rolled = QueryExecutor(model: model, warehouse: w)
        rolled.useRollups = true
        var facts = QueryExecutor(model: model, warehouse: w)
        facts.useRollups = false
        let scopes: [String?] = [nil, "district = 'Burnley'", "district = 'Ribble Valley'", "service = 'Libraries'",
                                 "channel = 'Web' and district in ('Preston', 'Wyre')", "district = 'Atlantis'"]
        for scope in scopes {
            XCTAssertEqual(try w.snapshot { try rolled.coverage(scope: scope) }, try facts.coverage(scope: scope), scope ?? "whole warehouse")
        }
        let rows = try XCTUnwrap(try w.rawRows("SELECT COUNT(*) FROM activity").first?.first.flatMap { Int64.fromDatabaseValue($0) })
        XCTAssertEqual(try w.rowCounts(model: model).first { $0.table == "activity" }?.rows, Int(rows))
    }

    func testCustomerKeyedAndChannelOnlyRollupsAnswerExactlyToo() throws {
        let m = try model(rollups: """
              - {name: customers_by_month, table: activity, grain: month, keys: [customer_id, service_code, ward_code]}
              - {name: channel_days, table: activity, grain: day, keys: [channel]}
              - {name: everything_by_day, table: activity, grain: day, keys: [customer_id, service_code, ward_code, channel, outcome]}
            """)
        let data = try generate(rows: 25_000, seed: 404)
        let w = try newWarehouse()
        _ = try w.load(model: m, files: files(in: data, model: m))
        var planned = 0
        let n = try compareAll(m, w, planned: &planned)
        XCTAssertGreaterThan(planned, 100)
        XCTAssertEqual(n, planned, "a day rollup keeping every key answers every shape")
        // Distinct and repeat customers come from the customer rollup, not the facts.
        let plan = try QueryPlanner(model: m).plan(QueryRequest(measures: ["customers", "repeat_customers", "multi_service_customers"], by: ["district", "month"]))
        XCTAssertEqual(try QueryExecutor(model: m, warehouse: w).answered(plan).plan.rollup?.definition.name, "customers_by_month")
        // A day by channel: the smallest that answers.
        let daily = try QueryPlanner(model: m).plan(QueryRequest(measures: ["contacts"], by: ["channel", "day"]))
        XCTAssertEqual(try QueryExecutor(model: m, warehouse: w).answered(daily).plan.rollup?.definition.name, "channel_days")
    }

    func testARollupIsNeverUsedWhereItWouldBeInexact() throws {
        let m = model
        // Sizes in the proportions a real warehouse has them.
        let sizes = ["month_service_ward": 37_000, "month_service_ward_channel": 331_000, "day_service_channel": 56_000, "day_ward_channel": 404_000]
        let candidates = m.rollups.map { RollupMatcher.Candidate(definition: $0, rows: sizes[$0.name] ?? 1_000_000) }
        let planner = QueryPlanner(model: m)
        func chosen(_ r: QueryRequest) throws -> String? { RollupMatcher.choose(try planner.plan(r), among: candidates, model: m).plan.rollup?.definition.name }
        var partMonth = QueryRequest(measures: ["contacts"], by: ["district"])
        partMonth.span = DateSpan(start: Day(iso: "2025-10-05")!, end: Day(iso: "2025-11-01")!)
        XCTAssertNil(try chosen(partMonth).flatMap { $0.hasPrefix("month") ? $0 : nil }, "a month rollup cannot answer from the 5th")
        XCTAssertNil(try chosen(QueryRequest(measures: ["customers"], by: ["district"])), "no shipped rollup keeps customer_id")
        XCTAssertEqual(try chosen(QueryRequest(measures: ["contacts"], by: ["ward", "day"])), "day_ward_channel")
        XCTAssertNil(try chosen(QueryRequest(measures: ["contacts"], by: ["service", "ward", "day"])), "no day rollup keeps both service_code and ward_code")
        XCTAssertEqual(try chosen(QueryRequest(measures: ["contacts"], by: ["service", "iso_week"])), "day_service_channel")
        XCTAssertEqual(try chosen(QueryRequest(measures: ["web_share"], by: ["district"])), "month_service_ward_channel")
        XCTAssertEqual(try chosen(QueryRequest(measures: ["contacts", "spend_per_contact"], by: ["district"])), "month_service_ward")
    }

    /// The rollup tables' rows, sorted, for comparing two warehouses.
    func rollupRows(_ w: Warehouse, _ m: SemanticModel) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for r in m.rollups {
            out[r.name] = try w.rawRows("SELECT * FROM \"\(r.tableName)\"").map { row in
                row.map { v in Double.fromDatabaseValue(v).map { String(format: "%.6f", $0) } ?? v.description }.joined(separator: "|")
            }.sorted()
        }
        return out
    }

    func testALoadRefreshesOnlyTheMonthsItTouchedAndEqualsAFullBuild() throws {
        let data = try generate(rows: 30_000, seed: 77)
        let m = model
        // Split the activity extract: up to September 2025, and from October 2025 on.
        let lines = try String(contentsOfFile: data + "/activity.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = lines[0]
        let early = lines.dropFirst().filter { $0 < "2025-10" }, late = lines.dropFirst().filter { $0 >= "2025-10" }
        XCTAssertFalse(early.isEmpty || late.isEmpty)
        let earlyPath = try write("activity-to-2025-09.csv", ([header] + early).joined(separator: "\r\n") + "\r\n")
        let latePath = try write("activity-from-2025-10.csv", ([header] + late).joined(separator: "\r\n") + "\r\n")

        var dims = files(in: data, model: m)
        dims["activity"] = nil
        let w = try newWarehouse()
        _ = try w.load(model: m, batch: dims.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("activity", earlyPath)])
        // Row ids of months before the new extract: a refresh that rebuilt them would change them.
        let before = try m.rollups.map { r in try w.rawRows("SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM \"\(r.tableName)\" WHERE activity_date < '2025-10-01'").first!.map(\.description) }
        _ = try w.load(model: m, batch: [("activity", latePath)])
        let after = try m.rollups.map { r in try w.rawRows("SELECT MIN(rowid), MAX(rowid), COUNT(*) FROM \"\(r.tableName)\" WHERE activity_date < '2025-10-01'").first!.map(\.description) }
        XCTAssertEqual(before, after, "months before the second extract were left as they were")

        let fresh = try Warehouse(path: folder.appendingPathComponent("fresh.sqlite").path)
        _ = try fresh.load(model: m, files: files(in: data, model: m))
        XCTAssertEqual(try rollupRows(w, m), try rollupRows(fresh, m), "appending a month refreshes the rollups to what a full build gives")
        XCTAssertEqual(try compareAll(m, w) > 0, true)

        // --replace the later extract with one that lost its last 500 rows: those months shrink.
        let shorter = try write("activity-from-2025-10.csv", ([header] + late.dropLast(500)).joined(separator: "\r\n") + "\r\n")
        var options = LoadOptions()
        options.replace = true
        _ = try w.load(model: m, batch: [("activity", shorter)], options: options)
        let rebuilt = try Warehouse(path: folder.appendingPathComponent("rebuilt.sqlite").path)
        var all = files(in: data, model: m)
        all["activity"] = nil
        _ = try rebuilt.load(model: m, batch: all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("activity", earlyPath), ("activity", shorter)])
        XCTAssertEqual(try rollupRows(w, m), try rollupRows(rebuilt, m), "a replaced extract refreshes the rollups to what a full build gives")

        // A load that fails leaves the rollups as they were.
        let snapshot = try rollupRows(w, m)
        let broken = try write("activity-broken.csv", "\(header)\r\n2025-12-01,NOPE,XXX,YYY,Web,1,1.0,1.0,Resolved\r\n")
        XCTAssertThrowsError(try w.load(model: m, batch: [("activity", broken)]))
        XCTAssertEqual(try rollupRows(w, m), snapshot)
    }

    func testAChangedDeclarationIsRebuiltAndAnUnbuiltOneIsNeverRead() throws {
        let data = try generate(rows: 8_000, seed: 5)
        let plain = try model(rollups: "  - {name: by_month, table: activity, grain: month, keys: [service_code]}\n")
        let w = try newWarehouse()
        _ = try w.load(model: plain, files: files(in: data, model: plain))
        // The same name declared with other keys: not current until a load rebuilds it.
        let changed = try model(rollups: "  - {name: by_month, table: activity, grain: month, keys: [service_code, ward_code]}\n")
        XCTAssertTrue(try w.rollupCandidates(model: changed).isEmpty, "a rollup built to another declaration is never read")
        let plan = try QueryPlanner(model: changed).plan(QueryRequest(measures: ["contacts"], by: ["district"]))
        let (answered, notes) = try QueryExecutor(model: changed, warehouse: w).answered(plan)
        XCTAssertNil(answered.rollup)
        XCTAssertTrue(notes.contains { $0.contains("not built") && $0.contains("almanac load") }, notes.joined(separator: "\n"))
        // Loading again (nothing new) builds it.
        _ = try w.load(model: changed, files: files(in: data, model: changed))
        XCTAssertEqual(try QueryExecutor(model: changed, warehouse: w).answered(plan).plan.rollup?.definition.name, "by_month")
        XCTAssertEqual(try compareAll(changed, w) > 0, true)
    }

    func testBadDeclarationsAreClearErrors() throws {
        XCTAssertThrowsError(try model(rollups: "  - {name: r, table: activity, grain: week, keys: [channel]}\n")) { e in
            XCTAssertTrue("\(e)".contains("`day` or `month`"), "\(e)")
        }
        XCTAssertThrowsError(try model(rollups: "  - {name: r, table: activity, grain: month, keys: [chanel]}\n")) { e in
            XCTAssertTrue("\(e)".contains("chanel") && "\(e)".contains("channel"), "\(e)")
        }
        XCTAssertThrowsError(try model(rollups: "  - {name: r, table: districts, grain: month, keys: [district_code]}\n")) { e in
            XCTAssertTrue("\(e)".contains("not a fact table"), "\(e)")
        }
        XCTAssertThrowsError(try model(rollups: "  - {name: \"Bad Name\", table: activity, grain: month, keys: [channel]}\n"))
        XCTAssertThrowsError(try model(rollups: "  - {name: r, table: activity, grain: day, keys: [activity_date]}\n"))
    }
}
