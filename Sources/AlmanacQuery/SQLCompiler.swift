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
///
/// A plan whose measures are all plain aggregates becomes one grouped SELECT. Otherwise the
/// aggregates are computed in a CTE (`agg`), customer-level counts in `customers` and
/// `customer_totals`, the denominator of rates at its own grain in `denominator`, and the
/// final SELECT combines them into ratios, shares and rates.
public struct SQLCompiler: Sendable {
    /// The dialect written.
    public let dialect: any SQLDialect

    /// Creates a compiler.
    public init(dialect: any SQLDialect = SQLiteDialect()) { self.dialect = dialect }

    /// Compiles a plan.
    public func compile(_ plan: QueryPlan) -> CompiledQuery {
        var w = Writer(dialect: dialect, plan: plan)
        return w.compile()
    }

    /// The plan's rows before grouping: its FROM, joins and WHERE, with their parameters, for
    /// queries built on the same rows (customer combinations).
    public func source(_ plan: QueryPlan) -> (sql: String, parameters: [SQLValue]) {
        var w = Writer(dialect: dialect, plan: plan)
        let sql = w.fromWhere()
        return (sql, w.parameters)
    }
}

/// The state of one compilation: parameters are bound in the order their placeholders
/// appear in the text, so the SQL is written strictly front to back.
private struct Writer {
    let dialect: any SQLDialect
    let plan: QueryPlan
    var parameters: [SQLValue] = []
    var steps: [String] = []

    init(dialect: any SQLDialect, plan: QueryPlan) {
        self.dialect = dialect
        self.plan = plan
    }

    mutating func bind(_ v: SQLValue) -> String {
        parameters.append(v)
        return dialect.placeholder(parameters.count)
    }

    func q(_ name: String) -> String { dialect.quote(name) }
    func column(_ alias: String, _ name: String) -> String { alias + "." + q(name) }

    func expression(_ a: PlannedAttribute) -> String {
        switch a {
        case .dimension(_, let alias, let c, _): return column(alias, c)
        case .time(let grain, let alias, let c): return dialect.timeGrain(grain, of: column(alias, c))
        }
    }

    var isSimple: Bool {
        plan.denominator == nil && !plan.components.contains(where: \.isCustomerLevel)
            && plan.measures.enumerated().allSatisfy { $0.element.expression == .component($0.offset) }
            && plan.components.count == plan.measures.count
    }

    var columns: [ColumnSpec] {
        plan.groups.map { g in
            var grain: TimeGrain?
            if case .time(let t, _, _) = g.attribute { grain = t }
            return ColumnSpec(name: g.attribute.name, label: g.label, role: .dimension, timeGrain: grain)
        } + plan.measures.map { ColumnSpec(name: $0.name, label: $0.label, role: .measure, format: $0.format, unit: $0.unit) }
    }

    mutating func compile() -> CompiledQuery {
        if let r = plan.rollup {
            steps = ["scan rollup \(r.definition.name) (\(plan.factAlias)), \(r.rows) rows, instead of fact \(plan.fact): \(r.reason)"]
        } else {
            steps = ["scan fact \(plan.fact) (\(plan.factAlias))"]
        }
        for j in plan.joins {
            steps.append("join \(j.table) (\(j.alias)) on \(j.fromAlias).\(j.fromColumn) = \(j.alias).\(j.key), many-to-one")
        }
        let body = isSimple ? simple() : staged()
        var sql = "-- almanac query: \(plan.summary)\n"
        sql += steps.enumerated().map { "-- step \($0.offset + 1): \($0.element)" }.joined(separator: "\n") + "\n"
        return CompiledQuery(sql: sql + body, parameters: parameters, columns: columns)
    }

    /// The aggregate of a component, as SQL over fact rows.
    mutating func aggregate(_ c: PlannedComponent) -> String {
        guard case .aggregate(let agg, let col, let filter) = c else { return "NULL" }
        if plan.rollup != nil { return reaggregate(agg, col, filter) }
        var e = col.map { column(plan.factAlias, $0) }
        if let filter {
            e = "CASE WHEN \(filterSQL(filter)) THEN \(e ?? "1") END"
            if agg == .count && col == nil { return dialect.aggregate(.count, of: e) }
        }
        return dialect.aggregate(agg, of: e)
    }

    /// An aggregate of fact rows, computed from a rollup's rows: counts and sums add up,
    /// minima and maxima of minima and maxima, an average is a sum over a count, and a
    /// distinct count (of a key the rollup keeps) is the same over its rows.
    mutating func reaggregate(_ agg: Aggregation, _ col: String?, _ filter: PlannedFilter?) -> String {
        let condition = filter.map { filterSQL($0) }
        func part(_ stored: String) -> String {
            let e = column(plan.factAlias, stored)
            return condition.map { "CASE WHEN \($0) THEN \(e) END" } ?? e
        }
        switch (agg, col) {
        case (.count, nil), (.sum, nil): return "COALESCE(SUM(\(part("_rows"))), 0)"
        case (.count, let c?): return "COALESCE(SUM(\(part(RollupDef.column("n", c)))), 0)"
        case (.sum, let c?): return "COALESCE(SUM(\(part(RollupDef.column("sum", c)))), 0)"
        case (.average, let c?):
            return "SUM(\(part(RollupDef.column("sum", c)))) * 1.0 / NULLIF(SUM(\(part(RollupDef.column("n", c)))), 0)"
        case (.min, let c?): return "MIN(\(part(RollupDef.column("min", c))))"
        case (.max, let c?): return "MAX(\(part(RollupDef.column("max", c))))"
        case (.countDistinct, let c?): return "COUNT(DISTINCT \(part(c)))"
        case (.average, nil), (.min, nil), (.max, nil), (.countDistinct, nil): return dialect.aggregate(agg, of: nil)
        }
    }

    func describe(_ c: PlannedComponent) -> String {
        switch c {
        case .aggregate(let a, let col, let f): return "\(a.rawValue)(\(col ?? "*"))" + (f == nil ? "" : " where filtered")
        case .customersWithTotal(let k, let col, let n): return "count of \(k) with sum(\(col)) >= \(n)"
        case .customersWithDistinct(let k, let col, let n): return "count of \(k) with \(n)+ distinct \(col)"
        }
    }

    /// Aliases of joined tables every row kept must have a match in: those a top-level
    /// condition of the WHERE compares (a comparison or IN with NULL is never true), and the
    /// tables they are reached through.
    var requiredAliases: Set<String> {
        var out: Set<String> = []
        func conjuncts(_ f: PlannedFilter) -> [PlannedFilter] {
            if case .and(let a, let b) = f { return conjuncts(a) + conjuncts(b) }
            return [f]
        }
        for c in plan.filter.map(conjuncts) ?? [] {
            switch c {
            case .compare(.dimension(_, let alias, _, _), _, _):
                out.insert(alias)
            case .member(.dimension(_, let alias, _, _), let values, let negated) where !(values.isEmpty && negated):
                out.insert(alias)  // (NULL NOT IN () is true)
            default: break
            }
        }
        // A required table's own join path is required too.
        var changed = true
        while changed {
            changed = false
            for j in plan.joins where out.contains(j.alias) && j.fromAlias != plan.factAlias && !out.contains(j.fromAlias) {
                out.insert(j.fromAlias)
                changed = true
            }
        }
        out.remove(plan.factAlias)
        return out
    }

    /// FROM, joins and WHERE over the fact: shared by the aggregate and customer steps.
    mutating func fromWhere() -> String {
        var sql = "FROM \(q(plan.rollup?.definition.tableName ?? plan.fact)) AS \(plan.factAlias)\n"
        for j in plan.joins {
            // An inner join where the WHERE needs a value from the table anyway (`district =
            // 'Burnley'` drops rows whose ward has none): the same rows, and SQLite may then start
            // from the filtered dimension and reach the facts by their (key, date) index.
            let kind = requiredAliases.contains(j.alias) ? "JOIN" : "LEFT JOIN"
            sql += "\(kind) \(q(j.table)) AS \(j.alias) ON \(column(j.alias, j.key)) = \(column(j.fromAlias, j.fromColumn))\n"
        }
        var conditions: [String] = []
        if let p = plan.span {
            let date = column(plan.factAlias, plan.dateColumn)
            conditions.append("\(date) >= \(bind(.text(p.start.description))) AND \(date) < \(bind(.text(p.end.description)))")
        }
        if let f = plan.filter { conditions.append("(" + filterSQL(f) + ")") }
        if !conditions.isEmpty { sql += "WHERE " + conditions.joined(separator: "\n  AND ") + "\n" }
        return sql
    }

    func groupBy(extra: [String] = []) -> (group: [String], order: [String]) {
        var group: [String] = []
        var order: [String] = []
        for g in plan.groups {
            let e = expression(g.attribute)
            group.append(e)
            if case .dimension(_, let alias, _, let sort?) = g.attribute {
                group.append(column(alias, sort))
                order.append(column(alias, sort))
            } else {
                order.append(q(g.attribute.name))
            }
        }
        return (group + extra, order)
    }

    mutating func simple() -> String {
        var select: [String] = plan.groups.map { "  \(expression($0.attribute)) AS \(q($0.attribute.name))" }
        for (m, c) in zip(plan.measures, plan.components) {
            select.append("  \(aggregate(c)) AS \(q(m.name))")
        }
        let from = fromWhere()
        if let p = plan.span { steps.append("keep \(plan.dateColumn) in \(p)") }
        if plan.filter != nil { steps.append("apply filter") }
        if !plan.groups.isEmpty { steps.append("group by " + plan.groups.map(\.attribute.name).joined(separator: ", ")) }
        steps.append("aggregate " + zip(plan.measures, plan.components).map { "\($0.name) = \(describe($1))" }.joined(separator: ", "))
        var sql = "SELECT\n" + select.joined(separator: ",\n") + "\n" + from
        let (group, order) = groupBy()
        if !group.isEmpty { sql += "GROUP BY " + group.joined(separator: ", ") + "\n" }
        if !order.isEmpty { sql += "ORDER BY " + order.joined(separator: ", ") + "\n" }
        if let limit = plan.limit { sql += "LIMIT \(bind(.integer(Int64(limit))))\n" }
        return sql
    }

    mutating func staged() -> String {
        let names = plan.groups.map(\.attribute.name)
        var timeName: String?
        var timeGrain: TimeGrain?
        for g in plan.groups { if case .time(let t, _, _) = g.attribute, timeName == nil { timeName = g.attribute.name; timeGrain = t } }

        // Step: the aggregates.
        var select: [String] = plan.groups.map { "    \(expression($0.attribute)) AS \(q($0.attribute.name))" }
        var sortNames: [String] = []
        for g in plan.groups {
            if case .dimension(let n, let alias, _, let sort?) = g.attribute {
                select.append("    \(column(alias, sort)) AS \(q("_sort_" + n))")
                sortNames.append("_sort_" + n)
            } else {
                sortNames.append(g.attribute.name)
            }
        }
        for (i, c) in plan.components.enumerated() where !c.isCustomerLevel {
            select.append("    \(aggregate(c)) AS \(q("_c\(i)"))")
        }
        if let d = plan.denominator, timeGrain != nil {
            let date = column(plan.factAlias, plan.dateColumn)
            let year = timeGrain == .financialYear || timeGrain == .financialQuarter
                ? dialect.financialYearStart(of: date) : dialect.calendarYear(of: date)
            select.append("    MIN(\(year)) AS \(q("_year"))")
            _ = d
        }
        // Only customer-level measures and no groups: one row for the counts to join to.
        if select.isEmpty { select.append("    COUNT(*) AS \(q("_rows"))") }
        var sql = "WITH _agg AS (\n  SELECT\n" + select.joined(separator: ",\n") + "\n"
        sql += indent(fromWhere())
        let (group, _) = groupBy()
        if !group.isEmpty { sql += "  GROUP BY " + group.joined(separator: ", ") + "\n" }
        sql += ")"
        if let p = plan.span { steps.append("keep \(plan.dateColumn) in \(p)") }
        if plan.filter != nil { steps.append("apply filter") }
        steps.append("_agg: " + (plan.groups.isEmpty ? "" : "group by " + names.joined(separator: ", ") + "; ")
                     + plan.components.enumerated().filter { !$0.element.isCustomerLevel }.map { "_c\($0.offset) = \(describe($0.element))" }.joined(separator: ", "))

        // Step: customers, one row per customer per group, then counted per group.
        let customerComponents = plan.components.enumerated().filter { $0.element.isCustomerLevel }
        if !customerComponents.isEmpty, let key = plan.customerKey {
            var cs: [String] = plan.groups.map { "    \(expression($0.attribute)) AS \(q($0.attribute.name))" }
            for (i, c) in customerComponents {
                switch c {
                case .customersWithTotal(_, let col, _):
                    let stored = plan.rollup == nil ? col : RollupDef.column("sum", col)
                    cs.append("    SUM(\(column(plan.factAlias, stored))) AS \(q("_v\(i)"))")
                case .customersWithDistinct(_, let col, _): cs.append("    COUNT(DISTINCT \(column(plan.factAlias, col))) AS \(q("_v\(i)"))")
                case .aggregate: break
                }
            }
            sql += ",\n_per_customer AS (\n  SELECT\n" + cs.joined(separator: ",\n") + "\n" + indent(fromWhere())
            let (g2, _) = groupBy(extra: [column(plan.factAlias, key)])
            sql += "  GROUP BY " + g2.joined(separator: ", ") + "\n)"
            var ts: [String] = names.map { "    \(q($0))" }
            for (i, c) in customerComponents {
                switch c {
                case .customersWithTotal(_, _, let n), .customersWithDistinct(_, _, let n):
                    ts.append("    " + dialect.countWhere("\(q("_v\(i)")) >= \(n)") + " AS \(q("_c\(i)"))")
                case .aggregate: break
                }
            }
            sql += ",\n_customer_counts AS (\n  SELECT\n" + ts.joined(separator: ",\n") + "\n  FROM _per_customer\n"
            if !names.isEmpty { sql += "  GROUP BY " + names.map(q).joined(separator: ", ") + "\n" }
            sql += ")"
            steps.append("_per_customer: one row per \(key) per group; _customer_counts: " + customerComponents.map { "_c\($0.offset) = \(describe($0.element))" }.joined(separator: ", "))
        }

        // Step: the denominator, summed at its own grain.
        if let d = plan.denominator {
            var ds: [String] = d.keys.map { "    \(expression($0.attribute)) AS \(q("_k\($0.group)"))" }
            if let y = d.yearColumn { ds.append("    d0.\(q(y)) AS \(q("_year"))") }
            ds.append("    SUM(d0.\(q(d.column))) AS \(q("_denominator"))")
            sql += ",\n_denominator AS (\n  SELECT\n" + ds.joined(separator: ",\n") + "\n  FROM \(q(d.table)) AS d0\n"
            for j in d.joins {
                sql += "  LEFT JOIN \(q(j.table)) AS \(j.alias) ON \(column(j.alias, j.key)) = \(column(j.fromAlias, j.fromColumn))\n"
            }
            if let f = d.filter { sql += "  WHERE " + filterSQL(f) + "\n" }
            let groupBy = d.keys.map { expression($0.attribute) } + (d.yearColumn.map { ["d0.\(q($0))"] } ?? [])
            sql += (groupBy.isEmpty ? "" : "  GROUP BY " + groupBy.joined(separator: ", ") + "\n") + ")"
            steps.append("_denominator: sum(\(d.table).\(d.column)) by " + (d.keys.map { plan.groups[$0.group].attribute.name } + (d.yearColumn == nil ? [] : ["year"])).joined(separator: ", ")
                         + (d.filter == nil ? "" : ", filtered") + "; never joined to fact rows, so never multiplied")
        }

        // Final step: measures from the pieces.
        var out: [String] = names.map { "  _agg.\(q($0))" }
        let partition = timeName.map { "PARTITION BY _agg.\(q($0))" } ?? ""
        for m in plan.measures {
            out.append("  \(measureSQL(m.expression, partition: partition)) AS \(q(m.name))")
        }
        sql += "\nSELECT\n" + out.joined(separator: ",\n") + "\nFROM _agg\n"
        if !customerComponents.isEmpty {
            let on = names.isEmpty ? "1 = 1" : names.map { dialect.nullSafeEquals("_customer_counts.\(q($0))", "_agg.\(q($0))") }.joined(separator: " AND ")
            sql += "LEFT JOIN _customer_counts ON \(on)\n"
        }
        if let d = plan.denominator, d.yearColumn == nil {
            // A denominator with no year (a population column of an area table): matched by place alone.
            let on = d.keys.map { dialect.nullSafeEquals("_denominator.\(q("_k\($0.group)"))", "_agg.\(q(plan.groups[$0.group].attribute.name))") }
            sql += "LEFT JOIN _denominator ON " + (on.isEmpty ? "1 = 1" : on.joined(separator: "\n  AND ")) + "\n"
        } else if let d = plan.denominator, let yearColumn = d.yearColumn {
            let table = q(d.table), year = q(yearColumn)
            let bounds = "(SELECT MAX(\(year)) FROM \(table))", lower = "(SELECT MIN(\(year)) FROM \(table))"
            let wanted: String
            if timeGrain != nil {
                wanted = "_agg.\(q("_year"))"
            } else if let y = d.fixedYear {
                wanted = bind(.integer(Int64(y)))
            } else {
                wanted = bounds
            }
            var on = d.keys.map { dialect.nullSafeEquals("_denominator.\(q("_k\($0.group)"))", "_agg.\(q(plan.groups[$0.group].attribute.name))") }
            // The nearest year the denominator has, when the data runs beyond it.
            on.append("_denominator.\(q("_year")) = " + dialect.clamp(wanted, lower: lower, upper: bounds))
            sql += "LEFT JOIN _denominator ON " + on.joined(separator: "\n  AND ") + "\n"
        }
        if !sortNames.isEmpty { sql += "ORDER BY " + sortNames.map { "_agg.\(q($0))" }.joined(separator: ", ") + "\n" }
        if let limit = plan.limit { sql += "LIMIT \(bind(.integer(Int64(limit))))\n" }
        steps.append("combine: " + plan.measures.map { "\($0.name) = \(describeExpression($0.expression))" }.joined(separator: ", "))
        return sql
    }

    func componentSQL(_ i: Int) -> String {
        plan.components[i].isCustomerLevel ? "COALESCE(_customer_counts.\(q("_c\(i)")), 0)" : "_agg.\(q("_c\(i)"))"
    }

    func measureSQL(_ e: MeasureExpression, partition: String) -> String {
        switch e {
        case .component(let i): return componentSQL(i)
        case .ratio(let a, let b):
            return "(\(measureSQL(a, partition: partition))) * 1.0 / NULLIF(\(measureSQL(b, partition: partition)), 0)"
        case .share(let a):
            let inner = measureSQL(a, partition: partition)
            return "(\(inner)) * 1.0 / NULLIF(SUM(\(inner)) OVER (\(partition)), 0)"
        case .rate(let a, let per):
            return "(\(measureSQL(a, partition: partition))) * \(NumberFormat.trimmed(per, maxDecimals: 6)).0 / NULLIF(_denominator.\(q("_denominator")), 0)"
        }
    }

    func describeExpression(_ e: MeasureExpression) -> String {
        switch e {
        case .component(let i): return "_c\(i)"
        case .ratio(let a, let b): return "\(describeExpression(a)) / \(describeExpression(b))"
        case .share(let a): return "\(describeExpression(a)) / total in period"
        case .rate(let a, let per): return "\(describeExpression(a)) * \(NumberFormat.trimmed(per, maxDecimals: 6)) / denominator"
        }
    }

    func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    mutating func filterSQL(_ f: PlannedFilter) -> String {
        switch f {
        case .compare(let a, let op, let v):
            return "\(expression(a)) \(op == .notEqual ? "<>" : op.rawValue) \(bind(v))"
        case .member(let a, let values, let negated):
            let e = expression(a)
            var placeholders: [String] = []
            for v in values { placeholders.append(bind(v)) }
            return "\(e) \(negated ? "NOT IN" : "IN") (" + placeholders.joined(separator: ", ") + ")"
        case .and(let a, let b):
            let l = filterSQL(a)
            return "(\(l) AND \(filterSQL(b)))"
        case .or(let a, let b):
            let l = filterSQL(a)
            return "(\(l) OR \(filterSQL(b)))"
        case .not(let a):
            return "NOT (\(filterSQL(a)))"
        }
    }
}
