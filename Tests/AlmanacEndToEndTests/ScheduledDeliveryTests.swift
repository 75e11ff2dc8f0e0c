import Foundation
import XCTest

/// Scheduled runs delivered through real parts: a real SMTP server (aiosmtpd, from PyPI) on
/// loopback, msmtp (Debian) as the mail command, and the messages read back from the
/// server's maildir. Counted from the mailbox: every message exactly once, the right
/// attachment for each audience member, through faults injected at every stage.
class DeliveryTestCase: PublishingTestCase {
    /// A real SMTP server writing each message it accepts to a maildir.
    final class SMTPServer {
        let process = Process()
        let port: Int
        let maildir: URL

        init(maildir: URL, port: Int) throws {
            self.port = port
            self.maildir = maildir
            let python = PublishingTestCase.root.appendingPathComponent(".venv-smtp/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: python) else { throw XCTSkip("aiosmtpd is not installed; run scripts/smtp-setup") }
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Ready when it accepts a connection.
            for _ in 0..<100 {
                let probe = Process()
                probe.executableURL = URL(fileURLWithPath: "/bin/bash")
                probe.arguments = ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(port)"]
                probe.standardError = FileHandle.nullDevice
                try probe.run()
                probe.waitUntilExit()
                if probe.terminationStatus == 0 { return }
                usleep(100_000)
            }
            process.terminate()
            XCTFail("the SMTP server did not start on port \(port)")
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }

        deinit { stop() }

        /// One message in the mailbox: its headers and the attachment's file name.
        struct Message {
            var headers: [String: String]
            var attachment: String?
            var text: String
            subscript(_ name: String) -> String? { headers[name.lowercased()] }
        }

        /// Every message the server accepted.
        func messages() throws -> [Message] {
            let folder = maildir.appendingPathComponent("new")
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
                let raw = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let parts = raw.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
                var headers: [String: String] = [:]
                for line in (parts.first ?? "").split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                var attachment: String?
                if let r = raw.range(of: "filename=\"") {
                    attachment = String(raw[r.upperBound...].prefix { $0 != "\"" })
                }
                return Message(headers: headers, attachment: attachment, text: raw)
            }
        }
    }

    /// A free port for a server (a random one, retried by the caller if taken).
    static func port() -> Int { Int.random(in: 21_000...39_000) }

    /// A project: the repository's model, reports, packs and templates; schedules and
    /// delivery settings of the test's own, sending through msmtp to `port`.
    func deliveryProject(port: Int, schedules: [String] = ["cabinet-monthly", "district-packs"], attachLimitKB: Int = 10_240) throws -> URL {
        let fm = FileManager.default
        let p = dir.appendingPathComponent("project")
        try fm.createDirectory(at: p.appendingPathComponent("schedules"), withIntermediateDirectories: true)
        try fm.createDirectory(at: p.appendingPathComponent("config"), withIntermediateDirectories: true)
        for link in ["models", "templates", "packs", "reports", "sample-data"] {
            try fm.createSymbolicLink(at: p.appendingPathComponent(link), withDestinationURL: Self.root.appendingPathComponent(link))
        }
        for s in schedules {
            try fm.copyItem(at: Self.root.appendingPathComponent("schedules/\(s).yaml"), to: p.appendingPathComponent("schedules/\(s).yaml"))
        }
        try fm.copyItem(at: Self.root.appendingPathComponent("config/holidays.yaml"), to: p.appendingPathComponent("config/holidays.yaml"))
        let rc = p.appendingPathComponent("config/msmtprc")
        try "defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(port)\nfrom almanac@council.example\n"
            .write(to: rc, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
        try """
            from: {name: Almanac reports, email: almanac@council.example}
            operator: {name: BI operations, email: bi-operations@council.example}
            mail_command: [msmtp, -C, \(rc.path)]
            out: \(dir.appendingPathComponent("out").path)
            retry: {attempts: 2, backoff_seconds: 0}
            base_url: https://intranet.council.example/almanac/
            attach_limit_kb: \(attachLimitKB)
            """.write(to: p.appendingPathComponent("config/delivery.yaml"), atomically: true, encoding: .utf8)
        return p
    }

    /// Loads the sample's dimension tables, and its activity up to (not including) `until`, month by month from then on with `loadMonth`.
    func loadSample(project: URL, warehouse: String, activityBefore until: String? = nil) throws {
        let fm = FileManager.default
        let data = dir.appendingPathComponent("data")
        try fm.createDirectory(at: data, withIntermediateDirectories: true)
        let sample = Self.root.appendingPathComponent("sample-data")
        for f in try fm.contentsOfDirectory(atPath: sample.path) where f.hasSuffix(".csv") && f != "activity.csv" {
            try fm.copyItem(at: sample.appendingPathComponent(f), to: data.appendingPathComponent(f))
        }
        let lines = try String(contentsOf: sample.appendingPathComponent("activity.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0]
        let kept = until.map { u in lines.dropFirst().filter { $0.prefix(10) < u } } ?? Array(lines.dropFirst())
        try ([header] + kept).joined(separator: "\n").appending("\n").write(to: data.appendingPathComponent("activity.csv"), atomically: true, encoding: .utf8)
        let r = try run(["load", "--project", project.path, "--data", data.path, "--warehouse", warehouse])
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// Loads one month of the sample's activity as its own extract, as a monthly feed arrives.
    func loadMonth(_ month: String, project: URL, warehouse: String) throws {
        let lines = try String(contentsOf: Self.root.appendingPathComponent("sample-data/activity.csv"), encoding: .utf8).split(separator: "\n")
        let file = dir.appendingPathComponent("activity-\(month).csv")
        try ([lines[0]] + lines.dropFirst().filter { $0.hasPrefix(month) }).joined(separator: "\n").appending("\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["load", "--project", project.path, "--warehouse", warehouse, "activity=" + file.path])
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// Starts a server, retrying another port if the first is taken.
    func startServer(_ maildir: URL) throws -> SMTPServer {
        var last: Error?
        for _ in 0..<5 {
            do { return try SMTPServer(maildir: maildir, port: Self.port()) } catch let e as XCTSkip { throw e } catch { last = error }
        }
        throw last ?? XCTSkip("no port")
    }
}

final class ScheduledDeliveryTests: DeliveryTestCase {
    /// Faults at every stage, a failing mail server, a locked warehouse and an unwritable
    /// output folder: each run fails clearly or stops dead, the ledger says so, the operator
    /// is told, and the next `run --due` delivers every message exactly once.
    func testFaultsAtEveryStageThenEveryMessageExactlyOnce() throws {
        let maildir = dir.appendingPathComponent("mail")
        let server = try startServer(maildir)
        defer { server.stop() }
        // The Cabinet pack (about 1 MB) is over this limit and is linked; district packs (about 200 KB) are attached.
        let project = try deliveryProject(port: server.port, attachLimitKB: 500)
        let warehouse = dir.appendingPathComponent("w.sqlite").path
        try loadSample(project: project, warehouse: warehouse)
        let common = ["--project", project.path, "--warehouse", warehouse, "--now", "2026-04-09T07:30"]
        func due(_ extra: [String] = [], fault: String? = nil, env: [String: String] = [:]) throws -> Result {
            try run(["run", "--due"] + extra + common, environment: env.merging(fault.map { ["ALMANAC_FAULT": $0] } ?? [:]) { $1 })
        }
        func packMessages() throws -> [SMTPServer.Message] { try server.messages().filter { $0["X-Almanac-Schedule"] != nil } }

        // The schedule lists the April run after Easter.
        let listed = try run(["schedule"] + common)
        XCTAssertTrue(listed.out.contains("2026-05-08 07:00 BST: 2026-04, 5th working day of May 2026, after Early May bank holiday (Monday 4 May)"), listed.out)

        // A dry run writes the messages to the outbox and records and sends nothing.
        let outbox = dir.appendingPathComponent("outbox")
        let dry = try due(["--schedule", "district-packs", "--dry-run", "--outbox", outbox.path])
        XCTAssertEqual(dry.status, 0, dry.err)
        let drafts = try FileManager.default.contentsOfDirectory(atPath: outbox.appendingPathComponent("district-packs/2026-03").path)
        XCTAssertEqual(drafts.filter { $0.hasSuffix(".eml") }.count, 13)
        XCTAssertEqual(try server.messages().count, 0)
        XCTAssertTrue(try run(["runs", "--warehouse", warehouse]).out.contains("no runs yet"))

        // Stopped dead after the readiness queries, then after rendering: nothing sent.
        for stage in ["after-queries", "after-render"] {
            let r = try due(["--schedule", "district-packs"], fault: stage)
            XCTAssertNotEqual(r.status, 0, stage)
            XCTAssertTrue(r.err.contains("stopping dead at \(stage)"), r.err)
            XCTAssertEqual(try server.messages().count, 0, stage)
        }
        // A PDF damaged after rendering (cut short): nothing is sent; the next run publishes again.
        let wyre = dir.appendingPathComponent("out/district-pack/district-managers/2026-03/wyre/district-pack-2026-03-wyre.pdf")
        let whole = try Data(contentsOf: wyre)
        try whole.prefix(whole.count / 2).write(to: wyre)
        let damaged = try due(["--schedule", "district-packs"])
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(damaged.out.contains("does not match its manifest"), damaged.out)
        XCTAssertEqual(try server.messages().filter { $0["X-Almanac-Schedule"] != nil }.count, 0)

        // Stopped between the second and third recipients, then right after the third was
        // handed to the server but before the ledger recorded it.
        _ = try due(["--schedule", "district-packs"], fault: "between-recipients:2")
        XCTAssertEqual(try packMessages().count, 2)
        _ = try due(["--schedule", "district-packs"], fault: "after-send")
        XCTAssertEqual(try packMessages().count, 3)

        // The SMTP server down: the run fails clearly, the ledger says so, and (the server
        // being the operator's too) the notice fails on standard error.
        server.stop()
        let down = try due(["--schedule", "district-packs"])
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.out.contains("messages not delivered"), down.out)
        XCTAssertTrue(down.err.contains("could not tell the operator"), down.err)
        let failed = try run(["runs", "--failed", "--warehouse", warehouse])
        XCTAssertTrue(failed.out.contains("district-packs") && failed.out.contains("failed"), failed.out)

        let server2 = try SMTPServer(maildir: maildir, port: server.port)
        defer { server2.stop() }

        // The warehouse locked by a load: the run cannot take up its ledger, fails clearly,
        // tells the operator, and leaves the failure for the next run to record.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(6)", warehouse]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        _ = ready.fileHandleForReading.availableData
        let noticesBefore = try server2.messages().filter { $0["X-Almanac-Notice"] != nil }.count
        let locked = try due(["--schedule", "cabinet-monthly"], env: ["ALMANAC_LOCK_TIMEOUT": "1"])
        holder.waitUntilExit()
        XCTAssertEqual(locked.status, 1, locked.out + locked.err)
        XCTAssertTrue(locked.out.contains("cannot record the run in the ledger"), locked.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: warehouse + ".unrecorded"))
        XCTAssertEqual(try server2.messages().filter { $0["X-Almanac-Notice"] != nil }.count, noticesBefore + 1, "the operator is told")

        // An output folder that cannot be written (a file where the pack's folder goes).
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: out.appendingPathComponent("cabinet-monthly"))
        let blocked = try due(["--schedule", "cabinet-monthly"])
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.out.contains("cabinet-monthly 2026-03: failed"), blocked.out)
        // The next runner took the locked run's failure into the ledger (its first try) before retrying it.
        XCTAssertFalse(FileManager.default.fileExists(atPath: warehouse + ".unrecorded"))
        let attention = try run(["runs", "--failed", "--warehouse", warehouse])
        let cabinetRow = attention.out.split(separator: "\n").first { $0.contains("cabinet-monthly  2026-03") } ?? ""
        XCTAssertTrue(cabinetRow.contains("failed") && cabinetRow.contains("the output folder holds files Almanac did not publish"), attention.out)
        XCTAssertEqual(cabinetRow.split(separator: " ", omittingEmptySubsequences: true).dropFirst(8).first, "2", "two tries: " + cabinetRow)
        try FileManager.default.removeItem(at: out.appendingPathComponent("cabinet-monthly"))

        // Recovery: everything due delivered, each message once. A second runner started
        // meanwhile finds the lock held, says by whom, and leaves the work to the first.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: binary)
        first.arguments = ["run", "--due"] + common
        let firstOut = Pipe()
        first.standardOutput = firstOut
        first.standardError = FileHandle.nullDevice
        try first.run()
        var held = false
        for _ in 0..<200 where !held {
            held = ((try? String(contentsOfFile: warehouse + ".run-lock", encoding: .utf8)) ?? "").contains("almanac run")
            if !held { usleep(20_000) }
        }
        let second = try due()
        let finalOut = String(decoding: firstOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        first.waitUntilExit()
        XCTAssertTrue(held)
        XCTAssertEqual(second.status, 0)
        XCTAssertTrue(second.err.contains("another run holds") && second.err.contains("process \(first.processIdentifier)"), second.err)
        XCTAssertEqual(first.terminationStatus, 0, finalOut)
        XCTAssertTrue(try due().out.contains("nothing is due"))
        let packs = try packMessages()
        XCTAssertEqual(packs.count, 16, "3 for Cabinet, 13 for district managers")
        XCTAssertEqual(Set(packs.compactMap { $0["Message-ID"] }).count, 16, "no message twice")
        for m in packs {
            let to = m["X-RcptTo"] ?? ""
            if m["X-Almanac-Schedule"] == "district-packs" {
                // Each manager gets their own district's pack, never another's.
                let district = (m["X-Almanac-Member"] ?? "?").lowercased().replacingOccurrences(of: " ", with: "-")
                XCTAssertTrue(to.hasPrefix(district + "."), "\(to) got \(district)'s pack")
                XCTAssertEqual(m.attachment, "district-pack-2026-03-\(district).pdf", to)
            } else {
                XCTAssertNil(m.attachment, to)
                XCTAssertEqual(m["X-Almanac-Link"], "https://intranet.council.example/almanac/cabinet-monthly/2026-03/cabinet-monthly-2026-03.pdf")
            }
            XCTAssertTrue(m.text.contains("Content-Type: text/html"), "an HTML alternative")
            XCTAssertTrue(m["Subject"]?.hasPrefix("OFFICIAL-SENSITIVE: ") ?? false, "both packs hold the district profile (OFFICIAL-SENSITIVE), whose marking leads the subject: \(m["Subject"] ?? "")")
        }
        XCTAssertTrue(try run(["runs", "--failed", "--warehouse", warehouse]).out.contains("nothing needs attention"))

        // Retention: three years on, the Cabinet pack (36 months) and the district packs (24)
        // of March 2026 are past it; a dry run lists them, prune deletes them and the ledger says so.
        let later = ["--project", project.path, "--warehouse", warehouse, "--now", "2029-06-01"]
        let listing = try run(["prune", "--dry-run"] + later)
        XCTAssertTrue(listing.out.contains("would delete cabinet-monthly/2026-03") && listing.out.contains("would delete district-pack/district-managers/2026-03"), listing.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("cabinet-monthly/2026-03/manifest.json").path))
        let pruned = try run(["prune"] + later)
        XCTAssertEqual(pruned.status, 0, pruned.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("cabinet-monthly/2026-03").path))
        XCTAssertFalse(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8).contains("2026-03"))
        let record = try run(["runs", "--pruned", "--warehouse", warehouse])
        XCTAssertTrue(record.out.contains("cabinet-monthly/2026-03") && record.out.contains("2029-06-01"), record.out)
    }
}
