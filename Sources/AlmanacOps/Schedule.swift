import AlmanacCore
import AlmanacModel
import Foundation

/// A schedule declared in `schedules/*.yaml`: which report or pack, for which period, when,
/// for which audience, and who receives it.
public struct ScheduleDefinition: Sendable {
    /// What is published.
    public enum Target: Sendable, Equatable {
        case pack(String)
        case report(String)

        public var name: String {
            switch self {
            case .pack(let n), .report(let n): return n
            }
        }
        public var kind: String {
            switch self {
            case .pack: return "pack"
            case .report: return "report"
            }
        }
    }

    /// Which period a run publishes, relative to the day it runs.
    public enum PeriodRule: String, Sendable, CaseIterable {
        case previousMonth = "previous month"
        case previousQuarter = "previous quarter"
        case previousFinancialQuarter = "previous financial quarter"
        case previousFinancialYear = "previous financial year"
        case previousWeek = "previous week"

        /// The grain of the periods it gives.
        public var grain: TimeGrain {
            switch self {
            case .previousMonth: return .month
            case .previousQuarter: return .quarter
            case .previousFinancialQuarter: return .financialQuarter
            case .previousFinancialYear: return .financialYear
            case .previousWeek: return .isoWeek
            }
        }

        /// The period a run on `day` publishes: the last complete one before it.
        public func period(runningOn day: Day) -> Period {
            Period(grain: grain, containing: day).shifted(by: -1)
        }
    }

    /// A person who receives the publication.
    public struct Recipient: Sendable, Equatable {
        public var name: String
        public var email: String
        /// For an audience declared `per:` a dimension: the member whose pack this person gets.
        public var member: String?
    }

    /// The data a run waits for before it publishes.
    public struct Readiness: Sendable, Equatable {
        /// Every member of this dimension that has data in the period before must have data
        /// within `allowDays` of the period's last day.
        public var every: String?
        /// Days before the period's last day that still count as complete (weekends, holidays).
        public var allowDays: Int
    }

    public var name: String
    public var title: String
    public var target: Target
    public var audience: String?
    public var periodRule: PeriodRule
    public var when: Cadence
    /// The first day whose runs count; without it, a new schedule starts with its latest due run.
    public var start: Day?
    public var ready: Readiness
    /// Months of published periods to keep (nil: keep all).
    public var retentionMonths: Int?
    public var recipients: [Recipient]
    public var file: String
}

/// When a schedule runs, in London time: `monthly on working day 5 at 07:00`,
/// `monthly on day 1 at 06:30`, `quarterly on working day 10 at 07:00` (January, April,
/// July and October), `weekly on Monday at 07:00`.
public struct Cadence: Sendable, Equatable, CustomStringConvertible {
    public enum Every: String, Sendable { case monthly, quarterly, weekly }
    public var every: Every
    /// The nth working day of the month (monthly, quarterly).
    public var workingDay: Int?
    /// The nth calendar day of the month, moved to the month's last day when shorter.
    public var dayOfMonth: Int?
    /// Monday = 0 (weekly).
    public var weekday: Int?
    /// Minutes after midnight, London time.
    public var minutes: Int

    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Parses the `when:` text; nil with the reason when it is not one of the forms.
    public static func parse(_ text: String) -> Result<Cadence, Problem> {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let forms = "write e.g. `monthly on working day 5 at 07:00`, `monthly on day 1 at 06:30`, `quarterly on working day 10 at 07:00` or `weekly on Monday at 07:00`"
        guard words.count >= 5, let every = Every(rawValue: words[0]), words[1] == "on" else { return .failure(Problem(forms)) }
        guard words[words.count - 2] == "at" else { return .failure(Problem("no time: end with `at HH:MM`; " + forms)) }
        let clock = words[words.count - 1].split(separator: ":")
        guard clock.count == 2, clock[1].count == 2, let h = Int(clock[0]), let m = Int(clock[1]), (0..<24).contains(h), (0..<60).contains(m) else {
            return .failure(Problem("`\(words[words.count - 1])` is not a time: write HH:MM on the 24-hour clock, e.g. 07:00"))
        }
        var c = Cadence(every: every, minutes: h * 60 + m)
        let middle = Array(words[2..<(words.count - 2)])
        switch every {
        case .weekly:
            guard middle.count == 1, let d = weekdays.firstIndex(of: middle[0]) else { return .failure(Problem("weekly schedules name a day: " + forms)) }
            c.weekday = d
        case .monthly, .quarterly:
            if middle.count == 3, middle[0] == "working", middle[1] == "day", let n = Int(middle[2]) {
                guard (1...15).contains(n) else { return .failure(Problem("working day \(n) is out of range: choose 1 to 15")) }
                c.workingDay = n
            } else if middle.count == 2, middle[0] == "day", let n = Int(middle[1]) {
                guard (1...31).contains(n) else { return .failure(Problem("day \(n) is out of range: choose 1 to 31")) }
                c.dayOfMonth = n
            } else {
                return .failure(Problem(forms))
            }
        }
        return .success(c)
    }

    public var description: String {
        let at = " at " + LondonTime.Local(day: Day(ordinal: 0), minutes: minutes).clock
        switch every {
        case .weekly: return "weekly on " + Cadence.weekdays[weekday ?? 0].capitalized + at
        case .monthly, .quarterly:
            if let n = workingDay { return "\(every.rawValue) on working day \(n)" + at }
            return "\(every.rawValue) on day \(dayOfMonth ?? 1)" + at
        }
    }
}

/// Why a text could not be read.
public struct Problem: Error, Sendable {
    public var text: String
    public init(_ text: String) { self.text = text }
}

/// Reads `schedules/*.yaml`.
public enum ScheduleLoader {
    /// Every schedule in `directory`, by name; none when the folder does not exist.
    public static func loadAll(directory: String) throws -> [ScheduleDefinition] {
        var out: [ScheduleDefinition] = []
        for path in paths(in: directory) {
            let s = try load(path: path)
            if let other = out.first(where: { $0.name == s.name }) {
                throw Diagnostic(file: path, field: "name", message: "the schedule name `\(s.name)` is also used by \(other.file)",
                                 hint: "give each schedule its own name")
            }
            out.append(s)
        }
        return out
    }

    /// The schedule files in `directory`, by name.
    public static func paths(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Reads one schedule file.
    public static func load(path: String) throws -> ScheduleDefinition {
        try parse(YAMLReader.load(path: path), fileName: (path as NSString).lastPathComponent)
    }

    /// Parses and checks one schedule.
    public static func parse(_ r: YAMLReader, fileName: String) throws -> ScheduleDefinition {
        try r.checkKeys(["name", "title", "pack", "report", "audience", "period", "when", "timezone", "start", "ready",
                         "retention_months", "recipients"], in: "a schedule")
        let stem = ((fileName as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try r.optional("name")?.string("name") ?? stem
        guard isName(name) else {
            throw (r.optional("name") ?? r).error("`\(name)` is not a schedule name", field: "name", hint: "use letters, digits, - and _")
        }
        let target: ScheduleDefinition.Target
        switch (r.optional("pack"), r.optional("report")) {
        case (let p?, nil): target = .pack(try checkedName(p, "pack"))
        case (nil, let q?): target = .report(try checkedName(q, "report"))
        case (.some, .some): throw r.error("a schedule publishes one thing: give `pack:` or `report:`, not both", field: "report")
        case (nil, nil): throw r.error("a schedule has no `pack:` or `report:`", hint: "name the pack (packs/NAME.yaml) or report (reports/NAME.yaml) to publish")
        }
        let periodNode = try r.required("period", in: "a schedule")
        let periodText = try periodNode.string("period").lowercased().trimmingCharacters(in: .whitespaces)
        guard let rule = ScheduleDefinition.PeriodRule(rawValue: periodText) else {
            throw periodNode.error("`\(periodText)` is not a period rule", field: "period",
                                   hint: "write one of: " + ScheduleDefinition.PeriodRule.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let whenNode = try r.required("when", in: "a schedule")
        let cadence: Cadence
        switch Cadence.parse(try whenNode.string("when")) {
        case .success(let c): cadence = c
        case .failure(let why): throw whenNode.error("cannot read `when: \(try whenNode.string("when"))`: \(why.text)", field: "when")
        }
        if let tz = r.optional("timezone") {
            let zone = try tz.string("timezone")
            guard zone == "Europe/London" else {
                throw tz.error("time zone `\(zone)` is not supported", field: "timezone", hint: "schedules run in Europe/London time (GMT and BST); leave it out or write Europe/London")
            }
        }
        var start: Day?
        if let s = r.optional("start") {
            guard let d = Day(iso: try s.string("start")) else { throw s.error("`start` must be a date, YYYY-MM-DD", field: "start") }
            start = d
        }
        var ready = ScheduleDefinition.Readiness(every: nil, allowDays: 3)
        if let node = r.optional("ready") {
            try node.checkKeys(["every", "allow_days"], in: "`ready`")
            ready.every = try node.optional("every")?.string("every")
            if let a = node.optional("allow_days") {
                let n = try a.int("allow_days")
                guard (0...27).contains(n) else { throw a.error("`allow_days` must be 0 to 27", field: "allow_days") }
                ready.allowDays = n
            }
        }
        var retention: Int?
        if let node = r.optional("retention_months") {
            let n = try node.int("retention_months")
            guard (1...1200).contains(n) else { throw node.error("`retention_months` must be 1 to 1200", field: "retention_months") }
            retention = n
        }
        var recipients: [ScheduleDefinition.Recipient] = []
        for item in try r.optional("recipients")?.items("recipients") ?? [] {
            try item.checkKeys(["name", "email", "member"], in: "a recipient")
            let emailNode = try item.required("email", in: "a recipient")
            let email = try emailNode.string("email").trimmingCharacters(in: .whitespaces)
            guard Mail.isAddress(email) else {
                throw emailNode.error("`\(email)` is not an email address", field: "email", hint: "write one address such as name@council.example")
            }
            let nameNode = item.optional("name")
            let person = try nameNode?.string("name") ?? ""
            guard Mail.isPhrase(person) else {
                throw (nameNode ?? item).error("a recipient's name may not hold control characters, quotes, angle brackets or be longer than 100 characters", field: "name")
            }
            let member = try item.optional("member")?.string("member")
            if recipients.contains(where: { $0.email.lowercased() == email.lowercased() && $0.member == member }) {
                throw emailNode.error("`\(email)` is listed twice", field: "email", hint: "list each recipient once; they would otherwise get the pack twice")
            }
            recipients.append(.init(name: person, email: email, member: member))
        }
        let audience = try r.optional("audience")?.string("audience")
        return ScheduleDefinition(
            name: name, title: try r.optional("title")?.string("title") ?? name, target: target, audience: audience,
            periodRule: rule, when: cadence, start: start, ready: ready, retentionMonths: retention,
            recipients: recipients, file: r.file)
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 100 && s.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }

    static func checkedName(_ node: YAMLReader, _ what: String) throws -> String {
        let n = try node.string(what)
        guard isName(n) else { throw node.error("`\(n)` is not a \(what) name", field: what, hint: "a file name in \(what)s/ without .yaml") }
        return n
    }
}
