import AlmanacCore
import Foundation

/// Builds a scene from a chart spec: scales, nice ticks, axes, legend and title, laid out
/// with measured text so nothing overlaps.
public struct ChartCompiler: Sendable {
    /// Look.
    public var theme: Theme
    /// Text measuring (Pango in production, approximate in golden tests).
    public var measurer: any TextMeasuring

    /// Creates a compiler.
    public init(theme: Theme, measurer: any TextMeasuring) {
        self.theme = theme
        self.measurer = measurer
    }

    /// The scene for `spec`.
    public func compile(_ spec: ChartSpec) -> Scene {
        var marks: [Mark] = []
        let pad = theme.padding
        var y = pad
        // Title and subtitle, wrapped to the width.
        for (text, style) in [(spec.title, theme.title), (spec.subtitle ?? "", theme.subtitle)] where !text.isEmpty {
            for line in wrap(text, style: style, width: spec.width - 2 * pad) {
                marks.append(.text(x: pad, y: y, text: line, style: style, anchor: .start, maxWidth: nil))
                y += measurer.size(of: line, style: style).height
            }
            y += 2
        }
        y += 4
        let values = (spec.series.flatMap { $0.values.compactMap { $0 } } + (spec.extras.funnel?.points.map(\.value) ?? []))
            .filter(\.isFinite)
        if values.isEmpty || spec.categories.isEmpty {
            let style = theme.subtitle
            marks.append(.rect(x: pad, y: y, width: spec.width - 2 * pad, height: spec.height - y - pad, fill: RGBA(hex: "#F3F2F1")))
            marks.append(.text(x: spec.width / 2, y: (y + spec.height) / 2 - style.size, text: "No data for this period",
                               style: style, anchor: .middle, maxWidth: nil))
            return Scene(width: spec.width, height: spec.height, marks: marks, title: spec.title,
                         description: "\(spec.title): no data for this period.")
        }
        switch spec.kind {
        case .line: layoutLine(spec, top: y, values: values, marks: &marks)
        case .bar: layoutBar(spec, top: y, values: values, marks: &marks)
        case .groupedColumn, .stackedColumn, .percentColumn: layoutColumns(spec, top: y, marks: &marks)
        case .heatmap: layoutHeatmap(spec, top: y, values: values, marks: &marks)
        case .kpi: layoutKPI(spec, top: y, marks: &marks)
        case .xmr: layoutXmR(spec, top: y, values: values, marks: &marks)
        case .funnel: layoutFunnel(spec, top: y, marks: &marks)
        case .smallMultiples: layoutSmallMultiples(spec, top: y, values: values, marks: &marks)
        case .tileMap: layoutTileMap(spec, top: y, values: values, marks: &marks)
        case .choropleth: layoutChoropleth(spec, top: y, values: values, marks: &marks)
        case .scatter: layoutScatter(spec, top: y, marks: &marks)
        }
        return Scene(width: spec.width, height: spec.height, marks: marks, title: spec.title,
                     description: ChartDescriber.describe(spec))
    }

    /// Height of a line of text in `style`.
    func lineHeight(_ style: TextStyle) -> Double { measurer.size(of: "Ag", style: style).height }

    /// Splits text into lines no wider than `width`.
    func wrap(_ text: String, style: TextStyle, width: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if measurer.size(of: candidate, style: style).width > width && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Shortens text to fit `width`, ending it with an ellipsis.
    func truncate(_ text: String, style: TextStyle, width: Double) -> String {
        if measurer.size(of: text, style: style).width <= width { return text }
        var s = text
        while !s.isEmpty && measurer.size(of: s + "…", style: style).width > width { s.removeLast() }
        return s.trimmingCharacters(in: .whitespaces) + "…"
    }

    func color(_ i: Int) -> RGBA { theme.palette[i % theme.palette.count] }

    private func layoutLine(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        let pad = theme.padding
        var y = top
        // Legend above the plot: a swatch line (with its marker for a series), then the name;
        // entries flow. Reference lines (rolling average, trend) are in it too, each in its
        // own dash, so they are told apart without relying on where a label sits.
        let references = spec.extras.references.enumerated().filter { $0.element.values.compactMap { $0 }.count >= 2 }
        if spec.series.count > 1 || !references.isEmpty {
            var x = pad
            let h = measurer.size(of: "Ag", style: theme.legendText).height
            let entries = spec.series.enumerated().map { (name: $0.element.name, colour: color($0.offset), dash: dash($0.offset), width: 2.5, marker: true) }
                + references.map { (name: $0.element.name, colour: referenceColour, dash: referenceDash($0.offset), width: 1.5, marker: false) }
            for e in entries {
                let w = measurer.size(of: e.name, style: theme.legendText).width + 28
                if x + w > spec.width - pad && x > pad {
                    x = pad
                    y += h + 4
                }
                marks.append(.line(points: [Point(x, y + h / 2), Point(x + 16, y + h / 2)], stroke: e.colour, width: e.width, dash: e.dash))
                if e.marker { marks.append(.circle(x: x + 8, y: y + h / 2, radius: 2.5, fill: e.colour)) }
                marks.append(.text(x: x + 20, y: y, text: e.name, style: theme.legendText, anchor: .start, maxWidth: nil))
                x += w + 8
            }
            y += h + 10
        }
        let extra = spec.extras.references.flatMap { $0.values.compactMap { $0 } } + (spec.extras.target.map { [$0.value] } ?? [])
        let low = min(0, (values + extra).min()!), high = (values + extra).max()!
        let ticks = NiceTicks.ticks(low: low, high: high, target: 5, zeroBased: true)
        let tickLabels = ticks.map { spec.format.formatShort($0) }
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let left = pad + (tickLabels.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0) + 6
        // Direct labels at line ends when they fit in a quarter of the width.
        let endLabelWidth = spec.series.count > 1
            ? (spec.series.map { measurer.size(of: $0.name, style: theme.labelText).width }.max() ?? 0) + 8 : 0
        let directLabels = endLabelWidth > 0 && endLabelWidth < spec.width * 0.25
        let right = spec.width - pad - (directLabels ? endLabelWidth : 8)
        let bottom = spec.height - pad - axisH - 4
        let plotTop = y + axisH / 2
        let y0 = ticks.first!, y1 = ticks.last!
        func sy(_ v: Double) -> Double { bottom - (v - y0) / (y1 - y0) * (bottom - plotTop) }
        for (t, label) in zip(ticks, tickLabels) {
            marks.append(.line(points: [Point(left, sy(t)), Point(right, sy(t))], stroke: t == 0 ? theme.axis : theme.grid, width: t == 0 ? 1 : 0.6, dash: []))
            marks.append(.text(x: left - 5, y: sy(t) - axisH / 2, text: label, style: theme.axisText, anchor: .end, maxWidth: nil))
        }
        let n = spec.categories.count
        let step = n > 1 ? (right - left - 8) / Double(n - 1) : 0
        func sx(_ i: Int) -> Double { n > 1 ? left + 4 + Double(i) * step : (left + right) / 2 }
        // Thin x labels so they never overlap: keep every k-th, always the last.
        let widest = spec.categories.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0
        let every = n > 1 ? max(1, Int(ceil((widest + 8) / max(step, 1)))) : 1
        let kept = (0..<n).filter { (n - 1 - $0) % every == 0 }
        for i in kept {
            marks.append(.line(points: [Point(sx(i), bottom), Point(sx(i), bottom + 3)], stroke: theme.axis, width: 0.8, dash: []))
        }
        for l in placed(kept.map { (sx($0), spec.categories[$0]) }, width: spec.width) {
            marks.append(.text(x: l.x, y: bottom + 4, text: l.text, style: theme.axisText, anchor: .middle, maxWidth: nil))
        }
        var ends: [(y: Double, name: String, color: RGBA)] = []
        for (si, s) in spec.series.enumerated() {
            var run: [Point] = []
            var points: [Point] = []
            for (i, v) in s.values.enumerated().prefix(n) {
                if let v, v.isFinite {
                    let p = Point(sx(i), sy(v))
                    run.append(p)
                    points.append(p)
                } else if !run.isEmpty {
                    marks.append(.line(points: run, stroke: color(si), width: 2, dash: dash(si)))
                    run = []
                }
            }
            if !run.isEmpty { marks.append(.line(points: run, stroke: color(si), width: 2, dash: dash(si))) }
            if n <= 36 {
                for p in points { marks.append(.circle(x: p.x, y: p.y, radius: 2.2, fill: color(si))) }
            }
            if let last = points.last, directLabels { ends.append((last.y, s.name, color(si))) }
        }
        // Reference lines (rolling average, trend): thin, grey, under the data, named in the legend.
        for (i, r) in references {
            let pts = r.values.enumerated().compactMap { i, v in v.map { Point(sx(i), sy($0)) } }
            marks.insert(.line(points: pts, stroke: referenceColour, width: 1.2, dash: referenceDash(i)), at: 0)
        }
        if let t = spec.extras.target, t.value >= y0 && t.value <= y1 {
            marks.append(.line(points: [Point(left, sy(t.value)), Point(right, sy(t.value))], stroke: theme.highlight, width: 1.2, dash: [6, 3]))
            var st = theme.axisText
            st.color = theme.text.color
            marks.append(.text(x: left + 4, y: sy(t.value) - lineHeight(st) - 1, text: t.label, style: st, anchor: .start, maxWidth: nil))
        }
        if let first = spec.series.first {
            for a in spec.extras.annotations where a.index < first.values.count {
                guard let v = first.values[a.index] else { continue }
                let px = sx(a.index), py = sy(v)
                let w = measurer.size(of: a.text, style: theme.labelText).width
                let anchor: TextAnchor = px + w / 2 > right ? .end : px - w / 2 < left ? .start : .middle
                let lh = lineHeight(theme.labelText)
                let left = anchor == .start ? px : anchor == .end ? px - w : px - w / 2
                marks.append(.line(points: [Point(px, py - 4), Point(px, py - 14)], stroke: theme.axis, width: 0.8, dash: []))
                // On a white ground, so a target or gridline behind it cannot strike it through.
                marks.append(.rect(x: left - 2, y: py - 15 - lh, width: w + 4, height: lh, fill: RGBA(hex: "#FFFFFF")))
                marks.append(.text(x: px, y: py - 15 - lh, text: a.text, style: theme.labelText, anchor: anchor, maxWidth: nil))
            }
        }
        // Direct labels: nudge apart so they do not overlap.
        let lh = measurer.size(of: "Ag", style: theme.labelText).height
        ends.sort { $0.y < $1.y }
        var placed: [Double] = []
        for e in ends {
            var yy = e.y - lh / 2
            if let prev = placed.last, yy < prev + lh { yy = prev + lh }
            placed.append(yy)
        }
        if let lastPlaced = placed.last, lastPlaced + lh > spec.height - pad {
            let shift = lastPlaced + lh - (spec.height - pad)
            placed = placed.map { $0 - shift }
        }
        for (e, yy) in zip(ends, placed) {
            var style = theme.labelText
            style.color = e.color
            marks.append(.text(x: right + 6, y: yy, text: e.name, style: style, anchor: .start, maxWidth: endLabelWidth))
        }
    }

    /// Reference lines are grey, each in its own dash.
    var referenceColour: RGBA { RGBA(hex: "#6F777B") }
    func referenceDash(_ i: Int) -> [Double] { [[3, 2], [1, 2], [6, 2, 1, 2]][i % 3] }

    func dash(_ i: Int) -> [Double] {
        // Line styles as well as colours, so series differ without colour.
        [[], [6, 3], [2, 2], [8, 3, 2, 3], [], [4, 4]][i % 6]
    }

    private func layoutBar(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        let pad = theme.padding
        let series = spec.series[0]
        // Rank categories by value, largest first; missing values go last.
        let order = spec.categories.indices.sorted {
            let a = series.values[$0] ?? -.infinity, b = series.values[$1] ?? -.infinity
            return a != b ? a > b : spec.categories[$0] < spec.categories[$1]
        }
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let maxLabel = spec.width * 0.3
        let labels = order.map { truncate(spec.categories[$0], style: theme.axisText, width: maxLabel) }
        let left = pad + (labels.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0) + 8
        let valueLabels = order.map { series.values[$0].map { spec.format.format($0) } ?? "no data" }
        let valueWidth = (valueLabels.map { measurer.size(of: $0, style: theme.labelText).width }.max() ?? 0) + 6
        let right = spec.width - pad - valueWidth
        let low = min(0, values.min()!), high = max(0, values.max()!)
        let ticks = NiceTicks.ticks(low: low, high: high, target: 5, zeroBased: true)
        let x0 = ticks.first!, x1 = ticks.last!
        func sx(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * (right - left) }
        let plotTop = top
        let bottom = spec.height - pad - axisH - 4
        let band = (bottom - plotTop) / Double(max(1, order.count))
        let barH = min(band * 0.72, 22)
        for t in ticks {
            marks.append(.line(points: [Point(sx(t), plotTop), Point(sx(t), bottom)], stroke: t == 0 ? theme.axis : theme.grid, width: t == 0 ? 1 : 0.6, dash: []))
        }
        for label in placed(ticks.map { (sx($0), spec.format.formatShort($0)) }, width: spec.width) {
            marks.append(.text(x: label.x, y: bottom + 4, text: label.text, style: theme.axisText, anchor: .middle, maxWidth: nil))
        }
        for (rank, ci) in order.enumerated() {
            let cy = plotTop + band * (Double(rank) + 0.5)
            let isHighlight = spec.highlight == spec.categories[ci]
            var labelStyle = theme.axisText
            if isHighlight {
                labelStyle.weight = .bold
                labelStyle.color = theme.text.color
            }
            marks.append(.text(x: left - 6, y: cy - axisH / 2, text: labels[rank], style: labelStyle, anchor: .end, maxWidth: nil))
            if let v = series.values[ci] {
                let a = sx(min(0, v)), b = sx(max(0, v))
                marks.append(.rect(x: a, y: cy - barH / 2, width: max(b - a, 0.5), height: barH, fill: isHighlight ? theme.highlight : color(0)))
                var valueStyle = theme.labelText
                if isHighlight { valueStyle.weight = .bold }
                marks.append(.text(x: b + 4, y: cy - axisH / 2, text: valueLabels[rank], style: valueStyle, anchor: .start, maxWidth: nil))
            } else {
                marks.append(.text(x: sx(0) + 4, y: cy - axisH / 2, text: "no data", style: theme.subtitle, anchor: .start, maxWidth: nil))
            }
        }
    }
}
