import AlmanacCore
import Foundation

/// Layouts for the chart kinds beyond line and bar. Each draws within [padding, width −
/// padding] × [top, height − padding] and uses measured text, so nothing overlaps.
extension ChartCompiler {
    /// A legend row (wrapping) of swatches and names; returns the y below it.
    func legend(_ names: [String], y start: Double, width: Double, swatch: (Int, Double, Double) -> [Mark], marks: inout [Mark]) -> Double {
        let pad = theme.padding
        var x = pad, y = start
        let h = measurer.size(of: "Ag", style: theme.legendText).height
        for (i, name) in names.enumerated() {
            let w = measurer.size(of: name, style: theme.legendText).width + 22
            if x + w > width - pad && x > pad {
                x = pad
                y += h + 4
            }
            marks += swatch(i, x, y + h / 2)
            marks.append(.text(x: x + 16, y: y, text: name, style: theme.legendText, anchor: .start, maxWidth: nil))
            x += w + 8
        }
        return y + h + 8
    }

    /// A vertical value axis with gridlines; returns the left edge of the plot and the scale.
    func valueAxis(ticks: [Double], format: (Double) -> String, top: Double, bottom: Double, right: Double,
                   marks: inout [Mark]) -> (left: Double, scale: (Double) -> Double) {
        let labels = ticks.map(format)
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let left = theme.padding + (labels.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0) + 6
        let y0 = ticks.first!, y1 = ticks.last!
        let scale = { (v: Double) -> Double in bottom - (v - y0) / (y1 - y0) * (bottom - top) }
        for (t, label) in zip(ticks, labels) {
            marks.append(.line(points: [Point(left, scale(t)), Point(right, scale(t))], stroke: t == 0 ? theme.axis : theme.grid, width: t == 0 ? 1 : 0.6, dash: []))
            marks.append(.text(x: left - 5, y: scale(t) - axisH / 2, text: label, style: theme.axisText, anchor: .end, maxWidth: nil))
        }
        return (left, scale)
    }

    /// Category labels under an axis, thinned so they never overlap, truncated if one alone is
    /// too wide, and kept inside the chart (`width`) at either end.
    func categoryLabels(_ categories: [String], centres: [Double], y: Double, band: Double, width: Double, marks: inout [Mark]) {
        let widest = categories.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0
        let every = max(1, Int(ceil((min(widest, band * 4) + 6) / max(band, 1))))
        let kept = categories.enumerated().filter { (categories.count - 1 - $0.offset) % every == 0 }
            .map { (centre: centres[$0.offset], text: truncate($0.element, style: theme.axisText, width: band * Double(every) - 4)) }
        for l in placed(kept, width: width) {
            marks.append(.text(x: l.x, y: y, text: l.text, style: theme.axisText, anchor: .middle, maxWidth: nil))
        }
    }

    /// Axis labels kept inside the chart's padding at either end; a label that moving the end
    /// one inwards would touch is left out (the last label always stays).
    func placed(_ labels: [(centre: Double, text: String)], width: Double) -> [(x: Double, text: String)] {
        var out: [(x: Double, text: String)] = []
        var limit = Double.infinity
        for l in labels.reversed() {
            let half = measurer.size(of: l.text, style: theme.axisText).width / 2
            let x = min(max(l.centre, theme.padding + half), width - theme.padding - half)
            guard x + half + 4 <= limit else { continue }
            out.append((x, l.text))
            limit = x - half
        }
        return out.reversed()
    }

    // MARK: Columns

    func layoutColumns(_ spec: ChartSpec, top: Double, marks: inout [Mark]) {
        let pad = theme.padding
        var y = top
        if spec.series.count > 1 {
            y = legend(spec.series.map(\.name), y: y, width: spec.width, swatch: { i, x, cy in
                [.rect(x: x, y: cy - 5, width: 10, height: 10, fill: self.color(i))]
            }, marks: &marks)
        }
        let n = spec.categories.count
        let percent = spec.kind == .percentColumn
        var totals = [Double](repeating: 0, count: n)
        for s in spec.series { for i in 0..<n { totals[i] += max(0, s.values[i] ?? 0) } }
        let high: Double
        switch spec.kind {
        case .groupedColumn: high = spec.series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1
        case .percentColumn: high = 1
        default: high = totals.max() ?? 1
        }
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let bottom = spec.height - pad - axisH - 4
        let right = spec.width - pad
        let format: (Double) -> String = percent ? { NumberFormat.percent.formatShort($0) } : { spec.format.formatShort($0) }
        let ticks = NiceTicks.ticks(low: 0, high: max(high, 1e-9), target: 5, zeroBased: true)
        let (left, sy) = valueAxis(ticks: ticks, format: format, top: y + axisH / 2, bottom: bottom, right: right, marks: &marks)
        let band = (right - left) / Double(max(n, 1))
        var centres: [Double] = []
        for i in 0..<n {
            let x0 = left + band * Double(i) + band * 0.15, w = band * 0.7
            centres.append(x0 + w / 2)
            var base = 0.0
            for (si, s) in spec.series.enumerated() {
                guard let raw = s.values[i], raw.isFinite else { continue }
                switch spec.kind {
                case .groupedColumn:
                    let bw = w / Double(spec.series.count)
                    let a = sy(min(0, raw)), b = sy(max(0, raw))
                    marks.append(.rect(x: x0 + bw * Double(si), y: b, width: max(bw - 1, 0.5), height: max(a - b, 0.5), fill: color(si)))
                default:
                    let v = percent ? (totals[i] > 0 ? max(0, raw) / totals[i] : 0) : max(0, raw)
                    let a = sy(base), b = sy(base + v)
                    // A thin white gap between segments separates them without relying on colour.
                    marks.append(.rect(x: x0, y: b, width: w, height: max(a - b - 0.6, 0), fill: color(si)))
                    base += v
                }
            }
        }
        categoryLabels(spec.categories, centres: centres, y: bottom + 4, band: band, width: spec.width, marks: &marks)
    }

    // MARK: Heatmap

    func shade(_ t: Double) -> RGBA {
        // From near-white to the darkest sequential colour.
        let dark = theme.sequential.first ?? RGBA(hex: "#12436D"), light = RGBA(hex: "#F2F7FB")
        let u = min(max(t, 0), 1)
        return RGBA(hex: "#000000").with(r: light.r + (dark.r - light.r) * u, g: light.g + (dark.g - light.g) * u, b: light.b + (dark.b - light.b) * u)
    }

    func layoutHeatmap(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        let pad = theme.padding
        let lo = values.min()!, hi = values.max()!
        let rowLabels = spec.series.map { truncate($0.name, style: theme.axisText, width: spec.width * 0.28) }
        let left = pad + (rowLabels.map { measurer.size(of: $0, style: theme.axisText).width }.max() ?? 0) + 6
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let right = spec.width - pad
        let cellW = (right - left) / Double(max(spec.categories.count, 1))
        let gridTop = top + axisH + 4
        let legendH = axisH + 14
        let cellH = min(28, (spec.height - pad - legendH - gridTop) / Double(max(spec.series.count, 1)))
        categoryLabels(spec.categories, centres: spec.categories.indices.map { left + cellW * (Double($0) + 0.5) }, y: top, band: cellW, width: spec.width, marks: &marks)
        let valueStyle = theme.labelText
        for (r, s) in spec.series.enumerated() {
            let y = gridTop + cellH * Double(r)
            marks.append(.text(x: left - 5, y: y + cellH / 2 - axisH / 2, text: rowLabels[r], style: theme.axisText, anchor: .end, maxWidth: nil))
            for (c, v) in s.values.enumerated() {
                let x = left + cellW * Double(c)
                guard let v else {
                    marks.append(.rect(x: x + 0.5, y: y + 0.5, width: cellW - 1, height: cellH - 1, fill: RGBA(hex: "#FFFFFF")))
                    continue
                }
                let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
                let fill = shade(t)
                marks.append(.rect(x: x + 0.5, y: y + 0.5, width: cellW - 1, height: cellH - 1, fill: fill))
                // Numbers in the cells when they fit, so the colour is never the only cue.
                let text = spec.format.formatShort(v)
                if measurer.size(of: text, style: valueStyle).width < cellW - 3 && cellH >= valueStyle.size + 2 {
                    var st = valueStyle
                    st.color = t > 0.55 ? RGBA(hex: "#FFFFFF") : theme.text.color
                    marks.append(.text(x: x + cellW / 2, y: y + cellH / 2 - axisH / 2, text: text, style: st, anchor: .middle, maxWidth: nil))
                }
            }
        }
        // Scale: low to high.
        let ly = gridTop + cellH * Double(spec.series.count) + 8
        let steps = 24, lw = min(160, right - left)
        for i in 0..<steps {
            marks.append(.rect(x: left + lw * Double(i) / Double(steps), y: ly, width: lw / Double(steps) + 0.3, height: 8, fill: shade(Double(i) / Double(steps - 1))))
        }
        marks.append(.text(x: left, y: ly + 9, text: spec.format.formatShort(lo), style: theme.axisText, anchor: .start, maxWidth: nil))
        marks.append(.text(x: left + lw, y: ly + 9, text: spec.format.formatShort(hi), style: theme.axisText, anchor: .end, maxWidth: nil))
    }

    // MARK: KPI tile

    func layoutKPI(_ spec: ChartSpec, top: Double, marks: inout [Mark]) {
        let pad = theme.padding
        guard let k = spec.extras.kpi else { return }
        var big = theme.title
        big.size = 28
        marks.append(.text(x: pad, y: top, text: spec.format.format(k.value), style: big, anchor: .start, maxWidth: nil))
        var y = top + measurer.size(of: "0", style: big).height + 2
        if let p = k.previous, p != 0 {
            // A percentage changes by percentage points; anything else by a percentage of itself.
            let points = spec.format == .percent
            let change = points ? k.value - p : (k.value - p) / abs(p)
            // Direction in a word and an arrow, not only in colour.
            let arrow = change > 0.0005 ? "▲ up" : change < -0.0005 ? "▼ down" : "► no change"
            var st = theme.text
            st.weight = .bold
            let amount = points ? NumberFormat.decimal1.format(abs(change) * 100) + " percentage points" : NumberFormat.percent.format(abs(change))
            let text = "\(arrow) \(amount) on \(k.previousLabel) (\(spec.format.format(p)))"
            marks.append(.text(x: pad, y: y, text: truncate(text, style: st, width: spec.width - 2 * pad), style: st, anchor: .start, maxWidth: nil))
            y += measurer.size(of: "Ag", style: st).height + 6
        }
        guard let s = spec.series.first else { return }
        let vals = s.values.compactMap { $0 }
        guard vals.count >= 2, let lo = vals.min(), let hi = vals.max() else { return }
        let bottom = spec.height - pad, h = max(10, bottom - y)
        let n = s.values.count
        func sx(_ i: Int) -> Double { pad + (spec.width - 2 * pad - 6) * Double(i) / Double(max(n - 1, 1)) }
        func sy(_ v: Double) -> Double { hi > lo ? bottom - (v - lo) / (hi - lo) * h : bottom - h / 2 }
        let points = s.values.enumerated().compactMap { i, v in v.map { Point(sx(i), sy($0)) } }
        marks.append(.line(points: points, stroke: color(0), width: 1.5, dash: []))
        if let last = points.last { marks.append(.circle(x: last.x, y: last.y, radius: 2.5, fill: color(0))) }
    }

    // MARK: XmR

    func layoutXmR(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        guard let p = spec.extras.process, let s = spec.series.first else { return }
        let pad = theme.padding
        let specialColour = theme.highlight
        let y = legend(["Value", "Mean", "Process limits", "Special cause (\(p.note))"], y: top, width: spec.width, swatch: { i, x, cy in
            switch i {
            case 0: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.color(0), width: 1.5, dash: []), .circle(x: x + 6, y: cy, radius: 2, fill: self.color(0))]
            case 1: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.theme.axis, width: 1.2, dash: [])]
            case 2: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.theme.axis, width: 1, dash: [4, 2])]
            default: return [.circle(x: x + 6, y: cy, radius: 4, fill: specialColour)]
            }
        }, marks: &marks)
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let bottom = spec.height - pad - axisH - 4, right = spec.width - pad
        let lo = min(values.min()!, p.lower), hi = max(values.max()!, p.upper)
        let ticks = NiceTicks.ticks(low: lo, high: hi, target: 5, zeroBased: false)
        let (left, sy) = valueAxis(ticks: ticks, format: { spec.format.formatShort($0) }, top: y + axisH / 2, bottom: bottom, right: right, marks: &marks)
        let n = s.values.count
        let step = (right - left - 8) / Double(max(n - 1, 1))
        func sx(_ i: Int) -> Double { left + 4 + Double(i) * step }
        marks.append(.line(points: [Point(left, sy(p.mean)), Point(right, sy(p.mean))], stroke: theme.axis, width: 1.2, dash: []))
        for limit in [p.upper, p.lower] where limit >= ticks.first! && limit <= ticks.last! {
            marks.append(.line(points: [Point(left, sy(limit)), Point(right, sy(limit))], stroke: theme.axis, width: 1, dash: [4, 2]))
        }
        let points = s.values.enumerated().compactMap { i, v in v.map { Point(sx(i), sy($0)) } }
        marks.append(.line(points: points, stroke: color(0), width: 1.5, dash: []))
        for (i, v) in s.values.enumerated() {
            guard let v else { continue }
            if p.special[i] != nil {
                marks.append(.circle(x: sx(i), y: sy(v), radius: 4, fill: specialColour))
            } else {
                marks.append(.circle(x: sx(i), y: sy(v), radius: 2, fill: color(0)))
            }
        }
        categoryLabels(spec.categories, centres: (0..<n).map(sx), y: bottom + 4, band: step, width: spec.width, marks: &marks)
    }

    // MARK: Funnel

    func layoutFunnel(_ spec: ChartSpec, top: Double, marks: inout [Mark]) {
        guard let f = spec.extras.funnel, !f.points.isEmpty else { return }
        let pad = theme.padding
        let y = legend(["Area", "Overall", "95% limits", "99.8% limits"], y: top, width: spec.width, swatch: { i, x, cy in
            switch i {
            case 0: return [.circle(x: x + 6, y: cy, radius: 3, fill: self.color(0))]
            case 1: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.theme.axis, width: 1.2, dash: [])]
            case 2: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.color(1), width: 1, dash: [4, 2])]
            default: return [.line(points: [Point(x, cy), Point(x + 12, cy)], stroke: self.color(2), width: 1.2, dash: [])]
            }
        }, marks: &marks)
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let bottom = spec.height - pad - 2 * axisH - 8, right = spec.width - pad
        let ys = f.points.map(\.value) + f.limits.flatMap { [$0.lower998, $0.upper998] } + [f.target]
        let yt = NiceTicks.ticks(low: min(0, ys.min()!), high: ys.max()!, target: 5, zeroBased: false)
        let (left, sy) = valueAxis(ticks: yt, format: { spec.format.formatShort($0) }, top: y + axisH / 2, bottom: bottom, right: right, marks: &marks)
        let xs = f.points.map(\.size) + f.limits.map(\.size)
        let xt = NiceTicks.ticks(low: 0, high: xs.max()!, target: 5, zeroBased: true)
        func sx(_ v: Double) -> Double { left + (v - xt.first!) / (xt.last! - xt.first!) * (right - left) }
        for t in xt {
            let atEdge = sx(t) + measurer.size(of: NumberFormat.compact(t), style: theme.axisText).width / 2 > spec.width - pad
            marks.append(.text(x: sx(t), y: bottom + 4, text: NumberFormat.compact(t), style: theme.axisText, anchor: atEdge ? .end : .middle, maxWidth: nil))
        }
        marks.append(.text(x: (left + right) / 2, y: bottom + axisH + 6, text: f.sizeLabel, style: theme.axisText, anchor: .middle, maxWidth: nil))
        func clip(_ v: Double) -> Double { min(max(v, yt.first!), yt.last!) }
        let sorted = f.limits.sorted { $0.size < $1.size }.filter { $0.size > 0 }
        for (values, colour, dash, width) in [
            (sorted.map { ($0.size, $0.lower95) }, color(1), [4.0, 2.0], 1.0), (sorted.map { ($0.size, $0.upper95) }, color(1), [4, 2], 1),
            (sorted.map { ($0.size, $0.lower998) }, color(2), [], 1.2), (sorted.map { ($0.size, $0.upper998) }, color(2), [], 1.2),
        ] as [([(Double, Double)], RGBA, [Double], Double)] {
            marks.append(.line(points: values.map { Point(sx($0.0), sy(clip($0.1))) }, stroke: colour, width: width, dash: dash))
        }
        marks.append(.line(points: [Point(left, sy(f.target)), Point(right, sy(f.target))], stroke: theme.axis, width: 1.2, dash: []))
        for pt in f.points {
            marks.append(.circle(x: sx(pt.size), y: sy(pt.value), radius: 3.2, fill: color(0)))
            // Name the areas outside the 99.8% limits.
            if let l = f.limits.min(by: { abs($0.size - pt.size) < abs($1.size - pt.size) }), pt.value > l.upper998 || pt.value < l.lower998 {
                marks.append(.text(x: sx(pt.size) + 5, y: sy(pt.value) - axisH - 1, text: pt.name, style: theme.labelText, anchor: .start, maxWidth: nil))
            }
        }
    }

    // MARK: Small multiples

    func layoutSmallMultiples(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        let pad = theme.padding
        let n = spec.series.count
        let columns = Int(ceil(Double(n).squareRoot() * 1.3)), rows = Int(ceil(Double(n) / Double(columns)))
        let panelW = (spec.width - 2 * pad) / Double(columns), panelH = (spec.height - pad - top) / Double(rows)
        let ticks = NiceTicks.ticks(low: min(0, values.min()!), high: values.max()!, target: 3, zeroBased: true)
        let titleStyle = theme.legendText
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        for (i, s) in spec.series.enumerated() {
            let px = pad + panelW * Double(i % columns), py = top + panelH * Double(i / columns)
            marks.append(.text(x: px + 2, y: py, text: truncate(s.name, style: titleStyle, width: panelW - 6), style: titleStyle, anchor: .start, maxWidth: nil))
            let plotTop = py + axisH + 4, plotBottom = py + panelH - axisH - 6
            let left = px + 26, right = px + panelW - 8
            func sy(_ v: Double) -> Double { plotBottom - (v - ticks.first!) / (ticks.last! - ticks.first!) * (plotBottom - plotTop) }
            // Shared axis: the same ticks in every panel, labelled on the first column only.
            for t in [ticks.first!, ticks.last!] {
                marks.append(.line(points: [Point(left, sy(t)), Point(right, sy(t))], stroke: t == 0 ? theme.axis : theme.grid, width: 0.6, dash: []))
                if i % columns == 0 {
                    marks.append(.text(x: left - 3, y: sy(t) - axisH / 2, text: spec.format.formatShort(t), style: theme.axisText, anchor: .end, maxWidth: nil))
                }
            }
            let m = s.values.count
            func sx(_ j: Int) -> Double { left + (right - left) * Double(j) / Double(max(m - 1, 1)) }
            var run: [Point] = []
            for (j, v) in s.values.enumerated() {
                if let v { run.append(Point(sx(j), sy(v))) } else if !run.isEmpty { marks.append(.line(points: run, stroke: color(0), width: 1.4, dash: [])); run = [] }
            }
            if !run.isEmpty { marks.append(.line(points: run, stroke: color(0), width: 1.4, dash: [])) }
            // The first and last period under the bottom panels, when both fit side by side.
            if i / columns == rows - 1 || i + columns >= n, let first = spec.categories.first, let last = spec.categories.last {
                let w = measurer.size(of: first, style: theme.axisText).width + measurer.size(of: last, style: theme.axisText).width
                if w + 6 < right - left {
                    marks.append(.text(x: left, y: plotBottom + 3, text: first, style: theme.axisText, anchor: .start, maxWidth: nil))
                    marks.append(.text(x: right, y: plotBottom + 3, text: last, style: theme.axisText, anchor: .end, maxWidth: nil))
                }
            }
        }
    }

    // MARK: Tile map

    func layoutTileMap(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        guard let tiles = spec.extras.tiles, let s = spec.series.first else { return }
        let pad = theme.padding
        let columns = (tiles.values.map(\.column).max() ?? 0) + 1, rows = (tiles.values.map(\.row).max() ?? 0) + 1
        let axisH = measurer.size(of: "Ag", style: theme.axisText).height
        let legendH = axisH + 14
        let size = min((spec.width - 2 * pad) / Double(columns), (spec.height - pad - top - legendH) / Double(rows))
        let x0 = (spec.width - size * Double(columns)) / 2
        let lo = values.min()!, hi = values.max()!
        var nameStyle = theme.labelText
        nameStyle.weight = .bold
        for (name, v) in zip(spec.categories, s.values) {
            guard let pos = tiles[name] else { continue }
            let x = x0 + size * Double(pos.column), y = top + size * Double(pos.row)
            let t = v.map { hi > lo ? ($0 - lo) / (hi - lo) : 0.5 }
            marks.append(.rect(x: x + 1.5, y: y + 1.5, width: size - 3, height: size - 3, fill: t.map(shade) ?? RGBA(hex: "#FFFFFF")))
            var st = nameStyle
            st.color = (t ?? 0) > 0.55 ? RGBA(hex: "#FFFFFF") : theme.text.color
            let label = truncate(name, style: st, width: size - 6)
            marks.append(.text(x: x + size / 2, y: y + size / 2 - axisH, text: label, style: st, anchor: .middle, maxWidth: nil))
            var vs = theme.labelText
            vs.color = st.color
            marks.append(.text(x: x + size / 2, y: y + size / 2 + 1, text: v.map { spec.format.format($0) } ?? "no data", style: vs, anchor: .middle, maxWidth: nil))
        }
        let ly = top + size * Double(rows) + 6, lw = min(160.0, spec.width - 2 * pad)
        for i in 0..<24 {
            marks.append(.rect(x: x0 + lw * Double(i) / 24, y: ly, width: lw / 24 + 0.3, height: 8, fill: shade(Double(i) / 23)))
        }
        marks.append(.text(x: x0, y: ly + 9, text: spec.format.formatShort(lo), style: theme.axisText, anchor: .start, maxWidth: nil))
        marks.append(.text(x: x0 + lw, y: ly + 9, text: spec.format.formatShort(hi), style: theme.axisText, anchor: .end, maxWidth: nil))
    }
}

extension RGBA {
    /// This colour with its components replaced.
    func with(r: Double, g: Double, b: Double) -> RGBA {
        var c = self
        c.r = r
        c.g = g
        c.b = b
        return c
    }
}

extension ChartCompiler {
    // MARK: Choropleth

    func layoutChoropleth(_ spec: ChartSpec, top: Double, values: [Double], marks: inout [Mark]) {
        guard let shapes = spec.extras.shapes, let s = spec.series.first else { return }
        let pad = theme.padding
        let all = shapes.values.flatMap { $0.flatMap { $0 } }
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(), let minY = all.map(\.y).min(), let maxY = all.map(\.y).max() else { return }
        // Equirectangular projection, longitude shrunk by the cosine of the middle latitude.
        let k = cos((minY + maxY) / 2 * Double.pi / 180)
        let axisH = lineHeight(theme.axisText)
        let boxW = spec.width - 2 * pad, boxH = spec.height - pad - top - axisH - 16
        let scale = min(boxW / max((maxX - minX) * k, 1e-9), boxH / max(maxY - minY, 1e-9))
        let x0 = pad + (boxW - (maxX - minX) * k * scale) / 2
        func project(_ p: Point) -> Point { Point(x0 + (p.x - minX) * k * scale, top + (maxY - p.y) * scale) }
        let lo = values.min()!, hi = values.max()!
        var nameStyle = theme.labelText
        nameStyle.weight = .bold
        for (name, v) in zip(spec.categories, s.values) {
            guard let rings = shapes[name] else { continue }
            let t = v.map { hi > lo ? ($0 - lo) / (hi - lo) : 0.5 }
            for ring in rings {
                let pts = ring.map(project)
                marks.append(.polygon(points: pts, fill: t.map(shade) ?? RGBA(hex: "#FFFFFF"), stroke: RGBA(hex: "#FFFFFF")))
            }
            // Label at the centre of the largest ring, value beneath: the number is always there.
            guard let ring = rings.max(by: { $0.count < $1.count }) else { continue }
            let pts = ring.map(project)
            let cx = pts.map(\.x).reduce(0, +) / Double(pts.count), cy = pts.map(\.y).reduce(0, +) / Double(pts.count)
            var st = nameStyle
            st.color = (t ?? 0) > 0.55 ? RGBA(hex: "#FFFFFF") : theme.text.color
            // A name wider than most of its area goes on two lines ("West / Lancashire"), so
            // it does not run into its neighbour's.
            let areaWidth = (pts.map(\.x).max() ?? cx) - (pts.map(\.x).min() ?? cx)
            let words = name.split(separator: " ").map(String.init)
            var lines = [name]
            if measurer.size(of: name, style: st).width > areaWidth * 0.8, words.count > 1 {
                let cut = (1..<words.count).min { a, b in
                    abs(measurer.size(of: words[..<a].joined(separator: " "), style: st).width - measurer.size(of: words[a...].joined(separator: " "), style: st).width)
                        < abs(measurer.size(of: words[..<b].joined(separator: " "), style: st).width - measurer.size(of: words[b...].joined(separator: " "), style: st).width)
                }!
                lines = [words[..<cut].joined(separator: " "), words[cut...].joined(separator: " ")]
            }
            for (i, line) in lines.enumerated() {
                marks.append(.text(x: cx, y: cy - axisH * Double(lines.count - i), text: line, style: st, anchor: .middle, maxWidth: nil))
            }
            var vs = theme.labelText
            vs.color = st.color
            marks.append(.text(x: cx, y: cy, text: v.map { spec.format.format($0) } ?? "no data", style: vs, anchor: .middle, maxWidth: nil))
        }
        let ly = spec.height - pad - axisH - 10, lw = min(160.0, boxW)
        for i in 0..<24 {
            marks.append(.rect(x: pad + lw * Double(i) / 24, y: ly, width: lw / 24 + 0.3, height: 8, fill: shade(Double(i) / 23)))
        }
        marks.append(.text(x: pad, y: ly + 9, text: spec.format.formatShort(lo), style: theme.axisText, anchor: .start, maxWidth: nil))
        marks.append(.text(x: pad + lw, y: ly + 9, text: spec.format.formatShort(hi), style: theme.axisText, anchor: .end, maxWidth: nil))
    }

    // MARK: Scatter

    func layoutScatter(_ spec: ChartSpec, top: Double, marks: inout [Mark]) {
        guard spec.series.count >= 2 else { return }
        let pad = theme.padding
        let pairs = spec.categories.indices.compactMap { i -> (String, Double, Double)? in
            guard i < spec.series[0].values.count, i < spec.series[1].values.count,
                let x = spec.series[0].values[i], let y = spec.series[1].values[i], x.isFinite, y.isFinite else { return nil }
            return (spec.categories[i], x, y)
        }
        guard !pairs.isEmpty else { return }
        let axisH = lineHeight(theme.axisText)
        let bottom = spec.height - pad - 2 * axisH - 8, right = spec.width - pad
        let yt = NiceTicks.ticks(low: min(0, pairs.map(\.2).min()!), high: pairs.map(\.2).max()!, target: 5, zeroBased: true)
        let (left, sy) = valueAxis(ticks: yt, format: { spec.format.formatShort($0) }, top: top + axisH, bottom: bottom, right: right, marks: &marks)
        marks.append(.text(x: left, y: top - 2, text: spec.series[1].name, style: theme.axisText, anchor: .start, maxWidth: nil))
        let xt = NiceTicks.ticks(low: min(0, pairs.map(\.1).min()!), high: pairs.map(\.1).max()!, target: 5, zeroBased: true)
        func sx(_ v: Double) -> Double { left + (v - xt.first!) / (xt.last! - xt.first!) * (right - left) }
        for t in xt {
            let label = NumberFormat.compact(t)
            let atEdge = sx(t) + measurer.size(of: label, style: theme.axisText).width / 2 > right
            marks.append(.text(x: sx(t), y: bottom + 4, text: label, style: theme.axisText, anchor: atEdge ? .end : .middle, maxWidth: nil))
        }
        marks.append(.text(x: (left + right) / 2, y: bottom + axisH + 6, text: spec.series[0].name, style: theme.axisText, anchor: .middle, maxWidth: nil))
        let labelled = Set(pairs.sorted { $0.2 > $1.2 }.prefix(3).map(\.0) + pairs.sorted { $0.2 < $1.2 }.prefix(1).map(\.0))
        for p in pairs {
            let highlighted = spec.highlight == p.0
            marks.append(.circle(x: sx(p.1), y: sy(p.2), radius: highlighted ? 4.5 : 3.2, fill: highlighted ? theme.highlight : color(0)))
            if labelled.contains(p.0) || highlighted {
                let w = measurer.size(of: p.0, style: theme.labelText).width
                let anchor: TextAnchor = sx(p.1) + 5 + w > right ? .end : .start
                marks.append(.text(x: sx(p.1) + (anchor == .end ? -5 : 5), y: sy(p.2) - axisH - 1, text: p.0, style: theme.labelText, anchor: anchor, maxWidth: nil))
            }
        }
    }
}
