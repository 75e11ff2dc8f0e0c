import AlmanacCore
import Foundation

/// Reads a semantic model from YAML and validates every reference in it.
///
/// Structural mistakes (a missing key, a list where a value belongs) stop the load at the
/// first one; reference mistakes (an unknown column, table or dimension) are all collected
/// and reported together, each with its file, line and the nearest valid name.
public enum ModelLoader {
    /// Loads and validates the model at `path`.
    public static func load(path: String, displayPath: String? = nil) throws -> SemanticModel {
        let root = try YAMLReader.load(path: path, displayPath: displayPath)
        let model = try read(root)
        try ModelValidator.validate(model)
        return model
    }

    /// Parses and validates model YAML text (tests, embedded models).
    public static func parse(_ text: String, file: String) throws -> SemanticModel {
        let model = try read(YAMLReader.parse(text, file: file))
        try ModelValidator.validate(model)
        return model
    }

    static func place(_ r: YAMLReader) -> SourcePlace { SourcePlace(file: r.file, line: r.line, column: r.column) }

    static func read(_ root: YAMLReader) throws -> SemanticModel {
        try root.checkKeys(["name", "label", "description", "tables", "measures", "dimensions", "hierarchies", "time", "analysis", "rollups"], in: "the model")
        let name = try root.required("name", in: "the model").string("name")
        let label = try root.optional("label")?.string("label") ?? name
        let tables = try root.required("tables", in: "the model").items("tables").map(readTable)
        var measures = try root.required("measures", in: "the model").items("measures").map(readMeasure)
        // Derived measures belong to the fact of the measures they are made from.
        for _ in 0..<4 {
            for i in measures.indices where measures[i].table.isEmpty {
                let base: String?
                switch measures[i].kind {
                case .ratio(let n, _), .share(let n), .rate(let n, _, _, _), .cumulative(let n, _): base = n
                case .aggregate, .customerCount: base = nil
                }
                if let base, let t = measures.first(where: { $0.name == base })?.table, !t.isEmpty { measures[i].table = t }
            }
        }
        let dimensions = try root.optional("dimensions")?.items("dimensions").map(readDimension) ?? []
        let hierarchies = try root.optional("hierarchies")?.items("hierarchies").map(readHierarchy) ?? []
        let time = try readTime(root.required("time", in: "the model"))
        var model = SemanticModel(
            name: name, label: label, file: root.file, tables: tables, measures: measures,
            dimensions: dimensions, hierarchies: hierarchies, time: time)
        if let a = root.optional("analysis") {
            try a.checkKeys(["by", "daily"], in: "the analysis")
            let by = try a.optional("by")?.names("by") ?? []
            guard by.count <= 2 else {
                throw a.error("`analysis.by` names what and where: at most two dimensions", field: "by", hint: "e.g. by: [service, district]")
            }
            let daily = try a.optional("daily")?.string("daily")
            for d in by + (daily.map { [$0] } ?? []) where dimensions.first(where: { $0.name == d }) == nil {
                throw a.error("unknown dimension `\(d)` in `analysis`", field: "analysis",
                              hint: Suggest.hint(for: d, in: dimensions.map(\.name), noun: "dimension"))
            }
            model.analysis = AnalysisDef(by: by, daily: daily, declared: true)
        } else {
            let names = Set(dimensions.map(\.name))
            model.analysis = AnalysisDef(by: ["service", "district"].filter(names.contains), daily: names.contains("channel") ? "channel" : nil, declared: false)
        }
        model.rollups = try root.optional("rollups")?.items("rollups").map { r -> RollupDef in
            try r.checkKeys(["name", "table", "grain", "keys", "description"], in: "a rollup")
            let name = try r.required("name", in: "a rollup").string("name")
            guard !name.isEmpty, name.utf8.count <= 60, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
                throw r.error("rollup name `\(name)` must be lower-case letters, digits and underscores (at most 60)", field: "name", hint: "e.g. activity_by_month")
            }
            let grainNode = try r.required("grain", in: "rollup `\(name)`")
            let grainText = try grainNode.string("grain")
            guard let grain = TimeGrain(rawValue: grainText), grain == .day || grain == .month else {
                throw grainNode.error("a rollup's grain is `day` or `month`, not `\(grainText)`", field: "grain",
                                      hint: "month serves months, quarters and years; day serves every grain")
            }
            return RollupDef(name: name, table: try r.required("table", in: "rollup `\(name)`").string("table"), grain: grain,
                             keys: try r.required("keys", in: "rollup `\(name)`").names("keys"), place: place(r))
        } ?? []
        return model
    }

    static func readTable(_ r: YAMLReader) throws -> TableDef {
        try r.checkKeys(["name", "role", "source", "primary_key", "description", "columns", "joins", "year_column", "unique"], in: "a table")
        let name = try r.required("name", in: "a table").string("name")
        let roleNode = try r.required("role", in: "table `\(name)`")
        let roleText = try roleNode.string("role")
        guard let role = TableRole(rawValue: roleText) else {
            throw roleNode.error("unknown table role `\(roleText)`", field: "role", hint: "use `fact`, `dimension` or `denominator`")
        }
        let columns = try r.required("columns", in: "table `\(name)`").items("columns").map { c -> ColumnDef in
            try c.checkKeys(["name", "type", "required", "description", "min", "max"], in: "a column")
            let cname = try c.required("name", in: "a column").string("name")
            let typeNode = try c.required("type", in: "column `\(cname)`")
            let typeText = try typeNode.string("type")
            guard let type = ColumnType(rawValue: typeText) else {
                throw typeNode.error(
                    "unknown column type `\(typeText)`", field: "type",
                    hint: Suggest.hint(for: typeText, in: ColumnType.allCases.map(\.rawValue), noun: "type"))
            }
            var column = ColumnDef(
                name: cname, type: type, required: try c.optional("required")?.bool("required") ?? true,
                description: try c.optional("description")?.string("description"), place: place(c))
            for key in ["min", "max"] {
                guard let node = c.optional(key) else { continue }
                let text = try node.string(key)
                let ok: Bool
                switch type {
                case .date: ok = Day(iso: text) != nil
                case .integer: ok = Int64(text) != nil
                case .decimal: ok = Double(text)?.isFinite == true
                case .text: ok = false
                }
                guard ok else {
                    throw node.error("`\(key): \(text)` does not fit column `\(cname)` (\(type.rawValue))", field: key,
                                     hint: type == .text ? "text columns take no bounds" : type == .date ? "write a date as YYYY-MM-DD" : "write a plain number")
                }
                if key == "min" { column.min = text } else { column.max = text }
            }
            return column
        }
        let joins = try r.optional("joins")?.items("joins").map { j -> JoinDef in
            try j.checkKeys(["table", "column"], in: "a join")
            return JoinDef(
                table: try j.required("table", in: "a join").string("table"),
                column: try j.required("column", in: "a join").string("column"), place: place(j))
        } ?? []
        var table = TableDef(
            name: name, role: role, source: try r.optional("source")?.string("source") ?? "\(name).csv",
            primaryKey: try r.optional("primary_key")?.string("primary_key"),
            description: try r.optional("description")?.string("description"),
            columns: columns, joins: joins, yearColumn: try r.optional("year_column")?.string("year_column"), place: place(r))
        if let u = r.optional("unique") {
            table.unique = try u.names("unique")
            for c in table.unique where !columns.contains(where: { $0.name == c }) {
                throw u.error("`unique` names `\(c)`, which is not a column of `\(name)`", field: "unique",
                              hint: Suggest.hint(for: c, in: columns.map(\.name), noun: "column"))
            }
        }
        return table
    }

    static let measureTypes = ["aggregate", "ratio", "share", "rate", "customer_count", "cumulative"]

    static func readMeasure(_ r: YAMLReader) throws -> MeasureDef {
        try r.checkKeys(["name", "label", "description", "table", "type", "agg", "column", "where", "numerator", "denominator",
                         "of", "per", "key", "at_least", "distinct", "window", "unit", "format", "improvement"], in: "a measure")
        let name = try r.required("name", in: "a measure").string("name")
        let typeNode = r.optional("type")
        let type = try typeNode?.string("type") ?? "aggregate"
        func text(_ key: String) throws -> String { try r.required(key, in: "\(type) measure `\(name)`").string(key) }
        let kind: MeasureKind
        switch type {
        case "aggregate":
            let aggNode = try r.required("agg", in: "measure `\(name)`")
            let aggText = try aggNode.string("agg")
            guard let agg = Aggregation(rawValue: aggText) else {
                throw aggNode.error(
                    "unknown aggregation `\(aggText)` in measure `\(name)`", field: "agg",
                    hint: Suggest.hint(for: aggText, in: Aggregation.allCases.map(\.rawValue), noun: "aggregation"))
            }
            kind = .aggregate(agg, column: try r.optional("column")?.string("column"), filter: try r.optional("where")?.string("where"))
        case "ratio":
            kind = .ratio(numerator: try text("numerator"), denominator: try text("denominator"))
        case "share":
            kind = .share(of: try text("of"))
        case "rate":
            let denominatorNode = try r.required("denominator", in: "rate measure `\(name)`")
            let parts = try denominatorNode.string("denominator").split(separator: ".").map(String.init)
            guard parts.count == 2 else {
                throw denominatorNode.error("write the denominator as table.column", field: "denominator", hint: "e.g. population.population")
            }
            let per = try r.optional("per").map { Double(try $0.int("per")) } ?? 1
            kind = .rate(numerator: try text("numerator"), table: parts[0], column: parts[1], per: per)
        case "customer_count":
            let atLeast = try r.optional("at_least")?.int("at_least") ?? 2
            let rule: CustomerRule
            if let d = r.optional("distinct") {
                rule = .distinct(column: try d.string("distinct"), atLeast: atLeast)
            } else {
                rule = .total(column: try text("of"), atLeast: atLeast)
            }
            kind = .customerCount(key: try text("key"), rule: rule)
        case "cumulative":
            let windowNode = try r.required("window", in: "cumulative measure `\(name)`")
            let w = try windowNode.string("window")
            guard let window = CumulativeWindow(rawValue: w) else {
                throw windowNode.error("unknown window `\(w)`", field: "window",
                                       hint: Suggest.hint(for: w, in: CumulativeWindow.allCases.map(\.rawValue), noun: "window"))
            }
            kind = .cumulative(of: try text("of"), window: window)
        default:
            throw typeNode!.error("unknown measure type `\(type)`", field: "type", hint: Suggest.hint(for: type, in: measureTypes, noun: "type"))
        }
        var format = NumberFormat.integer
        if let f = r.optional("format") {
            let text = try f.string("format")
            guard let nf = NumberFormat(rawValue: text) else {
                throw f.error(
                    "unknown number format `\(text)`", field: "format",
                    hint: Suggest.hint(for: text, in: NumberFormat.allCases.map(\.rawValue), noun: "format"))
            }
            format = nf
        }
        return MeasureDef(
            name: name, label: try r.optional("label")?.string("label") ?? name,
            description: try r.required("description", in: "measure `\(name)`").string("description"),
            table: try r.optional("table")?.string("table") ?? "", kind: kind,
            unit: try r.optional("unit")?.string("unit") ?? "", format: format,
            improvement: try r.optional("improvement")?.string("improvement"), place: place(r))
    }

    static func readDimension(_ r: YAMLReader) throws -> DimensionDef {
        try r.checkKeys(["name", "label", "description", "table", "column", "sort_by"], in: "a dimension")
        let name = try r.required("name", in: "a dimension").string("name")
        return DimensionDef(
            name: name, label: try r.optional("label")?.string("label") ?? name,
            description: try r.optional("description")?.string("description"),
            table: try r.required("table", in: "dimension `\(name)`").string("table"),
            column: try r.required("column", in: "dimension `\(name)`").string("column"),
            sortColumn: try r.optional("sort_by")?.string("sort_by"), place: place(r))
    }

    static func readHierarchy(_ r: YAMLReader) throws -> HierarchyDef {
        try r.checkKeys(["name", "label", "levels"], in: "a hierarchy")
        let name = try r.required("name", in: "a hierarchy").string("name")
        return HierarchyDef(
            name: name, label: try r.optional("label")?.string("label") ?? name,
            levels: try r.required("levels", in: "hierarchy `\(name)`").names("levels"), place: place(r))
    }

    static func readTime(_ r: YAMLReader) throws -> TimeDimensionDef {
        try r.checkKeys(["name", "label", "table", "column", "grains"], in: "the time dimension")
        let grainsNode = try r.required("grains", in: "the time dimension")
        let grains = try grainsNode.names("grains").map { g -> TimeGrain in
            guard let grain = TimeGrain(rawValue: g) else {
                throw grainsNode.error(
                    "unknown time grain `\(g)`", field: "grains",
                    hint: Suggest.hint(for: g, in: TimeGrain.allCases.map(\.rawValue), noun: "grain"))
            }
            return grain
        }
        return TimeDimensionDef(
            name: try r.optional("name")?.string("name") ?? "date",
            label: try r.optional("label")?.string("label") ?? "Date",
            table: try r.required("table", in: "the time dimension").string("table"),
            column: try r.required("column", in: "the time dimension").string("column"),
            grains: grains, place: place(r))
    }
}
