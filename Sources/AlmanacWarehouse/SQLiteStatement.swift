import Foundation
import GRDB
import GRDBSQLite

extension Statement {
    /// The error for a step of this statement that returned `code`, with SQLite's message.
    func failure(_ code: Int32, in db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }

    /// Binds `values` straight into the prepared statement, without building GRDB's
    /// `StatementArguments` for each row (which was a quarter of a load's time).
    func bindRow(_ values: [DatabaseValue]) {
        let s = sqliteStatement
        sqlite3_reset(s)
        for (i, v) in values.enumerated() {
            let index = Int32(i + 1)
            switch v.storage {
            case .null: sqlite3_bind_null(s, index)
            case .int64(let x): sqlite3_bind_int64(s, index, x)
            case .double(let x): sqlite3_bind_double(s, index, x)
            case .string(let x): sqlite3_bind_text(s, index, x, -1, SQLITE_TRANSIENT_LOADER)
            case .blob(let d): _ = d.withUnsafeBytes { sqlite3_bind_blob(s, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT_LOADER) }
            }
        }
    }
}

/// SQLite's "copy the bytes now" destructor.
let SQLITE_TRANSIENT_LOADER = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
