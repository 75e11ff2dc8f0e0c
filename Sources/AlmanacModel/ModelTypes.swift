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
}

/// Whether a table holds events (facts) or the things they are about (dimensions).
public enum TableRole: String, Sendable {
    /// Rows are events, aggregated by measures.
    case fact
    /// Rows are members (districts, services), joined to facts by key.
    case dimension
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

/// A named, aggregated number: `contacts`, `spend`, `customers`.
public struct MeasureDef: Sendable {
    /// Name used in queries and reports.
    public var name: String
    /// Label for people.
    public var label: String
    /// Definition, printed in report appendices.
    public var description: String
    /// The fact table it aggregates.
    public var table: String
    /// Aggregation.
    public var agg: Aggregation
    /// The column aggregated (none for `count`).
    public var column: String?
    /// Unit (`contacts`, `GBP`, `minutes`).
    public var unit: String
    /// How values are written.
    public var format: NumberFormat
    /// Where it was declared.
    public var place: SourcePlace
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
