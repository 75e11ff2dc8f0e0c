import AlmanacCore
import Foundation
import GRDB

/// One scheduled run in the ledger: one schedule's publication of one period.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64 = 0
    public var schedule: String
    public var period: String
    /// `pack:NAME` or `report:NAME`.
    public var target: String
    public var audience: String?
    /// When it was due (ISO 8601, UTC).
    public var occurrence: String
    /// running, waiting (data not ready), failed, done.
    public var status: String = "running"
    /// The last stage reached: started, ready, queried, published, delivered.
    public var stage: String = "started"
    /// How many times a runner has taken it up.
    public var attempts: Int = 0
    public var startedAt: String = ""
    public var finishedAt: String?
    public var querySeconds: Double?
    public var renderSeconds: Double?
    public var deliverSeconds: Double?
    /// The last day with data in the warehouse when it ran, and the time of the latest load.
    public var dataLastDay: String?
    public var dataLoadedAt: String?
    /// The publication folder (relative to the output folder) and its manifest's SHA-256.
    public var folder: String?
    public var manifestSHA256: String?
    /// What happened, in words (why it waits, why it failed).
    public var message: String?

    public init(schedule: String, period: String, target: String, audience: String?, occurrence: String) {
        self.schedule = schedule
        self.period = period
        self.target = target
        self.audience = audience
        self.occurrence = occurrence
    }
}

/// One message to one recipient for one run (and audience member).
public struct DeliveryRecord: Sendable, Equatable {
    public var id: Int64 = 0
    public var runID: Int64
    /// The audience member whose pack it carries ("" when the audience has none).
    public var member: String
    public var recipient: String
    public var messageID: String
    public var attempts: Int = 0
    /// pending, sending (handed to the mail command, not yet confirmed), sent, failed.
    public var status: String = "pending"
    public var sentAt: String?
    /// The PDF attached, or the link given instead; or the last error.
    public var detail: String?
    public var bytes: Int?

    public init(runID: Int64, member: String, recipient: String, messageID: String) {
        self.runID = runID
        self.member = member
        self.recipient = recipient
        self.messageID = messageID
    }
}

/// Something `almanac prune` deleted.
public struct PruneRecord: Sendable, Equatable {
    public var path: String
    public var name: String
    public var period: String
    public var files: Int
    public var bytes: Int
    public var prunedAt: String

    public init(path: String, name: String, period: String, files: Int, bytes: Int, prunedAt: String) {
        self.path = path
        self.name = name
        self.period = period
        self.files = files
        self.bytes = bytes
        self.prunedAt = prunedAt
    }
}

extension Warehouse {
    static func registerLedger(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3: run ledger") { db in
            try db.execute(sql: """
                CREATE TABLE _almanac_runs (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, schedule TEXT NOT NULL, period TEXT NOT NULL,
                  target TEXT NOT NULL, audience TEXT, occurrence TEXT NOT NULL, status TEXT NOT NULL,
                  stage TEXT NOT NULL, attempts INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
                  query_seconds REAL, render_seconds REAL, deliver_seconds REAL, data_last_day TEXT,
                  data_loaded_at TEXT, folder TEXT, manifest_sha256 TEXT, message TEXT,
                  UNIQUE (schedule, period));
                CREATE TABLE _almanac_deliveries (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES _almanac_runs(id),
                  member TEXT NOT NULL, recipient TEXT NOT NULL, message_id TEXT NOT NULL, attempts INTEGER NOT NULL,
                  status TEXT NOT NULL, sent_at TEXT, detail TEXT, bytes INTEGER,
                  UNIQUE (run_id, member, recipient));
                CREATE TABLE _almanac_pruned (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, name TEXT NOT NULL, period TEXT NOT NULL,
                  files INTEGER NOT NULL, bytes INTEGER NOT NULL, pruned_at TEXT NOT NULL);
                """)
        }
    }

    /// Every run, oldest first (or one schedule's).
    public func runs(schedule: String? = nil) throws -> [RunRecord] {
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM _almanac_runs" + (schedule == nil ? "" : " WHERE schedule = ?") + " ORDER BY occurrence, id",
                                        arguments: schedule.map { [$0] } ?? [])
            return rows.map(Self.run(from:))
        }
    }

    /// The run of `schedule` for `period`, if one was taken up.
    public func run(schedule: String, period: String) throws -> RunRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM _almanac_runs WHERE schedule = ? AND period = ?", arguments: [schedule, period]).map(Self.run(from:))
        }
    }

    /// Takes up a run: creates it, or counts another attempt at one not done; returns it.
    public func beginRun(_ r: RunRecord, at time: String) throws -> RunRecord {
        try queue.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM _almanac_runs WHERE schedule = ? AND period = ?", arguments: [r.schedule, r.period]) {
                var existing = Self.run(from: row)
                guard existing.status != "done" else { return existing }
                existing.attempts += 1
                existing.startedAt = time
                existing.finishedAt = nil
                existing.status = "running"
                try Self.save(existing, db)
                return existing
            }
            var fresh = r
            fresh.attempts = 1
            fresh.startedAt = time
            try db.execute(sql: """
                INSERT INTO _almanac_runs (schedule, period, target, audience, occurrence, status, stage, attempts, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [fresh.schedule, fresh.period, fresh.target, fresh.audience, fresh.occurrence, fresh.status, fresh.stage, fresh.attempts, time])
            fresh.id = db.lastInsertedRowID
            return fresh
        }
    }

    /// Saves a run's fields.
    public func saveRun(_ r: RunRecord) throws {
        try queue.write { db in try Self.save(r, db) }
    }

    static func save(_ r: RunRecord, _ db: Database) throws {
        try db.execute(sql: """
            UPDATE _almanac_runs SET status = ?, stage = ?, attempts = ?, started_at = ?, finished_at = ?, query_seconds = ?,
              render_seconds = ?, deliver_seconds = ?, data_last_day = ?, data_loaded_at = ?, folder = ?, manifest_sha256 = ?, message = ?
            WHERE id = ?
            """, arguments: [r.status, r.stage, r.attempts, r.startedAt, r.finishedAt, r.querySeconds, r.renderSeconds, r.deliverSeconds,
                             r.dataLastDay, r.dataLoadedAt, r.folder, r.manifestSHA256, r.message, r.id])
    }

    static func run(from row: Row) -> RunRecord {
        var r = RunRecord(schedule: row["schedule"], period: row["period"], target: row["target"], audience: row["audience"], occurrence: row["occurrence"])
        r.id = row["id"]
        r.status = row["status"]
        r.stage = row["stage"]
        r.attempts = row["attempts"]
        r.startedAt = row["started_at"]
        r.finishedAt = row["finished_at"]
        r.querySeconds = row["query_seconds"]
        r.renderSeconds = row["render_seconds"]
        r.deliverSeconds = row["deliver_seconds"]
        r.dataLastDay = row["data_last_day"]
        r.dataLoadedAt = row["data_loaded_at"]
        r.folder = row["folder"]
        r.manifestSHA256 = row["manifest_sha256"]
        r.message = row["message"]
        return r
    }

    /// A run's deliveries, in the order they were first recorded.
    public func deliveries(run: Int64? = nil) throws -> [DeliveryRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM _almanac_deliveries" + (run == nil ? "" : " WHERE run_id = ?") + " ORDER BY id",
                             arguments: run.map { [$0] } ?? []).map { row in
                var d = DeliveryRecord(runID: row["run_id"], member: row["member"], recipient: row["recipient"], messageID: row["message_id"])
                d.id = row["id"]
                d.attempts = row["attempts"]
                d.status = row["status"]
                d.sentAt = row["sent_at"]
                d.detail = row["detail"]
                d.bytes = row["bytes"]
                return d
            }
        }
    }

    /// Records a delivery's state (inserting it the first time), committed before returning.
    @discardableResult
    public func saveDelivery(_ d: DeliveryRecord) throws -> DeliveryRecord {
        try queue.write { db in
            var saved = d
            try db.execute(sql: """
                INSERT INTO _almanac_deliveries (run_id, member, recipient, message_id, attempts, status, sent_at, detail, bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, member, recipient) DO UPDATE SET message_id = excluded.message_id, attempts = excluded.attempts,
                  status = excluded.status, sent_at = excluded.sent_at, detail = excluded.detail, bytes = excluded.bytes
                """, arguments: [d.runID, d.member, d.recipient, d.messageID, d.attempts, d.status, d.sentAt, d.detail, d.bytes])
            saved.id = try Int64.fetchOne(db, sql: "SELECT id FROM _almanac_deliveries WHERE run_id = ? AND member = ? AND recipient = ?",
                                          arguments: [d.runID, d.member, d.recipient]) ?? 0
            return saved
        }
    }

    /// Records what `almanac prune` deleted.
    public func recordPruned(_ records: [PruneRecord]) throws {
        guard !records.isEmpty else { return }
        try queue.write { db in
            for p in records {
                try db.execute(sql: "INSERT INTO _almanac_pruned (path, name, period, files, bytes, pruned_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [p.path, p.name, p.period, p.files, p.bytes, p.prunedAt])
            }
        }
    }

    /// Everything pruned, oldest first.
    public func pruned() throws -> [PruneRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM _almanac_pruned ORDER BY id").map {
                PruneRecord(path: $0["path"], name: $0["name"], period: $0["period"], files: $0["files"], bytes: $0["bytes"], prunedAt: $0["pruned_at"])
            }
        }
    }

    /// When the latest load committed (as recorded in the load ledger), if any.
    public func latestLoadTime() throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT MAX(loaded_at) FROM _almanac_loads") }
    }
}
