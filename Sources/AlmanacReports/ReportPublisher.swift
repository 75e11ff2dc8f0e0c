import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacRender
import AlmanacWarehouse
import Foundation

/// Produces a report's outputs — PDF pack, HTML page, CSV data, SVG and PNG charts — into
/// a folder, all or nothing: everything is written to a staging folder first and moved
/// into place only when every file has been written.
public struct ReportPublisher {
    /// Where the project's folders are.
    public struct Paths: Sendable {
        public var reports: String
        public var templates: String
        public var packs: String
        /// `packs` defaults to the `packs` folder beside `reports`.
        public init(reports: String, templates: String, packs: String? = nil) {
            self.reports = reports
            self.templates = templates
            self.packs = packs ?? ((reports as NSString).deletingLastPathComponent as NSString).appendingPathComponent("packs")
        }
    }

    /// What was written.
    public struct Output: Sendable {
        /// Every file, relative to the output folder.
        public var files: [String]
        /// The PDF pack.
        public var pdf: String
        /// Its page count.
        public var pages: Int
        /// The HTML page.
        public var html: String
        /// True when the period has no data (the outputs say so on every page).
        public var partial: Bool
    }

    let model: SemanticModel
    let warehouse: Warehouse
    let paths: Paths

    /// Creates a publisher.
    public init(model: SemanticModel, warehouse: Warehouse, paths: Paths) {
        self.model = model
        self.warehouse = warehouse
        self.paths = paths
    }

    /// Publishes report `name` for an audience: one pack, or one per member of the
    /// audience's dimension (each in its own folder, each scoped so it holds only that
    /// member's figures).
    public func publish(name: String, period: Period, outDirectory: String, produced: Day, audience: String) throws -> [Output] {
        let definition = try ReportLoader.load(name: name, directory: paths.reports, model: model)
        guard let a = definition.audiences.first(where: { $0.name == audience }) else {
            throw Diagnostic(file: definition.file, field: "--audience", message: "report `\(name)` has no audience `\(audience)`",
                             hint: definition.audiences.isEmpty ? "declare `audiences:` in the report" : Suggest.hint(for: audience, in: definition.audiences.map(\.name), noun: "audience"))
        }
        let resources = try Resources(definition: definition, paths: paths)
        guard let per = a.per else {
            return [try publish(resources, period: period, outDirectory: outDirectory, produced: produced, scope: nil, audience: (a.label, nil))]
        }
        return try members(of: per, measure: definition.sections.flatMap(\.measures).first, scope: nil).map { member in
            let slug = Self.slug(member)
            return try publish(resources, period: period, outDirectory: (outDirectory as NSString).appendingPathComponent(slug),
                               produced: produced, scope: Self.scope(per, member), audience: (a.label, member), suffix: "-" + slug)
        }
    }

    /// The members of a dimension with activity (within `scope`), through a measure of the
    /// report (any model measure reaches every dimension of its fact).
    func members(of dimension: String, measure: String?, scope: String?) throws -> [String] {
        var request = QueryRequest(measures: [measure ?? model.measures[0].name], by: [dimension])
        request.scope = scope
        let result = try warehouse.run(SQLCompiler().compile(QueryPlanner(model: model).plan(request)))
        return (0..<result.rowCount).compactMap { result.columns[0].values.text(at: $0) }
    }

    /// Creates the output folder if need be; a clear error if it cannot be made or written to.
    static func prepare(_ outDirectory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic(file: outDirectory, message: "cannot create the output folder", hint: "check the path and its permissions")
        }
        guard FileManager.default.isWritableFile(atPath: outDirectory) else {
            throw Diagnostic(file: outDirectory, message: "the output folder is not writable", hint: "choose another --out folder")
        }
    }

    /// A file-name form of a member ("Ribble Valley" → "ribble-valley").
    static func slug(_ member: String) -> String {
        member.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { $0.append($1) }
    }

    /// The filter that scopes queries to one member.
    static func scope(_ dimension: String, _ member: String) -> String {
        "\(dimension) = '" + member.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// What every pack of a report shares, read once however many packs are written.
    struct Resources {
        var definition: ReportDefinition
        var branding: Branding
        var html: HTMLRenderer

        init(definition: ReportDefinition, paths: Paths) throws {
            self.definition = definition
            branding = try Branding.load(templates: paths.templates)
            html = try HTMLRenderer(templates: paths.templates)
        }
    }

    /// Builds and writes report `name` for `period` into `outDirectory`.
    public func publish(name: String, period: Period, outDirectory: String, produced: Day) throws -> Output {
        let definition = try ReportLoader.load(name: name, directory: paths.reports, model: model)
        return try publish(try Resources(definition: definition, paths: paths), period: period, outDirectory: outDirectory, produced: produced)
    }

    /// Builds and writes one pack, optionally scoped to an audience member.
    func publish(
        _ resources: Resources, period: Period, outDirectory: String, produced: Day, scope: String? = nil,
        audience: (label: String, member: String?)? = nil, suffix: String = ""
    ) throws -> Output {
        var definition = resources.definition
        if let member = audience?.member { definition.title += ": " + member }
        let branding = resources.branding, html = resources.html
        let report = try ReportBuilder(model: model, warehouse: warehouse).build(
            definition, period: period, organisation: branding.organisation, produced: produced, scope: scope, audience: audience)

        let fm = FileManager.default
        try Self.prepare(outDirectory)
        let stage = (outDirectory as NSString).appendingPathComponent(".almanac-staging-\(definition.name)-\(period.key)\(suffix)")
        try? fm.removeItem(atPath: stage)
        defer { try? fm.removeItem(atPath: stage) }
        try fm.createDirectory(atPath: stage + "/data", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: stage + "/charts", withIntermediateDirectories: true)

        let charts = ChartSet(report: report, theme: branding.theme)
        var files: [String] = []
        for (i, section) in report.sections.enumerated() where section.definition.kind != .text {
            let csvName = "data/" + CSVExporter.fileName(index: i, section: section)
            try CSVExporter.csv(section.table).write(toFile: stage + "/" + csvName, atomically: false, encoding: .utf8)
            // Definitions by column: measure columns by name, and chart series by the section's measure.
            var definitions = Dictionary(uniqueKeysWithValues: model.measures.map { ($0.name, $0.description) })
            if section.chart != nil, let m = section.definition.measures.first.flatMap(model.measure) {
                for c in section.table.columns where c.role == .measure { definitions[c.name] = m.description }
            }
            let jsonName = String(csvName.dropLast(4)) + ".json"
            try CSVExporter.sidecar(section.table, definitions: definitions, title: section.definition.title, coverage: section.coverage)
                .write(toFile: stage + "/" + jsonName, atomically: false, encoding: .utf8)
            files += [csvName, jsonName]
        }
        var svgs: [Int: String] = [:], descriptions: [Int: String] = [:]
        var tileSVGs: [Int: [(svg: String, description: String)]] = [:]
        // In section order: Cairo numbers some SVG ids process-wide, so the order fixes the bytes.
        // Each chart is drawn to SVG once, for the page and for its file.
        for (i, section) in report.sections.enumerated() {
            if let scene = charts.scenes[i] {
                let base = CSVExporter.baseName(index: i, section: section)
                let svg = try CairoRenderer.svg(scene, idPrefix: "chart\(i + 1)")
                svgs[i] = svg
                descriptions[i] = scene.description
                try AtomicFile.write(stage + "/charts/\(base).svg", [Array(svg.utf8)])
                try CairoRenderer.writePNG(scene, to: stage + "/charts/\(base).png")
                files += ["charts/\(base).svg", "charts/\(base).png"]
            }
            if let tiles = charts.tiles[i] {
                tileSVGs[i] = try tiles.enumerated().map { t, scene in
                    (try CairoRenderer.svg(scene, idPrefix: "kpi\(i + 1)-\(t + 1)"), scene.description)
                }
            }
        }
        let stem = "\(definition.name)-\(period.key)\(suffix)"
        let pages = try PackRenderer(report: report, branding: branding, scenes: charts.scenes, tiles: charts.tiles).write(to: "\(stage)/\(stem).pdf")
        let page = html.render(report, branding: branding, svgs: svgs, descriptions: descriptions, tiles: tileSVGs)
        try page.write(toFile: "\(stage)/\(stem).html", atomically: false, encoding: .utf8)
        files = ["\(stem).pdf", "\(stem).html"] + files

        // Everything is written: move it into place.
        for f in files {
            let target = (outDirectory as NSString).appendingPathComponent(f)
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.moveItem(atPath: "\(stage)/\(f)", toPath: target)
        }
        return Output(files: files, pdf: "\(stem).pdf", pages: pages, html: "\(stem).html", partial: report.periodIsEmpty)
    }
}

/// A report's charts and KPI tiles compiled to scenes, by section index.
struct ChartSet {
    var scenes: [Int: Scene] = [:]
    var tiles: [Int: [Scene]] = [:]

    init(report: BuiltReport, theme: Theme) {
        let compiler = ChartCompiler(theme: theme, measurer: PangoTextMeasurer())
        for (i, section) in report.sections.enumerated() {
            if !section.kpis.isEmpty { tiles[i] = section.kpis.map(compiler.compile) }
            if let spec = section.chart { scenes[i] = compiler.compile(spec) }
        }
    }
}
