import AlmanacCore
import AlmanacModel
import AlmanacOps
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

/// What the scheduling commands share: the clock, the schedules and the delivery settings.
struct OpsOptions: ParsableArguments {
    @Option(help: "The clock, for tests and operators: 2026-04-09T07:00 (London time), 2026-04-09T06:00Z (UTC) or 2026-04-09. Default: $ALMANAC_NOW, or now.")
    var now: String?

    @Option(help: "The delivery settings (default: PROJECT/config/delivery.yaml).")
    var delivery: String?

    /// The clock as an instant.
    func clock() throws -> Int {
        guard let text = now ?? ProcessInfo.processInfo.environment["ALMANAC_NOW"] else { return Int(Date().timeIntervalSince1970) }
        guard let t = LondonTime.parse(text) else {
            throw Diagnostic(field: "--now", message: "`\(text)` is not a time", hint: "write 2026-04-09T07:00 (London time), 2026-04-09T06:00Z (UTC) or 2026-04-09")
        }
        return t
    }

    func settings(_ project: ProjectOptions) throws -> DeliverySettings {
        try DeliverySettings.load(path: delivery ?? project.path("config/delivery.yaml"))
    }

    func calendar(_ project: ProjectOptions, _ s: DeliverySettings) throws -> WorkingCalendar {
        try WorkingCalendar.load(path: project.path(s.holidays))
    }

    func schedules(_ project: ProjectOptions, only: [String] = []) throws -> [ScheduleDefinition] {
        let all = try ScheduleLoader.loadAll(directory: project.path("schedules"))
        for n in only where !all.contains(where: { $0.name == n }) {
            throw Diagnostic(field: "--schedule", message: "no schedule called `\(n)`", hint: Suggest.hint(for: n, in: all.map(\.name), noun: "schedule"))
        }
        return only.isEmpty ? all : all.filter { only.contains($0.name) }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every scheduled publication that is due, and deliver it by email exactly once.",
        discussion: """
            With --due, runs each schedule in schedules/ that has fallen due since its last \
            successful run, oldest first, catching up runs missed while the machine was off; \
            does nothing when nothing is due. Each run checks the period's data is complete \
            (else it waits, says so in the ledger, tells the operator and is tried again at the \
            next --due), publishes the pack into the output folder, and hands one message per \
            recipient to the mail command (config/delivery.yaml; default msmtp), recording each \
            in the run ledger before and after, so a run stopped at any point is completed by \
            the next without sending anything twice. One runner at a time: a second exits at once.

            Schedule it with cron or a systemd timer (deploy/); Almanac keeps no daemon.

            Exit status: 0 nothing failed (runs waiting for data included); 1 a run failed (the \
            operator is told; the next run --due retries it).

            Examples:
              almanac run --due
              almanac run --due --dry-run --outbox outbox/
              almanac run --due --now 2026-04-09T07:30
            """)

    @OptionGroup var options: ProjectOptions
    @OptionGroup var ops: OpsOptions

    @Flag(help: "Run everything due (the only mode for now; required).")
    var due = false

    @Flag(help: "Write the messages to --outbox and the publications under it; send nothing, record nothing.")
    var dryRun = false

    @Option(help: "Where --dry-run writes messages.")
    var outbox = "outbox"

    @Option(help: "Only this schedule (repeat for several).")
    var schedule: [String] = []

    @Option(help: "Output folder (default: the delivery settings' `out`).")
    var out: String?

    func run() throws {
        var failed = false
        try guarded {
            guard due else {
                throw Diagnostic(field: "--due", message: "say what to run", hint: "`almanac run --due` runs every schedule that is due; `almanac schedule` lists them")
            }
            let now = try ops.clock()
            let settings = try ops.settings(options)
            let calendar = try ops.calendar(options, settings)
            let schedules = try ops.schedules(options, only: schedule)
            let (model, warehouse) = try options.open()
            let lockPath = warehouse.path + ".run-lock"
            switch try RunLock.acquire(path: lockPath, now: now) {
            case .failure(let holder):
                var err = StandardError()
                print("another run holds \(lockPath): \(holder.text); exiting (it will do what is due)", to: &err)
                return
            case .success(let lock):
                defer { withExtendedLifetime(lock) {} }
                var context = Runner.Context(
                    model: model, warehouse: warehouse,
                    paths: .init(reports: options.path("reports"), templates: options.path("templates"), packs: options.path("packs"), model: options.modelPath),
                    schedules: schedules, calendar: calendar, settings: settings, out: out ?? options.path(settings.out), now: now)
                context.dryRun = dryRun
                context.outbox = outbox
                let summary = try Runner(context).runDue()
                for line in summary.lines { print(line) }
                if dryRun {
                    print("dry run: \(summary.done) would be delivered, \(summary.waiting) waiting for data, \(summary.failed) failed; nothing sent, nothing recorded")
                } else if summary.done + summary.failed + summary.waiting > 0 {
                    print("\(summary.done) done, \(summary.waiting) waiting for data, \(summary.failed) failed; \(summary.sent) messages sent")
                }
                failed = summary.failed > 0
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "List each schedule's next run times, and why they fall then.",
        discussion: """
            Times are London time (GMT or BST); working days skip weekends and England and \
            Wales bank holidays, computed by rule (Easter, substitute days) plus \
            config/holidays.yaml.

            Example:
              almanac schedule --count 3
            """)

    @OptionGroup var options: ProjectOptions
    @OptionGroup var ops: OpsOptions

    @Option(help: "How many future runs to list per schedule (1 to 60).")
    var count = 3

    func run() throws {
        try guarded {
            guard (1...60).contains(count) else { throw Diagnostic(field: "--count", message: "--count must be 1 to 60") }
            let now = try ops.clock()
            let settings = try ops.settings(options)
            let calendar = try ops.calendar(options, settings)
            let schedules = try ops.schedules(options)
            if schedules.isEmpty {
                print("no schedules in \(options.path("schedules"))")
                return
            }
            let model = try ModelLoader.load(path: options.modelPath)
            print("Schedules at \(LondonTime.describe(now)):")
            for s in schedules {
                try Self.check(s, options: options, model: model)
                let people = s.recipients.count
                print("\n\(s.name): \(s.target.kind) \(s.target.name)" + (s.audience.map { " for \($0)" } ?? "")
                      + ", \(s.periodRule.rawValue), \(s.when), \(people) recipient\(people == 1 ? "" : "s")")
                // Look up to 6 years ahead: enough for `count` monthly, quarterly or weekly runs.
                let next = s.occurrences(after: now, through: now + 6 * 366 * 86_400, calendar: calendar, limit: count)
                for o in next { print("  \(o.when): \(o.period.key), \(o.reason)") }
            }
        }
    }

    /// The pack or report a schedule names exists, and so does its audience.
    static func check(_ s: ScheduleDefinition, options: ProjectOptions, model: SemanticModel) throws {
        var audiences: [String]
        switch s.target {
        case .pack(let n):
            audiences = try PackLoader.load(name: n, directory: options.path("packs"), reports: options.path("reports"), model: model).audiences.map(\.name)
        case .report(let n):
            audiences = try ReportLoader.load(name: n, directory: options.path("reports"), model: model).audiences.map(\.name)
        }
        if let every = s.ready.every, model.dimension(every) == nil {
            throw Diagnostic(file: s.file, field: "ready.every", message: "the model has no dimension `\(every)`",
                             hint: Suggest.hint(for: every, in: model.dimensions.map(\.name), noun: "dimension"))
        }
        if let a = s.audience, !audiences.contains(a) {
            throw Diagnostic(file: s.file, field: "audience", message: "\(s.target.kind) `\(s.target.name)` has no audience `\(a)`",
                             hint: Suggest.hint(for: a, in: audiences, noun: "audience"))
        }
    }
}

struct Runs: ParsableCommand {
    /// A note cut to fit a terminal line (the ledger keeps it whole).
    static func short(_ s: String) -> String { s.count > 200 ? String(s.prefix(199)) + "…" : s }

    static let configuration = CommandConfiguration(
        abstract: "Show the run ledger: each scheduled run and each delivery.",
        discussion: """
            Examples:
              almanac runs
              almanac runs --failed      what needs attention: failed runs, runs waiting for data, undelivered messages
            """)

    @OptionGroup var options: ProjectOptions

    @Flag(help: "Only runs that failed or wait for data, and messages not delivered.")
    var failed = false

    @Flag(help: "Each delivery too.")
    var deliveries = false

    @Flag(help: "What `almanac prune` deleted, and when.")
    var pruned = false

    func run() throws {
        try guarded {
            let warehouse = try Warehouse.openExisting(path: options.warehousePath)
            if pruned {
                let list = try warehouse.pruned()
                if list.isEmpty {
                    print("nothing has been pruned")
                    return
                }
                var rows: [[String]] = [["pruned at", "folder", "period", "files", "bytes"]]
                for p in list { rows.append([LondonTime.parse(p.prunedAt).map(LondonTime.describe) ?? p.prunedAt, p.path, p.period, "\(p.files)", NumberFormat.grouped(Double(p.bytes), decimals: 0)]) }
                print(TableFormatter.plain(rows))
                return
            }
            var runs = try warehouse.runs()
            let all = try warehouse.deliveries()
            if failed { runs = runs.filter { $0.status != "done" } }
            if runs.isEmpty {
                print(failed ? "nothing needs attention" : "no runs yet")
                return
            }
            var rows: [[String]] = [["run", "schedule", "period", "due", "status", "stage", "tries", "sent", "data to", "seconds", "note"]]
            for r in runs {
                let mine = all.filter { $0.runID == r.id }
                let sent = mine.filter { $0.status == "sent" }.count
                let seconds = [r.querySeconds, r.renderSeconds, r.deliverSeconds].compactMap { $0 }.reduce(0, +)
                let due = LondonTime.parse(r.occurrence).map(LondonTime.describe) ?? r.occurrence
                rows.append(["\(r.id)", r.schedule, r.period, due, r.status, r.stage, "\(r.attempts)", "\(sent)/\(mine.count)",
                             r.dataLastDay ?? "", String(format: "%.1f", seconds), Self.short(Terminal.safe(r.message ?? ""))])
            }
            print(TableFormatter.plain(rows))
            let shown = Set(runs.map(\.id))
            let list = all.filter { shown.contains($0.runID) && (deliveries || (failed && $0.status != "sent")) }
            if !list.isEmpty {
                print("")
                var d: [[String]] = [["run", "member", "recipient", "status", "tries", "sent at", "detail"]]
                for x in list { d.append(["\(x.runID)", x.member, x.recipient, x.status, "\(x.attempts)", x.sentAt ?? "", Self.short(Terminal.safe(x.detail ?? ""))]) }
                print(TableFormatter.plain(d))
            }
        }
    }
}
