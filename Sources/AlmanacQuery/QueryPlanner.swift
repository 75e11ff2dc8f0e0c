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
        if let text = request.filter, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let expression = try FilterParser.parse(text, field: request.filterSource)
            filter = try resolve(expression, builder: &builder, field: request.filterSource)
        }
        let measures = measureDefs.map {
            PlannedMeasure(name: $0.name, label: $0.label, agg: $0.agg, column: $0.column, format: $0.format, unit: $0.unit)
        }
        var summary = request.measures.joined(separator: ", ")
        if !request.by.isEmpty { summary += " by " + request.by.joined(separator: ", ") }
        if let s = request.span { summary += " for \(s)" } else if let p = request.period { summary += " for " + p.key }
        return QueryPlan(
            fact: factName, factAlias: "t0", joins: builder.joins, groups: groups, measures: measures,
            dateColumn: model.time.column, span: request.span ?? request.period?.span, filter: filter, limit: request.limit,
            summary: summary)
    }

    private func label(of attribute: PlannedAttribute) -> String {
        switch attribute {
        case .dimension(let name, _, _, _): return model.dimension(name)?.label ?? name
        case .time(let grain, _, _):
            switch grain {
            case .financialYear: return "Financial year"
            default: return grain.rawValue.prefix(1).uppercased() + grain.rawValue.dropFirst()
            }
        }
    }

    private func resolve(_ e: FilterExpression, builder: inout JoinBuilder, field: String) throws -> PlannedFilter {
        switch e {
        case .compare(let name, let op, let value, let column):
            return .compare(try builder.resolve(name, field: field, column: column), op, value)
        case .member(let name, let values, let negated, let column):
            return .member(try builder.resolve(name, field: field, column: column), values, negated: negated)
        case .and(let a, let b): return .and(try resolve(a, builder: &builder, field: field), try resolve(b, builder: &builder, field: field))
        case .or(let a, let b): return .or(try resolve(a, builder: &builder, field: field), try resolve(b, builder: &builder, field: field))
        case .not(let a): return .not(try resolve(a, builder: &builder, field: field))
        }
    }
}

/// Collects the joins a query needs, each table once, with stable aliases.
struct JoinBuilder {
    let model: SemanticModel
    let fact: String
    private(set) var joins: [PlannedJoin] = []
    private var aliases: [String: String] = [:]

    init(model: SemanticModel, fact: String) {
        self.model = model
        self.fact = fact
        aliases[fact] = "t0"
    }

    /// Resolves a dimension or grain name to an attribute, adding the joins it needs.
    mutating func resolve(_ name: String, field: String, column: Int?) throws -> PlannedAttribute {
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
            return .time(grain: grain, alias: "t0", column: model.time.column)
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
        var alias = "t0"
        for step in path {
            let fromAlias = aliases[step.from] ?? "t0"
            if let existing = aliases[step.join.table] {
                alias = existing
                continue
            }
            alias = "t\(aliases.count)"
            aliases[step.join.table] = alias
            let key = model.table(step.join.table)?.primaryKey ?? step.join.column
            joins.append(PlannedJoin(alias: alias, table: step.join.table, key: key, fromAlias: fromAlias, fromColumn: step.join.column))
        }
        return .dimension(name: d.name, alias: alias, column: d.column, sortColumn: d.sortColumn)
    }
}
