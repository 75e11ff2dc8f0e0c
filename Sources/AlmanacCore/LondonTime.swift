/// Civil time in Europe/London, by rule rather than from the system's time-zone files (which a
/// fresh server may not have): Greenwich Mean Time, and British Summer Time (UTC+1) from
/// 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October, the rule
/// in force since 1996. An instant is whole seconds since 1970-01-01 00:00 UTC.
public enum LondonTime {
    /// A wall-clock time in London: a day and the minutes since its midnight.
    public struct Local: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var day: Day
        public var minutes: Int

        /// Creates a local time; `minutes` must be within the day (0..<1440).
        public init(day: Day, minutes: Int) {
            self.day = day
            self.minutes = min(max(minutes, 0), 1439)
        }

        public static func < (a: Local, b: Local) -> Bool { (a.day, a.minutes) < (b.day, b.minutes) }

        /// `HH:MM`.
        public var clock: String {
            let h = minutes / 60, m = minutes % 60
            return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
        }

        /// `YYYY-MM-DD HH:MM`.
        public var description: String { "\(day) \(clock)" }
    }

    static let epoch = Day(unchecked: 1970, month: 1, day: 1).ordinal

    /// The instant at the start of `day` UTC.
    public static func midnightUTC(_ day: Day) -> Int { (day.ordinal - epoch) * 86_400 }

    /// The UTC day and minute of an instant.
    public static func utcParts(_ instant: Int) -> Local {
        let days = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        return Local(day: Day(ordinal: epoch + days), minutes: (instant - days * 86_400) / 60)
    }

    /// The last Sunday of `month` in `year`.
    static func lastSunday(_ year: Int, _ month: Int) -> Day {
        let last = Day(unchecked: year, month: month, day: Day.daysIn(month: month, year: year))
        return last.adding(days: -((last.weekday + 1) % 7))
    }

    /// When summer time starts and ends in `year` (instants, 01:00 UTC on each last Sunday).
    public static func summerTime(_ year: Int) -> (start: Int, end: Int) {
        (midnightUTC(lastSunday(year, 3)) + 3_600, midnightUTC(lastSunday(year, 10)) + 3_600)
    }

    /// Whether London keeps summer time at `instant`.
    public static func isSummerTime(_ instant: Int) -> Bool {
        let year = utcParts(instant).day.year
        let bst = summerTime(year)
        return instant >= bst.start && instant < bst.end
    }

    /// London's offset from UTC at `instant`, in seconds.
    public static func offset(_ instant: Int) -> Int { isSummerTime(instant) ? 3_600 : 0 }

    /// The wall-clock time in London at `instant`.
    public static func local(_ instant: Int) -> Local { utcParts(instant + offset(instant)) }

    /// The instant a wall-clock time in London names. A time skipped when the clocks go
    /// forward (01:00 to 01:59 on the last Sunday of March) is read an hour later, as a
    /// scheduler would run it; a time that happens twice when they go back is the first.
    public static func instant(_ t: Local) -> Int {
        let asUTC = midnightUTC(t.day) + t.minutes * 60
        // Try summer time first (the earlier of two readings), then GMT.
        if isSummerTime(asUTC - 3_600) { return asUTC - 3_600 }
        if !isSummerTime(asUTC) { return asUTC }
        // In the gap: the same reading an hour later.
        return asUTC
    }

    /// `GMT` or `BST`.
    public static func zone(_ instant: Int) -> String { isSummerTime(instant) ? "BST" : "GMT" }

    /// `2026-04-09 07:00 BST`.
    public static func describe(_ instant: Int) -> String { "\(local(instant)) \(zone(instant))" }

    /// `2026-04-09T06:00:00Z`.
    public static func iso(_ instant: Int) -> String {
        let p = utcParts(instant)
        let s = instant - midnightUTC(p.day) - p.minutes * 60
        return "\(p.day)T\(p.clock):" + (s < 10 ? "0" : "") + "\(s)Z"
    }

    /// An RFC 5322 date for a mail header: `Thu, 09 Apr 2026 07:00:00 +0100`.
    public static func rfc5322(_ instant: Int) -> String {
        let t = local(instant)
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let dd = (t.day.day < 10 ? "0" : "") + "\(t.day.day)"
        return "\(names[t.day.weekday]), \(dd) \(months[t.day.month - 1]) \(t.day.year) \(t.clock):00 " + (isSummerTime(instant) ? "+0100" : "+0000")
    }

    /// Reads a time given on the command line: `2026-04-09T07:00` or `2026-04-09 07:00`
    /// (London time), the same ending in `Z` (UTC), or a bare day (its midnight in London).
    public static func parse(_ text: String) -> Int? {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        let utc = s.hasSuffix("Z") || s.hasSuffix("z")
        if utc { s = s.dropLast() }
        guard s.count >= 10, let day = Day(iso: s.prefix(10)) else { return nil }
        var minutes = 0, seconds = 0
        let rest = s.dropFirst(10)
        if !rest.isEmpty {
            guard rest.first == "T" || rest.first == " " else { return nil }
            let parts = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
                let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
            else { return nil }
            minutes = h * 60 + m
            if parts.count == 3 {
                guard let sec = Int(parts[2]), (0..<60).contains(sec) else { return nil }
                seconds = sec
            }
        }
        if utc { return midnightUTC(day) + minutes * 60 + seconds }
        return instant(Local(day: day, minutes: minutes)) + seconds
    }
}

extension Day {
    /// `Friday 3 April`.
    public var weekdayLabel: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday] + " \(day) " + Day.monthNames[month - 1]
    }
}
