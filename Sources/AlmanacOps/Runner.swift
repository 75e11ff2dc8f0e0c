import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacReports
import AlmanacWarehouse
import Crypto
import Foundation

/// Runs what is due: every schedule's occurrences since its last successful run, oldest
/// first; each one checked for complete data, published, and delivered to each recipient
/// exactly once, every step recorded in the run ledger so that a run stopped at any point
/// is completed by the next without repeating what was done.
public final class Runner {
    /// What the runner needs.
    public struct Context {
        public var model: SemanticModel
        public var warehouse: Warehouse
        public var paths: ReportPublisher.Paths
        public var schedules: [ScheduleDefinition]
        public var calendar: WorkingCalendar
        public var settings: DeliverySettings
        /// The output folder (resolved).
        public var out: String
        /// The clock (seconds since 1970 UTC).
        public var now: Int
        /// Write messages to `outbox` instead of sending; record nothing.
        public var dryRun = false
        public var outbox = "outbox"
        /// Prints progress.
        public var log: (String) -> Void = { print($0) }

        public init(model: SemanticModel, warehouse: Warehouse, paths: ReportPublisher.Paths, schedules: [ScheduleDefinition],
                    calendar: WorkingCalendar, settings: DeliverySettings, out: String, now: Int) {
            self.model = model
            self.warehouse = warehouse
            self.paths = paths
            self.schedules = schedules
            self.calendar = calendar
            self.settings = settings
            self.out = out
            self.now = now
        }
    }

    /// One run the clock says is due.
    public struct Due: Sendable {
        public var schedule: ScheduleDefinition
        public var occurrence: Occurrence
    }

    /// What a `run --due` did.
    public struct Summary: Sendable {
        public var done = 0, waiting = 0, failed = 0, sent = 0
        public var lines: [String] = []
    }

    let c: Context
    let sender: MailSender

    public init(_ context: Context) {
        c = context
        let spool = context.dryRun ? (context.outbox as NSString).appendingPathComponent(".spool") : context.warehouse.path + ".spool"
        sender = MailSender(command: context.settings.mailCommand, spool: spool, attempts: context.settings.attempts,
                            backoffSeconds: context.settings.backoffSeconds)
    }

    /// Every run due at the clock, oldest first (ties by schedule name).
    public func due() throws -> [Due] {
        var all: [Due] = []
        for s in c.schedules {
            let runs = try c.warehouse.runs(schedule: s.name)
            let done = Set(runs.filter { $0.status == "done" }.map(\.period))
            let open = runs.filter { $0.status != "done" }.compactMap { LondonTime.parse($0.occurrence) }
            let list: [Occurrence]
            if let earliest = open.min() {
                list = s.occurrences(after: earliest - 1, through: c.now, calendar: c.calendar)
            } else if let last = runs.compactMap({ LondonTime.parse($0.occurrence) }).max() {
                list = s.occurrences(after: last, through: c.now, calendar: c.calendar)
            } else if let start = s.start {
                list = s.occurrences(after: LondonTime.instant(.init(day: start, minutes: 0)) - 1, through: c.now, calendar: c.calendar)
            } else {
                // A new schedule without `start:` begins with its latest due run, not with history.
                list = s.occurrences(after: c.now - 400 * 86_400, through: c.now, calendar: c.calendar).suffix(1)
            }
            all += list.filter { !done.contains($0.period.key) }.map { Due(schedule: s, occurrence: $0) }
        }
        return all.sorted { ($0.occurrence.instant, $0.schedule.name) < ($1.occurrence.instant, $1.schedule.name) }
    }

    /// Runs everything due.
    public func runDue() throws -> Summary {
        var summary = Summary()
        if !c.dryRun { importUnrecorded(&summary) }
        let list = try due()
        if list.isEmpty {
            summary.lines.append("nothing is due at \(LondonTime.describe(c.now))")
            return summary
        }
        for d in list { execute(d, &summary) }
        return summary
    }

    // MARK: - One run

    func execute(_ d: Due, _ summary: inout Summary) {
        let s = d.schedule, period = d.occurrence.period
        let label = "\(s.name) \(period.key)"
        var record = RunRecord(schedule: s.name, period: period.key, target: "\(s.target.kind):\(s.target.name)",
                               audience: s.audience, occurrence: LondonTime.iso(d.occurrence.instant))
        let previous: RunRecord?
        do {
            previous = try c.warehouse.run(schedule: s.name, period: period.key)
            if !c.dryRun { record = try c.warehouse.beginRun(record, at: LondonTime.iso(c.now)) }
        } catch {
            let why = "cannot record the run in the ledger: \(Runner.describe(error))"
            summary.failed += 1
            summary.lines.append("\(label): failed: \(why)")
            journalUnrecorded(record, message: why)
            notifyOperator(subject: "Almanac run failed: \(label)", text: """
                The scheduled run \(label) (due \(d.occurrence.when)) could not start.

                \(why)

                It will be tried again at the next `almanac run --due`; \
                `almanac runs --failed` lists what needs attention.
                """)
            return
        }
        if record.status == "done" { return }
        do {
            try perform(d, &record, previous: previous, &summary)
        } catch {
            let why = Runner.describe(error)
            record.status = "failed"
            record.message = why
            record.finishedAt = LondonTime.iso(c.now)
            summary.failed += 1
            summary.lines.append("\(label): failed at \(record.stage): \(why)")
            if !c.dryRun {
                do { try c.warehouse.saveRun(record) } catch { journalUnrecorded(record, message: why) }
            }
            if previous?.status != "failed" || previous?.message != why {
                notifyOperator(subject: "Almanac run failed: \(label)", text: """
                    The scheduled run \(label) (due \(d.occurrence.when)) failed at stage \(record.stage).

                    \(why)

                    Nothing already delivered will be sent again; the next `almanac run --due` \
                    takes the run up where it stopped. `almanac runs --failed` lists what needs attention.
                    """)
            }
        }
    }

    func perform(_ d: Due, _ record: inout RunRecord, previous: RunRecord?, _ summary: inout Summary) throws {
        let s = d.schedule, period = d.occurrence.period
        let label = "\(s.name) \(period.key)"
        let save: (RunRecord) throws -> Void = { [c] r in if !c.dryRun { try c.warehouse.saveRun(r) } }

        // 1. Data readiness, and the data's freshness for the ledger.
        let t0 = Date()
        let ready = try readiness(s, period: period)
        record.dataLastDay = ready.lastDay?.description
        record.dataLoadedAt = try c.warehouse.latestLoadTime()
        record.querySeconds = Date().timeIntervalSince(t0)
        if let why = ready.problem {
            let wasWaiting = previous?.status == "waiting"
            record.status = "waiting"
            record.message = why
            try save(record)
            summary.waiting += 1
            summary.lines.append("\(label): waiting for data: \(why)")
            if !wasWaiting && !c.dryRun {
                notifyOperator(subject: "Almanac run waiting for data: \(label)", text: """
                    The scheduled run \(label) (due \(d.occurrence.when)) has not published: \(why).

                    It is tried again at every `almanac run --due` and publishes once the data is loaded.
                    """)
            }
            return
        }
        if record.stage == "started" { record.stage = "ready" }
        try save(record)
        Fault.point("after-queries")

        // 2. The publication: made once per run; a resumed run delivers the same files.
        var manifest = try existingPublication(record)
        if manifest == nil {
            let t1 = Date()
            let publisher = ReportPublisher(model: c.model, warehouse: c.warehouse, paths: c.paths)
            let produced = LondonTime.local(c.now).day
            let out = publicationRoot
            let publication = try c.warehouse.snapshot {
                switch s.target {
                case .pack(let n): return try publisher.publishPack(name: n, period: period, outDirectory: out, produced: produced, audience: s.audience)
                case .report(let n): return try publisher.publish(name: n, period: period, outDirectory: out, produced: produced, audience: s.audience)
                }
            }
            try PublishedIndex.write(directory: out, organisation: try Branding.load(templates: c.paths.templates).organisation)
            record.folder = publication.folder
            let path = ((out as NSString).appendingPathComponent(publication.folder) as NSString).appendingPathComponent("manifest.json")
            guard let digest = OutputStore.digest(path) else {
                throw Diagnostic(file: path, message: "the publication has no manifest", hint: "check the output folder")
            }
            record.manifestSHA256 = digest.sha256
            record.renderSeconds = Date().timeIntervalSince(t1)
            record.stage = "published"
            try save(record)
            manifest = try PublishedManifest(path: path, folder: publication.folder)
        }
        guard let manifest else { return }
        // Never send a half-written, altered or empty pack: every file as its manifest records
        // it, and each PDF whole.
        let damaged = OutputStore.verify(folder: manifest.path)
        if !damaged.isEmpty {
            record.stage = "ready"
            throw Diagnostic(file: manifest.path, message: "the publication does not match its manifest: " + damaged.prefix(5).joined(separator: ", "),
                             hint: "the next run publishes it again")
        }
        if manifest.partial {
            throw Diagnostic(file: manifest.path, message: "the publication has no data for \(period.key)", hint: "load the period's data; the next run publishes it again")
        }
        for d in manifest.documents {
            let path = (manifest.path as NSString).appendingPathComponent(d.pdf)
            guard let h = FileHandle(forReadingAtPath: path) else { throw Diagnostic(file: path, message: "the PDF is missing") }
            let head = h.readData(ofLength: 5)
            let size = h.seekToEndOfFile()
            h.seek(toFileOffset: size > 1_024 ? size - 1_024 : 0)
            let tail = String(decoding: h.readDataToEndOfFile(), as: UTF8.self)
            h.closeFile()
            guard head == Data("%PDF-".utf8), tail.contains("%%EOF"), d.pages > 0 else {
                record.stage = "ready"
                throw Diagnostic(file: path, message: "the PDF is not a whole PDF document", hint: "the next run publishes it again")
            }
        }
        Fault.point("after-render")

        // 3. Deliveries, each recorded before and after it is handed over, under the
        // publication's protective marking.
        let marking: String
        switch s.target {
        case .pack(let n): marking = try PackLoader.load(name: n, directory: c.paths.packs, reports: c.paths.reports, model: c.model).marking
        case .report(let n): marking = try ReportLoader.load(name: n, directory: c.paths.reports, model: c.model).marking
        }
        let t2 = Date()
        var failures: [String] = []
        var sentNow = 0
        let existing = c.dryRun ? [] : try c.warehouse.deliveries(run: record.id)
        for recipient in s.recipients {
            let document = try manifest.document(for: recipient, schedule: s)
            let member = recipient.member.map { _ in document.member ?? "" } ?? ""
            let id = messageID(s, period: period, member: member, recipient: recipient.email)
            var delivery = existing.first { $0.member == member && $0.recipient == recipient.email }
                ?? DeliveryRecord(runID: record.id, member: member, recipient: recipient.email, messageID: id)
            if delivery.status == "sent" { continue }
            if !c.dryRun && sender.confirmed(id) {
                // Handed over by an earlier runner that stopped before recording it.
                delivery.status = "sent"
                delivery.sentAt = LondonTime.iso(c.now)
                delivery.detail = (delivery.detail ?? "") + " (confirmed from the spool after an interrupted run)"
                try c.warehouse.saveDelivery(delivery)
                sender.forget(id)
                continue
            }
            let (message, detail) = try compose(s, record: record, period: period, manifest: manifest, document: document, recipient: recipient, id: id, marking: marking)
            let bytes = message.rendered()
            if c.dryRun {
                let file = ((c.outbox as NSString).appendingPathComponent("\(s.name)/\(period.key)") as NSString).appendingPathComponent(token(id) + ".eml")
                try writeWhole(bytes, to: file)
                summary.lines.append("\(label): would send to \(recipient.email) (\(detail)): \(file)")
                continue
            }
            try sender.enqueue(bytes, id: id)
            delivery.status = "sending"
            delivery.attempts += 1
            delivery.detail = detail
            delivery.bytes = bytes.count
            delivery = try c.warehouse.saveDelivery(delivery)
            if let error = sender.send(id: id, from: c.settings.fromAddress, to: recipient.email) {
                delivery.status = "failed"
                delivery.detail = error
                try c.warehouse.saveDelivery(delivery)
                failures.append("\(recipient.email): \(error)")
                continue
            }
            Fault.point("after-send")
            delivery.status = "sent"
            delivery.sentAt = LondonTime.iso(c.now)
            try c.warehouse.saveDelivery(delivery)
            sender.forget(id)
            sentNow += 1
            summary.sent += 1
            Fault.point("between-recipients")
        }
        record.deliverSeconds = Date().timeIntervalSince(t2)
        record.finishedAt = LondonTime.iso(c.now)
        if failures.isEmpty {
            record.status = "done"
            record.stage = "delivered"
            record.message = s.recipients.isEmpty ? "published; no recipients" : nil
            try save(record)
            summary.done += 1
            summary.lines.append("\(label): " + (c.dryRun ? "dry run: messages in \(c.outbox)" : "done: \(sentNow) message\(sentNow == 1 ? "" : "s") sent, \(manifest.folder)"))
        } else {
            let shown = failures.prefix(3).joined(separator: "; ") + (failures.count > 3 ? "; and \(failures.count - 3) more (`almanac runs --failed`)" : "")
            throw Diagnostic(message: "\(failures.count) of \(s.recipients.count) messages not delivered: " + shown,
                             hint: "check the mail command and server; the next `almanac run --due` sends only these")
        }
    }

    /// The output folder publications go to (in a dry run, a folder inside the outbox).
    var publicationRoot: String { c.dryRun ? (c.outbox as NSString).appendingPathComponent("out") : c.out }

    /// The publication an earlier attempt of this run made, when its manifest is unchanged.
    func existingPublication(_ r: RunRecord) throws -> PublishedManifest? {
        guard !c.dryRun, r.stage == "published", let folder = r.folder, let sha = r.manifestSHA256 else { return nil }
        let path = ((c.out as NSString).appendingPathComponent(folder) as NSString).appendingPathComponent("manifest.json")
        guard OutputStore.digest(path)?.sha256 == sha else { return nil }
        return try PublishedManifest(path: path, folder: folder)
    }

    /// `almanac-SCHEDULE-PERIOD-MEMBER-HASH@DOMAIN`: the same for every attempt at one delivery.
    func messageID(_ s: ScheduleDefinition, period: Period, member: String, recipient: String) -> String {
        let h = SHA256.hash(data: Data(recipient.lowercased().utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
        return "almanac-\(s.name)-\(period.key)" + (member.isEmpty ? "" : "-" + token(member)) + "-\(h)@\(c.settings.domain)"
    }

    /// Whether the period's data is complete: the warehouse holds data to within `allow_days`
    /// of its last day, and (with `every:`) so does every member that had data the period before.
    func readiness(_ s: ScheduleDefinition, period: Period) throws -> (problem: String?, lastDay: Day?) {
        try c.warehouse.snapshot {
            guard let range = try c.warehouse.dateRange(model: c.model) else { return ("the warehouse holds no data", nil) }
            let lastDay = period.end.adding(days: -1)
            let needed = lastDay.adding(days: -s.ready.allowDays)
            if range.last < needed {
                return ("the data ends on \(range.last.longLabel); \(period.label) needs data to \(lastDay.longLabel)"
                        + (s.ready.allowDays > 0 ? " (or within \(s.ready.allowDays) days of it)" : ""), range.last)
            }
            guard let every = s.ready.every else { return (nil, range.last) }
            guard c.model.dimension(every) != nil else {
                throw Diagnostic(file: s.file, field: "ready.every", message: "the model has no dimension `\(every)`",
                                 hint: Suggest.hint(for: every, in: c.model.dimensions.map(\.name), noun: "dimension"))
            }
            let executor = QueryExecutor(model: c.model, warehouse: c.warehouse)
            var options = QueryOptions()
            options.timeSpine = false
            func members(_ span: DateSpan) throws -> Set<String> {
                var q = QueryRequest(measures: [c.model.measures[0].name], by: [every])
                q.span = span
                let t = try executor.run(q, period: nil, options: options)
                return Set((0..<t.rowCount).compactMap { t.columns[0].values.text(at: $0) })
            }
            let before = period.shifted(by: -1)
            let expected = try members(DateSpan(start: before.start, end: before.end))
            let present = try members(DateSpan(start: needed, end: period.end))
            let missing = expected.subtracting(present).sorted()
            if !missing.isEmpty {
                let noun = c.model.dimension(every)?.label.lowercased() ?? every
                return ("no data since \(needed.longLabel) for \(missing.count) \(noun)\(missing.count == 1 ? "" : "s") seen in \(before.label): "
                        + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? "…" : ""), range.last)
            }
            return (nil, range.last)
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let d as Diagnostic: return (d.place.map { $0 + ": " } ?? "") + d.message + (d.hint.map { " (\($0))" } ?? "")
        case let l as DiagnosticList: return l.diagnostics.map { (($0.place.map { $0 + ": " }) ?? "") + $0.message }.joined(separator: "; ")
        default: return "\(error)"
        }
    }
}
