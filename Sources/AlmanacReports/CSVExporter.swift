import Foundation
import AlmanacCore

/// Writes the data behind each chart and table as clean CSV: a header row, plain numbers
/// (no currency symbols or separators), ISO period keys, formula-safe text.
public enum CSVExporter {
    /// The CSV text of a table, headed by each column's label and unit.
    public static func csv(_ table: DataTable) -> String {
        table.csv { c in c.unit.map { c.label + " (" + $0 + ")" } ?? c.label }
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
