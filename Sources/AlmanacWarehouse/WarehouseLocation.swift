import AlmanacCore
import Foundation

/// Where a warehouse is, as given by `--warehouse` or `$ALMANAC_WAREHOUSE`: a SQLite file
/// path (or a `file://` URL), or a server URL. A URL is never taken as a file name: before
/// this check, `postgres://host/db` made a folder named `postgres:` and a SQLite file in it.
public enum WarehouseLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(host: String, port: Int, database: String, user: String?)

    /// Reads a location; a clear error for a URL this build cannot open.
    public static func parse(_ text: String) throws -> WarehouseLocation {
        guard let schemeEnd = text.range(of: "://"),
            !text[..<schemeEnd.lowerBound].isEmpty,
            text[..<schemeEnd.lowerBound].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return .sqlite(path: text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "file":
            let path = String(text[schemeEnd.upperBound...])
            guard path.hasPrefix("/") else {
                throw Diagnostic(field: "--warehouse", message: "a file URL needs an absolute path: file:///path/to/almanac.sqlite")
            }
            return .sqlite(path: path.removingPercentEncoding ?? path)
        case "postgres", "postgresql":
            // Named without the password, which is never echoed.
            var rest = String(text[schemeEnd.upperBound...])
            if let q = rest.firstIndex(of: "?") { rest = String(rest[..<q]) }
            var user: String?
            if let at = rest.lastIndex(of: "@") {
                user = String(rest[..<at].split(separator: ":", maxSplits: 1).first ?? "").removingPercentEncoding
                rest = String(rest[rest.index(after: at)...])
            }
            let hostPort = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let database = hostPort.count > 1 ? String(hostPort[1]).removingPercentEncoding ?? "" : ""
            let hp = hostPort.first.map(String.init) ?? ""
            var host = hp, port = 5432
            if let colon = hp.lastIndex(of: ":"), !hp.hasSuffix("]"), let p = Int(hp[hp.index(after: colon)...]) {
                host = String(hp[..<colon])
                port = p
            }
            let location = WarehouseLocation.postgres(host: host.isEmpty ? "localhost" : host, port: port, database: database, user: user)
            throw Diagnostic(
                field: "--warehouse",
                message: "\(location.description) is a PostgreSQL warehouse, and this build of Almanac has only its embedded SQLite engine",
                hint: "give a SQLite file path (e.g. warehouse/almanac.sqlite); PostgreSQL support is planned, not yet built")
        default:
            throw Diagnostic(field: "--warehouse", message: "`\(Terminal.safe(String(scheme)))://` is not a kind of warehouse Almanac knows",
                             hint: "give a SQLite file path (e.g. warehouse/almanac.sqlite) or a file:/// URL")
        }
    }

    /// The location named for a message: a path, or `server HOST:PORT, database DB`.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let host, let port, let database, let user):
            return "server \(host):\(port), database `\(database.isEmpty ? (user ?? "(default)") : database)`" + (user.map { " as \($0)" } ?? "")
        }
    }
}
