import AlmanacCharts
import AlmanacCore
import AlmanacModel

/// Turns a query result into a chart spec and the data table behind the chart.
enum ChartData {
    static func make(
        kind: ChartKind, section s: SectionDefinition, result: DataTable, measure: MeasureDef,
        span: (start: Day, end: Day), size: (width: Double, height: Double), coverage: String
    ) -> (ChartSpec, DataTable) {
        let valueColumn = result.column(measure.name)!
        switch kind {
        case .line, .groupedColumn, .stackedColumn, .percentColumn, .heatmap, .smallMultiples:
            let grain = s.over ?? .month
            // The time spine: every period in the span, so a period with no rows is a visible gap.
            var keys: [String] = []
            var d = grain.start(of: span.start)
            while d < span.end {
                keys.append(grain.key(for: d))
                d = grain.nextStart(after: d)
            }
            let timeColumn = result.column(grain.rawValue)!
            var seriesNames: [String] = []
            var cells: [String: [String: Double]] = [:]
            for row in 0..<result.rowCount {
                let key = timeColumn.values.text(at: row) ?? ""
                let name = s.by.flatMap { result.column($0)?.values.text(at: row) } ?? measure.label
                if !seriesNames.contains(name) { seriesNames.append(name) }
                if let v = valueColumn.values.double(at: row) { cells[name, default: [:]][key] = v }
            }
            let series = seriesNames.map { name in Series(name: name, values: keys.map { cells[name]?[$0] }) }
            let spec = ChartSpec(
                kind: kind, title: s.title, subtitle: subtitle(measure, s, coverage, byLabel: s.by.flatMap { result.column($0)?.label }),
                categories: keys.map { grain.label(forKey: $0, short: true) }, series: series, format: measure.format,
                measureLabel: measure.label, categoryNoun: grain.unitName, width: size.width, height: size.height)
            var columns = [DataColumn(name: grain.rawValue, label: grainLabel(grain), role: .dimension, timeGrain: grain, values: .text(keys))]
            for se in series {
                columns.append(DataColumn(name: se.name, label: se.name, role: .measure, format: measure.format, unit: measure.unit,
                                          values: .real(se.values)))
            }
            return (spec, DataTable(columns: columns))
        default:
            let byColumn = s.by.flatMap { result.column($0) }
            let categories = (0..<result.rowCount).map { byColumn?.values.text(at: $0) ?? measure.label }
            let values = (0..<result.rowCount).map { valueColumn.values.double(at: $0) }
            let spec = ChartSpec(
                kind: .bar, title: s.title, subtitle: subtitle(measure, s, coverage, byLabel: byColumn?.label), categories: categories,
                series: [Series(name: measure.label, values: values)], format: measure.format, measureLabel: measure.label,
                categoryNoun: (s.by.flatMap { byColumn?.label ?? $0 } ?? "category").lowercased(), width: size.width, height: size.height)
            return (spec, result)
        }
    }

    static func subtitle(_ m: MeasureDef, _ s: SectionDefinition, _ coverage: String, byLabel: String? = nil) -> String {
        var text = m.label
        if let by = s.by { text += " by " + (byLabel ?? by.replacingOccurrences(of: "_", with: " ")).lowercased() }
        text += ", " + coverage
        if m.unit == "GBP" { text += " (£, cash terms)" }
        return text
    }

    static func grainLabel(_ g: TimeGrain) -> String { g.title }
}
