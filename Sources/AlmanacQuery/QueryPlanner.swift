import Foundation
import AlmanacCore
import AlmanacModel

/// Turns a request in the model's vocabulary into a logical plan, checking every name.
///
/// Dimensions are reached from the fact through the model's many-to-one joins only, so a
/// join can never multiply fact rows and inflate a measure.
public struct QueryPlanner: Sendable {
    /// The model names are resolved against.
    public let model: SemanticModel

    /// Creates a planner.
    public init(model: SemanticModel) { self.model = model }

    /// Plans `request`, or throws a diagnostic naming the first unknown or unusable name.
    public func plan(_ request: QueryRequest) throws -> QueryPlan {
        guard !request.measures.isEmpty else {
            throw Diagnostic(field: "measures", message: "no measure asked for",
                             hint: "name one or more of: " + model.measures.map(\.name).joined(separator: ", "))
        }
        let measureDefs = try request.measures.map { name -> MeasureDef in
            guard let m = model.measure(name) else {
                if model.groupableNames.contains(name) {
                    throw Diagnostic(field: "measures", message: "`\(name)` is a dimension, not a measure",
                                     hint: "group by it with --by \(name)")
                }
                throw Diagnostic(field: "measures", message: "unknown measure `\(name)`",
                                 hint: Suggest.hint(for: name, in: model.measures.map(\.name), noun: "measure"))
            }
            return m
        }
        let factName = measureDefs[0].table
        if let other = measureDefs.first(where: { $0.table != factName }) {
            throw Diagnostic(field: "measures",
                             message: "`\(other.name)` comes from `\(other.table)` but `\(measureDefs[0].name)` from `\(factName)`",
                             hint: "ask for measures of one fact table per query")
        }
        var duplicates = Set<String>()
        for name in request.measures + request.by where !duplicates.insert(name).inserted {
            throw Diagnostic(field: "measures", message: "`\(name)` is asked for twice", hint: "name it once")
        }

        var builder = JoinBuilder(model: model, fact: factName)
        let groups = try request.by.map { name -> PlannedGroup in
            let attribute = try builder.resolve(name, field: "--by", column: nil)
            return PlannedGroup(attribute: attribute, label: label(of: attribute))
        }
        var filter: PlannedFilter?
        var filterExpression: FilterExpression?
        if let text = request.filter, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            filterExpression = try FilterParser.parse(text, field: request.filterSource)
            filter = try resolve(filterExpression!, builder: &builder, field: request.filterSource)
        }
        if let scope = request.scope, !scope.trimmingCharacters(in: .whitespaces).isEmpty {
            let e = try FilterParser.parse(scope, field: "audience scope")
            let planned = try resolve(e, builder: &builder, field: "audience scope")
            filterExpression = filterExpression.map { .and(e, $0) } ?? e
            filter = filter.map { .and(planned, $0) } ?? planned
        }

        // Measures: components the database aggregates, and expressions over them.
        var components: [PlannedComponent] = []
        var customerKey: String?
        var rate: (table: String, column: String, measure: String)?
        func component(_ c: PlannedComponent) -> Int {
            if let i = components.firstIndex(of: c) { return i }
            components.append(c)
            return components.count - 1
        }
        func expression(of m: MeasureDef, depth: Int = 0) throws -> MeasureExpression {
            guard depth < 8 else { throw m.place.error("measure `\(m.name)` is defined in terms of itself") }
            func base(_ name: String) throws -> MeasureExpression { try expression(of: model.measure(name)!, depth: depth + 1) }
            switch m.kind {
            case .aggregate(let agg, let column, let filterText):
                var f: PlannedFilter?
                if let filterText {
                    let source = "\(m.place.file):\(m.place.line ?? 0)"
                    // A measure's own filter may also name any column of its table (`satisfied = 1`).
                    f = try resolve(FilterParser.parse(filterText, field: source), builder: &builder, field: source, factColumns: true)
                }
                return .component(component(.aggregate(agg, column: column, filter: f)))
            case .ratio(let n, let d): return .ratio(try base(n), try base(d))
            case .share(let of): return .share(try base(of))
            case .rate(let n, let table, let column, let per):
                if let r = rate, r.table != table || r.column != column {
                    throw Diagnostic(field: "measures", message: "`\(m.name)` and `\(r.measure)` divide by different denominators",
                                     hint: "ask for them in separate queries")
                }
                rate = (table, column, m.name)
                return .rate(try base(n), per: per)
            case .customerCount(let key, let rule):
                customerKey = key
                switch rule {
                case .total(let c, let n): return .component(component(.customersWithTotal(key: key, column: c, atLeast: n)))
                case .distinct(let c, let n): return .component(component(.customersWithDistinct(key: key, column: c, atLeast: n)))
                }
            case .cumulative:
                throw m.place.error("running totals cannot be nested inside other measures (`\(m.name)`)")
            }
        }
        let measures = try measureDefs.map { m -> PlannedMeasure in
            var window: CumulativeWindow?
            var e: MeasureExpression
            if case .cumulative(let of, let w) = m.kind {
                guard request.by.contains(TimeGrain.month.rawValue) else {
                    throw Diagnostic(field: "--by", message: "`\(m.name)` is a running total over months",
                                     hint: "group by month: --by month")
                }
                window = w
                e = try expression(of: model.measure(of)!)
            } else {
                e = try expression(of: m)
            }
            return PlannedMeasure(name: m.name, label: m.label, expression: e, cumulative: window,
                                  zeroWhenEmpty: m.isZeroWhenEmpty, additive: m.isAdditive, format: m.format, unit: m.unit)
        }
        var denominator: PlannedDenominator?
        if let rate {
            denominator = try planDenominator(table: rate.table, column: rate.column, measure: rate.measure, groups: groups,
                                              filter: filterExpression, filterSource: request.filterSource,
                                              span: request.span ?? request.period?.span)
        }
        var summary = request.measures.joined(separator: ", ")
        if !request.by.isEmpty { summary += " by " + request.by.joined(separator: ", ") }
        if let s = request.span { summary += " for \(s)" } else if let p = request.period { summary += " for " + p.key }
        return QueryPlan(
            fact: factName, factAlias: "t0", joins: builder.joins, groups: groups, components: components, measures: measures,
            denominator: denominator, customerKey: customerKey,
            dateColumn: model.time.column, span: request.span ?? request.period?.span, filter: filter, limit: request.limit,
            summary: summary)
    }

    /// Plans the denominator of a rate: which grouping columns it can be split by, which
    /// part of the filter applies to it, and refuses groupings finer than its grain.
    private func planDenominator(
        table: String, column: String, measure: String, groups: [PlannedGroup], filter: FilterExpression?,
        filterSource: String, span: DateSpan?
    ) throws -> PlannedDenominator {
        let dt = model.table(table)!
        var builder = JoinBuilder(model: model, fact: table, aliasPrefix: "d")
        // Tables the denominator reaches (its geography): a dimension table that itself reaches
        // one of these, but that the denominator cannot reach, is finer than the denominator.
        let reach = Set(model.tables.map(\.name).filter { $0 != table && JoinGraph(model: model).path(from: table, to: $0) != nil })
        func classify(_ name: String) -> (reachable: Bool, finer: Bool) {
            guard let d = model.dimension(name) else { return (false, false) }  // time grains and unknowns
            if d.table == table || reach.contains(d.table) { return (true, false) }
            let fact = model.table(d.table)
            if fact?.role == .fact { return (false, false) }
            let finer = reach.contains { JoinGraph(model: model).path(from: d.table, to: $0) != nil }
            return (false, finer)
        }
        var keys: [(group: Int, attribute: PlannedAttribute)] = []
        for (i, g) in groups.enumerated() {
            guard case .dimension(let name, _, _, _) = g.attribute else { continue }
            let c = classify(name)
            if c.finer {
                throw Diagnostic(field: "--by", message: "`\(measure)` cannot be split by \(name): `\(table)` is held at a coarser grain",
                                 hint: "group by a level `\(table)` holds, such as " + model.dimensions.filter { classify($0.name).reachable }.map(\.name).joined(separator: " or "))
            }
            if c.reachable { keys.append((i, try builder.resolve(name, field: "--by", column: nil))) }
        }
        var denominatorFilter: PlannedFilter?
        if let filter {
            for conjunct in filter.conjuncts {
                let names = conjunct.references.map(\.name)
                let kinds = names.map(classify)
                if kinds.contains(where: \.finer) {
                    throw Diagnostic(field: filterSource, message: "`\(measure)` cannot be filtered by \(names.filter { classify($0).finer }.joined(separator: ", ")): `\(table)` is held at a coarser grain",
                                     hint: "filter by a level `\(table)` holds")
                }
                if kinds.allSatisfy(\.reachable) {
                    let planned = try resolve(conjunct, builder: &builder, field: filterSource)
                    denominatorFilter = denominatorFilter.map { .and($0, planned) } ?? planned
                } else if kinds.contains(where: \.reachable) {
                    throw Diagnostic(field: filterSource, message: "this filter mixes places with other conditions, so the residents `\(measure)` is per cannot be told",
                                     hint: "join the conditions on places to the rest with `and`")
                }
            }
        }
        var fixedYear: Int?
        if !groups.contains(where: { if case .time = $0.attribute { return true } else { return false } }), let span {
            fixedYear = Day(ordinal: (span.start.ordinal + span.end.ordinal - 1) / 2).year
        }
        return PlannedDenominator(table: table, column: column, yearColumn: dt.yearColumn, joins: builder.joins,
                                  keys: keys, filter: denominatorFilter, fixedYear: fixedYear)
    }

    private func label(of attribute: PlannedAttribute) -> String {
        switch attribute {
        case .dimension(let name, _, _, _): return model.dimension(name)?.label ?? name
        case .time(let grain, _, _): return grain.title
        }
    }

    private func resolve(_ e: FilterExpression, builder: inout JoinBuilder, field: String, factColumns: Bool = false) throws -> PlannedFilter {
        switch e {
        case .compare(let name, let op, let value, let column):
            return .compare(try builder.resolve(name, field: field, column: column, factColumns: factColumns), op, value)
        case .member(let name, let values, let negated, let column):
            return .member(try builder.resolve(name, field: field, column: column, factColumns: factColumns), values, negated: negated)
        case .and(let a, let b):
            return .and(try resolve(a, builder: &builder, field: field, factColumns: factColumns), try resolve(b, builder: &builder, field: field, factColumns: factColumns))
        case .or(let a, let b):
            return .or(try resolve(a, builder: &builder, field: field, factColumns: factColumns), try resolve(b, builder: &builder, field: field, factColumns: factColumns))
        case .not(let a): return .not(try resolve(a, builder: &builder, field: field, factColumns: factColumns))
        }
    }
}

/// Collects the joins a query needs, each table once, with stable aliases.
struct JoinBuilder {
    let model: SemanticModel
    let fact: String
    let prefix: String
    private(set) var joins: [PlannedJoin] = []
    private var aliases: [String: String] = [:]

    init(model: SemanticModel, fact: String, aliasPrefix: String = "t") {
        self.model = model
        self.fact = fact
        self.prefix = aliasPrefix
        aliases[fact] = aliasPrefix + "0"
    }

    /// Resolves a dimension or grain name to an attribute, adding the joins it needs.
    mutating func resolve(_ name: String, field: String, column: Int?, factColumns: Bool = false) throws -> PlannedAttribute {
        let place = { (message: String, hint: String?) -> Diagnostic in
            let where_ = column.map { "\(field) column \($0): " } ?? ""
            return Diagnostic(column: column, field: field, message: where_ + message, hint: hint)
        }
        if let grain = TimeGrain(rawValue: name) {
            guard model.time.grains.contains(grain) else {
                throw place("the model does not offer the time grain `\(name)`",
                            "available grains: " + model.time.grains.map(\.rawValue).joined(separator: ", "))
            }
            guard model.time.table == fact else {
                throw place("fact `\(fact)` has no time dimension", nil)
            }
            return .time(grain: grain, alias: prefix + "0", column: model.time.column)
        }
        if factColumns, model.dimension(name) == nil, model.table(fact)?.column(name) != nil {
            return .dimension(name: name, alias: prefix + "0", column: name, sortColumn: nil)
        }
        guard let d = model.dimension(name) else {
            if model.measure(name) != nil {
                throw place("`\(name)` is a measure; group and filter by dimensions", "dimensions: " + model.dimensions.map(\.name).joined(separator: ", "))
            }
            throw place("unknown dimension `\(name)`", Suggest.hint(for: name, in: model.groupableNames, noun: "dimension"))
        }
        guard let path = JoinGraph(model: model).path(from: fact, to: d.table) else {
            throw place("dimension `\(name)` cannot be reached from fact `\(fact)`", nil)
        }
        var alias = prefix + "0"
        for step in path {
            let fromAlias = aliases[step.from] ?? prefix + "0"
            if let existing = aliases[step.join.table] {
                alias = existing
                continue
            }
            alias = "\(prefix)\(aliases.count)"
            aliases[step.join.table] = alias
            let key = model.table(step.join.table)?.primaryKey ?? step.join.column
            joins.append(PlannedJoin(alias: alias, table: step.join.table, key: key, fromAlias: fromAlias, fromColumn: step.join.column))
        }
        return .dimension(name: d.name, alias: alias, column: d.column, sortColumn: d.sortColumn)
    }
}
