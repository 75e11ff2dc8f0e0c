import AlmanacCore
import AlmanacModel
import Foundation

/// Working days in England and Wales: Monday to Friday except bank holidays, computed by
/// rule (`BankHolidays`) plus one-off holidays read from a file (`config/holidays.yaml`).
public struct WorkingCalendar: Sendable {
    /// Holidays beyond the rules and the built-in list.
    public var extra: [BankHolidays.Holiday]

    public init(extra: [BankHolidays.Holiday] = []) { self.extra = extra }

    /// Reads a holidays file: `holidays: [{date: 2023-05-08, name: Coronation}]`. A missing
    /// file gives the rules alone.
    public static func load(path: String) throws -> WorkingCalendar {
        guard FileManager.default.fileExists(atPath: path) else { return WorkingCalendar() }
        let r = try YAMLReader.load(path: path)
        try r.checkKeys(["holidays"], in: "a holidays file")
        var extra: [BankHolidays.Holiday] = []
        for item in try r.optional("holidays")?.items("holidays") ?? [] {
            try item.checkKeys(["date", "name"], in: "a holiday")
            let dateNode = try item.required("date", in: "a holiday")
            guard let d = Day(iso: try dateNode.string("date")) else { throw dateNode.error("`date` must be YYYY-MM-DD", field: "date") }
            extra.append(.init(day: d, name: try item.optional("name")?.string("name") ?? "Bank holiday"))
        }
        return WorkingCalendar(extra: extra)
    }

    /// The holiday on `day`, if any.
    public func holiday(on day: Day) -> BankHolidays.Holiday? {
        extra.first { $0.day == day } ?? BankHolidays.holiday(on: day)
    }

    public func isWorkingDay(_ day: Day) -> Bool { day.weekday < 5 && holiday(on: day) == nil }

    /// The `n`th working day of the month starting `first`, and the holidays passed on the way.
    public func workingDay(_ n: Int, from first: Day) -> (day: Day, skipped: [BankHolidays.Holiday]) {
        var d = first, count = 0, skipped: [BankHolidays.Holiday] = []
        // A month has at least 15 working days, so n ≤ 15 ends within it; 40 days bounds the loop.
        for _ in 0..<40 {
            if d.weekday < 5 {
                if let h = holiday(on: d) { skipped.append(h) } else {
                    count += 1
                    if count == n { return (d, skipped) }
                }
            }
            d = d.adding(days: 1)
        }
        return (d, skipped)
    }
}

/// One time a schedule is due: when, why, and the period it publishes.
public struct Occurrence: Sendable, Equatable {
    /// The instant (seconds since 1970 UTC).
    public var instant: Int
    /// The period it publishes.
    public var period: Period
    /// Why it falls then: `5th working day of April 2026, after Good Friday (Friday 3 April)…`.
    public var reason: String

    /// `2026-04-09 07:00 BST`.
    public var when: String { LondonTime.describe(instant) }
}

extension ScheduleDefinition {
    /// The occurrences after `after` (exclusive) up to `through` (inclusive), oldest first,
    /// at most `limit` of them.
    public func occurrences(after: Int, through: Int, calendar: WorkingCalendar, limit: Int = 10_000) -> [Occurrence] {
        guard through > after, limit > 0 else { return [] }
        var out: [Occurrence] = []
        // Start a little before `after` in local time (a month's occurrence may fall late in it).
        var cursor = LondonTime.local(after).day.adding(days: -7)
        let lastDay = LondonTime.local(through).day.adding(days: 1)
        if let start, cursor < start.adding(days: -7) { cursor = start.adding(days: -7) }
        // One step per week or month: bounded by the span asked for.
        while cursor <= lastDay && out.count < limit {
            let candidates: [(Day, String)]
            switch when.every {
            case .weekly:
                let monday = cursor.adding(days: -cursor.weekday)
                let d = monday.adding(days: when.weekday ?? 0)
                candidates = [(d, "every \(d.weekdayLabel.split(separator: " ")[0])")]
                cursor = monday.adding(days: 7)
            case .monthly, .quarterly:
                let first = cursor.firstOfMonth()
                cursor = first.firstOfMonth(adding: 1)
                if when.every == .quarterly && (first.month - 1) % 3 != 0 { continue }
                candidates = [day(inMonthStarting: first, calendar: calendar)]
            }
            for (d, reason) in candidates {
                if let start, d < start { continue }
                let t = LondonTime.instant(.init(day: d, minutes: when.minutes))
                guard t > after && t <= through else { continue }
                out.append(Occurrence(instant: t, period: periodRule.period(runningOn: d), reason: reason))
            }
        }
        return out
    }

    /// The day this schedule runs in the month starting `first`, and why.
    func day(inMonthStarting first: Day, calendar: WorkingCalendar) -> (Day, String) {
        let monthLabel = Day.monthNames[first.month - 1] + " \(first.year)"
        if let n = when.workingDay {
            let (d, skipped) = calendar.workingDay(n, from: first)
            var reason = "\(Self.ordinal(n)) working day of \(monthLabel)"
            if !skipped.isEmpty {
                let names = skipped.map { "\($0.name) (\($0.day.weekdayLabel))" }
                reason += ", after " + (names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1])
            }
            return (d, reason)
        }
        let n = min(when.dayOfMonth ?? 1, Day.daysIn(month: first.month, year: first.year))
        let d = first.adding(days: n - 1)
        return (d, "day \(n) of \(monthLabel)" + (n < (when.dayOfMonth ?? 1) ? " (the month's last day)" : ""))
    }

    /// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`.
    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }
}
