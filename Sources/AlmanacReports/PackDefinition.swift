import AlmanacCore
import AlmanacModel
import Foundation

/// A pack declared in `packs/*.yaml`: several reports bound into one PDF for one period,
/// with one cover, one contents, one appendix and one set of definitions.
public struct PackDefinition: Sendable {
    /// One report in the pack.
    public struct Part: Sendable {
        /// The report (a name in `reports/`).
        public var report: ReportDefinition
        /// A dimension with one part per member (a district profile for every district),
        /// each scoped to that member; nil for one part.
        public var each: String?
        /// Where it was declared.
        public var place: SourcePlace
    }

    /// Name (the file name without `.yaml`).
    public var name: String
    /// Title.
    public var title: String
    /// What it is for.
    public var description: String
    /// Who reads it.
    public var audience: String
    /// Protective marking: at least as high as the highest of its reports.
    public var marking: String
    /// Grain of the period parameter, shared by every report.
    public var periodGrain: TimeGrain
    /// The reports, in order.
    public var parts: [Part]
    /// Audiences it can be published for (their scope applies to every part).
    public var audiences: [AudienceDefinition]
    /// The file.
    public var file: String
}

/// Reads pack definitions and checks them against the model and the reports they name.
public enum PackLoader {
    /// Government Security Classifications, lowest first.
    static let markings = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]

    /// Loads `NAME.yaml` from `directory`, reading each report it names from `reports`.
    public static func load(name: String, directory: String, reports: String, model: SemanticModel) throws -> PackDefinition {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw Diagnostic(field: "pack", message: "`\(name)` is not a pack name",
                             hint: "pack names are file names in packs/ without .yaml: letters, digits, - and _")
        }
        let path = (directory as NSString).appendingPathComponent(name + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let available = ReportLoader.available(in: directory)
            throw Diagnostic(file: path, message: "no pack called `\(name)`",
                             hint: available.isEmpty ? "add \(name).yaml to \(directory)" : Suggest.hint(for: name, in: available, noun: "pack"))
        }
        return try parse(YAMLReader.load(path: path), name: name, reports: reports, model: model)
    }

    /// Parses and validates a pack definition.
    public static func parse(_ r: YAMLReader, name: String, reports: String, model: SemanticModel) throws -> PackDefinition {
        try r.checkKeys(["name", "title", "description", "audience", "audiences", "marking", "period", "reports"], in: "a pack")
        let grain = try ReportLoader.readGrain(r)
        let available = ReportLoader.available(in: reports)
        var parts: [PackDefinition.Part] = []
        let list = try r.required("reports", in: "a pack").items("reports")
        if list.isEmpty { throw r.error("the pack lists no reports", field: "reports", hint: "list at least one report from reports/") }
        for item in list {
            let reportNode: YAMLReader
            var each: String?
            if case .scalar = item.node {
                reportNode = item
            } else {
                try item.checkKeys(["report", "each"], in: "a pack's report")
                reportNode = try item.required("report", in: "a pack's report")
                if let e = item.optional("each") {
                    each = try e.string("each")
                    try ReportLoader.checkDimension(each!, at: e, field: "each", model: model, what: "the pack's report")
                }
            }
            let reportName = try reportNode.string("report")
            guard available.contains(reportName) else {
                throw reportNode.error("no report called `\(reportName)`", field: "report",
                                       hint: Suggest.hint(for: reportName, in: available, noun: "report"))
            }
            let report = try ReportLoader.load(name: reportName, directory: reports, model: model)
            if report.periodGrain != grain {
                throw reportNode.error("report `\(reportName)` is by \(report.periodGrain.rawValue), but the pack is by \(grain.rawValue)",
                                       field: "report", hint: "bind reports of one period grain into a pack")
            }
            parts.append(.init(report: report, each: each, place: SourcePlace(file: item.file, line: item.line, column: item.column)))
        }
        // The pack's marking is at least the highest of its reports'.
        let highest = parts.map(\.report.marking).max { rank($0) < rank($1) } ?? "OFFICIAL"
        var marking = highest
        if let m = r.optional("marking") {
            marking = try m.string("marking")
            guard rank(marking) >= 0 else {
                throw m.error("unknown protective marking `\(marking)`", field: "marking",
                              hint: Suggest.hint(for: marking, in: markings, noun: "marking"))
            }
            if rank(marking) < rank(highest) {
                throw m.error("the pack is marked \(marking) but holds a report marked \(highest)", field: "marking",
                              hint: "mark the pack \(highest) or higher")
            }
        }
        return PackDefinition(
            name: try r.optional("name")?.string("name") ?? name,
            title: try r.required("title", in: "a pack").string("title"),
            description: try r.optional("description")?.string("description") ?? "",
            audience: try r.optional("audience")?.string("audience") ?? "",
            marking: marking, periodGrain: grain, parts: parts,
            audiences: try ReportLoader.readAudiences(r, model: model), file: r.file)
    }

    /// Position of a marking in `markings` (-1 when it is not one; reports may use others).
    static func rank(_ marking: String) -> Int { markings.firstIndex(of: marking.uppercased()) ?? -1 }
}
