import AlmanacCore
import Foundation

/// Renders result tables for the terminal and for JSON.
enum TableFormatter {
    /// An aligned text table: labels as headers, numbers right-aligned with separators and £.
    static func text(_ t: DataTable) -> String {
        let headers = t.columns.map(\.label)
        let cells = (0..<t.rowCount).map { r in t.columns.map { $0.display(at: r) } }
        let widths = t.columns.indices.map { i in max(headers[i].count, cells.map { $0[i].count }.max() ?? 0) }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in
                t.columns[i].role == .measure ? lpad(v, widths[i]) : pad(v, widths[i])
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells { out += line(row) + "\n" }
        out += "(\(t.rowCount) row\(t.rowCount == 1 ? "" : "s"))\n"
        return out
    }

    /// Rows of text aligned in columns, the first row a header underlined with dashes.
    static func plain(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { i in rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in pad(v, widths[i]) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.dropFirst().map(line)
        return out.joined(separator: "\n")
    }

    /// A JSON array of objects keyed by column name, numbers as JSON numbers.
    static func json(_ t: DataTable) -> String {
        var rows: [String] = []
        for r in 0..<t.rowCount {
            let fields = t.columns.map { c -> String in
                let value: String
                if c.role == .measure {
                    value = c.values.double(at: r).map { NumberFormat.trimmed($0, maxDecimals: 6) } ?? "null"
                } else {
                    value = c.values.text(at: r).map(jsonString) ?? "null"
                }
                return jsonString(c.name) + ": " + value
            }
            rows.append("  {" + fields.joined(separator: ", ") + "}")
        }
        return "[\n" + rows.joined(separator: ",\n") + (rows.isEmpty ? "]" : "\n]")
    }

    static func jsonString(_ s: String) -> String { JSONText.quote(s) }
}

