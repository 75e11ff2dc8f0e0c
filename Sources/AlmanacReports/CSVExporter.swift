import Foundation
import AlmanacCore

/// Writes the data behind each chart and table as clean CSV: a header row, plain numbers
/// (no currency symbols or separators), ISO period keys, formula-safe text.
public enum CSVExporter {
    /// The CSV text of a table.
    public static func csv(_ table: DataTable) -> String {
        var w = CSVWriter(header: table.columns.map { c in c.unit.map { c.label + " (" + $0 + ")" } ?? c.label })
        for r in 0..<table.rowCount {
            w.writeRow(table.columns.map { c in
                if c.role == .measure, let v = c.values.double(at: r) {
                    return c.format == .currency || c.format == .currencyPence ? NumberFormat.trimmed(v, maxDecimals: 2)
                        : NumberFormat.trimmed(v, maxDecimals: 4)
                }
                return c.values.text(at: r) ?? ""
            })
        }
        return w.text
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
