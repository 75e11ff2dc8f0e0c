import AlmanacQuery
import Foundation

/// Every statement a command runs, with its parameters and time, appended as JSON lines to
/// the file named by `ALMANAC_TRACE_SQL`: what `bench/run` replays in the sqlite3 shell and
/// in DuckDB beside Almanac. Off (and free) unless the variable is set.
enum SQLTrace {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handle: FileHandle? = {
        guard let path = ProcessInfo.processInfo.environment["ALMANAC_TRACE_SQL"], !path.isEmpty else { return nil }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let h = FileHandle(forWritingAtPath: path)
        h?.seekToEndOfFile()
        return h
    }()

    static var enabled: Bool { handle != nil }

    static func record(_ sql: String, _ parameters: [SQLValue], seconds: Double, rows: Int, facts: CompiledQuery? = nil) {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { return }
        func values(_ parameters: [SQLValue]) -> [Any] {
            parameters.map { v -> Any in
                switch v {
                case .text(let s): return s
                case .integer(let i): return i
                case .real(let d): return d
                }
            }
        }
        var object: [String: Any] = ["sql": sql, "parameters": values(parameters), "seconds": seconds, "rows": rows]
        if let facts {
            object["fact_sql"] = facts.sql
            object["fact_parameters"] = values(facts.parameters)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        handle.write(data)
    }
}
