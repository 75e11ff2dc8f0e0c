import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import GRDB

/// The embedded SQLite warehouse: a star schema declared by the semantic model, plus a
/// ledger of the files loaded into it.
public final class Warehouse: Sendable {
    /// Where the database file is, as the user named it.
    public let path: String
    let queue: DatabaseQueue
    /// The connection of the snapshot being read, while `snapshot` runs.
    private let current = SnapshotBox()

    /// Seconds a command waits for another's write lock before giving up
    /// (`ALMANAC_LOCK_TIMEOUT`, default 600).
    static var lockTimeout: Double {
        ProcessInfo.processInfo.environment["ALMANAC_LOCK_TIMEOUT"].flatMap(Double.init).map { max(0, min($0, 86_400)) } ?? 600
    }

    /// A file beside the warehouse naming the command that holds its write lock.
    var holderPath: String { path + ".holder" }

    /// Opens (creating if needed) the warehouse at `path`, creating its folder too.
    public init(path given: String) throws {
        // A URL is read as one (postgres://… is refused clearly), never made into a folder.
        guard case .sqlite(let path) = try WarehouseLocation.parse(given) else {
            throw Diagnostic(field: "--warehouse", message: "only SQLite warehouses can be opened by this build")
        }
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var config = Configuration()
        config.foreignKeysEnabled = false
        // WAL: readers see one committed state and never block a load, nor a load them.
        config.prepareDatabase { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
        }
        // Another command writing: wait (saying so after a second and a half), then give up
        // with a clear message rather than failing at once with "database is locked".
        let started = Date()
        let timeout = Warehouse.lockTimeout
        let holder = path + ".holder"
        let said = SnapshotBox()
        config.busyMode = .callback { _ in
            let waited = Date().timeIntervalSince(started)
            if waited > 1.5 && !said.flag {
                said.flag = true
                let who = (try? String(contentsOfFile: holder, encoding: .utf8)).map { " (\($0.trimmingCharacters(in: .whitespacesAndNewlines)))" } ?? ""
                FileHandle.standardError.write(Data("waiting for another command that is writing to the warehouse\(who)…\n".utf8))
            }
            guard waited < timeout else { return false }
            usleep(50_000)
            return true
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try Warehouse.migrator.migrate(queue)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            throw Warehouse.lockError(path: path)
        } catch let e as DatabaseError {
            throw Diagnostic(file: path, message: "cannot open the warehouse: \(e.message ?? "\(e)")",
                             hint: "check the path is a writable folder, or pass --warehouse PATH")
        }
    }

    /// The error for a lock held longer than the wait allows, naming what holds it if known.
    static func lockError(path: String) -> Diagnostic {
        let who = (try? String(contentsOfFile: path + ".holder", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return Diagnostic(file: path, message: "another command has held the warehouse's write lock for more than \(Int(lockTimeout)) s"
                            + (who.map { ": \($0)" } ?? " (not an almanac command that says who it is)"),
                          hint: "wait for it to finish and run this again, or set ALMANAC_LOCK_TIMEOUT to wait longer")
    }

    /// Runs `body` on one consistent snapshot of the warehouse: every query it makes sees
    /// the same committed data, even if a load commits meanwhile.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        if current.db != nil { return try body() }
        return try queue.inDatabase { db in
            try db.execute(sql: "BEGIN DEFERRED TRANSACTION")
            // The snapshot starts with the first read.
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master")
            current.db = db
            defer {
                current.db = nil
                current.coverage = [:]
                try? db.execute(sql: "COMMIT")
            }
            return try body()
        }
    }

    /// The coverage of `scope` measured earlier in the snapshot open now, if any.
    func cachedCoverage(scope: String?) -> DataCoverage? {
        current.db == nil ? nil : current.coverage[scope ?? ""]
    }

    /// Remembers a scope's coverage for the rest of the snapshot open now (none: nothing kept).
    func cacheCoverage(_ c: DataCoverage, scope: String?) {
        if current.db != nil { current.coverage[scope ?? ""] = c }
    }

    /// Reads through the snapshot's connection while one is open, or a read of its own.
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = current.db { return try body(db) }
        return try queue.read(body)
    }

    /// Opens an existing warehouse; a clear error when nothing has been loaded yet.
    public static func openExisting(path given: String) throws -> Warehouse {
        guard case .sqlite(let path) = try WarehouseLocation.parse(given) else {
            throw Diagnostic(field: "--warehouse", message: "only SQLite warehouses can be opened by this build")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw Diagnostic(file: path, message: "no warehouse here yet", hint: "run `almanac load` first")
        }
        return try Warehouse(path: path)
    }

    /// The warehouse's own bookkeeping tables.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: load ledger") { db in
            try db.create(table: "_almanac_loads") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("table_name", .text).notNull()
                t.column("file_name", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("rows", .integer).notNull()
                t.column("loaded_at", .text).notNull()
            }
            try db.create(index: "_almanac_loads_sha", on: "_almanac_loads", columns: ["table_name", "sha256"])
        }
        m.registerMigration("v2: the days each load covers") { db in
            try db.alter(table: "_almanac_loads") { t in
                t.add(column: "first_day", .text)
                t.add(column: "last_day", .text)
            }
        }
        registerLedger(&m)
        return m
    }

    /// A record of one file loaded.
    public struct LoadRecord: Sendable, Equatable {
        /// Table loaded.
        public var table: String
        /// File name (no folder).
        public var file: String
        /// SHA-256 of its bytes.
        public var sha256: String
        /// Rows loaded.
        public var rows: Int
        /// When, ISO 8601 UTC.
        public var loadedAt: String
    }

    /// Every load so far, oldest first.
    public func loads() throws -> [LoadRecord] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT table_name, file_name, sha256, rows, loaded_at FROM _almanac_loads ORDER BY id").map {
                LoadRecord(table: $0[0], file: $0[1], sha256: $0[2], rows: $0[3], loadedAt: $0[4])
            }
        }
    }

    /// Row counts of the model's tables (0 for a table not yet created).
    public func rowCounts(model: SemanticModel) throws -> [(table: String, rows: Int)] {
        // A fact's rows are the sum of its smallest rollup's row counts: no scan of the facts.
        let rollups = Warehouse.rollupsEnabled ? try rollupCandidates(model: model) : []
        return try reading { db in
            try model.tables.map { t in
                let exists = try db.tableExists(t.name)
                guard exists else { return (t.name, 0) }
                if let r = rollups.filter({ $0.definition.table == t.name }).min(by: { $0.rows < $1.rows }) {
                    return (t.name, try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(\"_rows\"), 0) FROM \(r.definition.tableName.quotedDatabaseIdentifier)") ?? 0)
                }
                return (t.name, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t.name.quotedDatabaseIdentifier)") ?? 0)
            }
        }
    }

    /// Checks that the database's tables have the columns the model declares; every
    /// mismatch is reported at the model line that declares the column.
    public func verify(model: SemanticModel) throws {
        var problems: [Diagnostic] = []
        try reading { db in
            for t in model.tables {
                guard try db.tableExists(t.name) else {
                    problems.append(t.place.error("table `\(t.name)` is not in the warehouse \(path)",
                                                  hint: "run `almanac load` to create and load it"))
                    continue
                }
                let actual = try db.columns(in: t.name).map(\.name)
                for c in t.columns where !actual.contains(c.name) {
                    problems.append(c.place.error(
                        "column `\(c.name)` of `\(t.name)` is not in the warehouse", field: c.name,
                        hint: Suggest.nearest(to: c.name, in: actual).map { "the warehouse has `\($0)`; did you mean it?" }
                            ?? "reload the table with `almanac load --replace`"))
                }
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
    }

    /// Runs a compiled query and returns its result as typed columns, streamed from a
    /// row cursor (no per-row decoding into records).
    /// Package-internal: everything outside the warehouse asks `QueryExecutor`, the one entry point.
    package func run(_ query: CompiledQuery, factEquivalent: CompiledQuery? = nil) throws -> DataTable {
        let arguments = StatementArguments(query.parameters.map(\.databaseValue))
        let started = SQLTrace.enabled ? DispatchTime.now().uptimeNanoseconds : 0
        let table: DataTable = try reading { db in
            var text: [[String?]] = Array(repeating: [], count: query.columns.count)
            var integers: [[Int64?]] = Array(repeating: [], count: query.columns.count)
            var reals: [[Double?]] = Array(repeating: [], count: query.columns.count)
            var isReal = Array(repeating: false, count: query.columns.count)
            let cursor = try Row.fetchCursor(db, sql: query.sql, arguments: arguments)
            while let row = try cursor.next() {
                for i in 0..<query.columns.count {
                    let value: DatabaseValue = row[i]
                    if query.columns[i].role == .dimension {
                        switch value.storage {
                        case .null: text[i].append(nil)
                        case .string(let s): text[i].append(s)
                        case .int64(let v): text[i].append(String(v))
                        case .double(let v): text[i].append(String(v))
                        case .blob: text[i].append(nil)
                        }
                    } else {
                        switch value.storage {
                        case .int64(let v):
                            integers[i].append(v)
                            reals[i].append(Double(v))
                        case .double(let v):
                            isReal[i] = true
                            integers[i].append(nil)
                            reals[i].append(v)
                        default:
                            integers[i].append(nil)
                            reals[i].append(nil)
                        }
                    }
                }
            }
            let columns = query.columns.enumerated().map { i, spec -> DataColumn in
                let values: ColumnValues = spec.role == .dimension ? .text(text[i]) : isReal[i] ? .real(reals[i]) : .integer(integers[i])
                return DataColumn(spec: spec, values: values)
            }
            return DataTable(columns: columns)
        }
        if SQLTrace.enabled {
            SQLTrace.record(query.sql, query.parameters, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, rows: table.rowCount, facts: factEquivalent)
        }
        return table
    }

    /// Runs raw SQL for tests and benchmarks that check Almanac against hand-written SQL.
    public func rawRows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [[DatabaseValue]] {
        let started = SQLTrace.enabled ? DispatchTime.now().uptimeNanoseconds : 0
        defer {
            if SQLTrace.enabled { SQLTrace.record(sql, arguments, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, rows: -1) }
        }
        return try reading { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
                (0..<row.count).map { row[$0] }
            }
        }
    }

    /// The earliest and latest date in the fact's time column, or nil when empty.
    public func dateRange(model: SemanticModel) throws -> (first: Day, last: Day)? {
        try reading { db in
            guard try db.tableExists(model.time.table) else { return nil }
            let c = model.time.column.quotedDatabaseIdentifier, t = model.time.table.quotedDatabaseIdentifier
            // Two queries: SQLite answers a lone MIN or MAX from the index in one step, but
            // scans the whole index when both are asked for together.
            guard let a = try String.fetchOne(db, sql: "SELECT MIN(\(c)) FROM \(t)"),
                let b = try String.fetchOne(db, sql: "SELECT MAX(\(c)) FROM \(t)"),
                let first = Day(iso: a), let last = Day(iso: b)
            else { return nil }
            return (first, last)
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let s): return s.databaseValue
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        }
    }
}

/// Holds the connection of an open snapshot (and a flag), for one thread at a time.
final class SnapshotBox: @unchecked Sendable {
    var db: Database?
    var flag = false
    /// Coverage of each scope measured in the snapshot open now (reports and packs ask for
    /// the same audience's several times).
    var coverage: [String: DataCoverage] = [:]
}
