import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// Concurrency that waits: WAL, a snapshot that a committing load cannot change, and a
/// second writer that waits for the first (real processes: the sqlite3 shell holds the lock).
final class ConcurrencyTests: WarehouseTestCase {
    let header = "activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome\n"

    func testASnapshotSeesOneCommittedStateWhileALoadCommits() throws {
        let path = folder.appendingPathComponent("w.sqlite").path
        let reader = try Warehouse(path: path)
        var files = allSampleFiles
        files["activity"] = try write("a.csv", header + "2025-10-01,C8617892,ASC,BUR01,Phone,2,1.00,1,Resolved\n")
        _ = try reader.load(model: model, files: files)
        XCTAssertEqual(try reader.rawRows("PRAGMA journal_mode")[0][0], "wal".databaseValue)
        let writer = try Warehouse(path: path)
        let seen = try reader.snapshot { () -> [Int] in
            let before = Int.fromDatabaseValue(try reader.rawRows("SELECT COUNT(*) FROM activity")[0][0]) ?? -1
            // Another connection commits a load in the middle of the snapshot.
            _ = try writer.load(model: model, files: ["activity": try write("b.csv", header + "2025-10-02,C8617892,ASC,BUR01,Phone,2,1.00,1,Resolved\n")])
            let after = Int.fromDatabaseValue(try reader.rawRows("SELECT COUNT(*) FROM activity")[0][0]) ?? -1
            return [before, after]
        }
        XCTAssertEqual(seen, [1, 1], "the snapshot does not see the load that committed during it")
        XCTAssertEqual(try reader.rawRows("SELECT COUNT(*) FROM activity")[0][0], 2.databaseValue, "after it, the load is there")
    }

    /// Holds the warehouse's write lock from another process (the sqlite3 shell) for `seconds`.
    func holdLock(_ path: String, seconds: Double) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 is not installed; run scripts/setup") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "(echo 'BEGIN IMMEDIATE;'; echo 'SELECT 1;'; sleep \(seconds); echo 'COMMIT;') | /usr/bin/sqlite3 '\(path)' >/dev/null"]
        try p.run()
        usleep(400_000)
        return p
    }

    func testASecondWriterWaitsThenRuns() throws {
        let path = folder.appendingPathComponent("w.sqlite").path
        let w = try Warehouse(path: path)
        _ = try w.load(model: model, files: allSampleFiles.filter { $0.key != "activity" })
        let holder = try holdLock(path, seconds: 2.5)
        let started = Date()
        _ = try w.load(model: model, files: ["activity": try write("a.csv", header + "2025-10-01,C8617892,ASC,BUR01,Phone,2,1.00,1,Resolved\n")])
        let waited = Date().timeIntervalSince(started)
        holder.waitUntilExit()
        XCTAssertGreaterThan(waited, 1.0, "the load waited for the lock")
        XCTAssertEqual(try w.rawRows("SELECT COUNT(*) FROM activity")[0][0], 1.databaseValue, "then it ran")
    }

    func testALockHeldTooLongEndsWithAClearMessage() throws {
        let path = folder.appendingPathComponent("w.sqlite").path
        let w = try Warehouse(path: path)
        _ = try w.load(model: model, files: allSampleFiles.filter { $0.key != "activity" })
        try "almanac load, process 4242, since 2026-11-26T06:00:00Z".write(toFile: path + ".holder", atomically: true, encoding: .utf8)
        let holder = try holdLock(path, seconds: 4)
        setenv("ALMANAC_LOCK_TIMEOUT", "1", 1)
        defer { unsetenv("ALMANAC_LOCK_TIMEOUT") }
        let waiting = try Warehouse(path: path)
        XCTAssertThrowsError(try waiting.load(model: model, files: ["activity": try write("a.csv", header + "2025-10-01,C8617892,ASC,BUR01,Phone,2,1.00,1,Resolved\n")])) { e in
            XCTAssertTrue("\(e)".contains("another command has held the warehouse's write lock for more than 1 s: almanac load, process 4242"), "\(e)")
            XCTAssertTrue("\(e)".contains("ALMANAC_LOCK_TIMEOUT"), "\(e)")
        }
        holder.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".holder"), "the waiting load does not remove another's holder note")
    }
}
