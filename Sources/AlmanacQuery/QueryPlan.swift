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

/// A number the database aggregates directly from fact rows; measures are made from these.
public enum PlannedComponent: Equatable, Sendable {
    /// An aggregate of a fact column (nil: count rows), only over rows matching `filter`.
    case aggregate(Aggregation, column: String?, filter: PlannedFilter?)
    /// Customers (by `key`) whose total of `column` in the group is at least `atLeast`.
    case customersWithTotal(key: String, column: String, atLeast: Int)
    /// Customers (by `key`) with at least `atLeast` different values of `column` in the group.
    case customersWithDistinct(key: String, column: String, atLeast: Int)

    /// Whether it needs the per-customer step.
    public var isCustomerLevel: Bool {
        if case .aggregate = self { return false }
        return true
    }
}

/// How a result measure is computed from components.
public indirect enum MeasureExpression: Equatable, Sendable {
    /// A component, by index.
    case component(Int)
    /// One expression over another; nil where the denominator is zero.
    case ratio(MeasureExpression, MeasureExpression)
    /// The expression over its total across the rows of the same period.
    case share(MeasureExpression)
    /// The expression per `per` units of the plan's denominator.
    case rate(MeasureExpression, per: Double)
}

/// A measure column of the result.
public struct PlannedMeasure: Equatable, Sendable {
    /// Name.
    public var name: String
    /// Label.
    public var label: String
    /// How it is computed.
    public var expression: MeasureExpression
    /// A running window applied after the query, over months.
    public var cumulative: CumulativeWindow?
    /// Whether an empty period is zero (counts and sums) rather than no value.
    public var zeroWhenEmpty: Bool
    /// Whether values of two groups add up to the value of both.
    public var additive: Bool
    /// Number format.
    public var format: NumberFormat
    /// Unit.
    public var unit: String
}

/// A denominator table summed at its own grain and joined to the result by the grouping
/// columns it can answer (district, county) and by year.
public struct PlannedDenominator: Equatable, Sendable {
    /// The denominator table and its alias (`d0`).
    public var table: String
    /// The column summed.
    public var column: String
    /// The year column (nil for a denominator with no year, such as an area's population).
    public var yearColumn: String?
    /// Joins from the denominator table to the dimensions it reaches.
    public var joins: [PlannedJoin]
    /// For each grouping column of the plan the denominator can answer: its index in
    /// `groups` and the attribute that computes it from the denominator side.
    public var keys: [(group: Int, attribute: PlannedAttribute)]
    /// The part of the user's filter that applies to the denominator.
    public var filter: PlannedFilter?
    /// The year to use when the query is not grouped by time (mid-point of its span).
    public var fixedYear: Int?

    public static func == (a: PlannedDenominator, b: PlannedDenominator) -> Bool {
        a.table == b.table && a.column == b.column && a.yearColumn == b.yearColumn && a.joins == b.joins
            && a.keys.map(\.group) == b.keys.map(\.group) && a.keys.map(\.attribute) == b.keys.map(\.attribute)
            && a.filter == b.filter && a.fixedYear == b.fixedYear
    }
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
    /// What the database aggregates.
    public var components: [PlannedComponent]
    /// Measures, in output order.
    public var measures: [PlannedMeasure]
    /// The denominator of rate measures, if any.
    public var denominator: PlannedDenominator?
    /// The column identifying customers, for customer-level components.
    public var customerKey: String?
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
    /// The rollup read instead of the fact, when one answers the plan exactly.
    public var rollup: PlannedRollup? = nil
}

/// A rollup chosen to answer a plan: its table, grain, and why it was chosen.
public struct PlannedRollup: Equatable, Sendable {
    /// The declaration.
    public var definition: RollupDef
    /// Its rows when chosen.
    public var rows: Int
    /// Why it was chosen, for `--explain`.
    public var reason: String

    /// Creates a choice.
    public init(definition: RollupDef, rows: Int, reason: String) {
        self.definition = definition
        self.rows = rows
        self.reason = reason
    }
}
