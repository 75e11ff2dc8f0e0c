/// A civil calendar date with no time zone: the unit of all time in Almanac.
///
/// Stored in the warehouse as ISO 8601 text (`2025-10-31`), which sorts chronologically.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Calendar year, e.g. 2025.
    public let year: Int
    /// Month 1–12.
    public let month: Int
    /// Day of month 1–31.
    public let day: Int

    /// Creates a date, or nil if it does not exist (2025-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year),
            (1...9999).contains(year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date from parts known to be valid (month 1–12, day within it) for any year, so date
    /// arithmetic is total: moving past year 9999 or before year 1 gives a far date, never a trap.
    init(unchecked year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The dates Almanac computes with: periods outside are an error, not a calculation.
    public static let supported = (first: Day(unchecked: 1900, month: 1, day: 1), last: Day(unchecked: 2199, month: 12, day: 31))

    /// Parses strict ISO `YYYY-MM-DD`; nil for anything else.
    public init?(iso text: Substring) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses strict ISO `YYYY-MM-DD`; nil for anything else.
    public init?(iso text: String) { self.init(iso: Substring(text)) }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Days in a month of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `ordinal` days after 1970-01-01.
    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// This date moved by `days` (negative moves back).
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// The first day of the month `months` after this date's month.
    public func firstOfMonth(adding months: Int = 0) -> Day {
        let (index, overflow) = (year * 12 + (month - 1)).addingReportingOverflow(months)
        guard !overflow else { return self }
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        return Day(unchecked: y, month: index - y * 12 + 1, day: 1)
    }

    /// 0 = Monday … 6 = Sunday (ISO).
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 }

    /// Day of year, 1-based.
    public var dayOfYear: Int { ordinal - Day(unchecked: year, month: 1, day: 1).ordinal + 1 }

    /// The UK financial year this date falls in, named by its starting calendar year
    /// (2024 for 1 April 2024 – 31 March 2025).
    public var financialYearStart: Int { month >= 4 ? year : year - 1 }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)", d = day < 10 ? "0\(day)" : "\(day)"
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + m + "-" + d
    }

    /// The date as people write it in prose (GOV.UK style): `31 March 2026`.
    public var longLabel: String { "\(day) \(Day.monthNames[month - 1]) \(year)" }

    /// A span of days in prose, without repeating what is shared: `12 to 14 November 2024`,
    /// `30 November to 2 December 2024`, `30 December 2024 to 2 January 2025`.
    public static func rangeLabel(_ a: Day, _ b: Day) -> String {
        if a == b { return a.longLabel }
        if a.year != b.year { return "\(a.longLabel) to \(b.longLabel)" }
        if a.month != b.month { return "\(a.day) \(monthNames[a.month - 1]) to \(b.longLabel)" }
        return "\(a.day) to \(b.longLabel)"
    }

    /// A span of months in prose: `September to October 2022`, `December 2024 to January 2025`.
    public static func monthRangeLabel(_ a: Day, _ b: Day) -> String {
        if a.year == b.year && a.month == b.month { return "\(monthNames[a.month - 1]) \(a.year)" }
        if a.year == b.year { return "\(monthNames[a.month - 1]) to \(monthNames[b.month - 1]) \(b.year)" }
        return "\(monthNames[a.month - 1]) \(a.year) to \(monthNames[b.month - 1]) \(b.year)"
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// English month names, for labels.
    public static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ]
}
