import AlmanacCore

extension ChartSpec {
    /// The data behind the chart as a table: one row per category (per area for a funnel
    /// plot), one column per series and overlay, with the numbers the chart plots. Written
    /// beside every chart as CSV, so the chart can be read without seeing it.
    public var dataTable: DataTable {
        let noun = categoryNoun.prefix(1).uppercased() + categoryNoun.dropFirst()
        if let funnel = extras.funnel {
            let near = { (size: Double) in funnel.limits.min { abs($0.size - size) < abs($1.size - size) } }
            return DataTable(columns: [
                DataColumn(name: "area", label: noun, role: .dimension, values: .text(funnel.points.map(\.name))),
                DataColumn(name: "size", label: funnel.sizeLabel, role: .measure, format: .integer, values: .real(funnel.points.map(\.size))),
                DataColumn(name: "value", label: measureLabel, role: .measure, format: format, values: .real(funnel.points.map(\.value))),
                DataColumn(name: "target", label: "Overall", role: .measure, format: format, values: .real(funnel.points.map { _ in funnel.target })),
                DataColumn(name: "lower_998", label: "Lower 99.8% limit", role: .measure, format: format,
                           values: .real(funnel.points.map { near($0.size)?.lower998 })),
                DataColumn(name: "upper_998", label: "Upper 99.8% limit", role: .measure, format: format,
                           values: .real(funnel.points.map { near($0.size)?.upper998 })),
            ])
        }
        let keys = categoryKeys.flatMap { $0.count == categories.count ? $0 : nil } ?? categories
        var columns = [DataColumn(name: "category", label: noun, role: .dimension, values: .text(keys))]
        for (i, s) in series.enumerated() {
            var values = s.values
            var columnFormat = format
            if kind == .percentColumn {
                // What the chart plots: each series' share of its category's total.
                values = categories.indices.map { c in
                    let total = series.compactMap { c < $0.values.count ? $0.values[c] : nil }.reduce(0, +)
                    return (c < s.values.count ? s.values[c] : nil).flatMap { total == 0 ? nil : $0 / total }
                }
                columnFormat = .percent
            }
            if kind == .scatter { columnFormat = i == 0 ? .decimal1 : format }
            columns.append(DataColumn(name: "series_\(i + 1)", label: s.name, role: .measure, format: columnFormat, values: .real(pad(values))))
        }
        for (i, r) in extras.references.enumerated() {
            columns.append(DataColumn(name: "reference_\(i + 1)", label: r.name, role: .measure, format: format, values: .real(pad(r.values))))
        }
        if let target = extras.target {
            columns.append(DataColumn(name: "target", label: target.label, role: .measure, format: format, values: .real(categories.map { _ in target.value })))
        }
        if let p = extras.process {
            columns += [
                DataColumn(name: "mean", label: "Mean", role: .measure, format: format, values: .real(categories.map { _ in p.mean })),
                DataColumn(name: "lower_limit", label: "Lower process limit", role: .measure, format: format, values: .real(categories.map { _ in p.lower })),
                DataColumn(name: "upper_limit", label: "Upper process limit", role: .measure, format: format, values: .real(categories.map { _ in p.upper })),
                DataColumn(name: "special_cause", label: "Special cause", role: .dimension,
                           values: .text(categories.indices.map { i in p.special[i].map { $0 ? "high" : "low" } })),
            ]
        }
        if let annotations = Optional(extras.annotations), !annotations.isEmpty {
            let notes = Dictionary(annotations.map { ($0.index, $0.text) }, uniquingKeysWith: { a, b in a + "; " + b })
            columns.append(DataColumn(name: "note", label: "Note", role: .dimension, values: .text(categories.indices.map { notes[$0] })))
        }
        return DataTable(columns: columns)
    }

    private func pad(_ values: [Double?]) -> [Double?] {
        values.count >= categories.count ? Array(values.prefix(categories.count)) : values + Array(repeating: nil, count: categories.count - values.count)
    }
}
