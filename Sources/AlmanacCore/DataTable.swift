/// The values of one column of a result, typed and stored contiguously.
public enum ColumnValues: Equatable, Sendable {
    /// Text (dimension members, period keys); nil is a SQL NULL.
    case text([String?])
    /// Whole numbers (counts).
    case integer([Int64?])
    /// Real numbers (sums of money, averages).
    case real([Double?])

    /// Number of values.
    public var count: Int {
        switch self {
        case .text(let v): return v.count
        case .integer(let v): return v.count
        case .real(let v): return v.count
        }
    }

    /// The value at `i` as a Double, nil for NULL or text.
    public func double(at i: Int) -> Double? {
        switch self {
        case .text: return nil
        case .integer(let v): return v[i].map(Double.init)
        case .real(let v): return v[i]
        }
    }

    /// The value at `i` as text (numbers in plain POSIX form), nil for NULL.
    public func text(at i: Int) -> String? {
        switch self {
        case .text(let v): return v[i]
        case .integer(let v): return v[i].map { String($0) }
        case .real(let v):
            return v[i].map { x in
                x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
            }
        }
    }
}

/// What a column of a result is: a grouping key or a measured value.
public enum ColumnRole: String, Sendable, Codable {
    /// A dimension or time grain the rows are grouped by.
    case dimension
    /// An aggregated measure.
    case measure
}

/// What a column of a result is and how to present it, before it has values: what a
/// compiled query promises and a `DataColumn` carries.
public struct ColumnSpec: Equatable, Sendable {
    /// Machine name (`contacts`, `financial_year`).
    public var name: String
    /// Human label (`Contacts`, `Financial year`).
    public var label: String
    /// Dimension or measure.
    public var role: ColumnRole
    /// How numbers in this column are written, for measures.
    public var format: NumberFormat?
    /// Unit (`GBP`, `contacts`, `minutes`).
    public var unit: String?
    /// For a time column, the grain its keys are in.
    public var timeGrain: TimeGrain?

    /// Creates a spec.
    public init(name: String, label: String, role: ColumnRole, format: NumberFormat? = nil, unit: String? = nil, timeGrain: TimeGrain? = nil) {
        self.name = name
        self.label = label
        self.role = role
        self.format = format
        self.unit = unit
        self.timeGrain = timeGrain
    }
}

/// One column of a `DataTable`: its name, how to present it, and its values.
public struct DataColumn: Equatable, Sendable {
    /// Machine name (`contacts`, `financial_year`).
    public var name: String
    /// Human label (`Contacts`, `Financial year`).
    public var label: String
    /// Dimension or measure.
    public var role: ColumnRole
    /// How numbers in this column are written, for measures.
    public var format: NumberFormat?
    /// Unit, for sidecars and descriptions (`GBP`, `contacts`, `minutes`).
    public var unit: String?
    /// For a time column, the grain its keys are in (`2025-10` is a month).
    public var timeGrain: TimeGrain?
    /// The values.
    public var values: ColumnValues
    /// A format for each row, where rows hold different measures (a table of headline figures:
    /// a count, an amount of money, a share); overrides `format`.
    public var rowFormats: [NumberFormat?]?

    /// Creates a column.
    public init(
        name: String, label: String, role: ColumnRole, format: NumberFormat? = nil, unit: String? = nil,
        timeGrain: TimeGrain? = nil, values: ColumnValues
    ) {
        self.name = name
        self.timeGrain = timeGrain
        self.label = label
        self.role = role
        self.format = format
        self.unit = unit
        self.values = values
    }

    /// A column with `spec`'s name and presentation.
    public init(spec: ColumnSpec, values: ColumnValues) {
        self.init(name: spec.name, label: spec.label, role: spec.role, format: spec.format, unit: spec.unit,
                  timeGrain: spec.timeGrain, values: values)
    }

    /// The value at `row` written for a reader (thousands separators, £), "–" for NULL.
    public func display(at row: Int) -> String {
        let rowFormat = rowFormats.flatMap { row < $0.count ? $0[row] : nil } ?? format
        if let rowFormat, let x = values.double(at: row) { return rowFormat.format(x) }
        // A number with no declared format is still written for a reader: grouped, and with
        // two decimals only when it has a fraction.
        if case .real = values, let x = values.double(at: row) {
            return NumberFormat.grouped(x, decimals: x.rounded() == x ? 0 : 2)
        }
        return values.text(at: row) ?? "–"
    }
}

/// A column-oriented result table: what the warehouse hands to analysis, charts and reports.
public struct DataTable: Equatable, Sendable {
    /// The columns, dimensions first then measures, in request order.
    public var columns: [DataColumn]

    /// Creates a table; all columns must have the same length.
    public init(columns: [DataColumn]) {
        precondition(Set(columns.map(\.values.count)).count <= 1, "ragged DataTable")
        self.columns = columns
    }

    /// Number of rows.
    public var rowCount: Int { columns.first?.values.count ?? 0 }

    /// The column named `name`, if any.
    public func column(_ name: String) -> DataColumn? { columns.first { $0.name == name } }
}
