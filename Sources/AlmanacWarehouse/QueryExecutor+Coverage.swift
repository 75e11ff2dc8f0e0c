import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import GRDB

/// The first and last day with activity and the number of fact rows, within a scope.
public struct DataCoverage: Sendable, Equatable {
    /// First day with data.
    public var first: Day
    /// Last day with data.
    public var last: Day
    /// Fact rows.
    public var rows: Int

    /// Creates a coverage.
    public init(first: Day, last: Day, rows: Int) {
        self.first = first
        self.last = last
        self.rows = rows
    }
}

/// Questions about the rows themselves rather than measures by group: which members
/// customers used together, and what data a scope holds. Each builds on the plan's own rows
/// (joins, period, filter, scope), so it sees exactly what a query would.
extension QueryExecutor {
    /// Customers counted by the combination of members of `dimension` they used in the
    /// span ("Highways + Waste and recycling"), most common first: which services customers
    /// use together. Only customers with activity in the span are counted.
    public func combinations(of dimension: String, request: QueryRequest, period: ResolvedPeriod?) throws -> DataTable {
        guard let key = model.measures.lazy.compactMap({ m -> String? in
            if case .customerCount(let k, _) = m.kind { return k }
            if case .aggregate(.countDistinct, let c?, nil) = m.kind, m.table == self.model.time.table { return c }
            return nil
        }).first else {
            throw Diagnostic(field: "--combinations", message: "the model declares no customer key", hint: "add a customer_count measure")
        }
        var r = request
        r.span = period?.span ?? request.span
        r.by = [dimension]
        r.measures = [request.measures.first ?? model.measures[0].name]
        let plan = try QueryPlanner(model: model).plan(r)
        guard case .dimension(_, let alias, let column, _)? = plan.groups.first?.attribute else {
            throw Diagnostic(field: "--combinations", message: "`\(dimension)` is not a dimension", hint: "e.g. --combinations service")
        }
        // The plan's own rows (joins, period, filter); only what is selected from them differs.
        let source = SQLCompiler().source(plan)
        let sql = """
            WITH _members AS (
              SELECT DISTINCT t0."\(key)" AS _key, \(alias)."\(column)" AS _member
              \(source.sql)  ORDER BY 1, 2
            ), _per_customer AS (
              SELECT _key, group_concat(_member, ' + ') AS _set, COUNT(*) AS _n FROM _members GROUP BY _key
            )
            SELECT _set, MIN(_n), COUNT(*) FROM _per_customer GROUP BY _set ORDER BY 3 DESC, 1
            """
        let rows = try warehouse.rawRows(sql, source.parameters)
        let label = model.dimension(dimension)?.label ?? dimension
        let total = rows.reduce(0.0) { $0 + (Double.fromDatabaseValue($1[2]) ?? 0) }
        return DataTable(columns: [
            DataColumn(name: "\(dimension)_combination", label: "\(label)s used together", role: .dimension, values: .text(rows.map { String.fromDatabaseValue($0[0]) })),
            DataColumn(name: "\(dimension)_count", label: "Number of \(label.lowercased())s", role: .measure, format: .integer, values: .integer(rows.map { Int64.fromDatabaseValue($0[1]) })),
            DataColumn(name: "customers", label: "Customers", role: .measure, format: .integer, unit: "customers", values: .integer(rows.map { Int64.fromDatabaseValue($0[2]) })),
            DataColumn(name: "share", label: "Share of customers", role: .measure, format: .percent, unit: "percent",
                       values: .real(rows.map { (Double.fromDatabaseValue($0[2]) ?? 0) / max(total, 1) })),
        ])
    }

    /// The first and last day with activity and the number of fact rows, within an
    /// audience's `scope` (nil: the whole warehouse), or nil when there are none. What a
    /// pack says about its data ("activity up to …") is computed here, in the same scope as
    /// its figures.
    public func coverage(scope: String?) throws -> DataCoverage? {
        let scoped = scope.map { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? false
        guard scoped else {
            guard let range = try warehouse.dateRange(model: model) else { return nil }
            let rows = try warehouse.rowCounts(model: model).first { $0.table == model.time.table }?.rows ?? 0
            return DataCoverage(first: range.first, last: range.last, rows: rows)
        }
        // Any unfiltered measure of the fact table gives the plan's rows: its joins and the scope.
        guard let measure = model.measures.first(where: { m in
            if m.table == model.time.table, case .aggregate(_, _, nil) = m.kind { return true }
            return false
        }) else { return nil }
        if let known = warehouse.cachedCoverage(scope: scope) { return known }
        var r = QueryRequest(measures: [measure.name])
        r.scope = scope
        let plan = try QueryPlanner(model: model).plan(r)
        let column = "\(plan.factAlias).\(SQLiteDialect().quote(model.time.column))"
        // The months and the rows from the smallest rollup that keeps what the scope names;
        // then the first and last day from the facts of those two months only (read through
        // the (key, date) indexes). The facts alone when no rollup answers.
        var months = plan
        if useRollups { months = RollupMatcher.choose(plan, among: try warehouse.rollupCandidates(model: model), model: model).plan }
        let source = SQLCompiler().source(months)
        let count = months.rollup == nil ? "COUNT(*)" : "SUM(\(plan.factAlias).\"_rows\")"
        let rows = try warehouse.rawRows("SELECT MIN(\(column)), MAX(\(column)), \(count)\n\(source.sql)", source.parameters)
        guard let row = rows.first, row.count == 3, let a = String.fromDatabaseValue(row[0]), let b = String.fromDatabaseValue(row[1]),
            var first = Day(iso: a), var last = Day(iso: b)
        else { return nil }
        if months.rollup != nil {
            func day(_ aggregate: String, in month: Day) throws -> Day? {
                var p = plan
                p.span = DateSpan(start: month.firstOfMonth(), end: month.firstOfMonth(adding: 1))
                let s = SQLCompiler().source(p)
                return try warehouse.rawRows("SELECT \(aggregate)(\(column))\n\(s.sql)", s.parameters).first.flatMap { $0.first }
                    .flatMap(String.fromDatabaseValue).flatMap { Day(iso: $0) }
            }
            first = try day("MIN", in: first) ?? first
            last = try day("MAX", in: last) ?? last
        }
        let coverage = DataCoverage(first: first, last: last, rows: Int(Int64.fromDatabaseValue(row[2]) ?? 0))
        warehouse.cacheCoverage(coverage, scope: scope)
        return coverage
    }
}
