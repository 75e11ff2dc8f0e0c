import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacRender
import Foundation

extension ReportPublisher {
    /// What publishing a pack wrote.
    public struct PackOutput: Sendable {
        /// The PDF, relative to the output folder.
        public var pdf: String
        /// Its page count.
        public var pages: Int
        /// Its parts' headings.
        public var parts: [String]
        /// True when the period has no data (the pack says so on every page).
        public var partial: Bool
    }

    /// Publishes pack `name` (`packs/NAME.yaml`) for `period` as one PDF, or, for an audience
    /// declared `per:` a dimension, one PDF per member, each in its own folder and scoped so
    /// that it holds only that member's figures.
    public func publishPack(name: String, period: Period, outDirectory: String, produced: Day, audience: String? = nil) throws -> [PackOutput] {
        let pack = try PackLoader.load(name: name, directory: paths.packs, reports: paths.reports, model: model)
        guard period.grain == pack.periodGrain else {
            throw Diagnostic(field: "--period", message: "pack `\(name)` is by \(pack.periodGrain.rawValue), but `\(period.key)` is a \(period.grain.rawValue)",
                             hint: "give a \(pack.periodGrain.rawValue) such as \(pack.periodGrain.key(for: Day(year: 2025, month: 10, day: 1)!))")
        }
        let branding = try Branding.load(templates: paths.templates)
        guard let audience else {
            return [try publishPack(pack, branding: branding, period: period, outDirectory: outDirectory, produced: produced,
                                    scope: nil, audience: pack.audience.isEmpty ? "General use" : pack.audience, member: nil, suffix: "")]
        }
        guard let a = pack.audiences.first(where: { $0.name == audience }) else {
            throw Diagnostic(file: pack.file, field: "--audience", message: "pack `\(name)` has no audience `\(audience)`",
                             hint: pack.audiences.isEmpty ? "declare `audiences:` in the pack" : Suggest.hint(for: audience, in: pack.audiences.map(\.name), noun: "audience"))
        }
        guard let per = a.per else {
            return [try publishPack(pack, branding: branding, period: period, outDirectory: outDirectory, produced: produced,
                                    scope: nil, audience: a.label, member: nil, suffix: "")]
        }
        let measure = pack.parts.flatMap { $0.report.sections.flatMap(\.measures) }.first
        return try members(of: per, measure: measure, scope: nil).map { member in
            let slug = Self.slug(member)
            return try publishPack(pack, branding: branding, period: period, outDirectory: (outDirectory as NSString).appendingPathComponent(slug),
                                   produced: produced, scope: Self.scope(per, member), audience: "\(a.label): \(member) only", member: member,
                                   suffix: "-" + slug)
        }
    }

    func publishPack(
        _ pack: PackDefinition, branding: Branding, period: Period, outDirectory: String, produced: Day,
        scope: String?, audience: String, member: String?, suffix: String
    ) throws -> PackOutput {
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
        var document = PackDocument(
            title: title, description: pack.description, audience: audience, marking: pack.marking, period: period,
            produced: produced, organisation: branding.organisation, parts: parts,
            // A scoped pack shows no whole-warehouse counts: they would describe other areas.
            sources: scope == nil ? try warehouse.rowCounts(model: model) : [], loads: try warehouse.loads(),
            dataTo: try warehouse.dateRange(model: model)?.last, scopedTo: member)
        document.summary = summary

        try Self.prepare(outDirectory)
        // The writer works in a temporary file and moves it into place only when it is complete.
        let file = "\(pack.name)-\(period.key)\(suffix).pdf"
        let pages = try PackRenderer(document: document, branding: branding).write(to: (outDirectory as NSString).appendingPathComponent(file))
        return PackOutput(pdf: file, pages: pages, parts: parts.compactMap(\.title), partial: document.periodIsEmpty)
    }
}
