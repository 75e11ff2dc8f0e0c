import AlmanacCore

/// The kinds of chart the engine draws.
public enum ChartKind: String, Sendable, Codable {
    /// Lines over an ordered axis (months), one per series.
    case line
    /// Horizontal bars, ranked, one per category (districts).
    case bar
}

/// A named run of values, one per x position; nil is a gap (missing), never a zero.
public struct Series: Equatable, Sendable {
    /// Name shown in the legend and at the line end.
    public var name: String
    /// Values.
    public var values: [Double?]

    /// Creates a series.
    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}

/// What to draw, in data terms: no coordinates, no colours.
public struct ChartSpec: Equatable, Sendable {
    /// Kind.
    public var kind: ChartKind
    /// Title.
    public var title: String
    /// Subtitle (what, where, when).
    public var subtitle: String?
    /// Category or time labels along the x axis (bars: the categories).
    public var categories: [String]
    /// Series (bars use the first).
    public var series: [Series]
    /// How values are written.
    public var format: NumberFormat
    /// What the values measure, for descriptions ("contacts").
    public var measureLabel: String
    /// What one category is, for descriptions ("district"); plural adds an "s".
    public var categoryNoun: String
    /// A category to highlight (bars).
    public var highlight: String?
    /// Width and height in points.
    public var width: Double
    public var height: Double

    /// Creates a spec.
    public init(
        kind: ChartKind, title: String, subtitle: String? = nil, categories: [String], series: [Series],
        format: NumberFormat, measureLabel: String, categoryNoun: String = "category", highlight: String? = nil, width: Double = 480, height: Double = 300
    ) {
        self.kind = kind
        self.title = title
        self.subtitle = subtitle
        self.categories = categories
        self.series = series
        self.format = format
        self.measureLabel = measureLabel
        self.categoryNoun = categoryNoun
        self.highlight = highlight
        self.width = width
        self.height = height
    }
}
