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
        try root.checkKeys(["name", "label", "description", "tables", "measures", "dimensions", "hierarchies", "time"], in: "the model")
        let name = try root.required("name", in: "the model").string("name")
        let label = try root.optional("label")?.string("label") ?? name
        let tables = try root.required("tables", in: "the model").items("tables").map(readTable)
        let measures = try root.required("measures", in: "the model").items("measures").map(readMeasure)
        let dimensions = try root.optional("dimensions")?.items("dimensions").map(readDimension) ?? []
        let hierarchies = try root.optional("hierarchies")?.items("hierarchies").map(readHierarchy) ?? []
        let time = try readTime(root.required("time", in: "the model"))
        return SemanticModel(
            name: name, label: label, file: root.file, tables: tables, measures: measures,
            dimensions: dimensions, hierarchies: hierarchies, time: time)
    }

    static func readTable(_ r: YAMLReader) throws -> TableDef {
        try r.checkKeys(["name", "role", "source", "primary_key", "description", "columns", "joins"], in: "a table")
        let name = try r.required("name", in: "a table").string("name")
        let roleNode = try r.required("role", in: "table `\(name)`")
        let roleText = try roleNode.string("role")
        guard let role = TableRole(rawValue: roleText) else {
            throw roleNode.error("unknown table role `\(roleText)`", field: "role", hint: "use `fact` or `dimension`")
        }
        let columns = try r.required("columns", in: "table `\(name)`").items("columns").map { c -> ColumnDef in
            try c.checkKeys(["name", "type", "required", "description"], in: "a column")
            let cname = try c.required("name", in: "a column").string("name")
            let typeNode = try c.required("type", in: "column `\(cname)`")
            let typeText = try typeNode.string("type")
            guard let type = ColumnType(rawValue: typeText) else {
                throw typeNode.error(
                    "unknown column type `\(typeText)`", field: "type",
                    hint: Suggest.hint(for: typeText, in: ColumnType.allCases.map(\.rawValue), noun: "type"))
            }
            return ColumnDef(
                name: cname, type: type, required: try c.optional("required")?.bool("required") ?? true,
                description: try c.optional("description")?.string("description"), place: place(c))
        }
        let joins = try r.optional("joins")?.items("joins").map { j -> JoinDef in
            try j.checkKeys(["table", "column"], in: "a join")
            return JoinDef(
                table: try j.required("table", in: "a join").string("table"),
                column: try j.required("column", in: "a join").string("column"), place: place(j))
        } ?? []
        return TableDef(
            name: name, role: role, source: try r.optional("source")?.string("source") ?? "\(name).csv",
            primaryKey: try r.optional("primary_key")?.string("primary_key"),
            description: try r.optional("description")?.string("description"),
            columns: columns, joins: joins, place: place(r))
    }

    static func readMeasure(_ r: YAMLReader) throws -> MeasureDef {
        try r.checkKeys(["name", "label", "description", "table", "agg", "column", "unit", "format"], in: "a measure")
        let name = try r.required("name", in: "a measure").string("name")
        let aggNode = try r.required("agg", in: "measure `\(name)`")
        let aggText = try aggNode.string("agg")
        guard let agg = Aggregation(rawValue: aggText) else {
            throw aggNode.error(
                "unknown aggregation `\(aggText)` in measure `\(name)`", field: "agg",
                hint: Suggest.hint(for: aggText, in: Aggregation.allCases.map(\.rawValue), noun: "aggregation"))
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
            table: try r.required("table", in: "measure `\(name)`").string("table"), agg: agg,
            column: try r.optional("column")?.string("column"),
            unit: try r.optional("unit")?.string("unit") ?? "", format: format, place: place(r))
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
