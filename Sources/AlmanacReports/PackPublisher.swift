import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacRender
import AlmanacWarehouse
import Foundation

extension ReportPublisher {
    /// Publishes pack `name` (`packs/NAME.yaml`) for `period` into `NAME/PERIOD/` under
    /// `outDirectory` (the PDF, the data behind every chart and table, a manifest), or, for
    /// an audience declared `per:` a dimension, one pack per member in
    /// `NAME/AUDIENCE/PERIOD/MEMBER/`, each scoped so that it holds only that member's figures.
    public func publishPack(name: String, period: Period, outDirectory: String, produced: Day, audience: String? = nil) throws -> Publication {
        let pack = try PackLoader.load(name: name, directory: paths.packs, reports: paths.reports, model: model)
        guard period.grain == pack.periodGrain else {
            throw Diagnostic(field: "--period", message: "pack `\(name)` is by \(pack.periodGrain.unitName), but `\(period.key)` is a \(period.grain.unitName)",
                             hint: "give a \(pack.periodGrain.unitName) such as \(pack.periodGrain.key(for: Day(year: 2025, month: 10, day: 1)!))")
        }
        let branding = try Branding.load(templates: paths.templates)
        let chosen = try Self.audience(audience, in: pack.audiences, of: "pack `\(name)`", file: pack.file)
        let label = chosen?.label ?? (pack.audience.isEmpty ? "General use" : pack.audience)
        var definitions = [pack.file]
        for part in pack.parts where !definitions.contains(part.report.file) { definitions.append(part.report.file) }
        return try publishFolder(
            kind: "pack", name: pack.name, title: pack.title, period: period, outDirectory: outDirectory, produced: produced,
            audience: chosen, definitions: definitions,
            firstMeasure: pack.parts.flatMap { $0.report.sections.flatMap(\.measures) }.first
        ) { folder, scope, member, suffix in
            try publishPack(pack, branding: branding, period: period, outDirectory: folder, produced: produced, scope: scope,
                            audience: member.map { "\(label): \($0) only" } ?? label, member: member, suffix: suffix)
        }
    }

    func publishPack(
        _ pack: PackDefinition, branding: Branding, period: Period, outDirectory: String, produced: Day,
        scope: String?, audience: String, member: String?, suffix: String
    ) throws -> Output {
        let builder = ReportBuilder(model: model, warehouse: warehouse)
        var parts: [PackDocument.Part] = []
        var summary: [String] = []
        for part in pack.parts {
            // A part `each: district` is repeated for every member, each scoped to it (and to the pack's own scope).
            let each: [String?] = try part.each.map { each in
                try self.members(of: each, measure: part.report.sections.flatMap(\.measures).first, scope: scope)
            } ?? [nil]
            if let dimension = part.each {
                let noun = model.dimension(dimension)?.label.lowercased() ?? dimension
                summary.append("\(part.report.title), one for each of \(each.count) \(noun)\(each.count == 1 ? "" : "s")")
            } else {
                summary.append(part.report.title)
            }
            for m in each {
                var definition = part.report
                var partScope = scope
                if let m, let each = part.each {
                    definition.title += ": " + m
                    partScope = [scope.map { "(\($0))" }, "(\(Self.scope(each, m)))"].compactMap { $0 }.joined(separator: " and ")
                }
                let report = try builder.build(definition, period: period, organisation: branding.organisation, produced: produced,
                                               scope: partScope, audience: m.map { (part.each ?? "", $0) })
                let charts = ChartSet(report: report, theme: branding.theme)
                parts.append(.init(title: definition.title, report: report, scenes: charts.scenes, tiles: charts.tiles))
            }
        }
        var title = pack.title
        if let member { title += ": " + member }
        // Dates and row counts within the pack's scope, so a district's pack describes that district's data.
        let facts = try QueryExecutor(model: model, warehouse: warehouse).coverage(scope: scope)
        var document = PackDocument(
            title: title, description: pack.description, audience: audience, marking: pack.marking, period: period,
            produced: produced, organisation: branding.organisation, parts: parts,
            // A scoped pack shows no whole-warehouse counts: they would describe other areas.
            sources: scope == nil ? try warehouse.rowCounts(model: model) : [(model.time.table + " (within this scope)", facts?.rows ?? 0)],
            loads: try warehouse.loads(), dataTo: facts?.last, scopedTo: member)
        document.summary = summary

        // The data behind every chart and table, under the names the captions cite.
        var data: [(section: BuiltSection, csv: String)] = []
        for (p, part) in document.parts.enumerated() {
            for (i, section) in part.report.sections.enumerated() { data.append((section, document.dataFile(part: p, index: i))) }
        }
        let files = try Self.writeData(data, into: outDirectory, model: model)
        let file = "\(pack.name)-\(period.key)\(suffix).pdf"
        let pages = try PackRenderer(document: document, branding: branding).write(to: (outDirectory as NSString).appendingPathComponent(file))
        return Output(title: title, files: [file] + files, pdf: file, pages: pages, html: nil, parts: parts.compactMap(\.title),
                      partial: document.periodIsEmpty, coverage: facts)
    }
}
