import AlmanacCore
import AlmanacModel
import Foundation
import GRDB

/// Checking one CSV value against its column's type and bounds, for the loader.
extension Warehouse {
    struct Reason: Error {
        /// What is wrong with the value, and what to do.
        var message: String
        var hint: String?
    }

    func convert(_ raw: String, type: ColumnType, required: Bool, bounds: (min: String, max: String)?) -> Result<DatabaseValue, Reason> {
        if raw.isEmpty {
            return required ? .failure(Reason(message: "missing value", hint: nil)) : .success(.null)
        }
        func outside(_ shown: String) -> Result<DatabaseValue, Reason> {
            .failure(Reason(message: "\(shown) is outside the range \(bounds?.min ?? "") to \(bounds?.max ?? "")",
                            hint: "correct the value, or declare `min:` / `max:` for the column in the model"))
        }
        switch type {
        case .text:
            // NUL and other control characters (tab aside) corrupt text and terminals: refused.
            if raw.unicodeScalars.contains(where: { ($0.value < 0x20 && $0.value != 0x09) || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
                return .failure(Reason(message: "a control character", hint: "remove control characters (such as NUL or escape codes) from the extract"))
            }
            return .success(raw.databaseValue)
        case .integer:
            guard let v = Int64(raw) else {
                return .failure(Reason(message: "not a whole number", hint: "write whole numbers with digits only, no separators or units"))
            }
            if let bounds, let lo = Int64(bounds.min), let hi = Int64(bounds.max), v < lo || v > hi { return outside("the number") }
            return .success(v.databaseValue)
        case .decimal:
            // Plain decimal notation only: Double() alone would also take "nan", "inf" and hex.
            guard raw.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
                let v = Double(raw), v.isFinite
            else {
                return .failure(Reason(message: "not a number", hint: "write plain numbers such as 1234.50, with no currency symbol or thousands separator"))
            }
            if let bounds, let lo = Double(bounds.min), let hi = Double(bounds.max), v < lo || v > hi { return outside("the number") }
            return .success(v.databaseValue)
        case .date:
            guard Day(iso: raw) != nil else {
                return .failure(Reason(message: "not a valid date", hint: "write dates as YYYY-MM-DD (ISO 8601), e.g. 2025-10-31"))
            }
            if let bounds, raw < bounds.min || raw > bounds.max { return outside("the date") }
            return .success(raw.databaseValue)
        }
    }
}
