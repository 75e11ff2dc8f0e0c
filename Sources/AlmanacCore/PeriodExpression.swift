import Foundation

/// A span of whole periods of one grain: one month, the last 12 months, a financial year to
/// date. What comparisons shift: the previous span is the `count` periods before it.
public struct ResolvedPeriod: Hashable, Sendable, CustomStringConvertible {
    /// The grain the span is made of.
    public var grain: TimeGrain
    /// The first period in the span.
    public var first: Period
    /// How many periods of `grain` it covers.
    public var count: Int
    /// The days covered, [start, end).
    public var span: DateSpan
    /// How people would name it: `October 2025`, `12 months to March 2026`.
    public var label: String

    /// A span of `count` periods starting with `first`.
    public init(first: Period, count: Int, label: String? = nil) {
        self.grain = first.grain
        self.first = first
        self.count = max(1, count)
        let last = first.shifted(by: self.count - 1)
        self.span = DateSpan(start: first.start, end: last.end)
        if let label {
            self.label = label
        } else if self.count == 1 {
            self.label = first.label
        } else {
            self.label = "\(self.count) \(first.grain.unitName)s from \(first.label) to \(last.label)"
        }
    }

    /// The same number of periods immediately before.
    public var previous: ResolvedPeriod {
        ResolvedPeriod(first: first.shifted(by: -count), count: count)
    }

    /// The same periods one year earlier (nil for days and weeks, which do not line up).
    public var yearEarlier: ResolvedPeriod? {
        switch grain {
        case .month: return ResolvedPeriod(first: first.shifted(by: -12), count: count)
        case .quarter, .financialQuarter: return ResolvedPeriod(first: first.shifted(by: -4), count: count)
        case .year, .financialYear: return ResolvedPeriod(first: first.shifted(by: -1), count: count)
        case .day, .isoWeek: return nil
        }
    }

    /// The span of whole periods from `first` through `last` (same grain), or nil when `last`
    /// is before `first`, the grains differ or the span is longer than `limit` periods.
    public init?(from first: Period, through last: Period, limit: Int = 10_000) {
        guard first.grain == last.grain, first.start <= last.start else { return nil }
        var n = 1
        var d = first.start
        while d < last.start {
            d = first.grain.nextStart(after: d)
            n += 1
            if n > limit { return nil }
        }
        self.init(first: first, count: n)
    }

    /// The last period in the span.
    public var last: Period { first.shifted(by: count - 1) }

    /// The span as `--period` accepts it: `2025-10` for one period, `2024-10..2025-10` for several.
    public var expression: String { count == 1 ? first.key : "\(first.key)..\(last.key)" }

    public var description: String { label }
}

/// A period as users write it, including ones relative to the data: `latest`,
/// `last 12 months`, `FYTD`, as well as fixed forms (`2025-10`, `FY2024-25`…).
public enum PeriodExpression: Hashable, Sendable {
    /// A named period.
    case fixed(Period)
    /// The latest period of a grain in the data (`latest`, `latest quarter`).
    case latest(TimeGrain)
    /// The last `n` periods of a grain up to the latest in the data (`last 12 months`).
    case last(Int, TimeGrain)
    /// From 1 April to the end of the latest month in the data (`FYTD`).
    case financialYearToDate
    /// Every period from the first through the last, both named (`2024-10..2025-10`).
    case range(Period, Period)

    /// The forms accepted, for help text and errors.
    public static let forms = "2025-10, 2025-Q3, 2025, FY2024-25, 2025-10-03, a range such as 2024-11..2025-10, latest, latest quarter, last 12 months, last 3 months, FYTD"

    /// Parses a period expression.
    public init(parsing text: String, field: String = "--period") throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let words = t.split(separator: " ").map(String.init)
        if let dots = text.range(of: "..") {
            let a = try Period(parsing: String(text[..<dots.lowerBound]), field: field)
            let b = try Period(parsing: String(text[dots.upperBound...]), field: field)
            guard a.grain == b.grain else {
                throw Diagnostic(field: field, message: "`\(text)` mixes a \(a.grain.unitName) and a \(b.grain.unitName)",
                                 hint: "name two periods of one kind, e.g. 2024-11..2025-10")
            }
            guard a.start <= b.start else {
                throw Diagnostic(field: field, message: "`\(text)` ends before it starts", hint: "write the earlier period first, e.g. 2024-11..2025-10")
            }
            guard ResolvedPeriod(from: a, through: b) != nil else {
                throw Diagnostic(field: field, message: "`\(text)` spans more than 10,000 \(a.grain.unitName)s", hint: "choose a shorter range")
            }
            self = .range(a, b)
            return
        }
        if t == "fytd" || t == "financial year to date" {
            self = .financialYearToDate
            return
        }
        if words.first == "latest" {
            if words.count == 1 {
                self = .latest(.month)
                return
            }
            if words.count == 2, let g = TimeGrain.named(words[1]) {
                self = .latest(g)
                return
            }
        }
        if words.count == 3, ["last", "past"].contains(words[0]), let n = Int(words[1]), n >= 1, n <= 600,
            let g = TimeGrain.named(words[2])
        {
            self = .last(n, g)
            return
        }
        if words.count == 2, ["last", "past"].contains(words[0]), let g = TimeGrain.named(words[1]) {
            self = .last(1, g)
            return
        }
        do {
            self = .fixed(try Period(parsing: text, field: field))
        } catch var d as Diagnostic {
            // A specific hint (no month 13, years outside the supported range) stays; an unreadable text gets every form.
            if d.message.hasPrefix("cannot read period") { d.hint = "use one of: " + PeriodExpression.forms }
            throw d
        }
    }

    /// The span this names, given the last day with data.
    public func resolve(lastDay: Day) -> ResolvedPeriod {
        switch self {
        case .fixed(let p): return ResolvedPeriod(first: p, count: 1)
        case .range(let a, let b): return ResolvedPeriod(from: a, through: b) ?? ResolvedPeriod(first: a, count: 1)
        case .latest(let g): return ResolvedPeriod(first: Period(grain: g, containing: lastDay), count: 1)
        case .last(let n, let g):
            let latest = Period(grain: g, containing: lastDay)
            let r = ResolvedPeriod(first: latest.shifted(by: -(n - 1)), count: n)
            return n == 1 ? r : ResolvedPeriod(first: r.first, count: n, label: "\(n) \(g.unitName)s to \(latest.label)")
        case .financialYearToDate:
            let month = Period(grain: .month, containing: lastDay)
            let start = Period(grain: .month, containing: TimeGrain.financialYear.start(of: lastDay))
            let months = (month.start.year - start.start.year) * 12 + month.start.month - start.start.month + 1
            return ResolvedPeriod(
                first: start, count: months,
                label: "financial year to date, \(start.label) to \(month.label)")
        }
    }

    /// Whether the expression needs the data's last day to resolve.
    public var isRelative: Bool {
        switch self {
        case .fixed, .range: return false
        default: return true
        }
    }
}

extension TimeGrain {
    /// Singular unit name for labels: `month`, `quarter`, `financial year`.
    public var unitName: String {
        switch self {
        case .isoWeek: return "week"
        case .financialQuarter: return "financial quarter"
        case .financialYear: return "financial year"
        default: return rawValue
        }
    }

    /// A grain from a word people use: `month`, `months`, `weeks`, `quarter`, `years`.
    public static func named(_ word: String) -> TimeGrain? {
        var w = word.lowercased()
        if w.hasSuffix("s") { w.removeLast() }
        switch w {
        case "day": return .day
        case "week", "iso_week": return .isoWeek
        case "month": return .month
        case "quarter": return .quarter
        case "year": return .year
        case "financial_year", "fy": return .financialYear
        case "financial_quarter": return .financialQuarter
        default: return nil
        }
    }
}
