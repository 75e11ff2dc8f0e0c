import Foundation

/// Where a load's time goes, printed to standard error with `ALMANAC_LOAD_PHASES=1` (what the
/// README's performance notes were measured with).
enum LoadPhases {
    static let enabled = ProcessInfo.processInfo.environment["ALMANAC_LOAD_PHASES"] == "1"
    nonisolated(unsafe) static var marks: [String: Date] = [:]

    static func time<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = Date()
        defer { FileHandle.standardError.write(Data(String(format: "phase: %@ %.2f s\n", what, Date().timeIntervalSince(start)).utf8)) }
        return try body()
    }

    static func mark(_ name: String) { if enabled { marks[name] = Date() } }

    static func time(_ what: String, since name: String) {
        guard enabled, let start = marks[name] else { return }
        FileHandle.standardError.write(Data(String(format: "phase: %@ %.2f s\n", what, Date().timeIntervalSince(start)).utf8))
    }
}
