import AlmanacAnalysis
import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import Foundation

/// A section with its figures: what every output (PDF, HTML, CSV) is drawn from, so the
/// three always show the same numbers.
public struct BuiltSection: Sendable {
    /// The definition.
    public var definition: SectionDefinition
    /// The days covered.
    public var span: (start: Day, end: Day)
    /// The chart, for chart sections.
    public var chart: ChartSpec?
    /// The table shown in the PDF and HTML (for charts over time, one column per series).
    public var table: DataTable
    /// The query layer's result that every figure of the section comes from, exactly as
    /// `almanac query` gives it for `query`: what the section's CSV holds.
    public var data: DataTable
    /// The request behind `data` (nil for text and findings sections).
    public var query: PublishedQuery?
    /// A one-line note of what the figures cover ("October 2025", "November 2024 to October 2025").
    public var coverage: String
    /// KPI tiles, for KPI sections.
    public var kpis: [ChartSpec] = []
    /// Findings, for findings sections.
    public var findings: [Finding] = []
}

/// A report with every figure computed for one period.
public struct BuiltReport: Sendable {
    /// The definition.
    public var definition: ReportDefinition
    /// The period reported on.
    public var period: Period
    /// Sections with figures.
    public var sections: [BuiltSection]
    /// Definitions of the measures used, in first-use order.
    public var measures: [MeasureDef]
    /// Tables in the warehouse and their rows, for "sources and freshness".
    public var sources: [(table: String, rows: Int)]
    /// The last load of each file.
    public var loads: [Warehouse.LoadRecord]
    /// The latest date in the data, within the audience's scope.
    public var dataTo: Day? { coverage?.last }
    /// The first and last day with data and the fact rows, within the audience's scope.
    public var coverage: DataCoverage?
    /// Organisation name.
    public var organisation: String
    /// The date the report was produced.
    public var produced: Day
    /// Whether the period has no data at all.
    public var periodIsEmpty: Bool
    /// The audience and the member it is scoped to ("District managers", "Burnley"), if any.
    public var audience: (label: String, member: String?)?
}

/// Runs a report's queries against the warehouse and assembles the figures.
public struct ReportBuilder {
    public let model: SemanticModel
    public let warehouse: Warehouse
    public let chartSize: (width: Double, height: Double)
    /// The size of a chart on a landscape page.
    public let wideChartSize: (width: Double, height: Double)

    /// Creates a builder.
    public init(
        model: SemanticModel, warehouse: Warehouse, chartSize: (width: Double, height: Double) = (495, 340),
        wideChartSize: (width: Double, height: Double) = (742, 300)
    ) {
        self.model = model
        self.warehouse = warehouse
        self.chartSize = chartSize
        self.wideChartSize = wideChartSize
    }

    /// Builds `definition` for `period`.
    public func build(
        _ definition: ReportDefinition, period: Period, organisation: String, produced: Day,
        scope: String? = nil, audience: (label: String, member: String?)? = nil
    ) throws -> BuiltReport {
        guard period.grain == definition.periodGrain else {
            throw Diagnostic(field: "--period", message: "report `\(definition.name)` is by \(definition.periodGrain.rawValue.replacingOccurrences(of: "_", with: " ")), but `\(period.key)` is a \(period.grain.rawValue.replacingOccurrences(of: "_", with: " "))",
                             hint: "give a \(definition.periodGrain.rawValue) such as \(definition.periodGrain.key(for: Day(year: 2025, month: 10, day: 1)!))")
        }
        let executor = QueryExecutor(model: model, warehouse: warehouse)
        var sections: [BuiltSection] = []
        var used: [String] = []
        for s in definition.sections {
            for m in s.measures where !used.contains(m) { used.append(m) }
            let resolved = self.resolved(s.window, period: period)
            let span = (resolved.span.start, resolved.span.end)
            let coverage = describe(span: span)
            let empty = DataTable(columns: [])
            switch s.kind {
            case .text:
                sections.append(BuiltSection(definition: s, span: span, chart: nil, table: empty, data: empty, coverage: coverage))
                continue
            case .kpis:
                sections.append(try kpis(s, period: period, scope: scope))
                continue
            case .findings:
                sections.append(try findings(s, period: period, scope: scope, coverage: coverage, span: span))
                continue
            default: break
            }
            var request = QueryRequest(measures: s.measures, by: s.groupBy, filter: s.filter, filterSource: "\(s.place.file):\(s.place.line ?? 0)")
            request.scope = scope
            var options = QueryOptions()
            options.compare = s.compare
            options.top = s.top
            options.totals = s.totals
            // The one entry point `almanac query` uses: time spine, running totals, comparisons, top N, totals, scope.
            let result = try executor.run(request, period: resolved, options: options)
            let query = PublishedQuery(request, period: resolved, options: options)
            switch s.kind {
            case .chart(let kind):
                guard let measure = model.measure(s.measures[0]) else { throw Diagnostic(field: "measure", message: "unknown measure `\(s.measures[0])`") }
                let (spec, table) = ChartData.make(kind: kind, section: s, result: result, measure: measure,
                                                   span: span, size: s.landscape ? wideChartSize : chartSize, coverage: coverage)
                sections.append(BuiltSection(definition: s, span: span, chart: spec, table: table, data: result, query: query, coverage: coverage))
            default:
                sections.append(BuiltSection(definition: s, span: span, chart: nil, table: result, data: result, query: query, coverage: coverage))
            }
        }
        // Dates and row counts within the audience's scope: a district's pack describes that district's data.
        let facts = try executor.coverage(scope: scope)
        let periodIsEmpty = facts.map { period.end <= $0.first || period.start > $0.last } ?? true
        return BuiltReport(
            definition: definition, period: period, sections: sections, measures: used.compactMap { model.measure($0) },
            sources: scope == nil ? try warehouse.rowCounts(model: model) : [(model.time.table + " (within this scope)", facts?.rows ?? 0)],
            loads: try warehouse.loads(), coverage: facts,
            organisation: organisation, produced: produced, periodIsEmpty: periodIsEmpty, audience: audience)
    }

    /// One tile per measure: the period's value against the same period a year earlier, with
    /// a 13-period sparkline; the table holds the same numbers.
    func kpis(_ s: SectionDefinition, period: Period, scope: String?) throws -> BuiltSection {
        let executor = QueryExecutor(model: model, warehouse: warehouse)
        let current = ResolvedPeriod(first: period, count: 1)
        // The value and the same period a year earlier (the period before, for grains a year does not divide).
        var request = QueryRequest(measures: s.measures, filter: s.filter, filterSource: "\(s.place.file):\(s.place.line ?? 0)")
        request.scope = scope
        var options = QueryOptions()
        options.compare = [current.yearEarlier == nil ? .previous : .yearEarlier]
        let comparison = options.compare[0]
        let earlierPeriod = current.yearEarlier?.first ?? period.shifted(by: -1)
        let headline = try executor.run(request, period: current, options: options)
        // The sparkline: the last 13 periods, through the same entry point.
        var sparkRequest = request
        sparkRequest.by = [period.grain.rawValue]
        let spark = try executor.run(sparkRequest, period: ResolvedPeriod(first: period.shifted(by: -12), count: 13))
        var tiles: [ChartSpec] = []
        var names: [String?] = [], now: [Double?] = [], before: [Double?] = []
        for name in s.measures {
            guard let m = model.measure(name) else { throw Diagnostic(field: "measure", message: "unknown measure `\(name)`") }
            let value = headline.rowCount > 0 ? headline.column(name)?.values.double(at: 0) : nil
            let earlier = headline.rowCount > 0 ? headline.column("\(name)__\(comparison == .previous ? "previous" : "year_earlier")")?.values.double(at: 0) : nil
            let values = (0..<spark.rowCount).map { spark.column(name)?.values.double(at: $0) }
            var tile = ChartSpec(kind: .kpi, title: m.label, subtitle: period.label.prefix(1).uppercased() + period.label.dropFirst(),
                                 categories: (0..<spark.rowCount).map { spark.columns[0].values.text(at: $0) ?? "" },
                                 series: [Series(name: m.label, values: values)], format: m.format, measureLabel: m.label, width: 240, height: 140)
            tile.extras.kpi = KPIComparison(value: value ?? 0, previous: earlier, previousLabel: earlierPeriod.label)
            tiles.append(tile)
            names.append(m.label)
            now.append(value)
            before.append(earlier)
        }
        let query = PublishedQuery(request, period: current, options: options)
        // Each row is a different measure, written in its own format (a count, pounds, a share).
        let formats = s.measures.map { model.measure($0)?.format }
        var value = DataColumn(name: "value", label: period.label.prefix(1).uppercased() + period.label.dropFirst(), role: .measure, values: .real(now))
        var earlier = DataColumn(name: "year_earlier", label: earlierPeriod.label.prefix(1).uppercased() + earlierPeriod.label.dropFirst(), role: .measure, values: .real(before))
        value.rowFormats = formats
        earlier.rowFormats = formats
        var table = DataTable(columns: [
            DataColumn(name: "measure", label: "Measure", role: .dimension, values: .text(names)),
            value,
            earlier,
        ])
        // The change against a year earlier, in per cent for every row, and for shares and rates
        // written as percentages also in percentage points (as their tiles give it): one unit a column.
        table.columns.append(DataColumn(name: "change", label: "Change", role: .measure, format: .percent,
                                        values: .real(zip(now, before).map { n, b in n.flatMap { n in b.flatMap { $0 == 0 ? nil : (n - $0) / abs($0) } } })))
        if formats.contains(.percent) {
            table.columns.append(DataColumn(name: "change_points", label: "Change in percentage points", role: .measure, format: .percentagePoints,
                                            values: .real(zip(zip(now, before), formats).map { pair, format in
                                                guard format == .percent, let n = pair.0, let b = pair.1 else { return nil }
                                                return n - b
                                            })))
        }
        return BuiltSection(definition: s, span: (period.start, period.end), chart: nil, table: table, data: headline, query: query,
                            coverage: period.label.prefix(1).uppercased() + period.label.dropFirst()
                                + (comparison == .previous ? ", against the period before" : ", against a year earlier"), kpis: tiles)
    }

    /// The strongest findings of the scan for the section's measure, up to the period.
    func findings(_ s: SectionDefinition, period: Period, scope: String?, coverage: String, span: (start: Day, end: Day)) throws -> BuiltSection {
        let month = Period(grain: .month, containing: period.end.adding(days: -1))
        let scan = try CubeScan(model: model, warehouse: warehouse).run(measure: s.measures[0], month: month, scope: scope)
        // What is new or still going on at the period first, then standing patterns, then earlier events.
        let found = Array(scan.findings.prefix(max(0, s.limit ?? 6)))
        let account = "Up to \(month.label): the first \(found.count) of \(scan.findings.count) findings from "
            + "\(NumberFormat.integer.format(Double(scan.outcome.tests))) tests, false discovery rate \(NumberFormat.trimmed(scan.outcome.level * 100, maxDecimals: 2))% (Benjamini–Hochberg)"
            + (scan.note.map { ". " + $0 } ?? "")
        let table = DataTable(columns: [
            DataColumn(name: "finding", label: "Finding", role: .dimension, values: .text(found.map(\.sentence))),
            DataColumn(name: "kind", label: "Kind", role: .dimension, values: .text(found.map(\.kind.rawValue))),
            DataColumn(name: "test", label: "Test", role: .dimension, values: .text(found.map(\.test))),
            DataColumn(name: "strength", label: "Strength", role: .measure, format: .decimal1, values: .real(found.map(\.strength))),
        ])
        return BuiltSection(definition: s, span: span, chart: nil, table: table, data: table, coverage: account, findings: found)
    }

    /// The whole periods a section covers, as `--period` would name them.
    func resolved(_ window: SectionWindow, period: Period) -> ResolvedPeriod {
        switch window {
        case .current: return ResolvedPeriod(first: period, count: 1)
        case .trailing(let n, _): return ResolvedPeriod(first: period.shifted(by: -(n - 1)), count: n)
        case .financialYearToDate:
            let first = Period(grain: period.grain, containing: TimeGrain.financialYear.start(of: period.start))
            return ResolvedPeriod(from: first, through: period) ?? ResolvedPeriod(first: period, count: 1)
        }
    }

    func describe(span: (start: Day, end: Day)) -> String {
        let last = span.end.adding(days: -1)
        let a = TimeGrain.month.label(forKey: TimeGrain.month.key(for: span.start))
        let b = TimeGrain.month.label(forKey: TimeGrain.month.key(for: last))
        if span.start == span.start.firstOfMonth() && span.end == span.start.firstOfMonth(adding: 1) { return a }
        return a == b ? "\(span.start.day) to \(last.day) \(b)" : "\(a) to \(b)"
    }
}

