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
        try publishing.run(options) { publisher, period, day in
            let outputs = try publishing.audience.map { try publisher.publish(name: name, period: period, outDirectory: publishing.out, produced: day, audience: $0) }
                ?? [publisher.publish(name: name, period: period, outDirectory: publishing.out, produced: day)]
            return ("\(outputs.reduce(0) { $0 + $1.files.count }) files",
                    outputs.map { "\($0.pdf) (\($0.pages) pages), \($0.html), \($0.files.filter { $0.hasPrefix("data/") }.count) CSV and \($0.files.filter { $0.hasPrefix("charts/") }.count) chart files" },
                    outputs.contains(where: \.partial))
        }
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

    /// Opens the project, resolves the period and production date, runs `publish`, rewrites
    /// the output folder's index and prints what was written; exits 3 when the period had no
    /// data (the outputs are written and say so on every page).
    func run(_ options: ProjectOptions, _ publish: (ReportPublisher, Period, Day) throws -> (written: String, lines: [String], partial: Bool)) throws {
        var partial = false
        try guarded {
            let (model, warehouse) = try options.open()
            // A named period may hold no data, so it is parsed as it is rather than checked against the data.
            let (chosen, day) = try resolve(model: model, warehouse: warehouse)
            let publisher = ReportPublisher(
                model: model, warehouse: warehouse,
                paths: .init(reports: options.path("reports"), templates: options.path("templates"), packs: options.path("packs")))
            let started = Date()
            let result = try publish(publisher, chosen, day)
            try PublishedIndex.write(directory: out, organisation: try Branding.load(templates: options.path("templates")).organisation)
            print("wrote \(result.written) and index.html to \(out) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            for line in result.lines { print("  " + line) }
            if result.partial {
                var err = StandardError()
                print("warning: there is no data for \(chosen.key); the outputs say so on every page", to: &err)
                partial = true
            }
        }
        if partial { throw ExitCode(3) }
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
