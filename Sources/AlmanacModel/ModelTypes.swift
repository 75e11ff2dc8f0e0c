import AlmanacCore

/// Where something was declared, so later errors can point back at it.
public struct SourcePlace: Hashable, Sendable {
    /// The file.
    public var file: String
    /// 1-based line.
    public var line: Int?
    /// 1-based column.
    public var column: Int?

    /// Creates a place.
    public init(file: String, line: Int?, column: Int?) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A diagnostic at this place.
    public func error(_ message: String, field: String? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, field: field, message: message, hint: hint)
    }
}

/// The storage type of a warehouse column, checked on load.
public enum ColumnType: String, Sendable, CaseIterable {
    /// Free text or a code.
    case text
    /// A whole number.
    case integer
    /// A real number (money, minutes).
    case decimal
    /// An ISO 8601 date, `YYYY-MM-DD`.
    case date

    /// The SQLite column type.
    public var sqlType: String {
        switch self {
        case .text, .date: return "TEXT"
        case .integer: return "INTEGER"
        case .decimal: return "REAL"
        }
    }
}

/// A column of a warehouse table.
public struct ColumnDef: Sendable {
    /// Column name, as in the CSV header and the database.
    public var name: String
    /// Storage type.
    public var type: ColumnType
    /// Whether an empty value is rejected on load.
    public var required: Bool
    /// What the column holds.
    public var description: String?
    /// Where it was declared.
    public var place: SourcePlace
    /// The smallest value a load accepts (`min:`; a date for date columns).
    public var min: String? = nil
    /// The largest value a load accepts (`max:`; a date for date columns).
    public var max: String? = nil

    /// Default bounds: dates from 1990 to 2099, whole numbers within ±2,147,483,647 so that a
    /// sum over up to four billion rows fits in 64 bits; decimals within ±1e15.
    public var bounds: (min: String, max: String)? {
        switch type {
        case .date: return (min ?? "1990-01-01", max ?? "2099-12-31")
        case .integer: return (min ?? "-2147483647", max ?? "2147483647")
        case .decimal: return (min ?? "-1e15", max ?? "1e15")
        case .text: return nil
        }
    }
}

/// Whether a table holds events (facts) or the things they are about (dimensions).
public enum TableRole: String, Sendable {
    /// Rows are events, aggregated by measures.
    case fact
    /// Rows are members (districts, services), joined to facts by key.
    case dimension
    /// Rows are a denominator at its own grain (population by district and year), divided
    /// into measures by rate measures and never joined to facts directly.
    case denominator
}

/// A many-to-one link from a table to a dimension table's primary key.
public struct JoinDef: Sendable {
    /// The dimension table joined to.
    public var table: String
    /// The column in this table holding the other table's primary key.
    public var column: String
    /// Where it was declared.
    public var place: SourcePlace
}

/// A table in the warehouse, loaded from a CSV extract.
public struct TableDef: Sendable {
    /// Table name.
    public var name: String
    /// Fact or dimension.
    public var role: TableRole
    /// The CSV file it loads from, relative to the data folder.
    public var source: String
    /// The primary key column (dimensions must have one).
    public var primaryKey: String?
    /// What one row is.
    public var description: String?
    /// Columns, in CSV order.
    public var columns: [ColumnDef]
    /// Links to dimension tables.
    public var joins: [JoinDef]
    /// For a denominator: the column holding the calendar year each row applies to.
    public var yearColumn: String?
    /// The columns that identify a row (`unique:`): a row already present under the same
    /// values is refused (or, with --replace, replaced), so a re-export never counts twice.
    public var unique: [String] = []
    /// Where it was declared.
    public var place: SourcePlace

    /// The column named `name`.
    public func column(_ name: String) -> ColumnDef? { columns.first { $0.name == name } }
}

/// How a measure aggregates its column.
public enum Aggregation: String, Sendable, CaseIterable {
    /// Total.
    case sum
    /// Number of rows.
    case count
    /// Number of different values (exact).
    case countDistinct = "count_distinct"
    /// Mean.
    case average
    /// Smallest value.
    case min
    /// Largest value.
    case max
}

/// How a customer-level count decides which customers count.
public enum CustomerRule: Sendable, Equatable {
    /// Customers whose total of `column` in the group is at least `atLeast` (repeat contacts).
    case total(column: String, atLeast: Int)
    /// Customers with at least `atLeast` different values of `column` (used several services).
    case distinct(column: String, atLeast: Int)
}

/// A running window over months.
public enum CumulativeWindow: String, Sendable, CaseIterable {
    /// From 1 April of the financial year to the month.
    case financialYearToDate = "financial_year_to_date"
    /// The month and the two before it.
    case rolling3 = "rolling_3"
    /// The month and the eleven before it.
    case rolling12 = "rolling_12"

    /// Months before the month that the window reaches back at most.
    public var monthsBack: Int {
        switch self {
        case .financialYearToDate: return 11
        case .rolling3: return 2
        case .rolling12: return 11
        }
    }
}

/// What a measure computes.
public enum MeasureKind: Sendable, Equatable {
    /// An aggregate of a fact column, optionally only over rows matching a filter
    /// (`web_contacts` = contacts where channel = 'Web').
    case aggregate(Aggregation, column: String?, filter: String?)
    /// One measure divided by another (spend per contact), computed from the totals.
    case ratio(numerator: String, denominator: String)
    /// A measure as a share of its total across the other groups of the same period.
    case share(of: String)
    /// A measure per `per` units of a denominator table's column (contacts per 1,000
    /// residents), the denominator summed at its own grain so it is never double counted.
    case rate(numerator: String, table: String, column: String, per: Double)
    /// Customers (by `key`) meeting a rule within each group: repeat or multi-service customers.
    case customerCount(key: String, rule: CustomerRule)
    /// A running total of an additive measure over months.
    case cumulative(of: String, window: CumulativeWindow)
}

/// A named number: `contacts`, `spend`, `customers`, `spend_per_contact`.
public struct MeasureDef: Sendable {
    /// Name used in queries and reports.
    public var name: String
    /// Label for people.
    public var label: String
    /// Definition, printed in report appendices.
    public var description: String
    /// The fact table it aggregates.
    public var table: String
    /// What it computes.
    public var kind: MeasureKind
    /// Unit (`contacts`, `GBP`, `minutes`).
    public var unit: String
    /// How values are written.
    public var format: NumberFormat
    /// Which direction is better, for later analysis (`up`, `down`, or nil for neutral).
    public var improvement: String?
    /// Where it was declared.
    public var place: SourcePlace

    /// The aggregation, for plain aggregate measures.
    public var agg: Aggregation? {
        if case .aggregate(let a, _, _) = kind { return a }
        return nil
    }

    /// The column aggregated, for plain aggregate measures.
    public var column: String? {
        if case .aggregate(_, let c, _) = kind { return c }
        return nil
    }

    /// Whether adding the values of two groups gives the value of both together (sums and
    /// counts of rows): what running totals and "all other" sums need.
    public var isAdditive: Bool {
        if case .aggregate(let a, _, _) = kind { return a == .sum || a == .count }
        return false
    }

    /// Whether a period with no rows has the value zero (counts and sums), rather than no value
    /// (averages, ratios, rates).
    public var isZeroWhenEmpty: Bool {
        switch kind {
        case .aggregate(let a, _, _): return [.sum, .count, .countDistinct].contains(a)
        case .customerCount, .cumulative: return true
        default: return false
        }
    }
}

/// A named attribute to group and filter by: `district`, `service`, `channel`.
public struct DimensionDef: Sendable {
    /// Name used in queries and reports.
    public var name: String
    /// Label for people.
    public var label: String
    /// What it is.
    public var description: String?
    /// The table holding it.
    public var table: String
    /// The column holding its members.
    public var column: String
    /// A column to order members by, when text order is wrong.
    public var sortColumn: String?
    /// Where it was declared.
    public var place: SourcePlace
}

/// An ordered drill path: county > district > ward.
public struct HierarchyDef: Sendable {
    /// Name.
    public var name: String
    /// Label.
    public var label: String
    /// Dimension names from the top level down.
    public var levels: [String]
    /// Where it was declared.
    public var place: SourcePlace
}

/// The time dimension: a date column of the fact and the grains it can be grouped by.
public struct TimeDimensionDef: Sendable {
    /// Name (`date`).
    public var name: String
    /// Label.
    public var label: String
    /// The fact table.
    public var table: String
    /// The date column.
    public var column: String
    /// Grains that may be asked for.
    public var grains: [TimeGrain]
    /// Where it was declared.
    public var place: SourcePlace
}
