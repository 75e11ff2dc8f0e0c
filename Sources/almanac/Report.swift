import AlmanacCore
import AlmanacModel
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a report as a PDF pack, an HTML page and CSV files.",
        discussion: """
            NAME is a report in reports/ (reports/NAME.yaml). Writes into --out:
              NAME-PERIOD.pdf    the A4 pack: cover, contents, a page per section, definitions
              NAME-PERIOD.html   the same content as one accessible page with inline SVG charts
              data/*.csv         the data behind every chart and table
              charts/*.svg|png   every chart, for re-use in other documents
            Files appear only when all of them have been written.

            Exit status: 0 on success, 1 on an error, 3 when the period has no data (the
            outputs are still written and say so).

            Example:
              almanac report monthly-performance --period 2025-10 --out out/
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "The report to publish (a file name in reports/ without .yaml).")
    var name: String

    @OptionGroup var publishing: PublishOptions

    func run() throws {
        var partial = false
        try guarded {
            let (model, warehouse) = try options.open()
            // A named period may hold no data (the pack says so and exits 3), so it is parsed
            // as it is rather than checked against the data.
            let (chosen, day) = try publishing.resolve(model: model, warehouse: warehouse)
            let out = publishing.out, audience = publishing.audience
            let publisher = ReportPublisher(
                model: model, warehouse: warehouse,
                paths: .init(reports: options.path("reports"), templates: options.path("templates")))
            let started = Date()
            let outputs = try audience.map { try publisher.publish(name: name, period: chosen, outDirectory: out, produced: day, audience: $0) }
                ?? [publisher.publish(name: name, period: chosen, outDirectory: out, produced: day)]
            try PublishedIndex.write(directory: out, organisation: try Branding.load(templates: options.path("templates")).organisation)
            print("wrote \(outputs.reduce(0) { $0 + $1.files.count }) files and index.html to \(out) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            for output in outputs {
                print("  \(output.pdf) (\(output.pages) pages), \(output.html), \(output.files.filter { $0.hasPrefix("data/") }.count) CSV and \(output.files.filter { $0.hasPrefix("charts/") }.count) chart files")
            }
            if outputs.contains(where: \.partial) {
                var err = StandardError()
                print("warning: there is no data for \(chosen.key); the outputs say so on every page", to: &err)
                partial = true
            }
        }
        if partial { throw ExitCode(3) }
    }

}

/// What `report` and `pack` share: the period, the output folder, the production date and
/// the audience.
struct PublishOptions: ParsableArguments {
    @Option(help: "The period to report on, e.g. 2025-10. Default: the latest month in the data.")
    var period: String?

    @Option(help: "Output folder.")
    var out: String = "out"

    @Option(help: "The production date printed on the cover (YYYY-MM-DD). Default: $SOURCE_DATE_EPOCH's date, or today.")
    var produced: String?

    @Option(help: "An audience declared in the report or pack; one declared `per: district` gives one pack per district, each holding only that district's figures.")
    var audience: String?

    /// The period named, parsed as it is (a named period may hold no data: the pack says so
    /// and exits 3), or the latest month in the data; and the production date.
    func resolve(model: SemanticModel, warehouse: Warehouse) throws -> (Period, Day) {
        let chosen: Period
        if let period {
            chosen = try Period(parsing: period)
        } else if let range = try warehouse.dateRange(model: model) {
            chosen = Period(grain: .month, containing: range.last)
        } else {
            throw Diagnostic(field: "--period", message: "the warehouse has no data to choose a period from", hint: "run `almanac load` first")
        }
        return (chosen, try producedDay())
    }

    func producedDay() throws -> Day {
        if let produced {
            guard let d = Day(iso: produced) else {
                throw Diagnostic(field: "--produced", message: "cannot read date `\(produced)`", hint: "write it as YYYY-MM-DD")
            }
            return d
        }
        let seconds = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
        return Day(ordinal: Int((seconds / 86_400).rounded(.down)))
    }
}
