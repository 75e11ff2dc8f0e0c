import AlmanacCore

/// A literal value in a filter; always bound as a SQL parameter, never spliced into SQL.
public enum SQLValue: Hashable, Sendable, CustomStringConvertible {
    /// Text.
    case text(String)
    /// Whole number.
    case integer(Int64)
    /// Real number.
    case real(Double)

    public var description: String {
        switch self {
        case .text(let s): return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        }
    }
}

/// A comparison operator in the filter language.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A parsed filter: `district in ('Preston', 'Burnley') and channel != 'Web'`.
public indirect enum FilterExpression: Equatable, Sendable {
    /// `name op value`; `column` is where `name` starts in the source, for errors.
    case compare(name: String, op: ComparisonOperator, value: SQLValue, column: Int)
    /// `name [not] in (v1, v2, …)`.
    case member(name: String, values: [SQLValue], negated: Bool, column: Int)
    /// Both hold.
    case and(FilterExpression, FilterExpression)
    /// Either holds.
    case or(FilterExpression, FilterExpression)
    /// Does not hold.
    case not(FilterExpression)

    /// The parts joined by `and` at the top level (the whole filter when there is no `and`).
    public var conjuncts: [FilterExpression] {
        if case .and(let a, let b) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }

    /// Every name the filter refers to, with the column it appears at.
    public var references: [(name: String, column: Int)] {
        switch self {
        case .compare(let n, _, _, let c), .member(let n, _, _, let c): return [(n, c)]
        case .and(let a, let b), .or(let a, let b): return a.references + b.references
        case .not(let a): return a.references
        }
    }
}
