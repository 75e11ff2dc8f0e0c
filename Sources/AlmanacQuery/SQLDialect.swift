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
    /// The calendar year (an integer) of a date `expression`.
    func calendarYear(of expression: String) -> String
    /// The calendar year a financial year starts in (an integer), for a date `expression`.
    func financialYearStart(of expression: String) -> String
    /// `a` equals `b`, NULL equal to NULL.
    func nullSafeEquals(_ a: String, _ b: String) -> String
    /// `value` limited to `lower`…`upper`.
    func clamp(_ value: String, lower: String, upper: String) -> String
    /// How many rows meet `condition`.
    func countWhere(_ condition: String) -> String
}

extension SQLDialect {
    public func nullSafeEquals(_ a: String, _ b: String) -> String { "\(a) IS \(b)" }
    public func clamp(_ value: String, lower: String, upper: String) -> String { "MAX(MIN(\(value), \(upper)), \(lower))" }
    /// SQLite sums the truth of the condition (1 or 0).
    public func countWhere(_ condition: String) -> String { "SUM(\(condition))" }
}

/// SQLite: dates are ISO text, so grains are substrings of it.
public struct SQLiteDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public var name: String { "sqlite" }

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// Numbered (`?1`, `?2`…) so the SQL printed by `--explain` can be run as it is in the
    /// sqlite3 shell after `.parameter set ?1 value`.
    public func placeholder(_ index: Int) -> String { "?\(index)" }

    public func timeGrain(_ grain: TimeGrain, of e: String) -> String {
        switch grain {
        case .day: return e
        case .month: return "substr(\(e), 1, 7)"
        case .quarter: return "substr(\(e), 1, 4) || '-Q' || ((CAST(substr(\(e), 6, 2) AS INTEGER) + 2) / 3)"
        case .year: return "substr(\(e), 1, 4)"
        case .isoWeek:
            // The ISO week belongs to the year of its Thursday; its number counts Thursdays.
            let thursday = "date(\(e), '-3 days', 'weekday 4')"
            return "strftime('%Y', \(thursday)) || '-W' || printf('%02d', (CAST(strftime('%j', \(thursday)) AS INTEGER) - 1) / 7 + 1)"
        case .financialYear:
            return "printf('%d-%02d', \(financialYearStart(e)), (\(financialYearStart(e)) + 1) % 100)"
        case .financialQuarter:
            let month = "CAST(substr(\(e), 6, 2) AS INTEGER)"
            return "printf('%d-%02d Q%d', \(financialYearStart(e)), (\(financialYearStart(e)) + 1) % 100, ((\(month) + 8) % 12) / 3 + 1)"
        }
    }

    /// The calendar year a financial year starts in: the date's year, less one before April.
    func financialYearStart(_ e: String) -> String {
        "(CAST(substr(\(e), 1, 4) AS INTEGER) - (CAST(substr(\(e), 6, 2) AS INTEGER) < 4))"
    }

    public func financialYearStart(of e: String) -> String { financialYearStart(e) }

    public func calendarYear(of e: String) -> String { "CAST(substr(\(e), 1, 4) AS INTEGER)" }

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

/// PostgreSQL 15+: dates are native `date` columns; grains through `to_char` and interval
/// arithmetic (a financial year is the calendar year of the date three months earlier);
/// numbered `$1` parameters; `IS NOT DISTINCT FROM`; `GREATEST` and `LEAST`.
public struct PostgreSQLDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    public var name: String { "postgresql" }

    public func quote(_ identifier: String) -> String { SQLiteDialect().quote(identifier) }

    public func placeholder(_ index: Int) -> String { "$\(index)" }

    public func timeGrain(_ grain: TimeGrain, of e: String) -> String {
        switch grain {
        case .day: return "to_char(\(e), 'YYYY-MM-DD')"
        case .month: return "to_char(\(e), 'YYYY-MM')"
        case .quarter: return "to_char(\(e), 'YYYY-\"Q\"Q')"
        case .year: return "to_char(\(e), 'YYYY')"
        case .isoWeek: return "to_char(\(e), 'IYYY-\"W\"IW')"
        case .financialYear:
            return "to_char(\(e) - INTERVAL '3 months', 'YYYY') || '-' || to_char(\(e) + INTERVAL '9 months', 'YY')"
        case .financialQuarter:
            return "to_char(\(e) - INTERVAL '3 months', 'YYYY') || '-' || to_char(\(e) + INTERVAL '9 months', 'YY') || ' Q' || to_char(\(e) - INTERVAL '3 months', 'Q')"
        }
    }

    public func aggregate(_ agg: Aggregation, of e: String?) -> String {
        switch agg {
        // AVG of integers is numeric in PostgreSQL: read as double precision, as SQLite gives it.
        case .average: return "AVG(\(e ?? "1"))::double precision"
        default: return SQLiteDialect().aggregate(agg, of: e)
        }
    }

    public func calendarYear(of e: String) -> String { "CAST(EXTRACT(YEAR FROM \(e)) AS INTEGER)" }

    public func financialYearStart(of e: String) -> String { "CAST(EXTRACT(YEAR FROM \(e) - INTERVAL '3 months') AS INTEGER)" }

    public func nullSafeEquals(_ a: String, _ b: String) -> String { "\(a) IS NOT DISTINCT FROM \(b)" }

    public func clamp(_ value: String, lower: String, upper: String) -> String { "GREATEST(LEAST(\(value), \(upper)), \(lower))" }

    public func countWhere(_ condition: String) -> String { "COUNT(*) FILTER (WHERE \(condition))" }
}
