import AlmanacCore

/// The declared vocabulary of the warehouse: its tables, measures, dimensions, hierarchies
/// and time grains. Queries and reports name these, never raw SQL.
public struct SemanticModel: Sendable {
    /// Model name.
    public var name: String
    /// Label for people (used in report footers: the organisation's data).
    public var label: String
    /// The file it was read from.
    public var file: String
    /// Warehouse tables, in load order (dimensions before the facts that reference them).
    public var tables: [TableDef]
    /// Measures.
    public var measures: [MeasureDef]
    /// Dimensions.
    public var dimensions: [DimensionDef]
    /// Hierarchies over dimensions.
    public var hierarchies: [HierarchyDef]
    /// The time dimension.
    public var time: TimeDimensionDef
    /// What the findings scan walks (`analysis:` in the model).
    public var analysis = AnalysisDef(by: [], daily: nil, declared: false)
    /// Pre-aggregations of fact tables (`rollups:`), built at load; queries they answer
    /// exactly are read from the smallest of them instead of the facts.
    public var rollups: [RollupDef] = []

    /// The table named `name`.
    public func table(_ name: String) -> TableDef? { tables.first { $0.name == name } }
    /// The measure named `name`.
    public func measure(_ name: String) -> MeasureDef? { measures.first { $0.name == name } }
    /// The dimension named `name`.
    public func dimension(_ name: String) -> DimensionDef? { dimensions.first { $0.name == name } }

    /// Names a query may group or filter by: dimensions and time grains.
    public var groupableNames: [String] { dimensions.map(\.name) + time.grains.map(\.rawValue) }

    /// The next level up (`down == false`) or down a hierarchy from `name`, if there is one.
    /// Time drills year → quarter → month → day, and financial year → financial quarter → month.
    public func drill(from name: String, down: Bool) -> String? {
        var paths = hierarchies.map(\.levels)
        paths.append(["year", "quarter", "month", "day"])
        paths.append(["financial_year", "financial_quarter", "month", "day"])
        for levels in paths {
            guard let i = levels.firstIndex(of: name) else { continue }
            let j = down ? i + 1 : i - 1
            if levels.indices.contains(j) { return levels[j] }
        }
        return nil
    }

    /// Tables in an order where every table comes after the tables it joins to, so that a
    /// load can check keys against what is already loaded.
    public var loadOrder: [TableDef] {
        var done: [String] = []
        var result: [TableDef] = []
        func visit(_ t: TableDef) {
            guard !done.contains(t.name) else { return }
            done.append(t.name)
            for j in t.joins { if let other = table(j.table) { visit(other) } }
            result.append(t)
        }
        for t in tables { visit(t) }
        return result
    }
}

/// The dimensions the findings scan walks: `by` is what (a service-like dimension) and
/// where (a place-like one), in that order, scanned alone and together; `daily` the
/// dimension whose days are checked for stoppages (a channel). Declared in the model as
/// `analysis: {by: [service, district], daily: channel}`; when absent, `service`, `district`
/// and `channel` are used where the model has them.
public struct AnalysisDef: Sendable {
    /// What, then where.
    public var by: [String]
    /// The dimension checked day by day for stoppages, if any.
    public var daily: String?
    /// Whether the model declared it.
    public var declared: Bool

    /// Creates a declaration.
    public init(by: [String], daily: String?, declared: Bool) {
        self.by = by
        self.daily = daily
        self.declared = declared
    }
}

/// A pre-aggregation of a fact table: its rows grouped by `grain` of the model's date column
/// and by `keys` (columns of the fact), holding for every other numeric column its sum,
/// count of values, minimum and maximum, and the number of fact rows. Declared in the model
/// as `rollups: [{name: by_month, table: activity, grain: month, keys: [service_code, ward_code]}]`.
public struct RollupDef: Sendable, Equatable {
    /// Name (the warehouse table is `_rollup_<name>`).
    public var name: String
    /// The fact table it summarises.
    public var table: String
    /// `day` or `month`.
    public var grain: TimeGrain
    /// Fact columns kept as they are.
    public var keys: [String]
    /// Where it was declared.
    public var place: SourcePlace

    /// Creates a declaration.
    public init(name: String, table: String, grain: TimeGrain, keys: [String], place: SourcePlace) {
        self.name = name
        self.table = table
        self.grain = grain
        self.keys = keys
        self.place = place
    }

    /// The warehouse table holding it.
    public var tableName: String { "_rollup_" + name }

    /// The fact's numeric columns it aggregates: every integer or decimal column not a key.
    public func measuresColumns(of fact: TableDef) -> [String] {
        fact.columns.filter { ($0.type == .integer || $0.type == .decimal) && !keys.contains($0.name) }.map(\.name)
    }

    /// Whether `other` can be summed from this rollup: same fact, every key of `other` kept
    /// here, a grain no coarser, and every column `other` aggregates aggregated here too.
    public func derives(_ other: RollupDef, fact: TableDef) -> Bool {
        other.name != name && other.table == table && Set(other.keys).isSubset(of: keys)
            && (grain == .day || other.grain == .month)
            && Set(other.measuresColumns(of: fact)).isSubset(of: measuresColumns(of: fact))
    }

    /// The rollup column holding `agg` (`sum`, `n`, `min`, `max`) of fact column `column`.
    public static func column(_ agg: String, _ column: String) -> String { agg + ":" + column }

    /// A text that changes whenever the rollup's content would: what the warehouse records
    /// beside the built table, so a changed declaration is rebuilt, never read stale.
    public func signature(dateColumn: String, fact: TableDef) -> String {
        "\(table)|\(grain.rawValue)|\(dateColumn)|\(keys.joined(separator: ","))|\(measuresColumns(of: fact).joined(separator: ","))|v1"
    }
}
