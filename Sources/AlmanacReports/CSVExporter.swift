import Foundation
import AlmanacCore

/// Writes the data behind each chart and table as clean CSV: a header row, plain numbers
/// (no currency symbols or separators), ISO period keys, formula-safe text.
public enum CSVExporter {
    /// The CSV text of a table, headed by each column's label and unit.
    public static func csv(_ table: DataTable) -> String {
        table.csv { c in c.unit.map { c.label + " (" + $0 + ")" } ?? c.label }
    }

    /// A JSON description of each column of a section's CSV: label, role, unit, format and,
    /// for measures, the model's definition, so the file can be re-used without this report.
    public static func sidecar(_ table: DataTable, definitions: [String: String], title: String, coverage: String, query: String? = nil) -> String {
        let q = JSONText.quote
        let columns = table.columns.map { c -> String in
            var fields = ["\"name\": \(q(c.name))", "\"label\": \(q(c.label))", "\"role\": \(q(c.role.rawValue))"]
            if let unit = c.unit { fields.append("\"unit\": \(q(unit))") }
            if let f = c.format { fields.append("\"format\": \(q(f.rawValue))") }
            if let g = c.timeGrain { fields.append("\"time_grain\": \(q(g.rawValue))") }
            if let d = definitions[c.name] { fields.append("\"definition\": \(q(d))") }
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        return "{\n  \"title\": \(q(title)),\n  \"coverage\": \(q(coverage)),\n  \"rows\": \(table.rowCount),\n"
            + (query.map { "  \"query\": \($0),\n" } ?? "") + "  \"columns\": [\n"
            + columns.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    /// File name for a section's data: `02-contacts-by-district.csv`.
    public static func fileName(index: Int, section: BuiltSection) -> String {
        baseName(index: index, section: section) + ".csv"
    }

    /// Base file name for a section's outputs.
    public static func baseName(index: Int, section: BuiltSection) -> String {
        let slug = section.definition.title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            .reduce(into: "") { s, c in if !(c == "-" && s.hasSuffix("-")) { s.append(c) } }
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return String(format: "%02d", index + 1) + "-" + slug
    }
}
