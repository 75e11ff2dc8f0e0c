import AlmanacCore
import AlmanacModel

/// What differs between databases when writing SQL: quoting, parameters, date arithmetic
/// and aggregate spelling. The planner never sees a dialect; the compiler asks it.
public protocol SQLDialect: Sendable {
    /// Name, for headers (`sqlite`).
    var name: String { get }
    /// An identifier, quoted.
    func quote(_ identifier: String) -> String
    /// The placeholder for the `index`-th (1-based) parameter.
    func placeholder(_ index: Int) -> String
    /// An expression giving the key of `grain` (see `TimeGrain.key`) for an ISO date `expression`.
    func timeGrain(_ grain: TimeGrain, of expression: String) -> String
    /// An aggregate of `expression` (nil for a row count).
    func aggregate(_ agg: Aggregation, of expression: String?) -> String
}

/// SQLite: dates are ISO text, so grains are substrings of it.
public struct SQLiteDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public var name: String { "sqlite" }

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    public func placeholder(_ index: Int) -> String { "?" }

    public func timeGrain(_ grain: TimeGrain, of e: String) -> String {
        switch grain {
        case .day: return e
        case .month: return "substr(\(e), 1, 7)"
        case .quarter: return "substr(\(e), 1, 4) || '-Q' || ((CAST(substr(\(e), 6, 2) AS INTEGER) + 2) / 3)"
        case .year: return "substr(\(e), 1, 4)"
        case .financialYear:
            // The year the financial year starts: the calendar year, less one before April.
            let start = "(CAST(substr(\(e), 1, 4) AS INTEGER) - (CAST(substr(\(e), 6, 2) AS INTEGER) < 4))"
            return "printf('%d-%02d', \(start), (\(start) + 1) % 100)"
        }
    }

    public func aggregate(_ agg: Aggregation, of e: String?) -> String {
        switch agg {
        case .sum: return "COALESCE(SUM(\(e ?? "1")), 0)"
        case .count: return e.map { "COUNT(\($0))" } ?? "COUNT(*)"
        case .countDistinct: return "COUNT(DISTINCT \(e ?? "*"))"
        case .average: return "AVG(\(e ?? "1"))"
        case .min: return "MIN(\(e ?? "NULL"))"
        case .max: return "MAX(\(e ?? "NULL"))"
        }
    }
}
