import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import GRDB

/// A comparison a query can add beside each measure.
public enum Comparison: String, Sendable, CaseIterable {
    /// The same number of periods immediately before.
    case previous
    /// The same periods a year earlier.
    case yearEarlier = "year"

    var suffix: String { self == .previous ? "previous" : "year_earlier" }
    var label: String { self == .previous ? "previous period" : "same period a year earlier" }
}

/// What to do beyond the plain query.
public struct QueryOptions: Sendable {
    /// Comparisons to add: value, change and percentage change for each measure.
    public var compare: [Comparison] = []
    /// Keep the top N members of the last non-time grouping dimension (by the first
    /// measure over the whole span) and add an exact "All other" row.
    public var top: Int?
    /// Add subtotal rows for each level of grouping and a grand total, each computed by
    /// the database, not summed from rounded figures.
    public var totals = false
    /// Fill periods with no rows: zero for counts and sums, no value for ratios.
    public var timeSpine = true

    /// Defaults.
    public init() {}
}

/// Runs requests end to end: plans, compiles and runs the SQL, then completes the time
/// spine, running totals, top-N, totals and comparisons. Every figure still comes from the
/// database; only zero-filling and running sums of additive measures happen here.
public struct QueryExecutor: Sendable {
    public let model: SemanticModel
    public let warehouse: Warehouse
    private var timings: Timings?
    private var recorder: Recorder?
    /// Whether queries may be answered from rollups (off: always the facts, for comparison;
    /// `ALMANAC_ROLLUPS=off` sets it for a command).
    public var useRollups = Warehouse.rollupsEnabled

    /// Creates an executor.
    public init(model: SemanticModel, warehouse: Warehouse) {
        self.model = model
        self.warehouse = warehouse
    }


    /// Where the time of a query went, for `--timing` and the overhead benchmark.
    public final class Timings: @unchecked Sendable {
        /// Seconds planning and compiling.
        public var planning = 0.0
        /// Seconds in the database (preparing, stepping, reading rows).
        public var database = 0.0
        /// Seconds for the whole run, including shaping.
        public var total = 0.0
        /// Statements run.
        public var statements = 0
        /// Creates empty timings.
        public init() {}
    }

    /// Every statement a run executes, with the notes on which rollup answered it: what
    /// `almanac query --explain` prints when a request needs more than one (top N, totals,
    /// comparisons).
    public final class Recorder: @unchecked Sendable {
        /// The statements, in the order they ran, each with its rollup notes.
        public var statements: [(query: CompiledQuery, notes: [String])] = []
        /// Creates an empty recorder.
        public init() {}
    }

    /// Runs `request` over `period` and returns what it ran, statement by statement.
    public func explain(_ request: QueryRequest, period: ResolvedPeriod?, options: QueryOptions = QueryOptions()) throws -> [(query: CompiledQuery, notes: [String])] {
        var recording = self
        let recorder = Recorder()
        recording.recorder = recorder
        _ = try recording.run(request, period: period, options: options)
        return recorder.statements
    }

    private func execute(_ planner: QueryPlanner, _ r: QueryRequest) throws -> DataTable {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let plain = try planner.plan(r)
        let (chosen, notes) = try answered(plain)
        let compiled = SQLCompiler().compile(chosen)
        recorder?.statements.append((compiled, notes))
        let t1 = DispatchTime.now().uptimeNanoseconds
        // The trace also records what the facts would have needed, for benchmarks to replay.
        let table = try warehouse.run(compiled, factEquivalent: chosen.rollup == nil || !SQLTrace.enabled ? nil : SQLCompiler().compile(plain))
        let t2 = DispatchTime.now().uptimeNanoseconds
        timings?.planning += Double(t1 - t0) / 1e9
        timings?.database += Double(t2 - t1) / 1e9
        timings?.statements += 1
        return table
    }

    /// The plan reading from the smallest current rollup that answers it exactly (see
    /// `RollupMatcher`), or from the facts, with a line per declared rollup saying why.
    public func answered(_ plan: QueryPlan) throws -> (plan: QueryPlan, notes: [String]) {
        guard useRollups, !model.rollups.isEmpty else {
            return (plan, model.rollups.isEmpty ? [] : ["rollups switched off (ALMANAC_ROLLUPS=off): reading the facts"])
        }
        let candidates = try warehouse.rollupCandidates(model: model)
        var (chosen, notes) = RollupMatcher.choose(plan, among: candidates, model: model)
        let built = Set(candidates.map(\.definition.name))
        for r in model.rollups where !built.contains(r.name) {
            notes.append("rollup \(r.name) is declared but not built for this model: run `almanac load` to build it")
        }
        if chosen.rollup == nil { notes.append("no rollup answers this query exactly: reading the facts") }
        return (chosen, notes)
    }

    /// Runs `request` over `period` (nil: all time), recording where the time went.
    public func run(_ request: QueryRequest, period: ResolvedPeriod?, options: QueryOptions = QueryOptions(), timings: Timings) throws -> DataTable {
        var timed = self
        timed.timings = timings
        let start = DispatchTime.now().uptimeNanoseconds
        defer { timings.total += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        return try timed.run(request, period: period, options: options)
    }

    /// Runs `request` over `period` (nil: all time).
    public func run(_ request: QueryRequest, period: ResolvedPeriod?, options: QueryOptions = QueryOptions()) throws -> DataTable {
        var r = request
        r.span = period?.span ?? request.span
        var table = try shaped(r, options: options)
        for c in options.compare {
            let other: ResolvedPeriod?
            switch c {
            case .previous: other = period?.previous
            case .yearEarlier: other = period?.yearEarlier
            }
            guard let other, let period else {
                throw Diagnostic(field: "--compare", message: "comparing with the \(c.label) needs a period",
                                 hint: period == nil ? "add --period, e.g. --period 2025-10" : "compare months, quarters or years with a year earlier")
            }
            var cr = r
            cr.span = other.span
            table = compare(table, with: try shaped(cr, options: options), comparison: c) { key, grain in
                Self.shift(key, grain: grain, from: other, to: period)
            }
        }
        return table
    }

    // MARK: - One span

    private func shaped(_ request: QueryRequest, options: QueryOptions) throws -> DataTable {
        let planner = QueryPlanner(model: model)
        let plan = try planner.plan(request)
        var r = request
        // Running totals reach back before the span: query from that earlier month.
        let back = plan.measures.compactMap(\.cumulative).map(\.monthsBack).max()
        if let back, let span = r.span {
            r.span = DateSpan(start: span.start.firstOfMonth(adding: -back), end: span.end)
        }
        var dimensionName: String?
        var topMembers: [String] = []
        if let n = options.top {
            guard n >= 1 else { throw Diagnostic(field: "--top", message: "--top must be 1 or more, not \(n)", hint: "e.g. --top 5") }
            guard let last = request.by.last(where: { TimeGrain(rawValue: $0) == nil }) else {
                throw Diagnostic(field: "--top", message: "--top needs a dimension in --by to rank", hint: "e.g. --by district --top 5")
            }
            dimensionName = last
            var ranking = request
            ranking.by = [last]
            ranking.measures = [request.measures[0]]
            let ranked = try execute(planner, ranking)
            let order = (0..<ranked.rowCount).sorted {
                (ranked.columns[1].values.double(at: $0) ?? -.infinity) > (ranked.columns[1].values.double(at: $1) ?? -.infinity)
            }
            topMembers = order.prefix(n).compactMap { ranked.columns[0].values.text(at: $0) }
        }
        // The main query covers every member, so shares are of the whole; rows outside the
        // top N are then left out and replaced by one exact "All other" row.
        var table = try execute(planner, r)
        if let dimensionName {
            table = keep(table, dimension: dimensionName, members: Set(topMembers))
            var others = r
            others.filter = combine(r.filter, member(dimensionName, topMembers, negated: true))
            table = try addAllOther(table, request: others, dimension: dimensionName, planner: planner, plan: plan)
        }
        if options.totals {
            table = try addTotals(table, request: r, planner: planner)
        }
        if options.timeSpine, let span = r.span { table = fillSpine(table, plan: plan, span: span) }
        if back != nil {
            table = runningTotals(table, plan: plan)
            if let start = request.span?.start { table = trim(table, before: start) }
        }
        return table
    }

    private func combine(_ a: String?, _ b: String) -> String {
        guard let a, !a.trimmingCharacters(in: .whitespaces).isEmpty else { return b }
        return "(\(a)) and \(b)"
    }

    private func member(_ name: String, _ values: [String], negated: Bool) -> String {
        let list = values.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        return values.isEmpty ? (negated ? "1 = 1" : "\(name) in ('')") : "\(name) \(negated ? "not in" : "in") (\(list))"
    }

    // MARK: - Top N and all other

    private func keep(_ table: DataTable, dimension: String, members: Set<String>) -> DataTable {
        guard let di = table.columns.firstIndex(where: { $0.name == dimension }) else { return table }
        var builder = TableBuilder(like: table)
        for row in 0..<table.rowCount where members.contains(table.columns[di].values.text(at: row) ?? "") {
            builder.append(from: table, row: row)
        }
        return builder.table
    }

    private func addAllOther(_ table: DataTable, request: QueryRequest, dimension: String, planner: QueryPlanner, plan: QueryPlan) throws -> DataTable {
        var r = request
        r.by = request.by.filter { $0 != dimension }
        var others = try execute(planner, r)
        // A share in the "All other" row is what the top members leave of the whole
        // (the others query alone would make it 100% of itself).
        for m in plan.measures {
            guard case .share = m.expression, let oi = others.columns.firstIndex(where: { $0.name == m.name }),
                let ti = table.columns.firstIndex(where: { $0.name == m.name }) else { continue }
            let groupNames = others.columns.filter { $0.role == .dimension }.map(\.name)
            var values: [Double?] = []
            for row in 0..<others.rowCount {
                let key = groupNames.map { n in others.column(n)!.values.text(at: row) }
                let taken = (0..<table.rowCount).filter { tr in groupNames.map { table.column($0)!.values.text(at: tr) } == key }
                    .compactMap { table.columns[ti].values.double(at: $0) }.reduce(0, +)
                values.append(max(0, 1 - taken))
            }
            others.columns[oi].values = .real(values)
        }
        let label = "All other"
        // Order: within each combination of the other dimensions, the top members by the
        // first measure, then "All other".
        let dimIndex = table.columns.firstIndex { $0.name == dimension }!
        let groupIndexes = table.columns.indices.filter { table.columns[$0].role == .dimension && $0 != dimIndex }
        let measureIndex = table.columns.firstIndex { $0.role == .measure }!
        let rows = Array(0..<table.rowCount)
        func key(_ t: DataTable, _ row: Int, _ idx: [Int]) -> [String] { idx.map { t.columns[$0].values.text(at: row) ?? "" } }
        var builder = TableBuilder(like: table)
        var seen: [[String]] = []
        for row in rows where !seen.contains(key(table, row, groupIndexes)) { seen.append(key(table, row, groupIndexes)) }
        let otherGroupIndexes = groupIndexes.map { i in others.columns.firstIndex { $0.name == table.columns[i].name }! }
        for g in seen {
            let members = rows.filter { key(table, $0, groupIndexes) == g }
                .sorted { (table.columns[measureIndex].values.double(at: $0) ?? -.infinity) > (table.columns[measureIndex].values.double(at: $1) ?? -.infinity) }
            for m in members { builder.append(from: table, row: m) }
            if let o = (0..<others.rowCount).first(where: { key(others, $0, otherGroupIndexes) == g }) {
                builder.append(from: others, row: o, overrides: [dimension: label])
            }
        }
        return builder.table
    }

    // MARK: - Totals

    private func addTotals(_ table: DataTable, request: QueryRequest, planner: QueryPlanner) throws -> DataTable {
        let dims = request.by
        guard !dims.isEmpty else { return table }
        var byLevel: [Int: DataTable] = [:]  // rows grouped by the first k dimensions
        for k in 0..<dims.count {
            var r = request
            r.by = Array(dims.prefix(k))
            byLevel[k] = try execute(planner, r)
        }
        func prefix(_ t: DataTable, _ row: Int, _ k: Int) -> [String] { (0..<k).map { t.columns[$0].values.text(at: row) ?? "" } }
        var builder = TableBuilder(like: table)
        let totalLabel = "Total"
        func overrides(_ k: Int) -> [String: String] {
            Dictionary(uniqueKeysWithValues: dims.suffix(dims.count - k).map { ($0, totalLabel) })
        }
        for row in 0..<table.rowCount {
            builder.append(from: table, row: row)
            // After the last row of each prefix, its subtotal (deepest first).
            for k in stride(from: dims.count - 1, through: 1, by: -1) {
                let p = prefix(table, row, k)
                let isLast = row == table.rowCount - 1 || prefix(table, row + 1, k) != p
                if isLast, let t = byLevel[k], let sub = (0..<t.rowCount).first(where: { prefix(t, $0, k) == p }) {
                    builder.append(from: t, row: sub, overrides: overrides(k))
                }
            }
        }
        if let grand = byLevel[0], grand.rowCount == 1 { builder.append(from: grand, row: 0, overrides: overrides(0)) }
        return builder.table
    }

    // MARK: - Time spine and running totals

    private func timeColumn(_ table: DataTable) -> Int? { table.columns.firstIndex { $0.timeGrain != nil } }

    private func fillSpine(_ table: DataTable, plan: QueryPlan, span: DateSpan) -> DataTable {
        guard let ti = timeColumn(table), let grain = table.columns[ti].timeGrain else { return table }
        var keys: [String] = []
        var d = grain.start(of: span.start)
        while d < span.end {
            keys.append(grain.key(for: d))
            d = grain.nextStart(after: d)
        }
        let others = table.columns.indices.filter { table.columns[$0].role == .dimension && $0 != ti }
        func otherKey(_ row: Int) -> [String?] { others.map { table.columns[$0].values.text(at: row) } }
        var combos: [[String?]] = []
        var index: [String: Int] = [:]
        for row in 0..<table.rowCount {
            let k = otherKey(row)
            if !combos.contains(where: { $0 == k }) { combos.append(k) }
            index[(k.map { $0 ?? "\u{1}" } + [table.columns[ti].values.text(at: row) ?? ""]).joined(separator: "\u{0}")] = row
        }
        if combos.isEmpty && others.isEmpty { combos = [[]] }
        guard !combos.isEmpty else { return table }
        let zero = Dictionary(uniqueKeysWithValues: plan.measures.map { ($0.name, $0.zeroWhenEmpty) })
        var builder = TableBuilder(like: table)
        // Keep the query's order of the other dimensions; within each, every period in order.
        let timeFirst = ti == 0
        let outer: [(combo: [String?], key: String)] = timeFirst
            ? keys.flatMap { k in combos.map { ($0, k) } }
            : combos.flatMap { c in keys.map { (c, $0) } }
        for (combo, key) in outer {
            if let row = index[(combo.map { $0 ?? "\u{1}" } + [key]).joined(separator: "\u{0}")] {
                builder.append(from: table, row: row)
            } else {
                var values: [String: String?] = [table.columns[ti].name: key]
                for (i, c) in zip(others, combo) { values[table.columns[i].name] = c }
                builder.appendEmpty(dimensions: values, zeroFor: zero)
            }
        }
        return builder.table
    }

    private func runningTotals(_ table: DataTable, plan: QueryPlan) -> DataTable {
        guard let ti = timeColumn(table) else { return table }
        let others = table.columns.indices.filter { table.columns[$0].role == .dimension && $0 != ti }
        var t = table
        for m in plan.measures {
            guard let window = m.cumulative, let ci = t.columns.firstIndex(where: { $0.name == m.name }) else { continue }
            var out = [Double?](repeating: nil, count: t.rowCount)
            var history: [[String?]: [(key: String, value: Double)]] = [:]
            for row in 0..<t.rowCount {
                let g = others.map { t.columns[$0].values.text(at: row) }
                let key = t.columns[ti].values.text(at: row) ?? ""
                let v = t.columns[ci].values.double(at: row) ?? 0
                history[g, default: []].append((key, v))
                let h = history[g]!
                guard let month = Day(iso: key + "-01") else { continue }
                let first: Day
                switch window {
                case .financialYearToDate: first = TimeGrain.financialYear.start(of: month)
                case .rolling3: first = month.firstOfMonth(adding: -2)
                case .rolling12: first = month.firstOfMonth(adding: -11)
                }
                out[row] = h.filter { (Day(iso: $0.key + "-01") ?? month) >= first }.reduce(0) { $0 + $1.value }
            }
            t.columns[ci].values = .real(out)
        }
        return t
    }

    private func trim(_ table: DataTable, before start: Day) -> DataTable {
        guard let ti = timeColumn(table), let grain = table.columns[ti].timeGrain else { return table }
        var builder = TableBuilder(like: table)
        for row in 0..<table.rowCount {
            if let key = table.columns[ti].values.text(at: row), let d = grain.startDay(ofKey: key), d < start { continue }
            builder.append(from: table, row: row)
        }
        return builder.table
    }

    // MARK: - Comparisons

    /// The key, in grouping grain `g`, of the period that `key` (a period of the comparison
    /// span) is compared with in the current span. The offset is the distance between the
    /// two spans, whatever grain the rows are grouped by: a year earlier is 12 months on for
    /// quarters, months and days alike (29 February to 28 February), and whole weeks for ISO weeks.
    package static func shift(_ key: String, grain g: TimeGrain, from other: ResolvedPeriod, to current: ResolvedPeriod) -> String? {
        guard let d = g.startDay(ofKey: key) else { return nil }
        let a = other.first.start, b = current.first.start
        let weeks = Int((Double(b.ordinal - a.ordinal) / 7).rounded())
        if g == .isoWeek { return g.key(for: d.adding(days: weeks * 7)) }
        let monthAligned = a.day == 1 && b.day == 1 && current.grain != .day && current.grain != .isoWeek
        guard monthAligned else { return g.key(for: d.adding(days: b.ordinal - a.ordinal)) }
        let months = (b.year - a.year) * 12 + (b.month - a.month)
        let m = d.firstOfMonth(adding: months)
        if g == .day {
            let last = m.firstOfMonth(adding: 1).adding(days: -1).day
            return Day(year: m.year, month: m.month, day: min(d.day, last)).map { g.key(for: $0) }
        }
        return g.key(for: m)
    }

    private func compare(_ current: DataTable, with other: DataTable, comparison c: Comparison, shift: (String, TimeGrain) -> String?) -> DataTable {
        let dims = current.columns.indices.filter { current.columns[$0].role == .dimension }
        let ti = timeColumn(current)
        func key(_ t: DataTable, _ row: Int, shifted: Bool) -> String {
            dims.map { i -> String in
                let v = t.columns[i].values.text(at: row) ?? "\u{1}"
                if i == ti, shifted, let g = t.columns[i].timeGrain { return shift(v, g) ?? v }
                return v
            }.joined(separator: "\u{0}")
        }
        var otherRows: [String: Int] = [:]
        // The first row wins where two map to one key (28 and 29 February a year on): the exact day.
        for row in 0..<other.rowCount where otherRows[key(other, row, shifted: true)] == nil { otherRows[key(other, row, shifted: true)] = row }
        var columns = current.columns
        for m in current.columns where m.role == .measure && !m.name.contains("__") {
            guard let oi = other.columns.firstIndex(where: { $0.name == m.name }) else { continue }
            var was = [Double?](), change = [Double?](), pct = [Double?]()
            for row in 0..<current.rowCount {
                let now = m.values.double(at: row)
                let before = otherRows[key(current, row, shifted: false)].flatMap { other.columns[oi].values.double(at: $0) }
                was.append(before)
                change.append(now.flatMap { n in before.map { n - $0 } })
                pct.append(now.flatMap { n in before.flatMap { $0 == 0 ? nil : (n - $0) / abs($0) } })
            }
            columns.append(DataColumn(name: "\(m.name)__\(c.suffix)", label: "\(m.label), \(c.label)", role: .measure, format: m.format, unit: m.unit, values: .real(was)))
            columns.append(DataColumn(name: "\(m.name)__change_\(c.suffix)", label: "\(m.label), change on \(c.label)", role: .measure, format: m.format, unit: m.unit, values: .real(change)))
            columns.append(DataColumn(name: "\(m.name)__pct_change_\(c.suffix)", label: "\(m.label), % change on \(c.label)", role: .measure, format: .percent, unit: "percent", values: .real(pct)))
        }
        return DataTable(columns: columns)
    }
}
