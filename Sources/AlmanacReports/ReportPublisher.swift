import AlmanacCharts
import AlmanacCore
import AlmanacModel
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
        public init(reports: String, templates: String) {
            self.reports = reports
            self.templates = templates
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

    /// Builds and writes report `name` for `period` into `outDirectory`.
    public func publish(name: String, period: Period, outDirectory: String, produced: Day) throws -> Output {
        let definition = try ReportLoader.load(name: name, directory: paths.reports, model: model)
        let branding = try Branding.load(templates: paths.templates)
        let html = try HTMLRenderer(templates: paths.templates)
        let report = try ReportBuilder(model: model, warehouse: warehouse).build(
            definition, period: period, organisation: branding.organisation, produced: produced)

        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic(file: outDirectory, message: "cannot create the output folder", hint: "check the path and its permissions")
        }
        guard fm.isWritableFile(atPath: outDirectory) else {
            throw Diagnostic(file: outDirectory, message: "the output folder is not writable", hint: "choose another --out folder")
        }
        let stage = (outDirectory as NSString).appendingPathComponent(".almanac-staging-\(name)-\(period.key)")
        try? fm.removeItem(atPath: stage)
        defer { try? fm.removeItem(atPath: stage) }
        try fm.createDirectory(atPath: stage + "/data", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: stage + "/charts", withIntermediateDirectories: true)

        let measurer = PangoTextMeasurer()
        let compiler = ChartCompiler(theme: branding.theme, measurer: measurer)
        var scenes: [Int: Scene] = [:]
        var svgs: [Int: String] = [:]
        var descriptions: [Int: String] = [:]
        var files: [String] = []
        for (i, section) in report.sections.enumerated() {
            let base = CSVExporter.baseName(index: i, section: section)
            let csvName = "data/" + CSVExporter.fileName(index: i, section: section)
            try CSVExporter.csv(section.table).write(toFile: stage + "/" + csvName, atomically: false, encoding: .utf8)
            files.append(csvName)
            guard let spec = section.chart else { continue }
            let scene = compiler.compile(spec)
            scenes[i] = scene
            descriptions[i] = scene.description
            svgs[i] = try CairoRenderer.svg(scene, idPrefix: "chart\(i + 1)")
            try CairoRenderer.writeSVG(scene, to: stage + "/charts/\(base).svg", idPrefix: "chart\(i + 1)")
            try CairoRenderer.writePNG(scene, to: stage + "/charts/\(base).png")
            files += ["charts/\(base).svg", "charts/\(base).png"]
        }
        let stem = "\(definition.name)-\(period.key)"
        let pages = try PackRenderer(report: report, branding: branding, scenes: scenes).write(to: "\(stage)/\(stem).pdf")
        let page = html.render(report, branding: branding, svgs: svgs, descriptions: descriptions)
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
