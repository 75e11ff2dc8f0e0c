import AlmanacCore
import AlmanacModel
import AlmanacReports
import AlmanacSample
import AlmanacWarehouse
import Foundation
import XCTest

@testable import AlmanacOps

/// The runner on a council generated with another seed, delivering through a stand-in
/// sendmail (a shell script that files each message): data readiness, a mail command that
/// fails and then works, the run lock, and retention.
class OpsTestCase: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A sendmail stand-in: files its arguments and the message under `mail/`.
    func fakeSendmail() throws -> String {
        let mail = folder.appendingPathComponent("mail").path
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("sendmail").path
        try "#!/bin/sh\nf=$(mktemp \(mail)/msg.XXXXXX)\n{ echo \"ARGS: $*\"; cat; } > \"$f\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return script
    }

    func mail() throws -> [String] {
        let m = folder.appendingPathComponent("mail").path
        return try FileManager.default.contentsOfDirectory(atPath: m).sorted().map { try String(contentsOfFile: m + "/" + $0, encoding: .utf8) }
    }

}

final class RunnerTests: OpsTestCase {
    func testReadinessFailedMailLockAndRetention() throws {
        let model = try ModelLoader.load(path: Self.root.appendingPathComponent("models/council.yaml").path)
        let data = folder.appendingPathComponent("data").path
        _ = try SampleGenerator(rows: 20_000, seed: 4242).write(to: data)
        // Hold back the last ten days of March 2026 for one service: its month is incomplete.
        let lines = try String(contentsOfFile: data + "/activity.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        let held = lines.dropFirst().filter { $0 >= "2026-03-22" && $0.contains(",WST,") }
        XCTAssertFalse(held.isEmpty)
        try ([lines[0]] + lines.dropFirst().filter { !($0 >= "2026-03-22" && $0.contains(",WST,")) }).joined(separator: "\n").appending("\n")
            .write(toFile: data + "/activity.csv", atomically: true, encoding: .utf8)
        let warehouse = try Warehouse(path: folder.appendingPathComponent("w.sqlite").path)
        _ = try warehouse.load(model: model, batch: model.tables.map { ($0.name, data + "/" + $0.source) })

        let yaml = """
            name: monthly
            report: monthly-performance
            period: previous month
            when: monthly on working day 5 at 07:00
            ready: {every: service, allow_days: 3}
            retention_months: 1
            recipients:
              - {name: Director, email: director@council.example}
              - {name: Analyst, email: analyst@council.example}
            """
        let schedule = try ScheduleLoader.parse(YAMLReader.parse(yaml, file: "schedules/monthly.yaml"), fileName: "monthly.yaml")
        var settings = DeliverySettings()
        settings.fromAddress = "almanac@council.example"
        settings.mailCommand = [folder.appendingPathComponent("no-such-sendmail").path]
        settings.attempts = 2
        settings.backoffSeconds = 0
        let out = folder.appendingPathComponent("out").path
        func runner(_ now: String, _ s: DeliverySettings) -> Runner {
            var c = Runner.Context(
                model: model, warehouse: warehouse,
                paths: .init(reports: Self.root.appendingPathComponent("reports").path, templates: Self.root.appendingPathComponent("templates").path),
                schedules: [schedule], calendar: WorkingCalendar(), settings: s, out: out, now: LondonTime.parse(now) ?? 0)
            c.log = { _ in }
            return Runner(c)
        }

        // Waste's last ten days are missing: the run waits, says why, and publishes nothing.
        var summary = try runner("2026-04-09T08:00", settings).runDue()
        XCTAssertEqual(summary.waiting, 1, summary.lines.joined(separator: "\n"))
        let waiting = try XCTUnwrap(warehouse.run(schedule: "monthly", period: "2026-03"))
        XCTAssertEqual(waiting.status, "waiting")
        XCTAssertTrue(waiting.message?.contains("Waste") ?? false, waiting.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/monthly-performance/2026-03"))

        // The data arrives; the mail command is missing: published, not delivered, failed.
        let late = folder.appendingPathComponent("late.csv").path
        try ([lines[0]] + held).joined(separator: "\n").appending("\n").write(toFile: late, atomically: true, encoding: .utf8)
        _ = try warehouse.load(model: model, batch: [("activity", late)])
        summary = try runner("2026-04-10T08:00", settings).runDue()
        XCTAssertEqual(summary.failed, 1)
        XCTAssertEqual(try warehouse.deliveries().map(\.status), ["failed", "failed"])
        XCTAssertTrue(try warehouse.deliveries()[0].detail?.contains("exit status 127") ?? false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/monthly-performance/2026-03/manifest.json"))

        // Another runner holding the lock: a second cannot take it.
        let lockPath = warehouse.path + ".run-lock"
        guard case .success(let lock) = try RunLock.acquire(path: lockPath, now: 0) else { return XCTFail("first lock") }
        guard case .failure(let holder) = try RunLock.acquire(path: lockPath, now: 0) else { return XCTFail("second lock taken") }
        XCTAssertTrue(holder.text.contains("process \(getpid())"), holder.text)
        withExtendedLifetime(lock) {}

        // A working mail command: each recipient once; a later run sends nothing more.
        settings.mailCommand = [try fakeSendmail()]
        summary = try runner("2026-04-10T09:00", settings).runDue()
        XCTAssertEqual(summary.done, 1, summary.lines.joined(separator: "\n"))
        summary = try runner("2026-04-10T10:00", settings).runDue()
        XCTAssertEqual(summary.lines, ["nothing is due at 2026-04-10 10:00 BST"])
        let sent = try mail()
        XCTAssertEqual(sent.count, 2)
        XCTAssertEqual(Set(sent.map { $0.split(separator: "\n")[0] }), ["ARGS: -i -f almanac@council.example -- director@council.example",
                                                                         "ARGS: -i -f almanac@council.example -- analyst@council.example"])
        // The headline figures in the body are the published CSV's, formatted.
        let body = try XCTUnwrap(sent.first.flatMap { m -> String? in
            let parts = m.components(separatedBy: "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n")
            guard parts.count > 1, let b64 = parts[1].components(separatedBy: "\n--").first else { return nil }
            return Data(base64Encoded: b64.replacingOccurrences(of: "\n", with: "")).map { String(decoding: $0, as: UTF8.self) }
        })
        let csv = try String(contentsOfFile: out + "/monthly-performance/2026-03/data/01-headlines-for-the-month.csv", encoding: .utf8)
        let contacts = Double(csv.split(whereSeparator: \.isNewline)[1].split(separator: ",")[0]) ?? -1
        XCTAssertTrue(body.contains("Contacts: " + NumberFormat.integer.format(contacts)), body + "\n----\n" + String(sent[0].prefix(3000)))

        // Retention of one month: from May, March is past it (April is the last whole month kept).
        try FileManager.default.createDirectory(atPath: out + "/monthly-performance/2026-03/notes", withIntermediateDirectories: true)
        try "kept".write(toFile: out + "/monthly-performance/2026-03/notes/mine.txt", atomically: true, encoding: .utf8)
        let may = LondonTime.parse("2026-05-01") ?? 0
        let expired = Retention.expired(out: out, schedules: [schedule], now: may)
        XCTAssertEqual(expired.map(\.publication.folder), ["monthly-performance/2026-03"])
        XCTAssertTrue(Retention.expired(out: out, schedules: [schedule], now: LondonTime.parse("2026-04-30T23:00") ?? 0).isEmpty)
        let left = try Retention.prune(expired, out: out, warehouse: warehouse, organisation: "Test council", now: may)
        XCTAssertEqual(left, ["monthly-performance/2026-03/notes/mine.txt"], "a file Almanac did not write stays")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/monthly-performance/2026-03/manifest.json"))
        XCTAssertEqual(try warehouse.pruned().map(\.period), ["2026-03"])
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertFalse(index.contains("2026-03/"), "the index links no pruned period")
    }
}

/// A disk that fills while the pack is written: the run fails clearly, leaves no
/// half-written file, records why, and the next run (with room) publishes and delivers once.
final class DiskFullTests: OpsTestCase {
    func testADiskThatFillsFailsTheRunCleanlyAndTheNextRecovers() throws {
        let model = try ModelLoader.load(path: Self.root.appendingPathComponent("models/council.yaml").path)
        let data = folder.appendingPathComponent("data").path
        _ = try SampleGenerator(rows: 12_000, seed: 99).write(to: data)
        let warehouse = try Warehouse(path: folder.appendingPathComponent("w.sqlite").path)
        _ = try warehouse.load(model: model, batch: model.tables.map { ($0.name, data + "/" + $0.source) })
        // A 200 KB file system for the output folder (tmpfs: needs root, as CI and scripts/test run).
        let out = folder.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=200k", "tmpfs", out]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a small tmpfs here (needs root)") }
        func unmount() {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = [out]
            try? u.run()
            u.waitUntilExit()
        }
        var mounted = true
        defer { if mounted { unmount() } }

        let yaml = """
            report: monthly-performance
            period: previous month
            when: monthly on working day 5 at 07:00
            recipients: [{name: Director, email: director@council.example}]
            """
        let schedule = try ScheduleLoader.parse(YAMLReader.parse(yaml, file: "schedules/monthly.yaml"), fileName: "monthly.yaml")
        var settings = DeliverySettings()
        settings.mailCommand = [try fakeSendmail()]
        settings.backoffSeconds = 0
        func runner() -> Runner {
            var c = Runner.Context(
                model: model, warehouse: warehouse,
                paths: .init(reports: Self.root.appendingPathComponent("reports").path, templates: Self.root.appendingPathComponent("templates").path),
                schedules: [schedule], calendar: WorkingCalendar(), settings: settings, out: out, now: LondonTime.parse("2026-04-09T08:00") ?? 0)
            c.log = { _ in }
            return Runner(c)
        }
        var summary = try runner().runDue()
        XCTAssertEqual(summary.failed, 1, summary.lines.joined(separator: "\n"))
        let failed = try XCTUnwrap(warehouse.run(schedule: "monthly", period: "2026-03"))
        XCTAssertEqual(failed.status, "failed")
        XCTAssertNotNil(failed.message)
        // Nothing half-written is left: no staging folder, no publication, no message sent.
        let left = (FileManager.default.enumerator(atPath: out)?.allObjects as? [String] ?? []).filter { !$0.hasPrefix("index.html") }
        XCTAssertTrue(left.allSatisfy { !$0.contains("staging") && !$0.hasSuffix(".pdf") }, "\(left)")
        XCTAssertEqual(try mail().count, 0)

        unmount()
        mounted = false
        summary = try runner().runDue()
        XCTAssertEqual(summary.done, 1, summary.lines.joined(separator: "\n"))
        XCTAssertEqual(try mail().count, 1)
        XCTAssertTrue(OutputStore.verify(folder: out + "/monthly-performance/2026-03").isEmpty)
    }
}
