import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import GRDB

/// Days a load added or removed rows for, in one fact table: the periods its rollups must
/// be refreshed for. `nil` bounds mean "not known": the whole table.
struct TouchedDays: Sendable {
    var table: String
    var first: String?
    var last: String?
}

extension Warehouse {
    /// Whether queries may read rollups (`ALMANAC_ROLLUPS=off` makes every query read the
    /// facts, for comparison and benchmarks).
    public static var rollupsEnabled: Bool {
        ProcessInfo.processInfo.environment["ALMANAC_ROLLUPS"]?.lowercased() != "off"
    }

    /// The model's rollups built and current in this warehouse, with their row counts.
    public func rollupCandidates(model: SemanticModel) throws -> [RollupMatcher.Candidate] {
        guard !model.rollups.isEmpty else { return [] }
        return try reading { db in
            guard try db.tableExists("_almanac_rollups") else { return [] }
            let rows = try Row.fetchAll(db, sql: "SELECT name, signature, rows FROM _almanac_rollups")
            var built: [String: (String, Int)] = [:]
            for r in rows { built[r[0]] = (r[1], r[2]) }
            return model.rollups.compactMap { def in
                guard let fact = model.table(def.table), let (signature, count) = built[def.name],
                    signature == def.signature(dateColumn: model.time.column, fact: fact)
                else { return nil }
                return RollupMatcher.Candidate(definition: def, rows: count)
            }
        }
    }

    /// Brings every declared rollup up to date inside the load's transaction: a rollup that
    /// is missing or declared differently is built from all the facts; one that is current
    /// is refreshed for the months (or days) the load touched only. Rollup tables no longer
    /// declared are dropped (Almanac made them; nothing else reads them).
    static func refreshRollups(model: SemanticModel, db: Database, touched: [TouchedDays], now: Date) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS _almanac_rollups (
              name TEXT PRIMARY KEY, signature TEXT NOT NULL, rows INTEGER NOT NULL,
              refreshed_at TEXT NOT NULL, seconds REAL NOT NULL)
            """)
        let declared = Set(model.rollups.map(\.name))
        for name in try String.fetchAll(db, sql: "SELECT name FROM _almanac_rollups") where !declared.contains(name) {
            try db.execute(sql: "DROP TABLE IF EXISTS \(("_rollup_" + name).quotedDatabaseIdentifier)")
            try db.execute(sql: "DELETE FROM _almanac_rollups WHERE name = ?", arguments: [name])
        }
        let stamp = ISO8601DateFormatter().string(from: now)
        let started = Date()
        // Finer rollups first, so a coarser one can be summed from a finer one brought up to
        // date in this transaction rather than from every fact row again.
        let order = model.rollups.sorted { a, b in
            (a.grain == .day ? 0 : 1, -a.keys.count, a.name) < (b.grain == .day ? 0 : 1, -b.keys.count, b.name)
        }
        let date = model.time.column
        let d = date.quotedDatabaseIdentifier
        // What each rollup needs: nothing, the whole table, or the whole months around the days touched.
        struct Work {
            var def: RollupDef
            var fact: TableDef
            var signature: String
            var months: [(start: Day, end: Day)]
            var source: RollupDef?
        }
        var work: [Work] = []
        for r in order {
            guard let fact = model.table(r.table), try db.tableExists(fact.name) else { continue }
            let signature = r.signature(dateColumn: date, fact: fact)
            let current = try String.fetchOne(db, sql: "SELECT signature FROM _almanac_rollups WHERE name = ?", arguments: [r.name])
            let table = r.tableName.quotedDatabaseIdentifier
            let ranges: [(start: Day, end: Day)]
            let exists = try db.tableExists(r.tableName)
            if current != signature || !exists {
                try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
                try db.execute(sql: createSQL(r, fact: fact, dateColumn: date))
                try db.execute(sql: "CREATE INDEX \((r.tableName + "__date").quotedDatabaseIdentifier) ON \(table)(\(d))")
                // As for the facts: a (key, date) index per key joining a small dimension, so a
                // district's queries read only its wards' rows.
                for j in try smallDimensionJoins(of: fact, db: db) where r.keys.contains(j.column) {
                    try db.execute(sql: "CREATE INDEX \((r.tableName + "__" + j.column).quotedDatabaseIdentifier) ON \(table)(\(j.column.quotedDatabaseIdentifier), \(d))")
                }
                ranges = try wholeTable(fact, dateColumn: date, db: db)
            } else {
                let mine = touched.filter { $0.table == fact.name }
                // A load that added nothing leaves the rollup, and its record, exactly as they were.
                if mine.isEmpty { continue }
                if mine.contains(where: { $0.first.flatMap(Day.init(iso:)) == nil || $0.last.flatMap(Day.init(iso:)) == nil }) {
                    try db.execute(sql: "DELETE FROM \(table)")
                    ranges = try wholeTable(fact, dateColumn: date, db: db)
                } else {
                    // Whole months around the days touched (exact for day rollups too).
                    var merged: [(start: Day, end: Day)] = []
                    for t in mine {
                        guard let first = t.first.flatMap(Day.init(iso:)), let last = t.last.flatMap(Day.init(iso:)) else { continue }
                        merged.append((first.firstOfMonth(), last.firstOfMonth(adding: 1)))
                    }
                    merged.sort { $0.start < $1.start }
                    var joined: [(start: Day, end: Day)] = []
                    for m in merged {
                        if let lastRange = joined.last, m.start <= lastRange.end {
                            joined[joined.count - 1].end = max(lastRange.end, m.end)
                        } else {
                            joined.append(m)
                        }
                    }
                    for m in joined {
                        try db.execute(sql: "DELETE FROM \(table) WHERE \(d) >= ? AND \(d) < ?", arguments: [m.start.description, m.end.description])
                    }
                    ranges = joined
                }
            }
            work.append(Work(def: r, fact: fact, signature: signature, months: ranges, source: nil))
        }
        // Each rollup a finer one in this batch (covering the same months) can be summed from
        // is; the rest are summed from the facts, all in one scan per set of months.
        for i in work.indices {
            let candidates = work[..<i].filter { w in
                w.def.derives(work[i].def, fact: work[i].fact) && w.months.elementsEqual(work[i].months, by: { $0.start == $1.start && $0.end == $1.end })
                    && w.source == nil
            }
            work[i].source = candidates.min { $0.def.keys.count < $1.def.keys.count }?.def
        }
        var fromFacts: [String: [Work]] = [:]
        for w in work where w.source == nil {
            if w.def.keys.count > RollupAggregator.maxKeys {
                for m in w.months {
                    try db.execute(sql: insertSQL(w.def, fact: w.fact, dateColumn: date), arguments: [m.start.description, m.end.description])
                }
                continue
            }
            let key = w.fact.name + "|" + w.months.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
            fromFacts[key, default: []].append(w)
        }
        for (_, batch) in fromFacts.sorted(by: { $0.key < $1.key }) {
            let aggregator = RollupAggregator(rollups: batch.map(\.def), fact: batch[0].fact, dateColumn: date)
            for m in batch[0].months { try aggregator.build(db: db, from: m.start, to: m.end) }
        }
        for w in work {
            guard let source = w.source else { continue }
            for m in w.months {
                try db.execute(sql: insertSQL(w.def, fact: w.fact, dateColumn: date, from: source), arguments: [m.start.description, m.end.description])
            }
        }
        for w in work {
            let table = w.def.tableName.quotedDatabaseIdentifier
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            // Statistics for the planner, on the rollup only (the facts': 0.4 s a million rows, unused).
            try db.execute(sql: "ANALYZE \(table)")
            try db.execute(
                sql: "INSERT OR REPLACE INTO _almanac_rollups (name, signature, rows, refreshed_at, seconds) VALUES (?, ?, ?, ?, ?)",
                arguments: [w.def.name, w.signature, rows, stamp, Date().timeIntervalSince(started)])
        }
    }

    /// The fact's joins to dimensions of fewer than 10,000 rows (places, services: what
    /// audiences are scoped by), which get a (key, date) index on the facts and on rollups.
    static func smallDimensionJoins(of fact: TableDef, db: Database) throws -> [JoinDef] {
        try fact.joins.filter { j in
            try db.tableExists(j.table) && (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(j.table.quotedDatabaseIdentifier)") ?? 0) < 10_000
        }
    }

    /// The whole months the fact table's rows fall in (none when it is empty).
    static func wholeTable(_ fact: TableDef, dateColumn: String, db: Database) throws -> [(start: Day, end: Day)] {
        let d = dateColumn.quotedDatabaseIdentifier, t = fact.name.quotedDatabaseIdentifier
        guard let a = try String.fetchOne(db, sql: "SELECT MIN(\(d)) FROM \(t)"), let b = try String.fetchOne(db, sql: "SELECT MAX(\(d)) FROM \(t)"),
            let first = Day(iso: a), let last = Day(iso: b)
        else { return [] }
        return [(first.firstOfMonth(), last.firstOfMonth(adding: 1))]
    }

    static func createSQL(_ r: RollupDef, fact: TableDef, dateColumn: String) -> String {
        var defs = ["\(dateColumn.quotedDatabaseIdentifier) TEXT NOT NULL"]
        for k in r.keys { defs.append("\(k.quotedDatabaseIdentifier) \(fact.column(k)?.type.sqlType ?? "TEXT")") }
        defs.append("\"_rows\" INTEGER NOT NULL")
        for c in r.measuresColumns(of: fact) {
            let type = fact.column(c)?.type.sqlType ?? "REAL"
            defs.append("\(RollupDef.column("sum", c).quotedDatabaseIdentifier) \(type)")
            defs.append("\(RollupDef.column("n", c).quotedDatabaseIdentifier) INTEGER")
            defs.append("\(RollupDef.column("min", c).quotedDatabaseIdentifier) \(type)")
            defs.append("\(RollupDef.column("max", c).quotedDatabaseIdentifier) \(type)")
        }
        return "CREATE TABLE \(r.tableName.quotedDatabaseIdentifier) (\(defs.joined(separator: ", ")))"
    }

    /// The INSERT … SELECT that aggregates facts, or the finer rollup `from`, into the rollup
    /// for the days between two parameters, the second excluded.
    static func insertSQL(_ r: RollupDef, fact: TableDef, dateColumn: String, from source: RollupDef? = nil) -> String {
        let d = dateColumn.quotedDatabaseIdentifier
        let day = r.grain == .month && source?.grain != .month ? "substr(\(d), 1, 7) || '-01'" : d
        let keys = r.keys.map(\.quotedDatabaseIdentifier)
        var names = [d] + keys + ["\"_rows\""]
        var select = [day] + keys + [source == nil ? "COUNT(*)" : "SUM(\"_rows\")"]
        for c in r.measuresColumns(of: fact) {
            names += ["sum", "n", "min", "max"].map { RollupDef.column($0, c).quotedDatabaseIdentifier }
            if source == nil {
                let q = c.quotedDatabaseIdentifier
                select += ["SUM(\(q))", "COUNT(\(q))", "MIN(\(q))", "MAX(\(q))"]
            } else {
                select += [("SUM", "sum"), ("SUM", "n"), ("MIN", "min"), ("MAX", "max")].map { "\($0.0)(\(RollupDef.column($0.1, c).quotedDatabaseIdentifier))" }
            }
        }
        return "INSERT INTO \(r.tableName.quotedDatabaseIdentifier) (\(names.joined(separator: ", ")))\n"
            + "SELECT \(select.joined(separator: ", "))\nFROM \((source?.tableName ?? fact.name).quotedDatabaseIdentifier)\n"
            + "WHERE \(d) >= ? AND \(d) < ?\n"
            + "GROUP BY \(([day] + keys).joined(separator: ", "))"
    }
}
