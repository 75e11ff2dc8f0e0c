import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import Foundation

/// Reads report definitions and checks every name in them against the model.
public enum ReportLoader {
    /// Loads `reports/NAME.yaml` under `directory`.
    public static func load(name: String, directory: String, model: SemanticModel) throws -> ReportDefinition {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw Diagnostic(field: "report", message: "`\(name)` is not a report name",
                             hint: "report names are file names in reports/ without .yaml: letters, digits, - and _")
        }
        let path = (directory as NSString).appendingPathComponent(name + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let available = available(in: directory)
            throw Diagnostic(file: path, message: "no report called `\(name)`",
                             hint: available.isEmpty ? "add \(name).yaml to \(directory)" : Suggest.hint(for: name, in: available, noun: "report"))
        }
        return try parse(YAMLReader.load(path: path), name: name, model: model)
    }

    /// Names of the reports in a folder.
    public static func available(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Parses and validates a definition.
    public static func parse(_ r: YAMLReader, name: String, model: SemanticModel) throws -> ReportDefinition {
        try r.checkKeys(["name", "title", "description", "audience", "audiences", "marking", "period", "sections"], in: "a report")
        let audiences = try readAudiences(r, model: model)
        let grain = try readGrain(r)
        var problems: [Diagnostic] = []
        var sections: [SectionDefinition] = []
        for (i, s) in try r.required("sections", in: "a report").items("sections").enumerated() {
            do {
                let section = try readSection(s, index: i, model: model)
                if case .trailing(_, let unit?) = section.window {
                    let singular = unit.hasSuffix("s") ? String(unit.dropLast()) : unit
                    if singular != "period" && singular != grain.rawValue {
                        throw (s.optional("window") ?? s).error(
                            "window `last … \(unit)` does not match the report's periods, which are \(grain.unitName)s", field: "window",
                            hint: "write `last N \(grain.rawValue)s` (or `last N periods`)")
                    }
                }
                sections.append(section)
            } catch let d as Diagnostic {
                problems.append(d)
            } catch let list as DiagnosticList {
                problems += list.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        var definition = ReportDefinition(
            name: try r.optional("name")?.string("name") ?? name,
            title: try r.required("title", in: "a report").string("title"),
            description: try r.optional("description")?.string("description") ?? "",
            audience: try r.optional("audience")?.string("audience") ?? "",
            marking: try r.optional("marking")?.string("marking") ?? "OFFICIAL",
            periodGrain: grain, sections: sections, file: r.file)
        definition.audiences = audiences
        return definition
    }

    /// The `audiences:` list of a report or pack.
    static func readAudiences(_ r: YAMLReader, model: SemanticModel) throws -> [AudienceDefinition] {
        try r.optional("audiences")?.items("audiences").map { a -> AudienceDefinition in
            try a.checkKeys(["name", "label", "per"], in: "an audience")
            let name = try a.required("name", in: "an audience").string("name")
            let per = try a.optional("per")?.string("per")
            if let per { try checkDimension(per, at: a.optional("per") ?? a, field: "per", model: model, what: "audience `\(name)`") }
            return AudienceDefinition(name: name, label: try a.optional("label")?.string("label") ?? name, per: per)
        } ?? []
    }

    /// Fails unless `name` is a dimension of the model.
    static func checkDimension(_ name: String, at node: YAMLReader, field: String, model: SemanticModel, what: String) throws {
        if model.dimension(name) == nil {
            throw node.error("unknown dimension `\(name)` in \(what)", field: field,
                             hint: Suggest.hint(for: name, in: model.dimensions.map(\.name), noun: "dimension"))
        }
    }

    /// The `period:` grain of a report or pack (month when absent).
    static func readGrain(_ r: YAMLReader) throws -> TimeGrain {
        guard let g = r.optional("period") else { return .month }
        let text = try g.string("period")
        guard let parsed = TimeGrain(rawValue: text) else {
            throw g.error("unknown period grain `\(text)`", field: "period",
                          hint: Suggest.hint(for: text, in: TimeGrain.allCases.map(\.rawValue), noun: "grain"))
        }
        return parsed
    }

    static let sectionKinds = ["chart", "table", "text", "kpis", "findings"]

    static func readSection(_ s: YAMLReader, index: Int, model: SemanticModel) throws -> SectionDefinition {
        try s.checkKeys(["id", "type", "chart", "title", "intro", "measure", "measures", "by", "over", "window", "where", "text", "limit", "page",
                         "compare", "top", "totals"], in: "a section")
        let typeNode = try s.required("type", in: "section \(index + 1)")
        let type = try typeNode.string("type")
        let title = try s.required("title", in: "section \(index + 1)").string("title")
        var kind: SectionDefinition.Kind
        switch type {
        case "chart":
            let chartNode = try s.required("chart", in: "chart section `\(title)`")
            let chartText = try chartNode.string("chart")
            let overTime: [ChartKind] = [.line, .groupedColumn, .stackedColumn, .percentColumn, .heatmap, .smallMultiples]
            guard let ck = ChartKind(rawValue: chartText), (overTime + [.bar]).contains(ck) else {
                throw chartNode.error("unknown chart type `\(chartText)`", field: "chart",
                                      hint: Suggest.hint(for: chartText, in: (overTime + [.bar]).map(\.rawValue), noun: "chart type"))
            }
            kind = .chart(ck)
        case "table": kind = .table
        case "text": kind = .text
        case "kpis": kind = .kpis
        case "findings": kind = .findings
        default:
            throw typeNode.error("unknown section type `\(type)`", field: "type",
                                 hint: Suggest.hint(for: type, in: sectionKinds, noun: "section type"))
        }
        var measures: [String] = []
        var measuresNode: YAMLReader?
        if let m = s.optional("measure") {
            measures = [try m.string("measure")]
            measuresNode = m
        } else if let m = s.optional("measures") {
            measures = try m.names("measures")
            measuresNode = m
        }
        if kind == .text && s.optional("text") == nil {
            throw s.error("text section `\(title)` has no `text`", hint: "add `text:` with the paragraphs to show")
        }
        if kind == .findings, let m = measures.first, model.measure(m)?.isAdditive == false {
            throw (measuresNode ?? s).error("findings need a count or a sum, and `\(m)` is neither", field: "measure",
                                            hint: "use a measure such as contacts or spend")
        }
        if kind != .text && measures.isEmpty {
            throw s.error("section `\(title)` names no measure", hint: "add `measure:` (or `measures:` for a table)")
        }
        for m in measures where model.measure(m) == nil {
            throw (measuresNode ?? s).error("unknown measure `\(m)` in section `\(title)`", field: "measure",
                                            hint: Suggest.hint(for: m, in: model.measures.map(\.name), noun: "measure"))
        }
        let byNode = s.optional("by")
        let by = try byNode?.string("by")
        if let by, model.dimension(by) == nil && TimeGrain(rawValue: by) == nil {
            throw byNode!.error("unknown dimension `\(by)` in section `\(title)`", field: "by",
                                hint: Suggest.hint(for: by, in: model.groupableNames, noun: "dimension"))
        }
        var over: TimeGrain?
        if let o = s.optional("over") {
            let text = try o.string("over")
            guard let g = TimeGrain(rawValue: text), model.time.grains.contains(g) else {
                throw o.error("unknown time grain `\(text)`", field: "over",
                              hint: Suggest.hint(for: text, in: model.time.grains.map(\.rawValue), noun: "grain"))
            }
            over = g
        }
        if case .chart(let ck) = kind, ck != .bar, over == nil {
            throw s.error("\(ck.rawValue.replacingOccurrences(of: "_", with: " ")) chart `\(title)` needs `over:` (a time grain such as month)")
        }
        let window = try s.optional("window").map { try SectionWindow.parse($0.string("window"), at: $0) } ?? .current
        let filter = try s.optional("where")?.string("where")
        if let filter, let w = s.optional("where") {
            // Check the filter now, so a typo is reported at the report's line, not at run time.
            _ = try QueryPlanner(model: model).plan(QueryRequest(
                measures: [measures.first ?? model.measures[0].name], filter: filter,
                filterSource: "\(w.file):\(w.line ?? 0)"))
        }
        var landscape = false
        if let p = s.optional("page") {
            let text = try p.string("page")
            guard ["portrait", "landscape"].contains(text) else {
                throw p.error("unknown page orientation `\(text)`", field: "page",
                              hint: Suggest.hint(for: text, in: ["portrait", "landscape"], noun: "orientation"))
            }
            landscape = text == "landscape"
        }
        let id = try s.optional("id")?.string("id") ?? String(format: "%02d", index + 1)
        var section = SectionDefinition(
            id: id, kind: kind, title: title, intro: try s.optional("intro")?.string("intro"), measures: measures, by: by,
            over: over, window: window, filter: filter, text: try s.optional("text")?.string("text"),
            limit: try s.optional("limit")?.int("limit"), place: SourcePlace(file: s.file, line: s.line, column: s.column))
        section.landscape = landscape
        // Comparisons, top N and totals are the query layer's own options; a table shows them as columns and rows.
        for key in ["compare", "top", "totals"] {
            if let node = s.optional(key), kind != .table {
                throw node.error("`\(key)` applies to table sections only", field: key, hint: "remove it, or make `\(title)` a table")
            }
        }
        if let c = s.optional("compare") {
            section.compare = try c.names("compare").map { n in
                guard let comparison = Comparison(rawValue: n) else {
                    throw c.error("unknown comparison `\(n)`", field: "compare", hint: "use `year` (a year earlier) or `previous` (the period before)")
                }
                return comparison
            }
        }
        if let t = s.optional("top") {
            let n = try t.int("top")
            guard n >= 1, n <= 1000 else { throw t.error("`top` must be between 1 and 1000, not \(n)", field: "top") }
            guard by != nil else { throw t.error("`top` needs `by:` (the dimension to rank)", field: "top") }
            section.top = n
        }
        section.totals = try s.optional("totals")?.bool("totals") ?? false
        return section
    }
}
