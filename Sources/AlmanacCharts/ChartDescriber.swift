import Foundation
import AlmanacCore

/// Writes the text description of a chart from its data: what is plotted, over what
/// range, the latest values, and the direction of change. Read by screen readers and
/// printed beside every chart in HTML.
public enum ChartDescriber {
    /// The plural of a noun: "district" → "districts", "category" → "categories".
    static func plural(_ noun: String) -> String {
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) { return noun.dropLast() + "ies" }
        return noun + "s"
    }

    /// The description of `spec`.
    public static func describe(_ spec: ChartSpec) -> String {
        let f = spec.format
        switch spec.kind {
        case .line:
            guard let firstLabel = spec.categories.first, let lastLabel = spec.categories.last else { return spec.title }
            var s = "Line chart of \(spec.measureLabel.lowercased()) from \(firstLabel) to \(lastLabel)"
            s += spec.series.count > 1 ? ", one line for each of \(spec.series.count) series. " : ". "
            let latest = spec.series.compactMap { se -> (String, Double)? in se.values.last.flatMap { $0 }.map { (se.name, $0) } }
            if spec.series.count > 1, let top = latest.max(by: { $0.1 < $1.1 }), let bottom = latest.min(by: { $0.1 < $1.1 }) {
                s += "In \(lastLabel), \(top.0) was highest at \(f.format(top.1)) and \(bottom.0) lowest at \(f.format(bottom.1)). "
            } else if let only = latest.first {
                s += "In \(lastLabel) the value was \(f.format(only.1)). "
            }
            for se in spec.series {
                let vs = se.values.compactMap { $0 }
                guard let a = vs.first, let b = vs.last, vs.count >= 2, a != 0 else { continue }
                let change = (b - a) / abs(a)
                let direction = abs(change) < 0.02 ? "was broadly unchanged" : change > 0 ? "rose by \(NumberFormat.percent.format(change))" : "fell by \(NumberFormat.percent.format(-change))"
                s += "\(se.name) \(direction) (from \(f.format(a)) to \(f.format(b))). "
            }
            let gaps = spec.series.reduce(0) { $0 + $1.values.filter { $0 == nil }.count }
            if let t = spec.extras.target { s += "The target is \(f.format(t.value)). " }
            for a in spec.extras.annotations where a.index < spec.categories.count { s += "\(spec.categories[a.index]): \(a.text). " }
            if gaps > 0 { s += gaps == 1 ? "1 missing value is shown as a gap. " : "\(gaps) missing values are shown as gaps. " }
            return s.trimmingCharacters(in: .whitespaces)
        case .groupedColumn, .stackedColumn, .percentColumn, .heatmap, .smallMultiples:
            let kind = [ChartKind.groupedColumn: "Column chart", .stackedColumn: "Stacked column chart", .percentColumn: "100% stacked column chart",
                        .heatmap: "Heatmap", .smallMultiples: "Small multiple line charts"][spec.kind]!
            var s = "\(kind) of \(spec.measureLabel.lowercased()) for \(spec.series.count) series across \(spec.categories.count) \(plural(spec.categoryNoun))"
            if let first = spec.categories.first, let last = spec.categories.last { s += " (\(first) to \(last))" }
            s += ". "
            let totals = spec.series.map { se in (se.name, se.values.compactMap { $0 }.reduce(0, +)) }
            if let top = totals.max(by: { $0.1 < $1.1 }), spec.kind != .percentColumn {
                s += "\(top.0) has the largest total, \(f.format(top.1))."
            }
            return s.trimmingCharacters(in: .whitespaces)
        case .kpi:
            guard let k = spec.extras.kpi else { return spec.title }
            var s = "\(spec.measureLabel): \(f.format(k.value))"
            if let p = k.previous, p != 0 {
                if spec.format == .percent {
                    let change = k.value - p
                    s += ", \(change >= 0 ? "up" : "down") \(NumberFormat.decimal1.format(abs(change) * 100)) percentage points from \(f.format(p)) in \(k.previousLabel)"
                } else {
                    let change = (k.value - p) / abs(p)
                    s += ", \(change >= 0 ? "up" : "down") \(NumberFormat.percent.format(abs(change))) from \(f.format(p)) in \(k.previousLabel)"
                }
            }
            return s + "."
        case .xmr:
            guard let p = spec.extras.process, let series = spec.series.first else { return spec.title }
            let special = p.special.count
            return "Statistical process control (XmR) chart of \(spec.measureLabel.lowercased()), \(series.values.count) points. Mean \(f.format(p.mean)), process limits \(f.format(p.lower)) to \(f.format(p.upper)). "
                + (special == 0 ? "All points show common cause variation." : "\(special) point\(special == 1 ? " shows" : "s show") special cause variation (\(p.note)).")
        case .funnel:
            guard let fo = spec.extras.funnel else { return spec.title }
            let outside = fo.points.filter { pt in
                guard let l = fo.limits.min(by: { abs($0.size - pt.size) < abs($1.size - pt.size) }) else { return false }
                return pt.value > l.upper998 || pt.value < l.lower998
            }
            return "Funnel plot of \(spec.measureLabel.lowercased()) for \(fo.points.count) areas against \(fo.sizeLabel.lowercased()), overall \(f.format(fo.target)). "
                + (outside.isEmpty ? "No area is outside the 99.8% limits." : "Outside the 99.8% limits: " + outside.map(\.name).joined(separator: ", ") + ".")
        case .scatter:
            guard spec.series.count >= 2 else { return spec.title }
            let pairs = spec.categories.indices.compactMap { i -> (String, Double, Double)? in
                guard i < spec.series[0].values.count, let x = spec.series[0].values[i], let y = spec.series[1].values[i] else { return nil }
                return (spec.categories[i], x, y)
            }
            guard let top = pairs.max(by: { $0.2 < $1.2 }) else { return spec.title }
            return "Scatter chart of \(spec.series[1].name.lowercased()) against \(spec.series[0].name.lowercased()) for \(pairs.count) \(plural(spec.categoryNoun)). \(top.0) has the highest \(spec.series[1].name.lowercased()), \(f.format(top.2))."
        case .tileMap, .choropleth:
            guard let series = spec.series.first else { return spec.title }
            let pairs = zip(spec.categories, series.values).compactMap { c, v in v.map { (c, $0) } }
            guard let top = pairs.max(by: { $0.1 < $1.1 }), let bottom = pairs.min(by: { $0.1 < $1.1 }) else { return spec.title }
            return "\(spec.kind == .tileMap ? "Tile map" : "Map") of \(spec.measureLabel.lowercased()) by \(spec.categoryNoun), darker is higher. \(top.0) is highest at \(f.format(top.1)) and \(bottom.0) lowest at \(f.format(bottom.1))."
        case .bar:
            guard let series = spec.series.first else { return spec.title }
            let pairs = zip(spec.categories, series.values).compactMap { c, v in v.map { (c, $0) } }
            guard let top = pairs.max(by: { $0.1 < $1.1 }), let bottom = pairs.min(by: { $0.1 < $1.1 }) else {
                return "Bar chart of \(spec.measureLabel.lowercased()): no data."
            }
            var s = "Bar chart of \(spec.measureLabel.lowercased()) for \(pairs.count) \(pairs.count == 1 ? spec.categoryNoun : plural(spec.categoryNoun)), largest first. "
            s += "\(top.0) was highest at \(f.format(top.1)) and \(bottom.0) lowest at \(f.format(bottom.1))."
            if let h = spec.highlight, let v = pairs.first(where: { $0.0 == h }) {
                let rank = pairs.filter { $0.1 > v.1 }.count + 1
                s += " \(h) (highlighted) ranked \(rank) of \(pairs.count) at \(f.format(v.1))."
            }
            return s
        }
    }
}
