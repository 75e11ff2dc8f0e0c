import AlmanacAnalysis
import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation

/// Fetches the slices of the cube a findings scan needs (by month: the county, each
/// service, each district, each service in each district; by day: each channel; by district:
/// the latest month against population) and runs the scanner over them.
public struct CubeScan: Sendable {
    public let model: SemanticModel
    public let warehouse: Warehouse

    /// What a scan found, and what it looked at.
    public struct Result: Sendable {
        public var findings: [Finding]
        /// The scan's account: tests, false discovery rate, expected false alarms.
        public var outcome: ScanOutcome
        /// Said with the results: that the latest month is not complete in the data, say.
        public var note: String?
        /// Slices scanned, by level.
        public var slices: [String: Int]
        /// Seconds spent after the queries returned.
        public var analysisSeconds: Double
    }

    public init(model: SemanticModel, warehouse: Warehouse) {
        self.model = model
        self.warehouse = warehouse
    }

    /// Scans `measure` up to the end of `month`.
    public func run(measure name: String, month: Period, scope: String? = nil) throws -> Result {
        guard let measure = model.measure(name) else {
            throw Diagnostic(field: "measure", message: "unknown measure `\(name)`",
                             hint: Suggest.hint(for: name, in: model.measures.map(\.name), noun: "measure"))
        }
        guard measure.isAdditive else {
            throw Diagnostic(field: "measure", message: "`\(name)` is not a count or a sum, so the scan's tests do not apply",
                             hint: "scan a count or sum such as " + model.measures.filter(\.isAdditive).prefix(3).map { "`\($0.name)`" }.joined(separator: " or "))
        }
        guard month.grain == .month else {
            throw Diagnostic(field: "--period", message: "the scan looks at a month", hint: "give a month such as 2025-10")
        }
        // The history starts with the first day of data in scope: another area's early rows do not stretch it.
        guard let range = try QueryExecutor(model: model, warehouse: warehouse).coverage(scope: scope) else {
            throw Diagnostic(message: "the warehouse has no data", hint: "run `almanac load` first")
        }
        let first = Period(grain: .month, containing: range.first)
        var months = (month.start.year - first.start.year) * 12 + month.start.month - first.start.month + 1
        guard months >= 1 else { throw Diagnostic(field: "--period", message: "\(month.key) is before the data starts (\(range.first))") }
        // A month the data does not yet cover to its last day is not judged as a month (it
        // would look like a fall everywhere); its days are, up to the last day with data.
        var note: String?
        if range.last < month.end.adding(days: -1), months > 1 {
            months -= 1
            note = "\(month.label.prefix(1).uppercased() + month.label.dropFirst()) is not complete in the data (it ends on \(range.last.longLabel)): "
                + "months are judged up to \(month.shifted(by: -1).label), days up to \(range.last.longLabel)."
        }
        let history = ResolvedPeriod(first: first, count: months)
        let dataEnd = min(month.end, range.last.adding(days: 1))
        let executor = QueryExecutor(model: model, warehouse: warehouse)
        let noun = measure.label.lowercased()
        let capital = measure.label

        func slices(by dims: [String], subject: ([String: String]) -> String) throws -> [SliceSeries] {
            var request = QueryRequest(measures: [name], by: ["month"] + dims)
            request.scope = scope
            let t = try executor.run(request, period: history)
            var order: [[String]] = []
            var values: [[String]: [String: Double]] = [:]
            guard let monthColumn = t.column("month"), let valueColumn = t.column(name) else { return [] }
            for r in 0..<t.rowCount {
                let key = dims.map { t.column($0)?.values.text(at: r) ?? "" }
                if values[key] == nil { order.append(key) }
                values[key, default: [:]][monthColumn.values.text(at: r) ?? ""] = valueColumn.values.double(at: r) ?? 0
            }
            let keys = (0..<months).map { first.shifted(by: $0).key }
            return order.map { k in
                let members = Dictionary(uniqueKeysWithValues: zip(dims, k))
                return SliceSeries(subject: subject(members), members: members, months: keys, values: keys.map { values[k]?[$0] ?? 0 })
            }
        }
        // What (a service-like dimension) and where (a place-like one), as the model declares.
        let what = model.analysis.by.first, place = model.analysis.by.count > 1 ? model.analysis.by[1] : nil
        // "across the county": the top of the place's hierarchy, in the model's words.
        let top = place.flatMap { p in model.hierarchies.first { $0.levels.contains(p) }?.levels.first }
        let whole = top.flatMap { $0 == place ? nil : model.dimension($0)?.label.lowercased() } ?? "whole area"
        let county = try slices(by: []) { _ in "\(capital) across the \(whole)" }
        let services = try what.map { w in try slices(by: [w]) { "\($0[w] ?? "") \(noun)" } } ?? []
        let districts = try place.map { p in try slices(by: [p]) { "\(capital) in \($0[p] ?? "")" } } ?? []
        let both = try what.flatMap { w in try place.map { p in try slices(by: [w, p]) { "\($0[w] ?? "") \(noun) in \($0[p] ?? "")" } } } ?? []

        // Daily series by channel, for stoppages.
        var daily: [DailySeries] = []
        if let channel = model.analysis.daily, model.dimension(channel) != nil {
            let dayPeriod = ResolvedPeriod(first: Period(grain: .day, containing: history.span.start),
                                           count: max(1, dataEnd.ordinal - history.span.start.ordinal))
            var request = QueryRequest(measures: [name], by: [channel, "day"])
            request.scope = scope
            let t = try executor.run(request, period: dayPeriod)
            var byChannel: [String: [Double]] = [:]
            var order: [String] = []
            for r in 0..<t.rowCount {
                let c = t.column(channel)?.values.text(at: r) ?? ""
                if byChannel[c] == nil { order.append(c) }
                byChannel[c, default: []].append(t.column(name)?.values.double(at: r) ?? 0)
            }
            let days = (0..<dayPeriod.count).map { history.span.start.adding(days: $0) }
            daily = order.map { DailySeries(subject: "\($0) \(noun)", days: days, values: byChannel[$0] ?? []) }
        }

        // The latest month by district, against population, when a rate measure divides this one.
        var areas: [AreaCount] = []
        if let place, let rate = model.measures.first(where: { if case .rate(name, _, _, _) = $0.kind { return true } else { return false } }),
            case .rate(_, _, _, let per) = rate.kind
        {
            var request = QueryRequest(measures: [name, rate.name], by: [place])
            request.scope = scope
            let t = try executor.run(request, period: ResolvedPeriod(first: month, count: 1))
            for r in 0..<t.rowCount {
                guard let area = t.column(place)?.values.text(at: r), let count = t.column(name)?.values.double(at: r),
                    let value = t.column(rate.name)?.values.double(at: r), value > 0
                else { continue }
                areas.append(AreaCount(area: area, count: count, population: count * per / value))
            }
        }

        func plural(_ dimension: String?, _ fallback: String) -> String {
            guard let d = dimension.flatMap(model.dimension) else { return fallback }
            let l = d.label.lowercased()
            return l.hasSuffix("s") ? l : l + "s"
        }
        let started = Date()
        let improvement = ImprovementDirection(rawValue: measure.improvement ?? "neutral") ?? .neutral
        var scanner = FindingsScanner(measure: measure.label, noun: noun, format: measure.format, improvement: improvement)
        // Quasi-Poisson tests need counts of events: a row count, or a sum of a whole-number column.
        let columnType = measure.column.flatMap { model.table(measure.table)?.column($0)?.type }
        scanner.isCount = measure.agg == .count || (measure.agg == .sum && columnType == .integer)
        // "Contacts were", but "spend was": counts are plural nouns, amounts mass nouns.
        scanner.isPlural = scanner.isCount
        // In a scope with one service (or one district) some levels are the same series under
        // two names: scan each series once, under the name that says what it is.
        var scanned = ScanSlices(whole: county.first, what: services, place: districts, both: both, whatKey: what, placeKey: place,
                                daily: daily, areas: areas)
        if services.count == 1 && districts.count == 1 {
            scanned.whole = both.first ?? county.first
            scanned.what = []; scanned.place = []; scanned.both = []
        } else if services.count == 1 {
            scanned.whole = services.first  // "Highways contacts"
            scanned.what = []; scanned.place = []  // each district is the pair "Highways contacts in Burnley"
        } else if districts.count == 1 {
            scanned.whole = districts.first  // "Contacts in Burnley"
            scanned.place = []; scanned.both = []  // each service is "Highways contacts", within the district
        }
        let outcome = scanner.scan(scanned, latest: first.shifted(by: months - 1).key)
        return Result(findings: outcome.findings, outcome: outcome, note: note,
                      slices: [whole: county.count, plural(what, "services"): services.count, plural(place, "districts"): districts.count,
                               "\(plural(what, "services")) in \(plural(place, "districts"))": both.count, "\(plural(model.analysis.daily, "channels")) by day": daily.count],
                      analysisSeconds: Date().timeIntervalSince(started))
    }
}
