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

    /// Creates a builder.
    public init(model: SemanticModel, warehouse: Warehouse, chartSize: (width: Double, height: Double) = (495, 340)) {
        self.model = model
        self.warehouse = warehouse
        self.chartSize = chartSize
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
            var request = QueryRequest(measures: s.measures, by: by, filter: s.filter, filterSource: "\(s.place.file):\(s.place.line ?? 0)",
                                       span: DateSpan(start: span.start, end: span.end))
            request.scope = scope
            let result = try warehouse.run(compiler.compile(try planner.plan(request)))
            let coverage = describe(span: span, grain: s.over ?? period.grain)
            switch s.kind {
            case .chart(let kind):
                let measure = model.measure(s.measures[0])!
                let (spec, table) = ChartData.make(kind: kind, section: s, result: result, measure: measure,
                                                   span: span, size: chartSize, coverage: coverage)
                sections.append(BuiltSection(definition: s, span: span, chart: spec, table: table, coverage: coverage))
            case .table, .text:
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

    func span(of window: SectionWindow, period: Period) -> (start: Day, end: Day) {
        switch window {
        case .current: return (period.start, period.end)
        case .trailing(let n): return (period.shifted(by: -(n - 1)).start, period.end)
        case .financialYearToDate: return (TimeGrain.financialYear.start(of: period.start), period.end)
        }
    }

    func describe(span: (start: Day, end: Day), grain: TimeGrain) -> String {
        let last = span.end.adding(days: -1)
        let a = TimeGrain.month.label(forKey: TimeGrain.month.key(for: span.start))
        let b = TimeGrain.month.label(forKey: TimeGrain.month.key(for: last))
        if span.start == span.start.firstOfMonth() && span.end == span.start.firstOfMonth(adding: 1) { return a }
        return a == b ? "\(span.start.day) to \(last.day) \(b)" : "\(a) to \(b)"
    }
}

