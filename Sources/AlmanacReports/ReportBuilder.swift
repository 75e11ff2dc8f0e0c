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
    /// The data table (for charts, the data behind the chart, one column per series).
    public var table: DataTable
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
    /// The latest date in the data.
    public var dataTo: Day?
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
        let planner = QueryPlanner(model: model)
        let compiler = SQLCompiler()
        var sections: [BuiltSection] = []
        var used: [String] = []
        for s in definition.sections {
            for m in s.measures where !used.contains(m) { used.append(m) }
            let span = self.span(of: s.window, period: period)
            var by: [String] = []
            if let over = s.over { by.append(over.rawValue) }
            if let b = s.by { by.append(b) }
            let coverage = describe(span: span)
            switch s.kind {
            case .text:
                sections.append(BuiltSection(definition: s, span: span, chart: nil, table: DataTable(columns: []), coverage: coverage))
                continue
            case .kpis:
                sections.append(try kpis(s, period: period, scope: scope))
                continue
            case .findings:
                sections.append(try findings(s, period: period, scope: scope, coverage: coverage, span: span))
                continue
            default: break
            }
            var request = QueryRequest(measures: s.measures, by: by, filter: s.filter, filterSource: "\(s.place.file):\(s.place.line ?? 0)",
                                       span: DateSpan(start: span.start, end: span.end))
            request.scope = scope
            let result = try warehouse.run(compiler.compile(try planner.plan(request)))
            switch s.kind {
            case .chart(let kind):
                let measure = model.measure(s.measures[0])!
                let (spec, table) = ChartData.make(kind: kind, section: s, result: result, measure: measure,
                                                   span: span, size: s.landscape ? wideChartSize : chartSize, coverage: coverage)
                sections.append(BuiltSection(definition: s, span: span, chart: spec, table: table, coverage: coverage))
            default:
                sections.append(BuiltSection(definition: s, span: span, chart: nil, table: result, coverage: coverage))
            }
        }
        let range = try warehouse.dateRange(model: model)
        let periodIsEmpty = range.map { period.end <= $0.first || period.start > $0.last } ?? true
        return BuiltReport(
            definition: definition, period: period, sections: sections, measures: used.compactMap { model.measure($0) },
            // A scoped pack shows no whole-warehouse counts: they would describe other areas.
            sources: scope == nil ? try warehouse.rowCounts(model: model) : [], loads: try warehouse.loads(), dataTo: range?.last,
            organisation: organisation, produced: produced, periodIsEmpty: periodIsEmpty, audience: audience)
    }

    /// One tile per measure: the period's value against the same period a year earlier, with
    /// a 13-period sparkline; the table holds the same numbers.
    func kpis(_ s: SectionDefinition, period: Period, scope: String?) throws -> BuiltSection {
        let executor = QueryExecutor(model: model, warehouse: warehouse)
        let window = ResolvedPeriod(first: period.shifted(by: -12), count: 13)
        var tiles: [ChartSpec] = []
        var names: [String?] = [], now: [Double?] = [], before: [Double?] = []
        for name in s.measures {
            let m = model.measure(name)!
            var request = QueryRequest(measures: [name], by: [period.grain.rawValue], filter: s.filter)
            request.scope = scope
            let t = try executor.run(request, period: window)
            let values = (0..<t.rowCount).map { t.column(name)!.values.double(at: $0) }
            var tile = ChartSpec(kind: .kpi, title: m.label, subtitle: period.label.prefix(1).uppercased() + period.label.dropFirst(),
                                 categories: (0..<t.rowCount).map { t.columns[0].values.text(at: $0) ?? "" },
                                 series: [Series(name: m.label, values: values)], format: m.format, measureLabel: m.label, width: 240, height: 140)
            tile.extras.kpi = KPIComparison(value: values.last.flatMap { $0 } ?? 0, previous: values.first.flatMap { $0 }, previousLabel: period.shifted(by: -12).label)
            tiles.append(tile)
            names.append(m.label)
            now.append(values.last.flatMap { $0 })
            before.append(values.first.flatMap { $0 })
        }
        // Each row is a different measure, written in its own format (a count, pounds, a share).
        let formats = s.measures.map { model.measure($0)?.format }
        var value = DataColumn(name: "value", label: period.label.prefix(1).uppercased() + period.label.dropFirst(), role: .measure, values: .real(now))
        var earlier = DataColumn(name: "year_earlier", label: period.shifted(by: -12).label.prefix(1).uppercased() + period.shifted(by: -12).label.dropFirst(), role: .measure, values: .real(before))
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
        return BuiltSection(definition: s, span: (period.start, period.end), chart: nil, table: table,
                            coverage: period.label.prefix(1).uppercased() + period.label.dropFirst() + ", against a year earlier", kpis: tiles)
    }

    /// The strongest findings of the scan for the section's measure, up to the period.
    func findings(_ s: SectionDefinition, period: Period, scope: String?, coverage: String, span: (start: Day, end: Day)) throws -> BuiltSection {
        let month = Period(grain: .month, containing: period.end.adding(days: -1))
        let found = Array(try CubeScan(model: model, warehouse: warehouse).run(measure: s.measures[0], month: month, scope: scope)
            .findings.prefix(s.limit ?? 6))
        let table = DataTable(columns: [
            DataColumn(name: "finding", label: "Finding", role: .dimension, values: .text(found.map(\.sentence))),
            DataColumn(name: "kind", label: "Kind", role: .dimension, values: .text(found.map(\.kind.rawValue))),
            DataColumn(name: "test", label: "Test", role: .dimension, values: .text(found.map(\.test))),
            DataColumn(name: "strength", label: "Strength", role: .measure, format: .decimal1, values: .real(found.map(\.strength))),
        ])
        return BuiltSection(definition: s, span: span, chart: nil, table: table, coverage: "Up to " + month.label, findings: found)
    }

    func span(of window: SectionWindow, period: Period) -> (start: Day, end: Day) {
        switch window {
        case .current: return (period.start, period.end)
        case .trailing(let n): return (period.shifted(by: -(n - 1)).start, period.end)
        case .financialYearToDate: return (TimeGrain.financialYear.start(of: period.start), period.end)
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

