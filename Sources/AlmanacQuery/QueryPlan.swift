import AlmanacCore
import AlmanacModel

/// A table joined into a query, many-to-one, under an alias.
public struct PlannedJoin: Equatable, Sendable {
    /// Alias in the SQL (`t1`).
    public var alias: String
    /// The dimension table.
    public var table: String
    /// Its primary key.
    public var key: String
    /// The alias of the table holding the foreign key.
    public var fromAlias: String
    /// The foreign key column.
    public var fromColumn: String
}

/// Where a grouping or filter column comes from.
public enum PlannedAttribute: Equatable, Sendable {
    /// A dimension column in a joined (or the fact) table.
    case dimension(name: String, alias: String, column: String, sortColumn: String?)
    /// A time grain of the fact's date column.
    case time(grain: TimeGrain, alias: String, column: String)

    /// The model name.
    public var name: String {
        switch self {
        case .dimension(let n, _, _, _): return n
        case .time(let g, _, _): return g.rawValue
        }
    }
}

/// A grouping column of the result.
public struct PlannedGroup: Equatable, Sendable {
    /// Where its values come from.
    public var attribute: PlannedAttribute
    /// Label for people.
    public var label: String
}

/// A measure column of the result.
public struct PlannedMeasure: Equatable, Sendable {
    /// Name.
    public var name: String
    /// Label.
    public var label: String
    /// Aggregation.
    public var agg: Aggregation
    /// Column aggregated, in the fact alias; nil for count.
    public var column: String?
    /// Number format.
    public var format: NumberFormat
    /// Unit.
    public var unit: String
}

/// A filter with every name resolved to where it lives.
public indirect enum PlannedFilter: Equatable, Sendable {
    /// `attribute op value`.
    case compare(PlannedAttribute, ComparisonOperator, SQLValue)
    /// `attribute [not] in (values)`.
    case member(PlannedAttribute, [SQLValue], negated: Bool)
    /// Both.
    case and(PlannedFilter, PlannedFilter)
    /// Either.
    case or(PlannedFilter, PlannedFilter)
    /// Not.
    case not(PlannedFilter)
}

/// The logical plan of a query: which fact, which joins, which groups, measures and
/// filters. The dialect turns it into SQL; the plan itself knows no SQL.
public struct QueryPlan: Equatable, Sendable {
    /// The fact table scanned.
    public var fact: String
    /// Its alias (`t0`).
    public var factAlias: String
    /// Joins, in order.
    public var joins: [PlannedJoin]
    /// Grouping columns, in output order.
    public var groups: [PlannedGroup]
    /// Measures, in output order.
    public var measures: [PlannedMeasure]
    /// The fact's date column, for the period.
    public var dateColumn: String
    /// The days included, or nil for all time.
    public var span: DateSpan?
    /// The user's filter, resolved.
    public var filter: PlannedFilter?
    /// Row limit.
    public var limit: Int?
    /// A one-line account of the request, for the SQL header comment.
    public var summary: String
}
