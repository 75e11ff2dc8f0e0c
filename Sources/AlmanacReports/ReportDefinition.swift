import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import Foundation

/// Which days a section covers, relative to the report's period.
public enum SectionWindow: Sendable, Equatable {
    /// The report period itself.
    case current
    /// The last `n` periods of the report's grain, ending with the report period (the unit
    /// as written, checked against the report's grain when the report is read).
    case trailing(Int, unit: String?)
    /// The financial year to date: from 1 April up to the end of the period.
    case financialYearToDate

    /// Parses `current`, `last 13 months` / `trailing 13`, or `financial_year_to_date`.
    static func parse(_ text: String, at r: YAMLReader) throws -> SectionWindow {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        if t == "current" { return .current }
        if t == "financial_year_to_date" || t == "fytd" { return .financialYearToDate }
        let words = t.split(separator: " ")
        if words.count >= 2, ["last", "trailing"].contains(words[0]), let n = Int(words[1]) {
            guard n >= 1, n <= 120 else {
                throw r.error("window `\(text)` must cover 1 to 120 periods", field: "window", hint: "e.g. `last 13 months`")
            }
            // The unit, if written, must be the report's own periods.
            if words.count >= 3 {
                let unit = String(words[2])
                guard ["month", "months", "period", "periods", "quarter", "quarters", "year", "years", "week", "weeks", "day", "days",
                       "financial_year", "financial_years", "financial_quarter", "financial_quarters"].contains(unit) else {
                    throw r.error("unknown unit `\(unit)` in window `\(text)`", field: "window",
                                  hint: "write the report's own periods, e.g. `last 13 months` for a monthly report")
                }
                return .trailing(n, unit: unit)
            }
            guard words.count == 2 else { throw r.error("cannot read window `\(text)`", field: "window", hint: "use `current`, `last 13 months` or `financial_year_to_date`") }
            return .trailing(n, unit: nil)
        }
        throw r.error("cannot read window `\(text)`", field: "window",
                      hint: "use `current`, `last 13 months` or `financial_year_to_date`")
    }
}

/// One section of a report: a chart, a table or text, in the model's names.
public struct SectionDefinition: Sendable {
    /// What the section shows.
    public enum Kind: Sendable, Equatable {
        /// A chart of one measure.
        case chart(ChartKind)
        /// A table of one or more measures.
        case table
        /// Text only (paragraphs; lines starting "- " are a list).
        case text
        /// Headline numbers: one tile per measure, against the same month a year earlier.
        case kpis
        /// The strongest findings of the analysis scan, as commentary.
        case findings
    }

    /// Id, used in file names and anchors.
    public var id: String
    /// Kind.
    public var kind: Kind
    /// Title.
    public var title: String
    /// Text shown before the content.
    public var intro: String?
    /// Measures (charts use the first).
    public var measures: [String]
    /// Dimension to break down by (series for lines, categories for bars, rows for tables).
    public var by: String?
    /// Time grain along the x axis of a line chart.
    public var over: TimeGrain?
    /// Days covered.
    public var window: SectionWindow
    /// A filter in the filter language.
    public var filter: String?
    /// Body text, for text sections.
    public var text: String?
    /// How many findings to show.
    public var limit: Int?
    /// Whether the section's pages in a PDF pack are landscape (wide tables, heatmaps).
    public var landscape: Bool = false
    /// Comparisons a table adds beside each measure (`compare: [year]`), as `almanac query --compare`.
    public var compare: [Comparison] = []
    /// Keep a table's top N members of its `by` dimension, with an exact "All other" row.
    public var top: Int?
    /// Add subtotals and a grand total to a table, as `almanac query --totals`.
    public var totals = false
    /// Where it was declared.
    public var place: SourcePlace

    /// What the section's query groups by: its time grain (`over`), then its dimension (`by`).
    public var groupBy: [String] { [over?.rawValue, by].compactMap { $0 } }
}

/// Who a report is for, and what they may see.
public struct AudienceDefinition: Sendable {
    /// Name used with --audience.
    public var name: String
    /// Label on the cover.
    public var label: String
    /// A dimension with one pack per member, each scoped to that member (district managers
    /// see only their district), or nil for one unscoped pack.
    public var per: String?
}

/// A report declared in `reports/*.yaml`: what it is, for whom, and its sections.
public struct ReportDefinition: Sendable {
    /// Name (the file name without `.yaml`).
    public var name: String
    /// Title.
    public var title: String
    /// What it is for.
    public var description: String
    /// Who reads it.
    public var audience: String
    /// Protective marking printed on every page (`OFFICIAL`).
    public var marking: String
    /// Grain of the period parameter.
    public var periodGrain: TimeGrain
    /// Sections, in order.
    public var sections: [SectionDefinition]
    /// Audiences it can be published for.
    public var audiences: [AudienceDefinition] = []
    /// The file.
    public var file: String
}
