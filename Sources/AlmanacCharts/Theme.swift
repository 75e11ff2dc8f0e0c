/// How charts look: fonts, sizes, colours and spacing, loaded from `templates/theme.yaml`.
///
/// Text styles inherit: axis text, legend text and labels fall back to the base text style
/// and change only what they set, as in ggplot2's theme tree.
public struct Theme: Equatable, Sendable {
    /// Base text (family, size, colour); every other style starts from this.
    public var text: TextStyle
    /// Chart titles.
    public var title: TextStyle
    /// Subtitles and notes.
    public var subtitle: TextStyle
    /// Axis tick labels.
    public var axisText: TextStyle
    /// Legend entries.
    public var legendText: TextStyle
    /// Data labels (values at bar ends, names at line ends).
    public var labelText: TextStyle
    /// Gridlines.
    public var grid: RGBA
    /// Axis baseline.
    public var axis: RGBA
    /// Categorical palette, in order of use.
    public var palette: [RGBA]
    /// Sequential palette, light to dark is reversed: dark first.
    public var sequential: [RGBA]
    /// Colour for the highlighted bar.
    public var highlight: RGBA
    /// Outer padding in points.
    public var padding: Double

    /// The UK Government Analysis Function accessible palette on Liberation Sans.
    public static func analysisFunction(family: String = "Liberation Sans") -> Theme {
        let text = TextStyle(family: family, size: 9, color: RGBA(hex: "#0B0C0C"))
        var title = text
        title.size = 12
        title.weight = .bold
        var subtitle = text
        subtitle.color = RGBA(hex: "#505A5F")
        // One size for all the small text of a chart (axes, legend, labels): consistent, and
        // one font size fewer for an SVG to carry glyph outlines for.
        var axisText = text
        axisText.size = 8.5
        axisText.color = RGBA(hex: "#505A5F")
        var legend = text
        legend.size = 8.5
        var label = text
        label.size = 8.5
        return Theme(
            text: text, title: title, subtitle: subtitle, axisText: axisText, legendText: legend, labelText: label,
            grid: RGBA(hex: "#DDDDDD"), axis: RGBA(hex: "#505A5F"),
            palette: ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"].map { RGBA(hex: $0) },
            sequential: ["#12436D", "#2073BC", "#6BACE6"].map { RGBA(hex: $0) },
            highlight: RGBA(hex: "#F46A25"), padding: 6)
    }

    /// Applies overrides: `text` changes first, then each derived style is rebuilt from it
    /// with only the keys the override names (`axis_text.size`) changed.
    public func applying(_ overrides: [String: String]) -> Theme {
        var t = self
        func apply(_ style: inout TextStyle, prefix: String) {
            if let f = overrides["\(prefix).family"] { style.family = f }
            if let s = overrides["\(prefix).size"].flatMap(Double.init) { style.size = s }
            if let c = overrides["\(prefix).color"] { style.color = RGBA(hex: c) }
            if let w = overrides["\(prefix).weight"].flatMap(FontWeight.init(rawValue:)) { style.weight = w }
        }
        apply(&t.text, prefix: "text")
        // Inheritance: a derived style takes the base family and colour unless it sets its own.
        for (keyPath, name) in [(\Theme.title, "title"), (\Theme.subtitle, "subtitle"), (\Theme.axisText, "axis_text"),
                                (\Theme.legendText, "legend_text"), (\Theme.labelText, "label_text")] as [(WritableKeyPath<Theme, TextStyle>, String)] {
            var s = t[keyPath: keyPath]
            s.family = t.text.family
            if self[keyPath: keyPath].color == self.text.color { s.color = t.text.color }
            apply(&s, prefix: name)
            t[keyPath: keyPath] = s
        }
        if let p = overrides["palette"] {
            t.palette = p.split(separator: " ").map { RGBA(hex: String($0)) }
        }
        if let h = overrides["highlight"] { t.highlight = RGBA(hex: h) }
        if let g = overrides["grid"] { t.grid = RGBA(hex: g) }
        return t
    }
}
