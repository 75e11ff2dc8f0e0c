import Foundation

/// How a measure's numbers are written, following ONS/GSS style: thousands separators,
/// GBP with a pound sign, percentages with a stated number of decimals.
public enum NumberFormat: String, Sendable, Codable, CaseIterable {
    /// Whole numbers: `12,345`.
    case integer
    /// One decimal place: `12.3`.
    case decimal1 = "decimal_1"
    /// Two decimal places: `12.34`.
    case decimal2 = "decimal_2"
    /// Whole pounds: `£12,345`.
    case currency = "gbp"
    /// Pounds and pence: `£12.34`.
    case currencyPence = "gbp_pence"
    /// A fraction shown as a percentage with one decimal: 0.123 → `12.3%`.
    case percent
    /// A difference between two percentages, in percentage points: 0.034 → `3.4 percentage points`.
    case percentagePoints = "percentage_points"

    /// The full written form of `value`.
    public func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch self {
        case .integer: return NumberFormat.grouped(value, decimals: 0)
        case .decimal1: return NumberFormat.grouped(value, decimals: 1)
        case .decimal2: return NumberFormat.grouped(value, decimals: 2)
        case .currency: return NumberFormat.pounds(value, decimals: 0)
        case .currencyPence: return NumberFormat.pounds(value, decimals: 2)
        case .percent: return NumberFormat.grouped(value * 100, decimals: 1) + "%"
        case .percentagePoints: return NumberFormat.grouped(value * 100, decimals: 1) + " percentage points"
        }
    }

    /// A compact form for axis ticks and tight labels: `£1.2m`, `12k`, `45%`.
    public func formatShort(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch self {
        case .percent: return NumberFormat.trimmed(value * 100, maxDecimals: 1) + "%"
        case .percentagePoints: return NumberFormat.trimmed(value * 100, maxDecimals: 1) + " pp"
        case .currency, .currencyPence:
            let sign = value < 0 ? "-" : ""
            return sign + "£" + NumberFormat.compact(abs(value))
        default: return NumberFormat.compact(value)
        }
    }

    /// `1,234,567.9` with `decimals` places, POSIX digits, comma thousands separator.
    public static func grouped(_ value: Double, decimals: Int) -> String {
        let negative = value < 0
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count == 2 { out += "." + parts[1] }
        let isZero = Double(text) == 0
        return (negative && !isZero ? "-" : "") + out
    }

    static func pounds(_ value: Double, decimals: Int) -> String {
        let g = grouped(abs(value), decimals: decimals)
        return (value < 0 && g.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "-" : "") + "£" + g
    }

    /// `1.2m`, `12k`, `12.5k`, `1,500`, `950`, `1.5bn`: thousands are abbreviated from 10,000 up,
    /// so ticks such as 750 and 1,000 read alike.
    public static func compact(_ value: Double) -> String {
        let a = abs(value)
        let sign = value < 0 ? "-" : ""
        if a >= 1e9 { return sign + trimmed(a / 1e9, maxDecimals: 1) + "bn" }
        if a >= 1e6 { return sign + trimmed(a / 1e6, maxDecimals: 1) + "m" }
        if a >= 1e4 { return sign + trimmed(a / 1e3, maxDecimals: 1) + "k" }
        if a >= 1e3 { return sign + grouped(a, decimals: a == a.rounded() ? 0 : 1) }
        if a >= 1 || a == 0 { return sign + trimmed(a, maxDecimals: 1) }
        return sign + trimmed(a, maxDecimals: 3)
    }

    /// A number with at most `maxDecimals` places and no trailing zeros.
    public static func trimmed(_ value: Double, maxDecimals: Int) -> String {
        var s = String(format: "%.\(maxDecimals)f", value)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
}
