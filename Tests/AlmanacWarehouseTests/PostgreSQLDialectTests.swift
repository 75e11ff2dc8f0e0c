import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// The PostgreSQL dialect's SQL run on a real PostgreSQL 15 server (a cluster made for the
/// test in a temporary folder, on loopback, stopped after), over the sample loaded with
/// native `date` columns, gives the same rows, in the same order, as the SQLite SQL for the
/// same plan on the SQLite warehouse.
final class PostgreSQLDialectTests: WarehouseTestCase {
    /// A throwaway PostgreSQL cluster.
    final class Server {
        static let bin = "/usr/lib/postgresql/15/bin"
        let data: String
        let port = Int.random(in: 40_000...49_000)

        init(folder: URL) throws {
            guard FileManager.default.isExecutableFile(atPath: Self.bin + "/initdb") else {
                throw XCTSkip("PostgreSQL 15 is not installed; run scripts/postgres-setup")
            }
            data = folder.appendingPathComponent("pg").path
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
            if getuid() == 0 { try Self.exec("/bin/chown", ["postgres", data]) }
            try asOwner(Self.bin + "/initdb", ["-D", data, "-A", "trust", "-U", "almanac", "--locale=C", "-E", "UTF8"])
            try asOwner(Self.bin + "/pg_ctl", ["-D", data, "-l", data + "/server.log", "-w", "-o",
                                               "-p \(port) -k \(data) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        }

        func stop() { _ = try? asOwner(Self.bin + "/pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]) }

        func asOwner(_ tool: String, _ args: [String]) throws {
            if tool.hasSuffix("pg_ctl") {
                // Through system(3), not Process: the server pg_ctl leaves running would hold
                // the descriptor Foundation watches for the end of the process, forever.
                let quoted = ([tool] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
                let command = (getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : "") + quoted + " </dev/null >/dev/null 2>&1"
                guard system(command) == 0 else {
                    throw Diagnostic(message: "pg_ctl failed: " + ((try? String(contentsOfFile: data + "/server.log", encoding: .utf8)) ?? ""))
                }
            } else if getuid() == 0 {
                try Self.exec("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + args)
            } else {
                try Self.exec(tool, args)
            }
        }

        @discardableResult
        static func exec(_ tool: String, _ args: [String], input: String? = nil, capture: Bool = true) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            let out = Pipe(), inp = Pipe()
            let errFile = NSTemporaryDirectory() + "almanac-pg-\(UUID().uuidString).err"
            _ = FileManager.default.createFile(atPath: errFile, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: errFile) }
            let err = FileHandle(forWritingAtPath: errFile)
            // pg_ctl's server inherits what it is given: a pipe there would never reach its end.
            p.standardOutput = capture ? out : FileHandle.nullDevice
            p.standardError = capture ? err : FileHandle.nullDevice
            p.standardInput = input == nil ? FileHandle.nullDevice : inp
            try p.run()
            if let input {
                inp.fileHandleForWriting.write(Data(input.utf8))
                try inp.fileHandleForWriting.close()
            }
            let o = capture ? out.fileHandleForReading.readDataToEndOfFile() : Data()
            p.waitUntilExit()
            try? err?.close()
            let e = FileManager.default.contents(atPath: errFile) ?? Data()
            guard p.terminationStatus == 0 else {
                throw Diagnostic(message: "\(tool) \(args.prefix(3).joined(separator: " ")) failed: " + String(decoding: e, as: UTF8.self))
            }
            return String(decoding: o, as: UTF8.self)
        }

        /// Runs SQL through psql; CSV out.
        func psql(_ sql: String) throws -> String {
            try Self.exec("/usr/bin/psql", ["-X", "-q", "-h", "127.0.0.1", "-p", "\(port)", "-U", "almanac", "-d", "postgres",
                                            "-v", "ON_ERROR_STOP=1", "--csv"], input: sql)
        }
    }

    func testTheSameRowsOnPostgreSQLAsOnSQLite() throws {
        let server = try Server(folder: folder)
        defer { server.stop() }
        // The schema from the model, dates as `date`; the sample's extracts copied in.
        var load = ""
        for t in model.tables {
            let types: [ColumnType: String] = [.text: "text", .integer: "bigint", .decimal: "double precision", .date: "date"]
            load += "CREATE TABLE \(SQLiteDialect().quote(t.name)) (" + t.columns.map { "\(SQLiteDialect().quote($0.name)) \(types[$0.type] ?? "text")" }.joined(separator: ", ") + ");\n"
            let path = sample(t.name)
            let header = try String(contentsOfFile: path, encoding: .utf8).prefix { $0 != "\n" && $0 != "\r" }
            load += "\\copy \(SQLiteDialect().quote(t.name)) (\(header)) FROM '\(path)' WITH (FORMAT csv, HEADER true)\n"
        }
        _ = try server.psql(load)
        let sqlite = try newWarehouse()
        _ = try sqlite.load(model: model, files: allSampleFiles)

        let requests: [QueryRequest] = [
            QueryRequest(measures: ["contacts", "spend"], by: ["directorate", "financial_year"], filter: "district = 'Preston'"),
            QueryRequest(measures: ["contacts", "records", "customers", "avg_handling_minutes", "min_spend", "max_spend"], period: try Period(parsing: "2025-10")),
            QueryRequest(measures: ["customers"], by: ["county", "district", "ward", "age_band"]),
            QueryRequest(measures: ["contacts"], by: ["quarter", "month", "channel"],
                         filter: "district in ('Preston', 'Burnley') and not (channel = 'Web' or outcome != 'Resolved')",
                         period: try Period(parsing: "FY2024-25"), limit: 10),
            QueryRequest(measures: ["contacts_per_1000", "contacts_share", "web_share"], by: ["financial_year", "district", "service"],
                         filter: "district in ('Preston', 'Wyre') and service != 'Libraries'"),
            QueryRequest(measures: ["customers", "repeat_contact_rate", "multi_service_customers"], by: ["age_band"], period: try Period(parsing: "FY2024-25")),
            QueryRequest(measures: ["contacts"], by: ["iso_week"], period: try Period(parsing: "2025-Q1")),
            QueryRequest(measures: ["contacts", "spend"], by: ["financial_quarter", "service"]),
            QueryRequest(measures: ["contacts"], by: ["day", "channel"], period: try Period(parsing: "2024-02")),
            QueryRequest(measures: ["contacts_per_1000"], by: ["district", "year"]),
            QueryRequest(measures: ["contacts_per_1000", "customers"], by: ["year"]),
        ]
        for r in requests {
            let plan = try QueryPlanner(model: model).plan(r)
            let lite = SQLCompiler().compile(plan), pg = SQLCompiler(dialect: PostgreSQLDialect()).compile(plan)
            XCTAssertEqual(lite.parameters, pg.parameters)
            let expected = try sqlite.rawRows(lite.sql, lite.parameters).map { $0.map(Self.normal) }
            let literals = pg.parameters.map { p -> String in
                switch p {
                case .text(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
                case .integer(let i): return "\(i)"
                case .real(let d): return "\(d)"
                }
            }
            let csv = try server.psql("PREPARE q AS " + pg.sql + ";\nEXECUTE q" + (literals.isEmpty ? "" : "(" + literals.joined(separator: ", ") + ")") + ";\n")
            let got = Self.parseCSV(csv).dropFirst().map { $0.map(Self.normal) }
            XCTAssertFalse(expected.isEmpty, "\(r.measures) by \(r.by)")
            XCTAssertEqual(got.count, expected.count, "\(r.measures) by \(r.by)")
            for (i, (a, b)) in zip(got, expected).enumerated() where a != b {
                XCTFail("\(r.measures) by \(r.by), row \(i): PostgreSQL \(a) ≠ SQLite \(b)")
                break
            }
        }
    }

    /// A value as both engines' outputs are compared: numbers to 9 significant digits, NULL as "".
    static func normal(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: return ""
        case .int64(let i): return normal(String(i))
        case .double(let d): return String(format: "%.9g", d)
        case .string(let s): return normal(s)
        case .blob: return "?"
        }
    }

    static func normal(_ s: String) -> String {
        if let d = Double(s), s.first.map({ $0.isNumber || $0 == "-" }) ?? false { return String(format: "%.9g", d) }
        return s
    }

    /// RFC 4180 rows.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if quoted {
                if ch == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true } else if ch == "," { row.append(field); field = "" } else if ch == "\n" || ch == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(ch) }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
