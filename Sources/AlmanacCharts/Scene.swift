/// A colour as sRGB components 0–1.
public struct RGBA: Equatable, Sendable, Codable {
    public var r: Double, g: Double, b: Double, a: Double

    /// From a `#RRGGBB` string; black when malformed.
    public init(hex: String, alpha: Double = 1) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        let v = UInt32(digits, radix: 16) ?? 0
        r = Double((v >> 16) & 0xFF) / 255
        g = Double((v >> 8) & 0xFF) / 255
        b = Double(v & 0xFF) / 255
        a = alpha
    }
}

/// Horizontal anchoring of text at its point.
public enum TextAnchor: String, Sendable, Codable { case start, middle, end }

/// Font weight of text.
public enum FontWeight: String, Sendable, Codable { case regular, bold }

/// A styled piece of text: what the measuring function and the renderer agree on.
public struct TextStyle: Equatable, Sendable, Codable {
    /// Font family (fontconfig name).
    public var family: String
    /// Size in points.
    public var size: Double
    /// Weight.
    public var weight: FontWeight
    /// Colour.
    public var color: RGBA

    /// Creates a style.
    public init(family: String, size: Double, weight: FontWeight = .regular, color: RGBA) {
        self.family = family
        self.size = size
        self.weight = weight
        self.color = color
    }
}

/// One drawable thing. Coordinates are points from the top left of the scene.
public enum Mark: Equatable, Sendable, Codable {
    /// A filled rectangle.
    case rect(x: Double, y: Double, width: Double, height: Double, fill: RGBA)
    /// A polyline (gaps in a series are separate lines).
    case line(points: [Point], stroke: RGBA, width: Double, dash: [Double])
    /// A filled polygon with an edge (map areas).
    case polygon(points: [Point], fill: RGBA, stroke: RGBA)
    /// A filled circle with a white edge (markers).
    case circle(x: Double, y: Double, radius: Double, fill: RGBA)
    /// A single line of text; `y` is the top of its line box, `x` its anchor point.
    case text(x: Double, y: Double, text: String, style: TextStyle, anchor: TextAnchor, maxWidth: Double?)
}

/// A point.
public struct Point: Equatable, Sendable, Codable {
    public var x: Double, y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A drawn chart, free of any backend: a size, the marks in painting order, and the
/// words that describe it for people who cannot see it.
public struct Scene: Equatable, Sendable, Codable {
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double
    /// Marks, back to front.
    public var marks: [Mark]
    /// The chart's title (its accessible name).
    public var title: String
    /// A text description generated from the data.
    public var description: String

    /// Creates a scene.
    public init(width: Double, height: Double, marks: [Mark], title: String, description: String) {
        self.width = width
        self.height = height
        self.marks = marks
        self.title = title
        self.description = description
    }
}

/// Measures text as the renderer will draw it, so layout can avoid overlaps.
public protocol TextMeasuring: Sendable {
    /// Width and height in points of `text` set in `style`.
    func size(of text: String, style: TextStyle) -> (width: Double, height: Double)
}

/// A measurer that assumes an average glyph width: for tests and golden scenes, where the
/// layout must not depend on the fonts installed.
public struct ApproximateTextMeasurer: TextMeasuring {
    public init() {}
    public func size(of text: String, style: TextStyle) -> (width: Double, height: Double) {
        (Double(text.count) * style.size * (style.weight == .bold ? 0.58 : 0.53), style.size * 1.2)
    }
}
