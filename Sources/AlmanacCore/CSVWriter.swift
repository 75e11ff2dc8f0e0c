import Foundation

/// Writes RFC 4180 CSV that is safe to open in a spreadsheet.
///
/// Fields are quoted when they hold a comma, quote or line break; a text cell that a
/// spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or CR, and not a
/// plain number) is neutralised with a leading apostrophe. Lines end CRLF as RFC 4180 says.
public struct CSVWriter {
    /// The text written so far.
    public private(set) var text = ""

    /// Creates a writer and writes the header row.
    public init(header: [String]) { writeRow(header) }

    /// Appends one row.
    public mutating func writeRow(_ cells: [String]) {
        text += cells.map(CSVWriter.escape).joined(separator: ",")
        text += "\r\n"
    }

    /// One cell, quoted and neutralised as needed.
    public static func escape(_ cell: String) -> String {
        var s = cell
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(s) {
            s = "'" + s
        }
        // By scalar: "\r\n" is one Character in Swift, equal to neither "\r" nor "\n".
        if s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Whether the text is a number a spreadsheet would read as a number: `-12.5`, `3e4`.
    static func isPlainNumber(_ s: String) -> Bool {
        var u = Substring(s)
        if u.first == "+" || u.first == "-" { u = u.dropFirst() }
        guard !u.isEmpty else { return false }
        var seenDigit = false, seenDot = false, seenE = false
        var previous: Character = " "
        for c in u {
            if c.isASCII && c.isNumber { seenDigit = true }
            else if c == "." && !seenDot && !seenE { seenDot = true }
            else if (c == "e" || c == "E") && seenDigit && !seenE { seenE = true; seenDigit = false }
            else if (c == "+" || c == "-") && (previous == "e" || previous == "E") {}
            else { return false }
            previous = c
        }
        return seenDigit
    }
}
