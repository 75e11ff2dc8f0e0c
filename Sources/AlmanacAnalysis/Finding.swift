import AlmanacCore

/// Something the data shows, with its numbers, the test behind it and how strong it is.
public struct Finding: Equatable, Sendable {
    /// What kind of finding.
    public enum Kind: String, Sendable, Codable {
        /// One month well above or below its usual level.
        case unusualMonth = "unusual month"
        /// Consecutive unusual months, each significant on its own, in the same direction.
        case unusualRun = "run of unusual months"
        /// The latest months together above or below their usual level, still going on.
        case levelShift = "level shift"
        case funnelOutlier = "outside funnel limits"
        case sustainedTrend = "sustained trend"
        case stoppage = "activity stopped"
    }

    /// When it happened, relative to the period scanned.
    public enum Timing: Int, Sendable, Comparable {
        /// New at the period, or still going on at it (a level shift of up to 12 months).
        case current = 0
        /// A standing pattern: a sustained trend, an area outside its limits, a level shift
        /// that has lasted more than a year.
        case standing = 1
        /// Something that happened before the period and is over.
        case earlier = 2
        public static func < (a: Timing, b: Timing) -> Bool { a.rawValue < b.rawValue }
    }

    public var kind: Kind
    /// What it is about: "Highways contacts in Wyre", "Spend in Burnley".
    public var subject: String
    /// The measure's label.
    public var measure: String
    /// The period or periods it concerns (`2025-10`, `2024-01 to 2024-03`, `2024-11-12 to 2024-11-14`).
    public var period: String
    /// The numbers behind it, named (value, expected, limit, slope…).
    public var numbers: [String: Double]
    /// The test and its result, in words.
    public var test: String
    /// The test's own two-sided p-value (may underflow to 0; see `logP`).
    public var p: Double
    /// Natural log of that p-value, exact far into the tails.
    public var logP: Double
    /// The Benjamini–Hochberg adjusted p-value across the whole scan.
    public var q: Double
    /// Strength for ranking: −log10 of the adjusted p-value (at most 50), plus 10 × the square
    /// root of the share of the whole area's usual monthly activity it affected.
    public var strength: Double
    /// +1 up, −1 down.
    public var direction: Int
    /// Improvement, concern or neither, from the measure's declared direction.
    public var assessment: String
    /// New or still going on at the period scanned, a standing pattern, or earlier.
    public var timing: Timing
    /// The sentence for commentary.
    public var sentence: String
}

/// A monthly series for one slice of the cube (a service in a district, say).
public struct SliceSeries: Sendable {
    /// How to name it in a sentence: "Highways contacts in Wyre".
    public var subject: String
    /// Dimension values that identify it (service → Highways, district → Wyre).
    public var members: [String: String]
    /// Month keys (`2025-10`), oldest first, every month present.
    public var months: [String]
    /// Values, one per month.
    public var values: [Double]

    public init(subject: String, members: [String: String], months: [String], values: [Double]) {
        self.subject = subject
        self.members = members
        self.months = months
        self.values = values
    }
}

/// A daily series, for spotting days when activity stopped.
public struct DailySeries: Sendable {
    public var subject: String
    public var days: [Day]
    public var values: [Double]

    public init(subject: String, days: [Day], values: [Double]) {
        self.subject = subject
        self.days = days
        self.values = values
    }
}

/// One area's count and population for a period, for the funnel.
public struct AreaCount: Sendable {
    public var area: String
    public var count: Double
    public var population: Double

    public init(area: String, count: Double, population: Double) {
        self.area = area
        self.count = count
        self.population = population
    }
}
