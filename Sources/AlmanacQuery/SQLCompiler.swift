import AlmanacCore
import AlmanacModel

/// SQL text, its parameters in order, and what each result column is.
public struct CompiledQuery: Equatable, Sendable {
    /// The SQL, with a header comment naming each plan step.
    public var sql: String
    /// Values for the placeholders, in order. User values only ever travel here.
    public var parameters: [SQLValue]
    /// Result columns, in order.
    public var columns: [ColumnSpec]
}

/// Writes a plan as SQL in a dialect.
public struct SQLCompiler: Sendable {
    /// The dialect written.
    public let dialect: any SQLDialect

    /// Creates a compiler.
    public init(dialect: any SQLDialect = SQLiteDialect()) { self.dialect = dialect }

    /// Compiles a plan.
    public func compile(_ plan: QueryPlan) -> CompiledQuery {
        var parameters: [SQLValue] = []
        func bind(_ v: SQLValue) -> String {
            parameters.append(v)
            return dialect.placeholder(parameters.count)
        }
        func column(_ alias: String, _ name: String) -> String { alias + "." + dialect.quote(name) }
        func expression(_ a: PlannedAttribute) -> String {
            switch a {
            case .dimension(_, let alias, let c, _): return column(alias, c)
            case .time(let grain, let alias, let c): return dialect.timeGrain(grain, of: column(alias, c))
            }
        }

        var steps: [String] = ["scan fact \(plan.fact) (\(plan.factAlias))"]
        for j in plan.joins {
            steps.append("join \(j.table) (\(j.alias)) on \(j.fromAlias).\(j.fromColumn) = \(j.alias).\(j.key), many-to-one")
        }
        var select: [String] = []
        var columns: [ColumnSpec] = []
        var groupBy: [String] = []
        var orderBy: [String] = []
        for g in plan.groups {
            let e = expression(g.attribute)
            select.append("  \(e) AS \(dialect.quote(g.attribute.name))")
            groupBy.append(e)
            if case .dimension(_, let alias, _, let sort?) = g.attribute {
                groupBy.append(column(alias, sort))
                orderBy.append(column(alias, sort))
            } else {
                orderBy.append(dialect.quote(g.attribute.name))
            }
            var grain: TimeGrain?
            if case .time(let g, _, _) = g.attribute { grain = g }
            columns.append(ColumnSpec(name: g.attribute.name, label: g.label, role: .dimension, timeGrain: grain))
        }
        for m in plan.measures {
            select.append("  \(dialect.aggregate(m.agg, of: m.column.map { column(plan.factAlias, $0) })) AS \(dialect.quote(m.name))")
            columns.append(ColumnSpec(name: m.name, label: m.label, role: .measure, format: m.format, unit: m.unit))
        }

        var conditions: [String] = []
        if let p = plan.span {
            let date = column(plan.factAlias, plan.dateColumn)
            conditions.append("\(date) >= \(bind(.text(p.start.description))) AND \(date) < \(bind(.text(p.end.description)))")
            steps.append("keep \(plan.dateColumn) in \(p)")
        }
        if let f = plan.filter {
            conditions.append("(" + filterSQL(f, expression: expression, bind: bind) + ")")
            steps.append("apply filter")
        }
        if !plan.groups.isEmpty {
            steps.append("group by " + plan.groups.map(\.attribute.name).joined(separator: ", "))
        }
        steps.append("aggregate " + plan.measures.map { "\($0.name) = \($0.agg.rawValue)(\($0.column ?? "*"))" }.joined(separator: ", "))

        var sql = "-- almanac query: \(plan.summary)\n"
        sql += steps.enumerated().map { "-- step \($0.offset + 1): \($0.element)" }.joined(separator: "\n") + "\n"
        sql += "SELECT\n" + select.joined(separator: ",\n") + "\n"
        sql += "FROM \(dialect.quote(plan.fact)) AS \(plan.factAlias)\n"
        for j in plan.joins {
            sql += "LEFT JOIN \(dialect.quote(j.table)) AS \(j.alias) ON \(column(j.alias, j.key)) = \(column(j.fromAlias, j.fromColumn))\n"
        }
        if !conditions.isEmpty { sql += "WHERE " + conditions.joined(separator: "\n  AND ") + "\n" }
        if !groupBy.isEmpty { sql += "GROUP BY " + groupBy.joined(separator: ", ") + "\n" }
        if !orderBy.isEmpty { sql += "ORDER BY " + orderBy.joined(separator: ", ") + "\n" }
        if let limit = plan.limit { sql += "LIMIT \(bind(.integer(Int64(limit))))\n" }
        return CompiledQuery(sql: sql, parameters: parameters, columns: columns)
    }

    private func filterSQL(
        _ f: PlannedFilter, expression: (PlannedAttribute) -> String, bind: (SQLValue) -> String
    ) -> String {
        switch f {
        case .compare(let a, let op, let v):
            return "\(expression(a)) \(op == .notEqual ? "<>" : op.rawValue) \(bind(v))"
        case .member(let a, let values, let negated):
            return "\(expression(a)) \(negated ? "NOT IN" : "IN") (" + values.map(bind).joined(separator: ", ") + ")"
        case .and(let a, let b):
            return "(\(filterSQL(a, expression: expression, bind: bind)) AND \(filterSQL(b, expression: expression, bind: bind)))"
        case .or(let a, let b):
            return "(\(filterSQL(a, expression: expression, bind: bind)) OR \(filterSQL(b, expression: expression, bind: bind)))"
        case .not(let a):
            return "NOT (\(filterSQL(a, expression: expression, bind: bind)))"
        }
    }
}
