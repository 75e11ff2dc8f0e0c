import Foundation
import XCTest

/// Every command against hostile arguments: each must end with an exit status (0, 1, 3 or an
/// argument error), never by a signal (a trap, a stack overflow) and never run away.
final class HostileArgumentsTests: PublishingTestCase {
    /// A server URL is never taken as a file name (it used to make a folder `postgres:` and a
    /// SQLite file in it): PostgreSQL is refused clearly, naming the server and database but
    /// never the password; an unknown scheme is an error; a file:/// URL is a path.
    func testWarehouseURLsAreNotFileNames() throws {
        let work = dir.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for command in [["load"], ["query", "contacts"], ["runs"], ["check"], ["query", "contacts", "--explain"]] {
            for (url, says) in [("postgres://analyst:s3cret@db.council.example:5433/warehouse?sslmode=require",
                                 "server db.council.example:5433, database `warehouse` as analyst is a PostgreSQL warehouse"),
                                ("postgresql://localhost/almanac", "server localhost:5432, database `almanac` is a PostgreSQL warehouse"),
                                ("mysql://db/x", "`mysql://` is not a kind of warehouse")] {
                let r = try run(command + ["--project", Self.root.path, "--warehouse", url])
                XCTAssertEqual(r.status, 1, "\(command) \(url): \(r.out)")
                XCTAssertTrue(r.err.contains(says), "\(command): " + r.err)
                XCTAssertFalse(r.err.contains("s3cret") || r.out.contains("s3cret"), "the password is never printed")
                // The same through the environment.
                let e = try run(command + ["--project", Self.root.path], environment: ["ALMANAC_WAREHOUSE": url])
                XCTAssertEqual(e.status, 1, e.out)
            }
        }
        for folder in ["postgres:", "postgresql:", "mysql:"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(folder).path), "no folder \(folder)")
        }
        let file = dir.appendingPathComponent("via-url.sqlite").path
        let loaded = try run(["load", "--warehouse", "file://" + file])
        XCTAssertEqual(loaded.status, 0, loaded.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
    }

    func testNoArgumentEndsTheProcessBySignalOrRunsAway() throws {
        let warehouse = dir.appendingPathComponent("w.sqlite").path
        XCTAssertEqual(try run(["load", "--warehouse", warehouse]).status, 0)
        let deep = String(repeating: "(", count: 5_000) + "district = 'x'" + String(repeating: ")", count: 5_000)
        let periods = ["9999-12", "9999", "FY9999-00", "0001-01", "0000-00", "2025-13", "..", "2025-10..2024-10", "1900-01..2199-12",
                       "2025-10..2025-Q4", "last 600 months", "last 0 months", "latest fortnight", "\u{1B}[2J", ""]
        let filters = [deep, String(repeating: "not ", count: 5_000) + "district = 'x'", "district = '", "' or 1=1 --", "\u{1B}]0;owned\u{7}",
                       "district in ()", "district = 'x' and", String(repeating: "a", count: 100_000)]
        let out = dir.appendingPathComponent("out").path
        var cases: [[String]] = []
        for p in periods {
            cases.append(["query", "contacts", "--by", "month", "--period", p, "--warehouse", warehouse])
            cases.append(["query", "contacts", "--by", "day", "--period", p, "--compare", "year", "--warehouse", warehouse])
            cases.append(["analyse", "contacts", "--period", p, "--warehouse", warehouse])
            cases.append(["report", "monthly-performance", "--period", p, "--out", out, "--warehouse", warehouse])
            cases.append(["pack", "cabinet-monthly", "--period", p, "--out", out, "--warehouse", warehouse])
            cases.append(["gallery", "--period", p, "--out", dir.appendingPathComponent("g").path, "--warehouse", warehouse])
        }
        for f in filters {
            cases.append(["query", "contacts", "--by", "district", "--where", f, "--warehouse", warehouse])
            cases.append(["query", "contacts", "--by", "district", "--where", f, "--explain"])
            cases.append(["query", "contacts", "--scope", f, "--warehouse", warehouse])
        }
        for t in ["-1", "0", "9223372036854775807", "x"] {
            cases.append(["query", "contacts", "--by", "district", "--top", t, "--warehouse", warehouse])
            cases.append(["query", "contacts", "--by", "district", "--limit", t, "--warehouse", warehouse])
            cases.append(["sample", "--rows", t, "--out", dir.appendingPathComponent("s-\(t)").path])
        }
        for by in ["day,day,day", "district,district", ",,,", "month,financial_year,iso_week,district,ward,service"] {
            cases.append(["query", "contacts,customers,contacts_fytd", "--by", by, "--totals", "--warehouse", warehouse])
        }
        for m in ["", ",", "contacts,contacts", String(repeating: "x", count: 50_000), "contacts_fytd,contacts_per_1000,repeat_contact_rate"] {
            cases.append(["query", m, "--by", "district", "--compare", "previous", "--period", "2025-10", "--warehouse", warehouse])
        }
        for path in ["/", "/proc", "/dev/null", "/etc/passwd"] {
            cases.append(["report", "monthly-performance", "--period", "2025-10", "--out", path, "--warehouse", warehouse])
            cases.append(["query", "contacts", "--warehouse", path])
            cases.append(["check", "--model", path, "--warehouse", warehouse])
            cases.append(["load", "activity=" + path, "--warehouse", dir.appendingPathComponent("w2.sqlite").path])
            cases.append(["sample", "--rows", "10", "--out", path])
        }
        cases.append(["check", "--model", "/dev/zero"])
        cases.append(["load", "activity=/dev/zero", "--warehouse", dir.appendingPathComponent("w3.sqlite").path])
        for produced in ["9999-99-99", "0000-01-01", "2025-02-29"] {
            cases.append(["report", "monthly-performance", "--period", "2025-10", "--produced", produced, "--out", out, "--warehouse", warehouse])
        }
        for audience in ["../../etc", "\u{1B}[2J", "district-managers/../x"] {
            cases.append(["report", "district-profile", "--period", "2025-10", "--audience", audience, "--out", out, "--warehouse", warehouse])
        }
        for name in ["../../etc/passwd", "", "monthly-performance\u{0}", String(repeating: "r", count: 5_000)] {
            cases.append(["report", name, "--out", out, "--warehouse", warehouse])
            cases.append(["pack", name, "--out", out, "--warehouse", warehouse])
        }
        var signalled: [String] = [], slow: [String] = []
        for args in cases {
            let started = Date()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = args
            p.currentDirectoryURL = EndToEndTests.root
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            while p.isRunning && Date().timeIntervalSince(started) < 60 { usleep(20_000) }
            let shown = args.map { String($0.prefix(40)) }.joined(separator: " ")
            if p.isRunning {
                p.terminate()
                slow.append(shown)
            }
            p.waitUntilExit()
            if p.terminationReason == .uncaughtSignal && !slow.contains(shown) { signalled.append("\(shown): signal \(p.terminationStatus)") }
        }
        XCTAssertEqual(signalled, [], "ended by a signal")
        XCTAssertEqual(slow, [], "ran for more than a minute")
        XCTAssertGreaterThan(cases.count, 150)
        // Nothing was written outside the test folder, and the warehouse is whole.
        XCTAssertEqual(try run(["query", "records", "--format", "csv", "--warehouse", warehouse]).out, "records\r\n72000\r\n")
    }
}
