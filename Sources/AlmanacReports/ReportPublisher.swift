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
        /// The model file, whose hash each manifest records.
        public var model: String?
        /// `packs` defaults to the `packs` folder beside `reports`.
        public init(reports: String, templates: String, packs: String? = nil, model: String? = nil) {
            self.reports = reports
            self.templates = templates
            self.model = model
            self.packs = packs ?? ((reports as NSString).deletingLastPathComponent as NSString).appendingPathComponent("packs")
        }
    }

    /// What one report or pack (one audience member's, or the only one) wrote.
    public struct Output: Sendable {
        /// Its title.
        public var title: String
        /// Every file, relative to the publication folder.
        public var files: [String]
        /// The PDF.
        public var pdf: String
        /// Its page count.
        public var pages: Int
        /// The HTML page (reports only).
        public var html: String?
        /// Its parts' headings (packs only).
        public var parts: [String] = []
        /// True when the period has no data (the outputs say so on every page).
        public var partial: Bool
        /// The first and last day with data and the fact rows, within the document's scope.
        public var coverage: DataCoverage?

        /// Puts the paths under a member's folder.
        mutating func prefix(_ folder: String) {
            files = files.map { folder + "/" + $0 }
            pdf = folder + "/" + pdf
            html = html.map { folder + "/" + $0 }
        }
    }

    /// What one publication wrote: its folder (relative to the output folder) and each document in it.
    public struct Publication: Sendable {
        /// `NAME/PERIOD` or `NAME/AUDIENCE/PERIOD`.
        public var folder: String
        /// One document, or one per audience member.
        public var outputs: [Output]
        /// Audience members, in order.
        public var members: [String]
        /// True when the period has no data.
        public var partial: Bool { outputs.contains(where: \.partial) }
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

    /// Publishes report `name` for `period` into its own folder under `outDirectory`:
    /// `NAME/PERIOD/`, or for an audience declared `per:` a dimension, `NAME/AUDIENCE/PERIOD/`
    /// with one folder per member, each scoped so that it holds only that member's figures.
    /// All or nothing: the folder is replaced in one step once every file (and every
    /// member) is written; on any failure the previous publication stays as it was.
    public func publish(name: String, period: Period, outDirectory: String, produced: Day, audience: String? = nil) throws -> Publication {
        let definition = try ReportLoader.load(name: name, directory: paths.reports, model: model)
        let chosen = try Self.audience(audience, in: definition.audiences, of: "report `\(name)`", file: definition.file)
        guard period.grain == definition.periodGrain else {
            throw Diagnostic(field: "--period", message: "report `\(definition.name)` is by \(definition.periodGrain.unitName), but `\(period.key)` is a \(period.grain.unitName)",
                             hint: "give a \(definition.periodGrain.unitName) such as \(definition.periodGrain.key(for: Day(year: 2025, month: 10, day: 1)!))")
        }
        let resources = try Resources(definition: definition, paths: paths)
        return try publishFolder(
            kind: "report", name: definition.name, title: definition.title, period: period, outDirectory: outDirectory, produced: produced,
            audience: chosen, definitions: [definition.file], firstMeasure: definition.sections.flatMap(\.measures).first
        ) { folder, scope, member, suffix in
            try write(resources, period: period, into: folder, produced: produced, scope: scope,
                      audience: chosen.map { ($0.label, member) }, suffix: suffix)
        }
    }

    /// The audience named with --audience, among those a report or pack declares (nil: none asked for).
    static func audience(_ name: String?, in declared: [AudienceDefinition], of owner: String, file: String) throws -> AudienceDefinition? {
        guard let name else { return nil }
        guard let a = declared.first(where: { $0.name == name }) else {
            let kind = owner.hasPrefix("pack") ? "pack" : "report"
            throw Diagnostic(file: file, field: "--audience", message: "\(owner) has no audience `\(name)`",
                             hint: declared.isEmpty ? "declare `audiences:` in the \(kind)" : Suggest.hint(for: name, in: declared.map(\.name), noun: "audience"))
        }
        return a
    }

    /// The shared flow of `publish` and `publishPack`: the output folder checked, a staging
    /// folder written (one sub-folder per audience member), manifests, then one swap.
    func publishFolder(
        kind: String, name: String, title: String, period: Period, outDirectory: String, produced: Day,
        audience: AudienceDefinition?, definitions: [String], firstMeasure: String?,
        write: (_ folder: String, _ scope: String?, _ member: String?, _ suffix: String) throws -> Output
    ) throws -> Publication {
        let store = try OutputStore(root: outDirectory)
        let folder = store.folder(name: name, audience: audience?.name, period: period.key)
        let unlisted = store.unlisted(in: folder)
        if !unlisted.isEmpty {
            throw Diagnostic(file: folder, message: "the published folder holds files its manifest does not list: "
                                + unlisted.prefix(5).map { "`\($0)`" }.joined(separator: ", "),
                             hint: "move them elsewhere; Almanac replaces only what it published")
        }
        let staging = try store.stage(for: folder)
        var committed = false
        defer { if !committed { store.discard(staging) } }
        var outputs: [Output] = []
        var members: [(name: String, folder: String)] = []
        if let per = audience?.per {
            var failures: [String] = []
            var used = Set<String>()
            let all = try self.members(of: per, measure: firstMeasure, scope: nil)
            for member in all {
                var slug = Self.slug(member)
                var n = 2
                while !used.insert(slug).inserted {
                    slug = Self.slug(member) + "-\(n)"
                    n += 1
                }
                let memberFolder = (staging as NSString).appendingPathComponent(slug)
                do {
                    // Fault injection for the all-or-nothing test: the named member fails part way.
                    if ProcessInfo.processInfo.environment["ALMANAC_TEST_FAIL_MEMBER"] == member {
                        throw Diagnostic(message: "a failure injected by ALMANAC_TEST_FAIL_MEMBER")
                    }
                    try FileManager.default.createDirectory(atPath: memberFolder, withIntermediateDirectories: true)
                    var output = try write(memberFolder, Self.scope(per, member), member, "-" + slug)
                    try OutputStore.writeManifest(in: memberFolder, fields: manifestFields(
                        kind: kind, name: name, title: title + ": " + member, period: period, produced: produced, audience: audience,
                        member: member, definitions: definitions, outputs: [output], partial: output.partial))
                    output.prefix(slug)
                    outputs.append(output)
                    members.append((member, slug))
                } catch {
                    failures.append("\(member) (\(Self.reason(error)))")
                }
            }
            if !failures.isEmpty {
                let previous = FileManager.default.fileExists(atPath: folder) ? "the previous complete set in \(folder) is unchanged" : "nothing was published"
                throw Diagnostic(file: folder, message: "\(failures.count) of \(all.count) \(audience?.label ?? "audience") publications failed: " + failures.joined(separator: "; "),
                                 hint: previous + "; fix the problem and publish the audience again")
            }
        } else {
            outputs.append(try write(staging, nil, nil, ""))
        }
        try OutputStore.writeManifest(in: staging, fields: manifestFields(
            kind: kind, name: name, title: title, period: period, produced: produced, audience: audience, member: nil,
            definitions: definitions, outputs: outputs, partial: outputs.contains(where: \.partial), members: members))
        try store.commit(staging, to: folder)
        committed = true
        let relative = String(folder.dropFirst(outDirectory.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return Publication(folder: relative, outputs: outputs, members: members.map(\.name))
    }

    /// An error's message without its hint, for a one-line list of failures.
    static func reason(_ error: Error) -> String {
        if let d = error as? Diagnostic { return d.message }
        if let l = error as? DiagnosticList { return l.diagnostics.first?.message ?? "\(l)" }
        return "\(error)"
    }

    /// The manifest's fields besides its file list: what was published, from what, when.
    func manifestFields(
        kind: String, name: String, title: String, period: Period, produced: Day, audience: AudienceDefinition?, member: String?,
        definitions: [String], outputs: [Output], partial: Bool, members: [(name: String, folder: String)] = []
    ) throws -> [(String, String)] {
        let q = JSONText.quote
        func hashed(_ path: String) -> String {
            let d = OutputStore.digest(path)
            return "{\"path\": \(q((path as NSString).lastPathComponent)), \"sha256\": \(q(d?.sha256 ?? ""))}"
        }
        let loads = try warehouse.loads().map {
            "{\"table\": \(q($0.table)), \"file\": \(q($0.file)), \"sha256\": \(q($0.sha256)), \"rows\": \($0.rows), \"loaded_at\": \(q($0.loadedAt))}"
        }
        // The data the document was built from (as its builder measured it within its scope); a
        // set of several members is described by the whole warehouse's.
        let facts = outputs.count == 1 ? outputs[0].coverage : try QueryExecutor(model: model, warehouse: warehouse).coverage(scope: nil)
        let seconds = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let documents = outputs.map { o in
            "{\"title\": \(q(o.title)), \"pdf\": \(q(o.pdf))" + (o.html.map { ", \"html\": \(q($0))" } ?? "") + ", \"pages\": \(o.pages)}"
        }
        var fields: [(String, String)] = [
            ("kind", q(kind)), ("name", q(name)), ("title", q(title)),
            ("period", q(period.key)), ("period_label", q(period.label)),
        ]
        if let audience { fields += [("audience", q(audience.name)), ("audience_label", q(audience.label))] }
        if let member { fields.append(("member", q(member))) }
        if !members.isEmpty {
            fields.append(("members", "[" + members.map { "{\"name\": \(q($0.name)), \"folder\": \(q($0.folder))}" }.joined(separator: ", ") + "]"))
        }
        fields += [
            ("documents", "[" + documents.joined(separator: ", ") + "]"),
            ("partial", partial ? "true" : "false"),
            ("produced", q(produced.description)),
            ("produced_at", q(formatter.string(from: Date(timeIntervalSince1970: seconds)))),
            ("model", paths.model.map(hashed) ?? "null"),
            ("definitions", "[" + definitions.map(hashed).joined(separator: ", ") + "]"),
            ("theme", hashed((paths.templates as NSString).appendingPathComponent("theme.yaml"))),
            ("data", "{\"first_day\": \(facts.map { q($0.first.description) } ?? "null"), \"last_day\": \(facts.map { q($0.last.description) } ?? "null"), \"fact_rows\": \(facts?.rows ?? 0), \"loads\": [" + loads.joined(separator: ", ") + "]}"),
        ]
        return fields
    }

    /// The members of a dimension with activity (within `scope`), through a measure of the
    /// report (any model measure reaches every dimension of its fact).
    func members(of dimension: String, measure: String?, scope: String?) throws -> [String] {
        var request = QueryRequest(measures: [measure ?? model.measures[0].name], by: [dimension])
        request.scope = scope
        var options = QueryOptions()
        options.timeSpine = false
        let result = try QueryExecutor(model: model, warehouse: warehouse).run(request, period: nil, options: options)
        return (0..<result.rowCount).compactMap { result.columns[0].values.text(at: $0) }
    }

    /// A file-name form of a member ("Ribble Valley" → "ribble-valley").
    public static func slug(_ member: String) -> String {
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

    /// Builds one report (optionally scoped to an audience member) and writes its files into
    /// `folder`, which the caller stages and swaps into place.
    func write(
        _ resources: Resources, period: Period, into folder: String, produced: Day, scope: String? = nil,
        audience: (label: String, member: String?)? = nil, suffix: String = ""
    ) throws -> Output {
        var definition = resources.definition
        if let member = audience?.member { definition.title += ": " + member }
        let branding = resources.branding, html = resources.html
        let report = try ReportBuilder(model: model, warehouse: warehouse).build(
            definition, period: period, organisation: branding.organisation, produced: produced, scope: scope, audience: audience)
        let fm = FileManager.default
        let stage = folder
        try fm.createDirectory(atPath: stage + "/data", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: stage + "/charts", withIntermediateDirectories: true)
        var files = try Self.writeData(report.sections.enumerated().map { ($0.element, "data/" + CSVExporter.fileName(index: $0.offset, section: $0.element)) },
                                       into: stage, model: model)
        let charts = ChartSet(report: report, theme: branding.theme)
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
        return Output(title: definition.title, files: files, pdf: "\(stem).pdf", pages: pages, html: "\(stem).html", partial: report.periodIsEmpty,
                      coverage: report.coverage)
    }

    /// Writes each section's data as CSV (exactly the query layer's result) and its JSON
    /// sidecar (each column described, and the `almanac query` that gives the same table).
    static func writeData(_ sections: [(section: BuiltSection, csv: String)], into folder: String, model: SemanticModel) throws -> [String] {
        var files: [String] = []
        for (section, csvName) in sections where section.definition.kind != .text {
            try FileManager.default.createDirectory(atPath: ((folder + "/" + csvName) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(folder + "/" + csvName, [Array(CSVExporter.csv(section.data).utf8)])
            var definitions = Dictionary(uniqueKeysWithValues: model.measures.map { ($0.name, $0.description) })
            for c in section.data.columns where c.role == .measure && c.name.contains("__") {
                if let base = c.name.components(separatedBy: "__").first, let d = definitions[base] { definitions[c.name] = d }
            }
            let jsonName = String(csvName.dropLast(4)) + ".json"
            let sidecar = CSVExporter.sidecar(section.data, definitions: definitions, title: section.definition.title, coverage: section.coverage,
                                              query: section.query?.json)
            try AtomicFile.write(folder + "/" + jsonName, [Array(sidecar.utf8)])
            files += [csvName, jsonName]
        }
        return files
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
