/// The time grains a report or query can group by.
///
/// Each grain has a key format that sorts chronologically as text, so the warehouse can
/// group and order by it directly: `2025-10`, `2025-Q4`, `2025`, and the UK financial year
/// `2024-25` (April 2024 to March 2025, as ONS writes it).
public enum TimeGrain: String, CaseIterable, Sendable, Codable {
    case day
    case month
    case quarter
    case year
    case financialYear = "financial_year"

    /// The key of the period containing `d`.
    public func key(for d: Day) -> String {
        switch self {
        case .day: return d.description
        case .month: return String(d.description.prefix(7))
        case .quarter: return "\(d.year)-Q\((d.month + 2) / 3)"
        case .year: return String(d.year)
        case .financialYear: return TimeGrain.financialYearLabel(d.financialYearStart)
        }
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
        case .year, .financialYear:
            return key
        }
    }

    /// The first day of the period after the one containing `d`.
    public func nextStart(after d: Day) -> Day {
        switch self {
        case .day: return d.adding(days: 1)
        case .month: return d.firstOfMonth(adding: 1)
        case .quarter:
            let q0 = Day(year: d.year, month: ((d.month - 1) / 3) * 3 + 1, day: 1)!
            return q0.firstOfMonth(adding: 3)
        case .year: return Day(year: d.year + 1, month: 1, day: 1)!
        case .financialYear: return Day(year: d.financialYearStart + 1, month: 4, day: 1)!
        }
    }

    /// The first day of the period containing `d`.
    public func start(of d: Day) -> Day {
        switch self {
        case .day: return d
        case .month: return d.firstOfMonth()
        case .quarter: return Day(year: d.year, month: ((d.month - 1) / 3) * 3 + 1, day: 1)!
        case .year: return Day(year: d.year, month: 1, day: 1)!
        case .financialYear: return Day(year: d.financialYearStart, month: 4, day: 1)!
        }
    }
}
