import AlmanacCore
import AlmanacModel
import Crypto
import GRDBSQLite
import Foundation
import GRDB

/// What a load did, table by table.
public struct LoadReport: Sendable {
    /// One file's outcome.
    public struct Entry: Sendable {
        /// Table.
        public var table: String
        /// File as named by the user.
        public var file: String
        /// Data rows read (header excluded).
        public var read: Int
        /// Rows written to the warehouse.
        public var loaded: Int
        /// Rows rejected (a load with any rejected row loads nothing).
        public var rejected: Int
        /// Set when the same bytes were loaded before, so nothing was added.
        public var skippedAsDuplicate: String?
    }

    /// Entries in load order.
    public var entries: [Entry]
    /// The days each fact load added or removed rows for: what its rollups refresh.
    var touched: [TouchedDays] = []

    /// Creates a report.
    public init(entries: [Entry]) { self.entries = entries }
}

/// A load that failed: what was read and rejected, and why. The warehouse is unchanged.
public struct LoadFailure: Error, Sendable, CustomStringConvertible {
    /// The report up to and including the failing file.
    public var report: LoadReport
    /// The problems found (at most `LoadOptions.maxErrors` are kept).
    public var diagnostics: [Diagnostic]

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
            + "\nnothing was loaded: the warehouse is exactly as it was before this load"
    }
}

/// How a load behaves.
public struct LoadOptions: Sendable {
    /// Replace, in fact and denominator tables, exactly the rows of earlier loads of a file
    /// of the same name, and rows with the same unique key; dimension rows are always
    /// upserted by key.
    public var replace = false
    /// Accept an extract with a header and no rows (otherwise refused: an empty export is
    /// almost always a broken one).
    public var allowEmpty = false
    /// Stop collecting errors after this many.
    public var maxErrors = 20
    /// Called with (file, bytes done, bytes total) as big files are read.
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// The clock for the load ledger (fixed in tests).
    public var now: @Sendable () -> Date = { Date() }

    /// Default options.
    public init() {}
}

extension Warehouse {
    /// Loads CSV files into the model's tables, all or nothing; `files` maps table names to
    /// one CSV path each.
    public func load(model: SemanticModel, files: [String: String], options: LoadOptions = LoadOptions()) throws -> LoadReport {
        try load(model: model, batch: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, options: options)
    }

    /// Loads CSV files into the model's tables, all or nothing, in one transaction.
    ///
    /// `batch` lists (table, path) pairs; a table may have several files, loaded together.
    /// Each file's header must name the table's columns (any order, each once); every value
    /// is checked against its column's type and bounds, text for control characters, every
    /// key against the table it joins to, and every row's unique key against the rows already
    /// there. Every fact and denominator row records the load it came from and its line, so
    /// `--replace` replaces exactly an earlier load of the same file name. Any problem rolls
    /// the whole load back. A file whose bytes were loaded into the same table before is
    /// skipped, so it is never counted twice.
    public func load(model: SemanticModel, batch: [(table: String, path: String)], options: LoadOptions = LoadOptions()) throws -> LoadReport {
        for (name, _) in batch where model.table(name) == nil {
            throw Diagnostic(field: "table", message: "no table `\(name)` in the model",
                             hint: Suggest.hint(for: name, in: model.tables.map(\.name), noun: "table"))
        }
        var report = LoadReport(entries: [])
        var current = ""
        // Say who holds the write lock, for a command that has to wait for it.
        let holder = "almanac load, process \(getpid()), since \(ISO8601DateFormatter().string(from: Date()))"
        var wroteHolder = false
        defer { if wroteHolder { try? FileManager.default.removeItem(atPath: holderPath) } }
        do {
            try queue.writeWithoutTransaction { db in
                // IMMEDIATE: the write lock is taken (or waited for) before anything is read.
                try db.inTransaction(.immediate) {
                    wroteHolder = (try? holder.write(toFile: holderPath, atomically: true, encoding: .utf8)) != nil
                    // A rolled-back load may have created tables: what the schema holds is read afresh.
                    db.clearSchemaCache()
                    for table in model.loadOrder {
                        for (name, path) in batch where name == table.name {
                            current = path
                            let entry = try LoadPhases.time("read, check and insert \(table.name)") {
                                try load(table: table, path: path, model: model, db: db, options: options, report: &report)
                            }
                            report.entries.append(entry)
                        }
                    }
                    // Statistics for the planner on the tables this load changed: in full for
                    // dimensions; for facts from a sample of each index (analysis_limit), 0.01 s
                    // rather than 0.4 s a million rows, and enough to choose the (key, date) indexes.
                    for table in model.loadOrder where report.entries.contains(where: { $0.table == table.name && $0.loaded > 0 }) {
                        if table.role == .fact { try db.execute(sql: "PRAGMA analysis_limit = 1000") }
                        try db.execute(sql: "ANALYZE \(table.name.quotedDatabaseIdentifier)")
                        try db.execute(sql: "PRAGMA analysis_limit = 0")
                    }
                    // Rollups follow the facts in the same transaction: never ahead or behind them.
                    try LoadPhases.time("rollups") {
                        try Warehouse.refreshRollups(model: model, db: db, touched: report.touched, now: options.now())
                    }
                    LoadPhases.mark("commit")
                    return .commit
                }
            }
            LoadPhases.time("commit", since: "commit")
        } catch let failure as LoadFailure {
            throw failure
        } catch let d as Diagnostic {
            throw LoadFailure(report: report, diagnostics: [d])
        } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY {
            throw LoadFailure(report: report, diagnostics: [Warehouse.lockError(path: path)])
        } catch let e as DatabaseError {
            throw LoadFailure(report: report, diagnostics: [Diagnostic(file: current, message: "database error: \(e.message ?? "\(e)")")])
        }
        return report
    }

    /// The columns that identify a row of an appended table: its declared `unique:`, or for
    /// a denominator its keys and year.
    static func uniqueKey(_ t: TableDef) -> [String] {
        if !t.unique.isEmpty { return t.unique }
        if t.role == .denominator, let year = t.yearColumn { return t.joins.map(\.column) + [year] }
        return []
    }

    /// Adds row provenance (`_load_id`, `_line`) and the unique index to an appended table,
    /// including one created before they existed. Rows already there are attributed to the
    /// table's only earlier load when there was exactly one.
    private func prepareAppended(_ t: TableDef, db: Database) throws {
        let existing = Set(try db.columns(in: t.name).map(\.name))
        if !existing.contains("_load_id") {
            try db.execute(sql: "ALTER TABLE \(t.name.quotedDatabaseIdentifier) ADD COLUMN _load_id INTEGER")
            try db.execute(sql: "ALTER TABLE \(t.name.quotedDatabaseIdentifier) ADD COLUMN _line INTEGER")
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM _almanac_loads WHERE table_name = ?", arguments: [t.name])
            if ids.count == 1 { try db.execute(sql: "UPDATE \(t.name.quotedDatabaseIdentifier) SET _load_id = ?", arguments: [ids[0]]) }
        }
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS \("\(t.name)__load".quotedDatabaseIdentifier) ON \(t.name.quotedDatabaseIdentifier)(_load_id)")
        let key = Self.uniqueKey(t)
        guard !key.isEmpty else { return }
        let index = "\(t.name)__unique"
        if try !db.indexes(on: t.name).contains(where: { $0.name == index }) {
            do {
                try db.execute(sql: "CREATE UNIQUE INDEX \(index.quotedDatabaseIdentifier) ON \(t.name.quotedDatabaseIdentifier)(\(key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")))")
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                throw Diagnostic(file: t.place.file, line: t.place.line, column: t.place.column, field: "unique",
                                 message: "`\(t.name)` already holds rows with the same \(key.joined(separator: ", ")), so they cannot be made unique",
                                 hint: "rebuild the warehouse from clean extracts (delete it and run `almanac load`)")
            }
        }
    }

    private func createTable(_ t: TableDef, db: Database) throws {
        guard try !db.tableExists(t.name) else { return }
        var defs = t.columns.map { c -> String in
            var s = "\(c.name.quotedDatabaseIdentifier) \(c.type.sqlType)"
            if c.required { s += " NOT NULL" }
            return s
        }
        if let pk = t.primaryKey { defs.append("PRIMARY KEY (\(pk.quotedDatabaseIdentifier))") }
        try db.execute(sql: "CREATE TABLE \(t.name.quotedDatabaseIdentifier) (\(defs.joined(separator: ", ")))")
    }

    /// Indexes the columns queries filter on. Built after a table's rows are in, which is
    /// several times faster than keeping them up to date row by row. A fact's join columns
    /// are not indexed: every plan scans the facts (or a rollup) and looks the dimensions up
    /// by their primary keys; measured at 1M rows, dropping those three indexes changed no
    /// query's time (scoped ones included), and saved 1.1 s of the load and 45 MB.
    ///
    /// Instead, a fact gets one (key, date) index per join to a dimension of fewer than 10,000
    /// rows (places, services: what audiences are scoped by), so that a scoped query starts
    /// from the few wards of its district and reads only their rows of its period: measured
    /// at 1M rows, a district's "customers by age band" for a year went from 0.36 s to 0.09 s.
    /// Dimensions of entities (a million customers) get none: nothing is filtered by them.
    private func createIndexes(_ t: TableDef, model: SemanticModel, db: Database) throws {
        var indexed = t.role == .fact ? [] : t.joins.map(\.column)
        for c in t.columns where c.type == .date { indexed.append(c.name) }
        for c in indexed {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \("\(t.name)_\(c)".quotedDatabaseIdentifier) ON \(t.name.quotedDatabaseIdentifier)(\(c.quotedDatabaseIdentifier))")
        }
        guard t.role == .fact, model.time.table == t.name else { return }
        let date = model.time.column
        for j in try Warehouse.smallDimensionJoins(of: t, db: db) {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \("\(t.name)_\(j.column)_\(date)".quotedDatabaseIdentifier) ON \(t.name.quotedDatabaseIdentifier)(\(j.column.quotedDatabaseIdentifier), \(date.quotedDatabaseIdentifier))")
        }
    }

    private func load(
        table t: TableDef, path: String, model: SemanticModel, db: Database, options: LoadOptions, report: inout LoadReport
    ) throws -> LoadReport.Entry {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let attributes, attributes[.type] as? FileAttributeType != .typeRegular {
            throw Diagnostic(file: path, message: "not a regular file", hint: "name a CSV extract")
        }
        let reader = try CSVReader(path: path)
        let fileName = (path as NSString).lastPathComponent
        let digest = try fileDigest(path)
        try createTable(t, db: db)
        if let previous = try Row.fetchOne(
            db, sql: "SELECT file_name, loaded_at FROM _almanac_loads WHERE table_name = ? AND sha256 = ?",
            arguments: [t.name, digest]), !options.replace || t.role == .dimension
        {
            let when: String = previous[1]
            let name: String = previous[0]
            return LoadReport.Entry(table: t.name, file: path, read: 0, loaded: 0, rejected: 0,
                                    skippedAsDuplicate: "the same bytes were loaded as \(name) on \(when)")
        }
        // Facts and denominators are appended, so a changed extract under a known name could
        // count rows twice; dimensions are upserted by key and cannot.
        let appended = t.role != .dimension
        if appended {
            try prepareAppended(t, db: db)
            let earlier = try Int64.fetchAll(db, sql: "SELECT id FROM _almanac_loads WHERE table_name = ? AND file_name = ?", arguments: [t.name, fileName])
            if options.replace, !earlier.isEmpty {
                // Exactly the rows of the earlier loads of this file name; other extracts' rows stay.
                let list = earlier.map(String.init).joined(separator: ", ")
                if let days = try Row.fetchOne(db, sql: "SELECT MIN(first_day), MAX(last_day), COUNT(*) - COUNT(first_day) FROM _almanac_loads WHERE id IN (\(list))") {
                    let unknown: Int = days[2]
                    report.touched.append(unknown > 0 ? TouchedDays(table: t.name) : TouchedDays(table: t.name, first: days[0], last: days[1]))
                }
                try db.execute(sql: "DELETE FROM \(t.name.quotedDatabaseIdentifier) WHERE _load_id IN (\(list))")
                try db.execute(sql: "DELETE FROM _almanac_loads WHERE id IN (\(list))")
            } else if !earlier.isEmpty, let previous = try String.fetchOne(
                db, sql: "SELECT loaded_at FROM _almanac_loads WHERE table_name = ? AND file_name = ? ORDER BY id DESC LIMIT 1",
                arguments: [t.name, fileName])
            {
                throw Diagnostic(file: path, message: "a different \(fileName) was loaded into `\(t.name)` on \(previous); loading this one too would count its overlapping rows twice",
                                 hint: "pass --replace to replace exactly the rows that earlier \(fileName) loaded, or give the new extract its own name if it holds only new rows")
            }
        }
        let stamp = ISO8601DateFormatter().string(from: options.now())
        try db.execute(
            sql: "INSERT INTO _almanac_loads (table_name, file_name, sha256, rows, loaded_at) VALUES (?, ?, ?, 0, ?)",
            arguments: [t.name, fileName, digest, stamp])
        let loadID = db.lastInsertedRowID
        let key = appended ? Self.uniqueKey(t) : []

        // Keys this table's joins must find, from the warehouse as it stands in this transaction.
        var keySets: [(column: String, table: String, keys: Set<String>)] = []
        for j in t.joins {
            guard let other = model.table(j.table), let pk = other.primaryKey, try db.tableExists(other.name) else {
                throw Diagnostic(file: path, message: "`\(t.name)` joins to `\(j.table)`, which has not been loaded",
                                 hint: "load \(j.table) first (name both files, or run `almanac load` with no arguments)")
            }
            // Read row by row into a set sized once: GRDB's fetchSet held every key twice over
            // on the way (a 130 MB spike for 300,000 customers, 530 MB for a million).
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(other.name.quotedDatabaseIdentifier)") ?? 0
            var keys = Set<String>(minimumCapacity: count)
            let select = try db.makeStatement(sql: "SELECT \(pk.quotedDatabaseIdentifier) FROM \(other.name.quotedDatabaseIdentifier)")
            let s = select.sqliteStatement
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw select.failure(rc, in: db)
                }
                if let text = sqlite3_column_text(s, 0) { keys.insert(String(cString: text)) }
            }
            keySets.append((j.column, other.name, keys))
        }

        var header: [String] = []
        var positions: [Int] = []  // CSV field index of each model column
        var joinPositions: [(field: Int, table: String, keys: Set<String>)] = []
        var read = 0, rejected = 0, loaded = 0
        var problems: [Diagnostic] = []
        var statement: Statement?
        let verb = t.role == .dimension ? "INSERT OR REPLACE" : "INSERT"
        let insertColumns = t.columns.map(\.name) + (appended ? ["_load_id", "_line"] : [])
        let columnList = insertColumns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
        statement = try db.makeStatement(
            sql: "\(verb) INTO \(t.name.quotedDatabaseIdentifier) (\(columnList)) VALUES (\(Array(repeating: "?", count: insertColumns.count).joined(separator: ", ")))")
        var values = [DatabaseValue](repeating: .null, count: insertColumns.count)
        if appended { values[t.columns.count] = loadID.databaseValue }
        // The unique key's columns, and statements to find (and, with --replace, remove) a row already there.
        let keyIndexes = key.compactMap { k in t.columns.firstIndex { $0.name == k } }
        let keyWhere = key.map { "\($0.quotedDatabaseIdentifier) IS ?" }.joined(separator: " AND ")
        let findKey = key.isEmpty ? nil : try db.makeStatement(sql: """
            SELECT l.file_name, r._line, r._load_id FROM \(t.name.quotedDatabaseIdentifier) r
            LEFT JOIN _almanac_loads l ON l.id = r._load_id WHERE \(keyWhere)
            """)
        let deleteKey = key.isEmpty || !options.replace ? nil
            : try db.makeStatement(sql: "DELETE FROM \(t.name.quotedDatabaseIdentifier) WHERE \(keyWhere) AND _load_id IS NOT ?")
        // A dimension's primary key, once per file.
        let pkIndex = t.role == .dimension ? t.primaryKey.flatMap { pk in t.columns.firstIndex { $0.name == pk } } : nil
        var seenKeys: [String: Int] = [:]
        // Bounds, by column.
        let bounds = t.columns.map { $0.bounds }
        var firstDay: String?, lastDay: String?
        let timeIndex = model.time.table == t.name ? t.columns.firstIndex { $0.name == model.time.column } : nil
        // Per-column facts hoisted out of the row loop.
        let columnCount = t.columns.count
        let types = t.columns.map(\.type)
        let required = t.columns.map(\.required)

        try reader.forEachRecord(progress: { done in options.progress?(path, done, reader.byteCount) }) { record in
            if header.isEmpty {
                header = record.fields
                var firstAt: [String: Int] = [:]
                for (i, h) in header.enumerated() {
                    if let j = firstAt[h] {
                        throw Diagnostic(file: path, line: record.line, column: record.columns[i], field: h,
                                         message: "the header names `\(h)` twice (fields \(j + 1) and \(i + 1))",
                                         hint: "remove or rename one of them")
                    }
                    firstAt[h] = i
                }
                for c in t.columns {
                    guard let i = header.firstIndex(of: c.name) else {
                        let guess = header.first { h in !t.columns.contains { $0.name == h } && Suggest.nearest(to: h, in: [c.name]) != nil }
                        throw Diagnostic(file: path, line: record.line, column: 1, field: c.name,
                                         message: "the header has no column `\(c.name)`, which table `\(t.name)` needs",
                                         hint: guess.map { "the header has `\($0)`; rename it to `\(c.name)`" }
                                             ?? "the header must name: " + t.columns.map(\.name).joined(separator: ", "))
                    }
                    positions.append(i)
                }
                for (i, h) in header.enumerated() where !t.columns.contains(where: { $0.name == h }) {
                    throw Diagnostic(file: path, line: record.line, column: record.columns[i], field: h,
                                     message: "unexpected column `\(h)` for table `\(t.name)`",
                                     hint: Suggest.nearest(to: h, in: t.columns.map(\.name)).map { "did you mean `\($0)`?" }
                                         ?? "remove it, or declare it in the model")
                }
                for ks in keySets {
                    joinPositions.append((header.firstIndex(of: ks.column)!, ks.table, ks.keys))
                }
                return
            }
            read += 1
            guard record.fields.count == header.count else {
                rejected += 1
                if problems.count < options.maxErrors {
                    problems.append(Diagnostic(file: path, line: record.line, column: record.columns.last,
                                               message: "row has \(record.fields.count) fields but the header has \(header.count)",
                                               hint: "quote any field that contains a comma"))
                }
                return
            }
            var bad = false
            for ci in 0..<columnCount {
                let fi = positions[ci]
                let raw = record.fields[fi]
                switch convert(raw, type: types[ci], required: required[ci], bounds: bounds[ci]) {
                case .success(let v): values[ci] = v
                case .failure(let reason):
                    bad = true
                    if problems.count < options.maxErrors {
                        let name = t.columns[ci].name
                        problems.append(Diagnostic(file: path, line: record.line, column: record.columns[fi], field: name,
                                                   message: "\(reason.message) in column `\(name)`: `\(raw)`",
                                                   hint: reason.hint ?? "every row needs a `\(name)`"))
                    }
                }
            }
            for jp in joinPositions where !bad {
                let key = record.fields[jp.field]
                if !key.isEmpty && !jp.keys.contains(key) {
                    bad = true
                    if problems.count < options.maxErrors {
                        problems.append(Diagnostic(file: path, line: record.line, column: record.columns[jp.field], field: header[jp.field],
                                                   message: "`\(key)` is not a key of `\(jp.table)`",
                                                   hint: "load the \(jp.table) row first, or correct the key"))
                    }
                }
            }
            if !bad, let pkIndex {
                let k = record.fields[positions[pkIndex]]
                if let other = seenKeys[k] {
                    bad = true
                    if problems.count < options.maxErrors {
                        problems.append(Diagnostic(file: path, line: record.line, column: record.columns[positions[pkIndex]], field: t.columns[pkIndex].name,
                                                   message: "`\(k)` is already the key of line \(other) (\(fileName):\(other)); a key names one row",
                                                   hint: "remove one of the two rows, or correct the key"))
                    }
                } else {
                    seenKeys[k] = record.line
                }
            }
            if bad {
                rejected += 1
                return
            }
            if problems.isEmpty {
                if let timeIndex, case .string(let day) = values[timeIndex].storage {
                    if firstDay.map({ day < $0 }) ?? true { firstDay = day }
                    if lastDay.map({ day > $0 }) ?? true { lastDay = day }
                }
                if appended { values[t.columns.count + 1] = record.line.databaseValue }
                if let deleteKey {
                    deleteKey.setUncheckedArguments(StatementArguments(keyIndexes.map { values[$0] } + [loadID.databaseValue]))
                    try deleteKey.execute()
                }
                // Bound and stepped directly: GRDB's StatementArguments, built for every row,
                // was a quarter of a load's time.
                statement!.bindRow(values)
                let code = sqlite3_step(statement!.sqliteStatement)
                if code == SQLITE_DONE {
                    loaded += 1
                } else if code & 0xFF != SQLITE_CONSTRAINT || findKey == nil {
                    let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                    sqlite3_reset(statement!.sqliteStatement)
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement!.sql)
                } else {
                    sqlite3_reset(statement!.sqliteStatement)
                    rejected += 1
                    findKey!.setUncheckedArguments(StatementArguments(keyIndexes.map { values[$0] }))
                    let row = try Row.fetchOne(findKey!)
                    let where_: String
                    if let row, let otherLoad: Int64 = row[2], otherLoad == loadID {
                        where_ = "line \((row[1] as Int64?) ?? 0) of this file"
                    } else if let row {
                        where_ = "\((row[0] as String?) ?? "an earlier load"):\((row[1] as Int64?).map(String.init) ?? "?")"
                    } else {
                        where_ = "a row already loaded"
                    }
                    problems.append(Diagnostic(file: path, line: record.line, column: 1, field: key.joined(separator: ", "),
                                               message: "this row has the same \(key.joined(separator: ", ")) as \(where_): loading it would count it twice",
                                               hint: options.replace ? "remove one of the two rows" : "pass --replace to replace the rows already loaded with this file's, or remove the duplicate"))
                }
            }
        }
        if header.isEmpty {
            problems.append(Diagnostic(file: path, line: 1, message: "the file is empty", hint: "a CSV extract starts with a header row"))
        } else if read == 0 && !options.allowEmpty {
            problems.append(Diagnostic(file: path, line: 2, message: "the extract has a header but no rows",
                                       hint: "an empty export is usually a broken one; pass --allow-empty if it really has nothing to add"))
        }
        if !problems.isEmpty {
            report.entries.append(LoadReport.Entry(table: t.name, file: path, read: read, loaded: 0, rejected: rejected))
            throw LoadFailure(report: report, diagnostics: problems)
        }
        try LoadPhases.time("indexes \(t.name)") { try createIndexes(t, model: model, db: db) }
        if appended && loaded > 0 {
            // Replacing rows by a unique key without the date may remove rows of any day.
            let anyDay = deleteKey != nil && !key.contains(model.time.column)
            report.touched.append(anyDay ? TouchedDays(table: t.name) : TouchedDays(table: t.name, first: firstDay, last: lastDay))
        }
        try db.execute(sql: "UPDATE _almanac_loads SET rows = ?, first_day = ?, last_day = ? WHERE id = ?",
                       arguments: [loaded, firstDay, lastDay, loadID])
        return LoadReport.Entry(table: t.name, file: path, read: read, loaded: loaded, rejected: 0)
    }

    /// SHA-256 of the file, read 1 MiB at a time (Data's .alwaysMapped read a whole extract
    /// into memory here: 600 MB at 10 million rows).
    private func fileDigest(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Diagnostic(file: path, message: "cannot read file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 1 << 20), !read.isEmpty else { break }
                chunk = read
            } catch {
                throw Diagnostic(file: path, message: "cannot read file: \(error.localizedDescription)")
            }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
