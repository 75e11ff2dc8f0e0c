import Foundation

/// A span of days a user names: a month, quarter, calendar year, financial year or a day.
///
/// Parsed from the forms people write: `2025-10`, `2025-Q3`, `2025`, `FY2024-25` or
/// `2024-25`, and `2025-10-03`. The span is half-open: `start` is in it, `end` is not.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    /// The grain this period is one of.
    public let grain: TimeGrain
    /// First day in the period.
    public let start: Day
    /// First day after the period.
    public let end: Day

    /// The period of `grain` containing `day`.
    public init(grain: TimeGrain, containing day: Day) {
        self.grain = grain
        self.start = grain.start(of: day)
        self.end = grain.nextStart(after: day)
    }

    /// Parses a period as a user writes it; throws a diagnostic naming the accepted forms, or
    /// saying the period is outside the years Almanac computes with (1900 to 2199).
    public init(parsing text: String, field: String = "--period") throws {
        try self.init(parsingUnchecked: text, field: field)
        guard start >= Day.supported.first, end <= Day.supported.last.adding(days: 1) else {
            throw Diagnostic(field: field, message: "`\(text)` is outside the supported years, 1900 to 2199",
                             hint: "choose a period between 1900 and 2199")
        }
    }

    private init(parsingUnchecked text: String, field: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        let forms = "use 2025-10 (month), 2025-Q3 (quarter), 2025 (calendar year), FY2024-25 or 2024-25 (financial year) or 2025-10-03 (day)"
        let bad = Diagnostic(field: field, message: "cannot read period `\(text)`", hint: forms)
        let digits = { (s: Substring) -> Int? in s.allSatisfy(\.isASCII) ? Int(s) : nil }
        if let d = Day(iso: t) {
            self.init(grain: .day, containing: d)
            return
        }
        var body = Substring(t)
        if body.uppercased().hasPrefix("FY") { body = body.dropFirst(2) }
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, parts[0].count == 4, body.count == t.count, let y = digits(parts[0]),
            let d = Day(year: y, month: 1, day: 1)
        {
            self.init(grain: .year, containing: d)
            return
        }
        guard parts.count == 2, parts[0].count == 4, let y = digits(parts[0]) else { throw bad }
        let second = parts[1]
        if body.count != t.count || (second.count == 2 && t.count == 7 && Int(second).map({ $0 > 12 && $0 == (y + 1) % 100 }) == true) {
            // Financial year: FY2024-25 or 2024-25 (the second part is the next year).
            guard second.count == 2, let n = digits(second), n == (y + 1) % 100,
                let d = Day(year: y, month: 4, day: 1)
            else {
                throw Diagnostic(
                    field: field, message: "`\(text)` is not a financial year",
                    hint: "a financial year runs April to March and is written like FY2024-25 (2024-25)")
            }
            self.init(grain: .financialYear, containing: d)
            return
        }
        if second.count == 2, let m = digits(second), let d = Day(year: y, month: m, day: 1) {
            self.init(grain: .month, containing: d)
            return
        }
        if second.count == 2, let m = digits(second), m == 0 || m > 12 {
            throw Diagnostic(field: field, message: "`\(text)` is not a month: there is no month \(m)",
                             hint: "months run 01 to 12, e.g. \(y)-10; a financial year is written FY\(y)-\(String(format: "%02d", (y + 1) % 100))")
        }
        if second.count == 2, second.uppercased().hasPrefix("Q"), let q = digits(second.dropFirst()),
            (1...4).contains(q), let d = Day(year: y, month: q * 3 - 2, day: 1)
        {
            self.init(grain: .quarter, containing: d)
            return
        }
        throw bad
    }

    /// The canonical key (`2025-10`, `2025-Q4`, `2024-25`…).
    public var key: String { grain.key(for: start) }

    /// A label for titles: `October 2025`, `Q4 2025`, `2024-25`.
    public var label: String {
        switch grain {
        case .financialYear: return "financial year " + key
        default: return grain.label(forKey: key)
        }
    }

    /// The period of the same grain `n` steps later (negative: earlier).
    public func shifted(by n: Int) -> Period {
        var d = start
        if n >= 0 {
            for _ in 0..<n { d = grain.nextStart(after: d) }
        } else {
            for _ in 0..<(-n) { d = grain.start(of: d.adding(days: -1)) }
        }
        return Period(grain: grain, containing: d)
    }

    public var description: String { key }
}

/// A half-open span of days, [start, end): what a query's date condition is built from.
public struct DateSpan: Hashable, Sendable, CustomStringConvertible {
    /// First day in the span.
    public var start: Day
    /// First day after the span.
    public var end: Day

    /// Creates a span.
    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    public var description: String { "[\(start), \(end))" }
}

extension Period {
    /// The days of the period.
    public var span: DateSpan { DateSpan(start: start, end: end) }
}
