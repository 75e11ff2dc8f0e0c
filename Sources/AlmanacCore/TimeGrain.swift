/// The time grains a report or query can group by.
///
/// Each grain has a key format that sorts chronologically as text, so the warehouse can
/// group and order by it directly: `2025-10-31`, `2025-W44` (ISO week), `2025-10`,
/// `2025-Q4`, `2025-26 Q3` (financial quarter), `2025`, and the UK financial year `2024-25`
/// (April 2024 to March 2025, as ONS writes it).
public enum TimeGrain: String, CaseIterable, Sendable, Codable {
    case day
    case isoWeek = "iso_week"
    case month
    case quarter
    case financialQuarter = "financial_quarter"
    case year
    case financialYear = "financial_year"

    /// A label for column headers: `Financial year`, `ISO week`.
    public var title: String {
        switch self {
        case .isoWeek: return "ISO week"
        case .financialQuarter: return "Financial quarter"
        case .financialYear: return "Financial year"
        default: return rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }

    /// The key of the period containing `d`.
    public func key(for d: Day) -> String {
        switch self {
        case .day: return d.description
        case .isoWeek:
            let (year, week) = TimeGrain.isoWeek(of: d)
            return "\(year)-W\(week < 10 ? "0" : "")\(week)"
        case .month: return String(d.description.prefix(7))
        case .quarter: return "\(d.year)-Q\((d.month + 2) / 3)"
        case .financialQuarter:
            return TimeGrain.financialYearLabel(d.financialYearStart) + " Q\(((d.month + 8) % 12) / 3 + 1)"
        case .year: return String(d.year)
        case .financialYear: return TimeGrain.financialYearLabel(d.financialYearStart)
        }
    }

    /// ISO 8601 week-numbering year and week of a date: the week belongs to the year of its Thursday.
    public static func isoWeek(of d: Day) -> (year: Int, week: Int) {
        let thursday = d.adding(days: 3 - d.weekday)
        return (thursday.year, (thursday.dayOfYear - 1) / 7 + 1)
    }

    /// `2024-25` for the year starting April 2024.
    public static func financialYearLabel(_ startYear: Int) -> String {
        let next = (startYear + 1) % 100
        return "\(startYear)-\(next < 10 ? "0" : "")\(next)"
    }

    /// A human label for a key: `2025-10` → `Oct 2025` (short) or `October 2025`.
    public func label(forKey key: String, short: Bool = false) -> String {
        switch self {
        case .month:
            guard let d = Day(iso: key + "-01") else { return key }
            let name = Day.monthNames[d.month - 1]
            return (short ? String(name.prefix(3)) : name) + " \(d.year)"
        case .quarter:
            let parts = key.split(separator: "-")
            return parts.count == 2 ? "\(parts[1]) \(parts[0])" : key
        case .day:
            guard let d = Day(iso: key) else { return key }
            let name = Day.monthNames[d.month - 1]
            return "\(d.day) \(short ? String(name.prefix(3)) : name) \(d.year)"
        case .isoWeek:
            return short ? key : "week " + (key.split(separator: "W").last.map(String.init) ?? key) + " of " + String(key.prefix(4))
        case .year, .financialYear, .financialQuarter:
            return key
        }
    }

    /// The first day of the period after the one containing `d`.
    public func nextStart(after d: Day) -> Day {
        switch self {
        case .day: return d.adding(days: 1)
        case .isoWeek: return start(of: d).adding(days: 7)
        case .month: return d.firstOfMonth(adding: 1)
        case .quarter, .financialQuarter: return start(of: d).firstOfMonth(adding: 3)
        case .year: return Day(unchecked: d.year + 1, month: 1, day: 1)
        case .financialYear: return Day(unchecked: d.financialYearStart + 1, month: 4, day: 1)
        }
    }

    /// The first day of the period containing `d`.
    public func start(of d: Day) -> Day {
        switch self {
        case .day: return d
        case .isoWeek: return d.adding(days: -d.weekday)
        case .month: return d.firstOfMonth()
        // Calendar and financial quarters share boundaries (Jan, Apr, Jul, Oct).
        case .quarter, .financialQuarter: return Day(unchecked: d.year, month: ((d.month - 1) / 3) * 3 + 1, day: 1)
        case .year: return Day(unchecked: d.year, month: 1, day: 1)
        case .financialYear: return Day(unchecked: d.financialYearStart, month: 4, day: 1)
        }
    }

    /// The first day of the period a key names (the inverse of `key(for:)`), or nil.
    public func startDay(ofKey key: String) -> Day? {
        let parts = key.split(separator: "-")
        switch self {
        case .day: return Day(iso: key)
        case .month: return Day(iso: key + "-01")
        case .year: return Int(key).flatMap { Day(year: $0, month: 1, day: 1) }
        case .quarter:
            guard parts.count == 2, let y = Int(parts[0]), parts[1].hasPrefix("Q"), let q = Int(parts[1].dropFirst()), (1...4).contains(q) else { return nil }
            return Day(year: y, month: q * 3 - 2, day: 1)
        case .financialYear:
            guard parts.count == 2, let y = Int(parts[0]) else { return nil }
            return Day(year: y, month: 4, day: 1)
        case .financialQuarter:
            guard let y = Int(key.prefix(4)), let q = Int(key.suffix(1)), (1...4).contains(q) else { return nil }
            return Day(year: y, month: 4, day: 1)?.firstOfMonth(adding: (q - 1) * 3)
        case .isoWeek:
            guard parts.count == 2, let y = Int(parts[0]), parts[1].hasPrefix("W"), let w = Int(parts[1].dropFirst()),
                let jan4 = Day(year: y, month: 1, day: 4)
            else { return nil }
            return jan4.adding(days: -jan4.weekday + (w - 1) * 7)
        }
    }

    /// The key `n` periods after (negative: before) the one named by `key`.
    public func key(_ key: String, shiftedBy n: Int) -> String? {
        guard let d = startDay(ofKey: key) else { return nil }
        return Period(grain: self, containing: d).shifted(by: n).key
    }

    /// Whether the grain is calendar-aligned within a year, so its periods can be compared
    /// with the same period a year earlier by moving back 12 months.
    public var periodsPerYear: Int? {
        switch self {
        case .month: return 12
        case .quarter, .financialQuarter: return 4
        case .year, .financialYear: return 1
        case .isoWeek: return 52
        case .day: return nil
        }
    }
}
