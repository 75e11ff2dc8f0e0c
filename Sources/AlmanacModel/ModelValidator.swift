import AlmanacCore

/// Checks that every name the model uses refers to something the model declares.
public enum ModelValidator {
    /// Throws a `DiagnosticList` with every broken reference, or returns quietly.
    public static func validate(_ m: SemanticModel) throws {
        var problems: [Diagnostic] = []
        let tableNames = m.tables.map(\.name)

        func checkTable(_ name: String, at place: SourcePlace, field: String, role: TableRole? = nil) -> TableDef? {
            guard let t = m.table(name) else {
                problems.append(place.error("unknown table `\(name)`", field: field,
                                            hint: Suggest.hint(for: name, in: tableNames, noun: "table")))
                return nil
            }
            if let role, t.role != role {
                problems.append(place.error("table `\(name)` is a \(t.role.rawValue) table, not a \(role.rawValue) table", field: field))
            }
            return t
        }
        func checkColumn(_ column: String, in t: TableDef, at place: SourcePlace, field: String, owner: String) {
            if t.column(column) == nil {
                problems.append(place.error(
                    "unknown column `\(column)` in \(t.role.rawValue) `\(t.name)` (\(owner))", field: field,
                    hint: Suggest.hint(for: column, in: t.columns.map(\.name), noun: "column")))
            }
        }
        func duplicates(_ names: [(String, SourcePlace)], noun: String) {
            var seen: Set<String> = []
            for (n, p) in names where !seen.insert(n).inserted {
                problems.append(p.error("\(noun) `\(n)` is declared twice", hint: "rename one of them"))
            }
        }

        duplicates(m.tables.map { ($0.name, $0.place) }, noun: "table")
        duplicates(m.measures.map { ($0.name, $0.place) }, noun: "measure")
        duplicates(m.dimensions.map { ($0.name, $0.place) }, noun: "dimension")

        for t in m.tables {
            duplicates(t.columns.map { ($0.name, $0.place) }, noun: "column in table `\(t.name)`")
            if let pk = t.primaryKey { checkColumn(pk, in: t, at: t.place, field: "primary_key", owner: "its primary key") }
            if t.role == .dimension && t.primaryKey == nil {
                problems.append(t.place.error("dimension table `\(t.name)` has no primary_key",
                                              hint: "name the column that identifies each row"))
            }
            if t.role == .denominator, let y = t.yearColumn { checkColumn(y, in: t, at: t.place, field: "year_column", owner: "its year column") }
            for j in t.joins {
                checkColumn(j.column, in: t, at: j.place, field: "column", owner: "join to `\(j.table)`")
                if let other = checkTable(j.table, at: j.place, field: "table", role: .dimension), other.primaryKey == nil {
                    problems.append(j.place.error("cannot join to `\(other.name)`: it has no primary_key"))
                }
            }
        }
        duplicates(m.rollups.map { ($0.name, $0.place) }, noun: "rollup")
        for r in m.rollups {
            guard let t = checkTable(r.table, at: r.place, field: "table", role: .fact) else { continue }
            if r.keys.isEmpty { problems.append(r.place.error("rollup `\(r.name)` keeps no columns", field: "keys", hint: "name the fact columns it groups by, e.g. [service_code, ward_code]")) }
            for k in r.keys {
                checkColumn(k, in: t, at: r.place, field: "keys", owner: "rollup `\(r.name)`")
                if k == m.time.column && t.name == m.time.table {
                    problems.append(r.place.error("rollup `\(r.name)` keeps the date column `\(k)` as a key", field: "keys", hint: "its grain (day or month) says how dates are kept"))
                }
            }
            if t.name != m.time.table {
                problems.append(r.place.error("rollup `\(r.name)` summarises `\(t.name)`, which has no time dimension", field: "table", hint: "roll up the table named under `time:`"))
            }
            var seen: Set<String> = []
            for k in r.keys where !seen.insert(k).inserted { problems.append(r.place.error("rollup `\(r.name)` names `\(k)` twice", field: "keys")) }
        }
        let measureNames = m.measures.map(\.name)
        for measure in m.measures {
            func checkMeasure(_ name: String, field: String) -> MeasureDef? {
                guard let other = m.measure(name) else {
                    problems.append(measure.place.error(
                        "unknown measure `\(name)` in measure `\(measure.name)`", field: field,
                        hint: Suggest.hint(for: name, in: measureNames, noun: "measure")))
                    return nil
                }
                if other.name == measure.name {
                    problems.append(measure.place.error("measure `\(name)` refers to itself", field: field))
                    return nil
                }
                return other
            }
            if measure.table.isEmpty {
                if case .aggregate = measure.kind {
                    problems.append(measure.place.error("measure `\(measure.name)` has no `table`", hint: "name the fact table it aggregates"))
                } else if case .customerCount = measure.kind {
                    problems.append(measure.place.error("measure `\(measure.name)` has no `table`", hint: "name the fact table it counts customers in"))
                }
            }
            let t = measure.table.isEmpty ? nil : checkTable(measure.table, at: measure.place, field: "table", role: .fact)
            switch measure.kind {
            case .aggregate(let agg, let column, let filter):
                guard let t else { continue }
                if let c = column {
                    checkColumn(c, in: t, at: measure.place, field: "column", owner: "measure `\(measure.name)`")
                    if let col = t.column(c), [.sum, .average].contains(agg), ![.integer, .decimal].contains(col.type) {
                        problems.append(measure.place.error(
                            "measure `\(measure.name)` takes the \(agg.rawValue) of `\(c)`, which is \(col.type.rawValue)",
                            field: "agg", hint: "use count, count_distinct, min or max for a non-numeric column"))
                    }
                } else if agg != .count {
                    problems.append(measure.place.error(
                        "measure `\(measure.name)` has agg `\(agg.rawValue)` but no column", field: "column",
                        hint: "add `column:` naming the column to aggregate, or use agg: count"))
                }
                if let filter {
                    do {
                        let e = try FilterReferenceCheck.names(in: filter, field: "\(measure.place.file):\(measure.place.line ?? 0)")
                        for (name, col) in e where !m.groupableNames.contains(name) && t.column(name) == nil {
                            problems.append(measure.place.error(
                                "unknown dimension or column `\(name)` in the `where` of measure `\(measure.name)` (column \(col))", field: "where",
                                hint: Suggest.hint(for: name, in: m.groupableNames + t.columns.map(\.name), noun: "dimension or column")))
                        }
                    } catch let d as Diagnostic {
                        problems.append(measure.place.error(d.message, field: "where", hint: d.hint))
                    } catch {}
                }
            case .ratio(let n, let d):
                _ = checkMeasure(n, field: "numerator")
                _ = checkMeasure(d, field: "denominator")
            case .share(let of):
                _ = checkMeasure(of, field: "of")
            case .rate(let n, let table, let column, let per):
                _ = checkMeasure(n, field: "numerator")
                // A denominator table by year, or a plain column of a dimension (an area's population).
                if let dt = checkTable(table, at: measure.place, field: "denominator") {
                    checkColumn(column, in: dt, at: measure.place, field: "denominator", owner: "rate `\(measure.name)`")
                    if dt.role == .fact {
                        problems.append(measure.place.error("the denominator of `\(measure.name)` is in fact table `\(table)`, whose rows would be counted once per event",
                                                            field: "denominator", hint: "use a denominator table by year, or a column of a dimension table"))
                    }
                    if let c = dt.column(column), ![.integer, .decimal].contains(c.type) {
                        problems.append(measure.place.error("the denominator `\(table).\(column)` of `\(measure.name)` is \(c.type.rawValue), not a number", field: "denominator"))
                    }
                    if dt.role == .denominator && dt.yearColumn == nil {
                        problems.append(dt.place.error("denominator table `\(table)` has no year_column",
                                                       hint: "name the column holding the year each row applies to"))
                    }
                }
                if per <= 0 { problems.append(measure.place.error("`per` must be positive", field: "per")) }
            case .customerCount(let key, let rule):
                guard let t else { continue }
                checkColumn(key, in: t, at: measure.place, field: "key", owner: "measure `\(measure.name)`")
                switch rule {
                case .total(let c, _), .distinct(let c, _):
                    checkColumn(c, in: t, at: measure.place, field: "of", owner: "measure `\(measure.name)`")
                }
            case .cumulative(let of, _):
                if let base = checkMeasure(of, field: "of"), !base.isAdditive {
                    problems.append(measure.place.error(
                        "measure `\(measure.name)` runs a total of `\(of)`, which cannot be added across months",
                        field: "of", hint: "running totals work on sums and counts; `\(of)` is not one"))
                }
            }
        }
        // Measures built on measures must bottom out: a cycle (a over b over a) has no value.
        var state: [String: Int] = [:]  // 1: being visited, 2: done
        func references(_ kind: MeasureKind) -> [String] {
            switch kind {
            case .ratio(let n, let d): return [n, d]
            case .share(let of), .cumulative(let of, _): return [of]
            case .rate(let n, _, _, _): return [n]
            default: return []
            }
        }
        var reported = Set<String>()
        func visit(_ name: String, path: [String]) {
            guard let measure = m.measure(name), path.count <= m.measures.count else { return }
            if state[name] == 2 { return }
            if state[name] == 1 {
                let cycle = Array(path[(path.firstIndex(of: name) ?? 0)...]) + [name]
                if reported.insert(Set(cycle).sorted().joined(separator: ",")).inserted {
                    problems.append(measure.place.error("measures refer to each other in a cycle: " + cycle.map { "`\($0)`" }.joined(separator: " → "),
                                                        hint: "one of them must be an aggregate of a column"))
                }
                return
            }
            state[name] = 1
            for r in references(measure.kind) where r != name { visit(r, path: path + [name]) }
            state[name] = 2
        }
        for measure in m.measures { visit(measure.name, path: []) }

        let time = m.time
        if let t = checkTable(time.table, at: time.place, field: "table", role: .fact) {
            checkColumn(time.column, in: t, at: time.place, field: "column", owner: "the time dimension")
            if let c = t.column(time.column), c.type != .date {
                problems.append(time.place.error("the time column `\(time.column)` must have type date", field: "column"))
            }
        }
        for d in m.dimensions {
            if TimeGrain(rawValue: d.name) != nil {
                problems.append(d.place.error("dimension `\(d.name)` has the name of a time grain", hint: "rename it"))
            }
            guard let t = checkTable(d.table, at: d.place, field: "table") else { continue }
            checkColumn(d.column, in: t, at: d.place, field: "column", owner: "dimension `\(d.name)`")
            if let s = d.sortColumn { checkColumn(s, in: t, at: d.place, field: "sort_by", owner: "dimension `\(d.name)`") }
        }
        let groupable = m.groupableNames
        for h in m.hierarchies {
            for level in h.levels where !groupable.contains(level) {
                problems.append(h.place.error("unknown level `\(level)` in hierarchy `\(h.name)`", field: "levels",
                                              hint: Suggest.hint(for: level, in: groupable, noun: "dimension")))
            }
        }
        // Every dimension must be reachable from every fact through joins (one fact today).
        for fact in m.tables where fact.role == .fact {
            for d in m.dimensions where m.table(d.table) != nil && JoinGraph(model: m).path(from: fact.name, to: d.table) == nil {
                problems.append(d.place.error(
                    "dimension `\(d.name)` lives in `\(d.table)`, which fact `\(fact.name)` cannot reach through joins",
                    hint: "add a join from `\(fact.name)` (or a table it joins) to `\(d.table)`"))
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
    }
}

/// The many-to-one joins between tables, for finding how a fact reaches a dimension.
public struct JoinGraph: Sendable {
    /// The model whose joins are followed.
    public let model: SemanticModel

    /// Creates the graph.
    public init(model: SemanticModel) { self.model = model }

    /// The joins to follow from `from` to reach `to`, shortest first; [] when they are the
    /// same table, nil when unreachable. Breadth-first, in declaration order, so the path is
    /// deterministic.
    public func path(from: String, to: String) -> [(from: String, join: JoinDef)]? {
        if from == to { return [] }
        var queue: [(String, [(from: String, join: JoinDef)])] = [(from, [])]
        var seen: Set<String> = [from]
        while !queue.isEmpty {
            let (name, path) = queue.removeFirst()
            guard let t = model.table(name) else { continue }
            for j in t.joins where !seen.contains(j.table) {
                let next = path + [(from: name, join: j)]
                if j.table == to { return next }
                seen.insert(j.table)
                queue.append((j.table, next))
            }
        }
        return nil
    }
}
