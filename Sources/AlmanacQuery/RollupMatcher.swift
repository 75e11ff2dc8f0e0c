import AlmanacCore
import AlmanacModel

/// Chooses the rollup that answers a plan exactly, or says why none does.
///
/// A rollup answers a plan when every fact column the plan touches (groups, joins, filters,
/// customer keys) is one of its keys, every aggregate can be re-aggregated from what it
/// holds (sums and counts add up, minima and maxima of minima and maxima, averages as a sum
/// over a count, distinct counts only of a key), and its grain is no coarser than the plan's
/// time: a month rollup serves months, quarters and years over whole months; a day rollup
/// serves every grain and any span. Of those that answer, the one with fewest rows wins.
public enum RollupMatcher {
    /// A built rollup and its row count.
    public struct Candidate: Sendable {
        public var definition: RollupDef
        public var rows: Int
        public init(definition: RollupDef, rows: Int) {
            self.definition = definition
            self.rows = rows
        }
    }

    /// The plan reading from the smallest candidate that answers it (or unchanged), and one
    /// line per candidate saying why it was or was not used.
    public static func choose(_ plan: QueryPlan, among candidates: [Candidate], model: SemanticModel) -> (plan: QueryPlan, notes: [String]) {
        var notes: [String] = []
        var best: Candidate?
        for c in candidates.sorted(by: { ($0.rows, $0.definition.name) < ($1.rows, $1.definition.name) }) {
            if let why = obstacle(plan, c.definition, model: model) {
                notes.append("rollup \(c.definition.name) (\(c.rows) rows) cannot answer: \(why)")
            } else if best == nil {
                best = c
                notes.append("rollup \(c.definition.name) (\(c.rows) rows) answers exactly: the smallest that does")
            } else {
                notes.append("rollup \(c.definition.name) (\(c.rows) rows) also answers, but is larger")
            }
        }
        guard let best else { return (plan, notes) }
        var p = plan
        p.rollup = PlannedRollup(
            definition: best.definition, rows: best.rows,
            reason: "\(best.definition.grain.rawValue) × \(best.definition.keys.joined(separator: " × ")) holds every column and aggregate this query needs")
        return (p, notes)
    }

    /// Why `r` cannot answer `plan` exactly, or nil when it can.
    public static func obstacle(_ plan: QueryPlan, _ r: RollupDef, model: SemanticModel) -> String? {
        guard r.table == plan.fact else { return "it summarises \(r.table), not \(plan.fact)" }
        guard let fact = model.table(plan.fact) else { return "no table \(plan.fact)" }
        let keys = Set(r.keys)
        let aggregated = Set(r.measuresColumns(of: fact))
        let alias = plan.factAlias

        func attribute(_ a: PlannedAttribute) -> String? {
            switch a {
            case .dimension(_, let al, let column, let sort):
                guard al == alias else { return nil }
                if !keys.contains(column) { return "it does not keep `\(column)`" }
                if let sort, !keys.contains(sort) { return "it does not keep `\(sort)`" }
                return nil
            case .time(let grain, _, _):
                if r.grain == .month && (grain == .day || grain == .isoWeek) { return "it is by month; the query needs \(grain.rawValue)s" }
                return nil
            }
        }
        func filter(_ f: PlannedFilter?) -> String? {
            guard let f else { return nil }
            switch f {
            case .compare(let a, _, _), .member(let a, _, _): return attribute(a)
            case .and(let a, let b), .or(let a, let b): return filter(a) ?? filter(b)
            case .not(let a): return filter(a)
            }
        }
        for g in plan.groups { if let why = attribute(g.attribute) { return why } }
        for j in plan.joins where j.fromAlias == alias && !keys.contains(j.fromColumn) {
            return "it does not keep `\(j.fromColumn)` (the join to \(j.table))"
        }
        if let why = filter(plan.filter) { return why }
        if r.grain == .month, let span = plan.span, span.start.day != 1 || span.end.day != 1 {
            return "it is by month; the period \(span) does not start and end on month boundaries"
        }
        for c in plan.components {
            switch c {
            case .aggregate(let agg, let column, let f):
                if let why = filter(f) { return why }
                guard let column else { continue }  // a row count: the sum of `_rows`
                switch agg {
                case .countDistinct:
                    if !keys.contains(column) { return "a distinct count of `\(column)` needs it kept as a key" }
                case .sum, .count, .average, .min, .max:
                    if !aggregated.contains(column) { return "it does not aggregate `\(column)`" }
                }
            case .customersWithTotal(let key, let column, _):
                if !keys.contains(key) { return "counting customers needs `\(key)` kept as a key" }
                if !aggregated.contains(column) { return "it does not aggregate `\(column)`" }
            case .customersWithDistinct(let key, let column, _):
                if !keys.contains(key) { return "counting customers needs `\(key)` kept as a key" }
                if !keys.contains(column) { return "a distinct count of `\(column)` needs it kept as a key" }
            }
        }
        return nil
    }
}
