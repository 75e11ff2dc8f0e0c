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
            NAME is a report in reports/ (reports/NAME.yaml). Writes one folder per period into
            --out, and never touches another period's folder:
              NAME/PERIOD/NAME-PERIOD.pdf    the A4 pack: cover, contents, a page per section, definitions
              NAME/PERIOD/NAME-PERIOD.html   the same content as one accessible page with inline SVG charts
              NAME/PERIOD/data/*.csv, *.json the data behind every chart and table, each with a JSON
                                             sidecar describing its columns and the `almanac query`
                                             that gives the same figures
              NAME/PERIOD/charts/*.svg|png   every chart, for re-use in other documents
              NAME/PERIOD/manifest.json      every file with its size and SHA-256, the model's and
                                             report's hashes, the warehouse's loads, Almanac's version
            and rewrites --out/index.html from the manifests. With --audience declared `per:` a
            dimension, writes NAME/AUDIENCE/PERIOD/MEMBER/ for every member, all or none.

            The period's folder is written beside its place and swapped in once complete: a
            failed or interrupted run leaves the previous publication exactly as it was. --out
            must be empty or hold only what Almanac published.

            Exit status: 0 done; 3 partial (the period has no data: the outputs are still
            written and say so on every page); 1 failed (nothing changed).

            Example:
              almanac report monthly-performance --period 2025-10 --out out/
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "The report to publish (a file name in reports/ without .yaml).")
    var name: String

    @OptionGroup var publishing: PublishOptions

    func run() throws {
        try publishing.run(options) { publisher, period, day in
            try publisher.publish(name: name, period: period, outDirectory: publishing.out, produced: day, audience: publishing.audience)
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
    func run(_ options: ProjectOptions, _ publish: (ReportPublisher, Period, Day) throws -> ReportPublisher.Publication) throws {
        var partial = false
        try guarded {
            let (model, warehouse) = try options.open()
            // A named period may hold no data, so it is parsed as it is rather than checked against the data.
            let (chosen, day) = try resolve(model: model, warehouse: warehouse)
            let publisher = ReportPublisher(
                model: model, warehouse: warehouse,
                paths: .init(reports: options.path("reports"), templates: options.path("templates"), packs: options.path("packs"), model: options.modelPath))
            let started = Date()
            // One consistent snapshot: a load committing meanwhile changes nothing in this publication.
            let result = try warehouse.snapshot { try publish(publisher, chosen, day) }
            try PublishedIndex.write(directory: out, organisation: try Branding.load(templates: options.path("templates")).organisation)
            print(Self.summary(result, out: out, seconds: Date().timeIntervalSince(started)))
            if result.partial {
                var err = StandardError()
                let empty = result.outputs.filter(\.partial).map(\.title)
                let which = result.members.isEmpty ? "" : " in " + empty.joined(separator: ", ")
                print("warning: there is no data for \(chosen.key)\(which); the outputs say so on every page (exit status 3)", to: &err)
                partial = true
            }
        }
        if partial { throw ExitCode(3) }
    }

    /// What was written, counted by kind, and where.
    static func summary(_ p: ReportPublisher.Publication, out: String, seconds: Double) -> String {
        let files = p.outputs.flatMap(\.files)
        func count(_ n: Int, _ noun: String) -> String? { n == 0 ? nil : "\(n) \(noun)" }
        let kinds = [
            count(p.outputs.count, p.outputs.count == 1 ? "PDF" : "PDFs"),
            count(files.filter { $0.hasSuffix(".html") }.count, "HTML"),
            count(files.filter { $0.hasSuffix(".csv") }.count, "CSV"),
            count(files.filter { $0.hasSuffix(".json") }.count, "JSON"),
            count(files.filter { $0.hasSuffix(".svg") }.count, "SVG"),
            count(files.filter { $0.hasSuffix(".png") }.count, "PNG"),
        ].compactMap { $0 }
        let folder = (out as NSString).appendingPathComponent(p.folder)
        var lines = ["wrote " + kinds.joined(separator: ", ") + " and manifest.json to \(folder)/, and \((out as NSString).appendingPathComponent("index.html")), in \(String(format: "%.2f", seconds)) s"]
        for o in p.outputs {
            var line = "  \(o.pdf) (\(o.pages) pages" + (o.parts.isEmpty ? "" : ", \(o.parts.count) part\(o.parts.count == 1 ? "" : "s")") + ")"
            if let html = o.html { line += ", \(html)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
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
