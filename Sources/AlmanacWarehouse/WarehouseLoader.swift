import AlmanacCore
import AlmanacModel
import Crypto
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
    /// Replace the rows of fact tables instead of appending (dimension rows are always upserted by key).
    public var replace = false
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
    /// Loads CSV files into the model's tables, all or nothing.
    ///
    /// `files` maps table names to CSV paths. Each file's header must name the table's
    /// columns (any order); every value is checked against its column's type and every key
    /// against the table it joins to. Any problem rolls the whole load back. A file whose
    /// bytes were loaded into the same table before is skipped, so it is never counted twice.
    public func load(model: SemanticModel, files: [String: String], options: LoadOptions = LoadOptions()) throws -> LoadReport {
        for name in files.keys where model.table(name) == nil {
            throw Diagnostic(field: "table", message: "no table `\(name)` in the model",
                             hint: Suggest.hint(for: name, in: model.tables.map(\.name), noun: "table"))
        }
        var report = LoadReport(entries: [])
        do {
            try queue.write { db in
                for table in model.loadOrder {
                    guard let path = files[table.name] else { continue }
                    let entry = try load(table: table, path: path, model: model, db: db, options: options, report: &report)
                    report.entries.append(entry)
                }
            }
        } catch let failure as LoadFailure {
            throw failure
        } catch let d as Diagnostic {
            throw LoadFailure(report: report, diagnostics: [d])
        } catch let e as DatabaseError {
            throw LoadFailure(report: report, diagnostics: [Diagnostic(file: path, message: "database error: \(e.message ?? "\(e)")")])
        }
        return report
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

    /// Indexes the columns queries join and filter on. Built after a table's rows are in,
    /// which is several times faster than keeping them up to date row by row.
    private func createIndexes(_ t: TableDef, db: Database) throws {
        var indexed = t.joins.map(\.column)
        for c in t.columns where c.type == .date { indexed.append(c.name) }
        for c in indexed {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \("\(t.name)_\(c)".quotedDatabaseIdentifier) ON \(t.name.quotedDatabaseIdentifier)(\(c.quotedDatabaseIdentifier))")
        }
    }

    private func load(
        table t: TableDef, path: String, model: SemanticModel, db: Database, options: LoadOptions, report: inout LoadReport
    ) throws -> LoadReport.Entry {
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
        if t.role != .dimension {
            if options.replace {
                try db.execute(sql: "DELETE FROM \(t.name.quotedDatabaseIdentifier)")
                try db.execute(sql: "DELETE FROM _almanac_loads WHERE table_name = ?", arguments: [t.name])
            } else if let previous = try String.fetchOne(
                db, sql: "SELECT loaded_at FROM _almanac_loads WHERE table_name = ? AND file_name = ? ORDER BY id DESC LIMIT 1",
                arguments: [t.name, fileName])
            {
                throw Diagnostic(file: path, message: "a different \(fileName) was loaded into `\(t.name)` on \(previous); loading this one too would count its overlapping rows twice",
                                 hint: "pass --replace to replace the rows of `\(t.name)` with this file's, or give the new extract its own name if it holds only new rows")
            }
        }

        // Keys this table's joins must find, from the warehouse as it stands in this transaction.
        var keySets: [(column: String, table: String, keys: Set<String>)] = []
        for j in t.joins {
            guard let other = model.table(j.table), let pk = other.primaryKey, try db.tableExists(other.name) else {
                throw Diagnostic(file: path, message: "`\(t.name)` joins to `\(j.table)`, which has not been loaded",
                                 hint: "load \(j.table) first (name both files, or run `almanac load` with no arguments)")
            }
            let keys = try String.fetchSet(db, sql: "SELECT \(pk.quotedDatabaseIdentifier) FROM \(other.name.quotedDatabaseIdentifier)")
            keySets.append((j.column, other.name, keys))
        }

        var header: [String] = []
        var positions: [Int] = []  // CSV field index of each model column
        var joinPositions: [(field: Int, table: String, keys: Set<String>)] = []
        var read = 0, rejected = 0, loaded = 0
        var problems: [Diagnostic] = []
        var statement: Statement?
        let verb = t.role == .dimension ? "INSERT OR REPLACE" : "INSERT"
        let columnList = t.columns.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
        statement = try db.makeStatement(
            sql: "\(verb) INTO \(t.name.quotedDatabaseIdentifier) (\(columnList)) VALUES (\(Array(repeating: "?", count: t.columns.count).joined(separator: ", ")))")
        var values = [DatabaseValue](repeating: .null, count: t.columns.count)
        // Per-column facts hoisted out of the row loop.
        let columnCount = t.columns.count
        let types = t.columns.map(\.type)
        let required = t.columns.map(\.required)

        try reader.forEachRecord(progress: { done in options.progress?(path, done, reader.byteCount) }) { record in
            if header.isEmpty {
                header = record.fields
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
                switch convert(raw, type: types[ci], required: required[ci]) {
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
            if bad {
                rejected += 1
                return
            }
            if problems.isEmpty {
                statement!.setUncheckedArguments(StatementArguments(values))
                try statement!.execute()
                loaded += 1
            }
        }
        if header.isEmpty {
            problems.append(Diagnostic(file: path, line: 1, message: "the file is empty", hint: "a CSV extract starts with a header row"))
        }
        if !problems.isEmpty {
            report.entries.append(LoadReport.Entry(table: t.name, file: path, read: read, loaded: 0, rejected: rejected))
            throw LoadFailure(report: report, diagnostics: problems)
        }
        try createIndexes(t, db: db)
        let stamp = ISO8601DateFormatter().string(from: options.now())
        try db.execute(
            sql: "INSERT INTO _almanac_loads (table_name, file_name, sha256, rows, loaded_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [t.name, fileName, digest, loaded, stamp])
        return LoadReport.Entry(table: t.name, file: path, read: read, loaded: loaded, rejected: 0)
    }

    private struct Reason: Error {
        var message: String
        var hint: String?
    }

    private func convert(_ raw: String, type: ColumnType, required: Bool) -> Result<DatabaseValue, Reason> {
        if raw.isEmpty {
            return required ? .failure(Reason(message: "missing value", hint: nil)) : .success(.null)
        }
        switch type {
        case .text:
            return .success(raw.databaseValue)
        case .integer:
            guard let v = Int64(raw) else {
                return .failure(Reason(message: "not a whole number", hint: "write whole numbers with digits only, no separators or units"))
            }
            return .success(v.databaseValue)
        case .decimal:
            // Plain decimal notation only: Double() alone would also take "nan", "inf" and hex.
            guard raw.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
                let v = Double(raw), v.isFinite
            else {
                return .failure(Reason(message: "not a number", hint: "write plain numbers such as 1234.50, with no currency symbol or thousands separator"))
            }
            return .success(v.databaseValue)
        case .date:
            guard Day(iso: raw) != nil else {
                return .failure(Reason(message: "not a valid date", hint: "write dates as YYYY-MM-DD (ISO 8601), e.g. 2025-10-31"))
            }
            return .success(raw.databaseValue)
        }
    }

    private func fileDigest(_ path: String) throws -> String {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw Diagnostic(file: path, message: "cannot read file")
        }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
