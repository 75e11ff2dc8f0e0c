import AlmanacCore

/// The kinds of chart the engine draws.
public enum ChartKind: String, Sendable, Codable {
    /// Lines over an ordered axis (months), one per series.
    case line
    /// Horizontal bars, ranked, one per category (districts).
    case bar
    /// Vertical columns per category, one per series side by side.
    case groupedColumn = "grouped_column"
    /// Vertical columns with the series stacked.
    case stackedColumn = "stacked_column"
    /// Stacked columns scaled to 100% of each category.
    case percentColumn = "percent_column"
    /// A grid of shaded cells: rows are series, columns are categories (service × month).
    case heatmap
    /// A headline number with its change and a sparkline of the first series.
    case kpi
    /// An XmR statistical process control chart of the first series (see `ChartExtras.process`).
    case xmr
    /// Points of value against size with funnel limit curves (see `ChartExtras.funnel`).
    case funnel
    /// One small line chart per series on shared axes.
    case smallMultiples = "small_multiples"
    /// Districts as tiles laid out like the map, shaded by value (see `ChartExtras.tiles`).
    case tileMap = "tile_map"
    /// Areas drawn from boundary polygons, shaded by value (see `ChartExtras.shapes`).
    case choropleth
    /// One point per category: x from the first series, y from the second.
    case scatter
}

/// Process-control overlay for an XmR chart: computed by the analysis layer, drawn here.
public struct ProcessOverlay: Equatable, Sendable {
    public var mean: Double, upper: Double, lower: Double
    /// Indices of points with special cause variation, and whether each is high.
    public var special: [Int: Bool]
    /// Words for the special points' meaning (improvement, concern…), for the legend.
    public var note: String
    public init(mean: Double, upper: Double, lower: Double, special: [Int: Bool], note: String) {
        self.mean = mean
        self.upper = upper
        self.lower = lower
        self.special = special
        self.note = note
    }
}

/// A funnel plot's points and limit curves.
public struct FunnelOverlay: Equatable, Sendable {
    /// Areas: name, size (x) and value (y).
    public var points: [(name: String, size: Double, value: Double)]
    /// The overall value.
    public var target: Double
    /// Limit curves as (size, lower95, upper95, lower998, upper998).
    public var limits: [(size: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double)]
    /// Label of the x axis ("Residents").
    public var sizeLabel: String
    public init(points: [(name: String, size: Double, value: Double)], target: Double,
                limits: [(size: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double)], sizeLabel: String) {
        self.points = points
        self.target = target
        self.limits = limits
        self.sizeLabel = sizeLabel
    }
    public static func == (a: FunnelOverlay, b: FunnelOverlay) -> Bool {
        a.target == b.target && a.sizeLabel == b.sizeLabel && a.points.map(\.name) == b.points.map(\.name)
            && a.points.map(\.value) == b.points.map(\.value) && a.limits.map(\.size) == b.limits.map(\.size)
    }
}

/// A KPI tile's comparison.
public struct KPIComparison: Equatable, Sendable {
    /// The value now and in the comparison period.
    public var value: Double, previous: Double?
    /// "October 2024", for "compared with October 2024".
    public var previousLabel: String
    public init(value: Double, previous: Double?, previousLabel: String) {
        self.value = value
        self.previous = previous
        self.previousLabel = previousLabel
    }
}

/// What some chart kinds need beyond categories and series.
public struct ChartExtras: Equatable, Sendable {
    public var process: ProcessOverlay?
    public var funnel: FunnelOverlay?
    public var kpi: KPIComparison?
    /// Tile positions (column, row) by category name, from a layout file.
    public var tiles: [String: (column: Int, row: Int)]?
    /// Boundary rings (longitude, latitude) by category name, from GeoJSON.
    public var shapes: [String: [[Point]]]?
    /// A target drawn across a line chart, with its label.
    public var target: (value: Double, label: String)?
    /// Lines drawn thin and grey behind the data (a rolling average, a fitted trend).
    public var references: [Series] = []
    /// Notes on points of the first series: index and text.
    public var annotations: [(index: Int, text: String)] = []
    public init(process: ProcessOverlay? = nil, funnel: FunnelOverlay? = nil, kpi: KPIComparison? = nil,
                tiles: [String: (column: Int, row: Int)]? = nil) {
        self.process = process
        self.funnel = funnel
        self.kpi = kpi
        self.tiles = tiles
    }
    public static func == (a: ChartExtras, b: ChartExtras) -> Bool {
        a.process == b.process && a.funnel == b.funnel && a.kpi == b.kpi
            && a.tiles?.keys.sorted() == b.tiles?.keys.sorted() && a.shapes?.keys.sorted() == b.shapes?.keys.sorted()
            && a.target?.value == b.target?.value && a.references == b.references && a.annotations.map(\.index) == b.annotations.map(\.index)
    }
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
    /// What the kind needs beyond categories and series.
    public var extras = ChartExtras()
    /// Machine-readable keys of the categories (`2025-10` for "Oct 2025"), for the data
    /// table behind the chart; nil when the labels are the keys.
    public var categoryKeys: [String]?

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
