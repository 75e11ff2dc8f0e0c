import AlmanacCore

/// Something the data shows, with its numbers, the test behind it and how strong it is.
public struct Finding: Equatable, Sendable {
    /// What kind of finding.
    public enum Kind: String, Sendable, Codable {
        case yearOnYear = "year-on-year change"
        case funnelOutlier = "outside funnel limits"
        case specialCause = "special cause variation"
        case sustainedTrend = "sustained trend"
        case stoppage = "activity stopped"
    }

    public var kind: Kind
    /// What it is about: "Highways in Wyre", "Burnley", "the county".
    public var subject: String
    /// The measure's label.
    public var measure: String
    /// The period or periods it concerns (`2025-10`, `2024-01`, `2021-04 to 2026-03`).
    public var period: String
    /// The numbers behind it, named (value, comparison, limit, slope…).
    public var numbers: [String: Double]
    /// The test and its result, in words ("exact test of two Poisson counts, p = 0.0003").
    public var test: String
    /// Two-sided p-value (or the probability of what was seen by chance).
    public var p: Double
    /// Strength for ranking: −log10(p), capped at 30.
    public var strength: Double
    /// +1 up, −1 down.
    public var direction: Int
    /// Improvement, concern or neither, from the measure's declared direction.
    public var assessment: String
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
