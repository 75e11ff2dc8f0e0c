/// Bank holidays in England and Wales, computed by rule (the Banking and Financial Dealings
/// Act 1971 and the royal proclamations that move them), with the one-off holidays of
/// recent years. A holiday falling at a weekend gives a substitute day on the next weekday
/// not already a holiday.
public enum BankHolidays {
    /// One holiday: its date and name.
    public struct Holiday: Equatable, Sendable {
        public var day: Day
        public var name: String
        public init(day: Day, name: String) {
            self.day = day
            self.name = name
        }
    }

    /// Holidays proclaimed for one year only, and the years a regular holiday was moved.
    public static let oneOff: [Holiday] = [
        Holiday(day: Day(unchecked: 1977, month: 6, day: 7), name: "Silver Jubilee"),
        Holiday(day: Day(unchecked: 1981, month: 7, day: 29), name: "Royal wedding"),
        Holiday(day: Day(unchecked: 1999, month: 12, day: 31), name: "Millennium"),
        Holiday(day: Day(unchecked: 2002, month: 6, day: 3), name: "Golden Jubilee"),
        Holiday(day: Day(unchecked: 2011, month: 4, day: 29), name: "Royal wedding"),
        Holiday(day: Day(unchecked: 2012, month: 6, day: 5), name: "Diamond Jubilee"),
        Holiday(day: Day(unchecked: 2022, month: 6, day: 3), name: "Platinum Jubilee"),
        Holiday(day: Day(unchecked: 2022, month: 9, day: 19), name: "State funeral of Queen Elizabeth II"),
        Holiday(day: Day(unchecked: 2023, month: 5, day: 8), name: "Coronation of King Charles III"),
    ]

    /// Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> Day {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return Day(unchecked: year, month: month, day: day)
    }

    /// The holidays of `year` in date order (from 1978, when Early May began).
    public static func englandAndWales(_ year: Int) -> [Holiday] {
        func firstMonday(_ month: Int) -> Day {
            let d = Day(unchecked: year, month: month, day: 1)
            return d.adding(days: (7 - d.weekday) % 7)
        }
        func lastMonday(_ month: Int) -> Day {
            let next = month == 12 ? Day(unchecked: year + 1, month: 1, day: 1) : Day(unchecked: year, month: month + 1, day: 1)
            let last = next.adding(days: -1)
            return last.adding(days: -last.weekday)
        }
        let e = easter(year)
        var list: [Holiday] = []
        var taken = Set<Int>()
        func add(_ d: Day, _ name: String) { list.append(Holiday(day: d, name: name)); taken.insert(d.ordinal) }
        // Fixed dates that move to the next free weekday when they fall at a weekend.
        func fixed(_ month: Int, _ day: Int, _ name: String) {
            var d = Day(unchecked: year, month: month, day: day)
            if d.weekday >= 5 {
                repeat { d = d.adding(days: 1) } while d.weekday >= 5 || taken.contains(d.ordinal)
                add(d, name + " (substitute day)")
            } else {
                add(d, name)
            }
        }
        fixed(1, 1, "New Year's Day")
        add(e.adding(days: -2), "Good Friday")
        add(e.adding(days: 1), "Easter Monday")
        // Early May moved to Friday 8 May for VE Day in 1995 and 2020.
        if year == 1995 || year == 2020 { add(Day(unchecked: year, month: 5, day: 8), "Early May bank holiday (VE Day)") }
        else { add(firstMonday(5), "Early May bank holiday") }
        // The spring holiday moved for the jubilees of 2002, 2012 and 2022.
        switch year {
        case 2002: add(Day(unchecked: 2002, month: 6, day: 4), "Spring bank holiday")
        case 2012: add(Day(unchecked: 2012, month: 6, day: 4), "Spring bank holiday")
        case 2022: add(Day(unchecked: 2022, month: 6, day: 2), "Spring bank holiday")
        default: add(lastMonday(5), "Spring bank holiday")
        }
        add(lastMonday(8), "Summer bank holiday")
        // Christmas first, so Boxing Day's substitute skips a Christmas substitute.
        let christmas = Day(unchecked: year, month: 12, day: 25)
        if christmas.weekday == 5 {  // Saturday: Monday and Tuesday
            add(christmas.adding(days: 2), "Christmas Day (substitute day)")
            add(christmas.adding(days: 3), "Boxing Day (substitute day)")
        } else if christmas.weekday == 6 {  // Sunday: Boxing Day Monday, Christmas substitute Tuesday
            add(christmas.adding(days: 1), "Boxing Day")
            add(christmas.adding(days: 2), "Christmas Day (substitute day)")
        } else {
            add(christmas, "Christmas Day")
            fixed(12, 26, "Boxing Day")
        }
        for h in oneOff where h.day.year == year { add(h.day, h.name) }
        return list.sorted { $0.day < $1.day }
    }

    /// Whether `day` is a bank holiday in England and Wales, with its name.
    public static func holiday(on day: Day) -> Holiday? {
        englandAndWales(day.year).first { $0.day == day }
    }
}
