import AlmanacCore

/// The fixed shape of the synthetic county: its districts, services, age bands and the
/// patterns and anomalies planted in the data. Everything the generator draws comes from
/// here, so `sample-data/anomalies.csv` and the data cannot drift apart.
public enum CouncilProfile {
    /// A district council area: real name, ONS code and approximate population.
    public struct District: Sendable {
        public let code: String, name: String, abbreviation: String, population: Int
        /// Demand per head relative to the county (1 = county average); higher in more deprived areas.
        public let demandIndex: Double
    }

    /// A council service.
    public struct Service: Sendable {
        public let code: String, name: String, directorate: String
        /// Relative volume of activity records per head.
        public let volume: Double
        /// Growth per year (0.07 = 7% a year).
        public let annualGrowth: Double
        /// Multipliers for January…December.
        public let season: [Double]
        /// Weight of a weekend day against a weekday.
        public let weekend: Double
        /// Share of records with spend, and the median spend when there is some (GBP).
        public let spendShare: Double, spendMedian: Double
        /// Weights over the age bands of customers who use it.
        public let ages: [Double]
        /// Weights over channels (Phone, Web, Face to face, Email) at the start of the data.
        public let channels: [Double]
        /// Weights over outcomes.
        public let outcomes: [Double]
    }

    /// A one-off or sustained departure from the pattern, planted on purpose.
    public struct Anomaly: Sendable {
        public let id: String, kind: String, measure: String
        public let serviceCode: String?, districtCode: String?, channel: String?
        public let start: Day, end: Day
        /// Multiplier on activity (or on spend, when `measure` is spend) between start and end inclusive.
        public let factor: Double
        public let description: String
    }

    /// County.
    public static let countyCode = "E10000017"
    public static let countyName = "Lancashire"

    /// The 12 districts of Lancashire, ONS codes, populations rounded from mid-2022 estimates.
    public static let districts: [District] = [
        District(code: "E07000117", name: "Burnley", abbreviation: "BUR", population: 96_000, demandIndex: 1.35),
        District(code: "E07000118", name: "Chorley", abbreviation: "CHO", population: 119_000, demandIndex: 0.90),
        District(code: "E07000119", name: "Fylde", abbreviation: "FYL", population: 82_000, demandIndex: 0.90),
        District(code: "E07000120", name: "Hyndburn", abbreviation: "HYN", population: 82_000, demandIndex: 1.30),
        District(code: "E07000121", name: "Lancaster", abbreviation: "LAN", population: 144_000, demandIndex: 1.05),
        District(code: "E07000122", name: "Pendle", abbreviation: "PEN", population: 97_000, demandIndex: 1.30),
        District(code: "E07000123", name: "Preston", abbreviation: "PRE", population: 151_000, demandIndex: 1.20),
        District(code: "E07000124", name: "Ribble Valley", abbreviation: "RIB", population: 62_000, demandIndex: 0.70),
        District(code: "E07000125", name: "Rossendale", abbreviation: "ROS", population: 71_000, demandIndex: 1.10),
        District(code: "E07000126", name: "South Ribble", abbreviation: "SRI", population: 112_000, demandIndex: 0.90),
        District(code: "E07000127", name: "West Lancashire", abbreviation: "WLA", population: 118_000, demandIndex: 0.95),
        District(code: "E07000128", name: "Wyre", abbreviation: "WYR", population: 114_000, demandIndex: 1.00),
    ]

    /// Where each district sits on a 5 × 4 grid shaped like the county (north at the top):
    /// the tile map's layout and the frame of the illustrative boundaries.
    public static let tiles: [(district: String, column: Int, row: Int)] = [
        ("Lancaster", 2, 0), ("Wyre", 1, 1), ("Ribble Valley", 3, 1), ("Pendle", 4, 1), ("Fylde", 0, 2), ("Preston", 2, 2),
        ("Hyndburn", 3, 2), ("Burnley", 4, 2), ("West Lancashire", 1, 3), ("South Ribble", 2, 3), ("Chorley", 3, 3), ("Rossendale", 4, 3),
    ]

    /// Channels, in the order of `Service.channels`.
    public static let channels = ["Phone", "Web", "Face to face", "Email"]
    /// Outcomes, in the order of `Service.outcomes`.
    public static let outcomes = ["Resolved", "Service provided", "Referred on", "No further action"]
    /// Age bands, youngest first (their order is their sort key).
    public static let ageBands = ["Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85 and over"]
    /// Share of the county's customers in each age band.
    public static let ageShares = [0.06, 0.09, 0.15, 0.16, 0.15, 0.14, 0.11, 0.09, 0.05]
    /// Suffixes for the illustrative electoral division names.
    static let divisionSuffixes = ["Central", "North", "South", "East", "West", "Rural", "Town", "Valley", "Park", "Moor", "Riverside"]

    /// Eight services in five directorates, each with its own season and trend.
    public static let services: [Service] = [
        Service(code: "ASC", name: "Adult social care", directorate: "Adult Services", volume: 1.2, annualGrowth: 0.07,
                season: [1.22, 1.15, 1.05, 0.98, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 1.05, 1.1], weekend: 0.3,
                spendShare: 0.35, spendMedian: 420, ages: [0, 0.02, 0.04, 0.05, 0.07, 0.12, 0.2, 0.28, 0.22],
                channels: [0.62, 0.12, 0.14, 0.12], outcomes: [0.25, 0.4, 0.25, 0.1]),
        Service(code: "HMC", name: "Home care", directorate: "Adult Services", volume: 0.8, annualGrowth: 0.09,
                season: [1.12, 1.1, 1.02, 1.0, 0.96, 0.94, 0.94, 0.94, 0.96, 1.0, 1.02, 1.06], weekend: 0.6,
                spendShare: 0.6, spendMedian: 140, ages: [0, 0, 0.01, 0.02, 0.04, 0.08, 0.2, 0.35, 0.3],
                channels: [0.7, 0.06, 0.16, 0.08], outcomes: [0.3, 0.55, 0.1, 0.05]),
        Service(code: "CSC", name: "Children's social care", directorate: "Children and Family Wellbeing", volume: 0.7,
                annualGrowth: 0.04, season: [1.0, 1.05, 1.05, 0.9, 1.0, 1.05, 0.95, 0.7, 1.1, 1.12, 1.12, 0.85],
                weekend: 0.25, spendShare: 0.25, spendMedian: 650, ages: [0.15, 0.15, 0.3, 0.25, 0.1, 0.04, 0.01, 0, 0],
                channels: [0.6, 0.1, 0.2, 0.1], outcomes: [0.2, 0.35, 0.35, 0.1]),
        Service(code: "SEN", name: "Special educational needs", directorate: "Children and Family Wellbeing", volume: 0.5,
                annualGrowth: 0.12, season: [1.0, 1.0, 1.0, 0.9, 1.0, 1.1, 1.0, 0.6, 1.35, 1.2, 1.05, 0.8],
                weekend: 0.15, spendShare: 0.2, spendMedian: 380, ages: [0.1, 0.05, 0.3, 0.4, 0.12, 0.03, 0, 0, 0],
                channels: [0.4, 0.3, 0.05, 0.25], outcomes: [0.3, 0.3, 0.3, 0.1]),
        Service(code: "HWY", name: "Highways", directorate: "Growth, Environment and Transport", volume: 1.6,
                annualGrowth: 0.0, season: [1.45, 1.35, 1.15, 0.95, 0.85, 0.8, 0.8, 0.8, 0.9, 1.0, 1.15, 1.3],
                weekend: 0.5, spendShare: 0.1, spendMedian: 180, ages: [0, 0.04, 0.12, 0.16, 0.2, 0.2, 0.16, 0.09, 0.03],
                channels: [0.45, 0.4, 0.02, 0.13], outcomes: [0.45, 0.35, 0.1, 0.1]),
        Service(code: "WST", name: "Waste and recycling", directorate: "Growth, Environment and Transport", volume: 1.8,
                annualGrowth: -0.03, season: [0.95, 0.75, 0.95, 1.15, 1.3, 1.35, 1.3, 1.2, 1.05, 0.95, 0.85, 0.9],
                weekend: 0.4, spendShare: 0.05, spendMedian: 35, ages: [0, 0.05, 0.15, 0.18, 0.2, 0.18, 0.14, 0.08, 0.02],
                channels: [0.45, 0.45, 0.02, 0.08], outcomes: [0.6, 0.3, 0.05, 0.05]),
        Service(code: "LIB", name: "Libraries", directorate: "Communities and Resources", volume: 1.0, annualGrowth: -0.08,
                season: [0.95, 0.95, 1.0, 1.0, 0.95, 1.0, 1.3, 1.35, 0.95, 0.95, 0.9, 0.7], weekend: 0.8,
                spendShare: 0.0, spendMedian: 0, ages: [0.2, 0.08, 0.12, 0.15, 0.1, 0.1, 0.12, 0.09, 0.04],
                channels: [0.2, 0.3, 0.45, 0.05], outcomes: [0.75, 0.2, 0.02, 0.03]),
        Service(code: "PHL", name: "Public health", directorate: "Public Health", volume: 0.6, annualGrowth: -0.02,
                season: [1.4, 1.15, 1.0, 0.95, 0.95, 0.9, 0.85, 0.8, 0.95, 1.2, 1.0, 0.85], weekend: 0.3,
                spendShare: 0.15, spendMedian: 60, ages: [0.05, 0.15, 0.2, 0.18, 0.15, 0.12, 0.08, 0.05, 0.02],
                channels: [0.4, 0.35, 0.15, 0.1], outcomes: [0.4, 0.35, 0.2, 0.05]),
    ]

    /// The first day of the data: five financial years, 2021-22 to 2025-26.
    public static let firstDay = Day(year: 2021, month: 4, day: 1)!
    /// The last day of the data.
    public static let lastDay = Day(year: 2026, month: 3, day: 31)!

    /// Yearly population growth of a district: faster in the growing Preston and Chorley
    /// areas, slower in the east Lancashire towns.
    public static func populationGrowth(_ d: District) -> Double {
        switch d.abbreviation {
        case "PRE", "CHO", "SRI": return 0.009
        case "BUR", "HYN", "PEN", "ROS": return 0.002
        default: return 0.005
        }
    }

    /// Each year the Web channel takes this much share from Phone (channel shift).
    public static let webShiftPerYear = 0.05

    /// The seed of the committed sample, whose anomalies tell the story in sample-data/README.md.
    public static let documentedSeed: UInt64 = 2025

    /// The anomalies planted for a seed: the documented set for the committed sample's seed,
    /// and for every other seed six drawn at random (from a stream of their own, so the data's
    /// draws do not depend on them), one of each kind: two contact spikes, a dip, a channel
    /// outage, a step that lasts to the end of the data and a spend spike, each in a random
    /// service, district and month from the third year on: the scan judges a month once its
    /// series has a year of history, but it learns the season from two years, and before
    /// that only departures larger than the seasonal swing stand out.
    public static func anomalies(seed: UInt64) -> [Anomaly] {
        if seed == documentedSeed { return anomalies }
        var rng = SplitMix64(seed: seed ^ 0xA4A4_5EED_0F_A11E)
        let months = (lastDay.year - firstDay.year) * 12 + lastDay.month - firstDay.month + 1
        func month(_ lower: Int, _ upper: Int) -> Day { firstDay.firstOfMonth(adding: lower + Int(rng.unit() * Double(upper - lower + 1))) }
        func pick<T>(_ list: [T]) -> T { list[min(list.count - 1, Int(rng.unit() * Double(list.count)))] }
        func lastOfMonth(_ d: Day) -> Day { d.firstOfMonth(adding: 1).adding(days: -1) }
        func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }
        var out: [Anomaly] = []
        for n in 1...2 {
            let s = pick(services), d = pick(districts), m = month(24, months - 1)
            let startDay = 1 + Int(rng.unit() * 10), length = 10 + Int(rng.unit() * 16)
            let start = m.adding(days: startDay - 1), end = min(lastOfMonth(m), start.adding(days: length - 1))
            let factor = round(2.5 + rng.unit())
            out.append(Anomaly(id: "R\(n)", kind: "spike", measure: "contacts", serviceCode: s.code, districtCode: d.code, channel: nil,
                               start: start, end: end, factor: factor,
                               description: "\(s.name) contacts in \(d.name) ×\(factor), \(Day.rangeLabel(start, end))"))
        }
        do {
            let s = pick(services), d = pick(districts), m = month(24, months - 1)
            out.append(Anomaly(id: "R3", kind: "dip", measure: "contacts", serviceCode: s.code, districtCode: d.code, channel: nil,
                               start: m, end: lastOfMonth(m), factor: 0.2,
                               description: "\(s.name) contacts in \(d.name) ×0.2 for \(Day.monthRangeLabel(m, m))"))
        }
        do {
            let c = pick(channels), m = month(24, months - 1)
            let start = m.adding(days: Int(rng.unit() * 25)), end = start.adding(days: 1 + Int(rng.unit() * 3))
            out.append(Anomaly(id: "R4", kind: "outage", measure: "contacts", serviceCode: nil, districtCode: nil, channel: c,
                               start: start, end: end, factor: 0,
                               description: "No \(c.lowercased()) contacts anywhere, \(Day.rangeLabel(start, end))"))
        }
        do {
            let s = pick(services), d = pick(districts), m = month(24, months - 10)
            let factor = round(1.4 + 0.2 * rng.unit())
            out.append(Anomaly(id: "R5", kind: "step", measure: "contacts", serviceCode: s.code, districtCode: d.code, channel: nil,
                               start: m, end: lastDay, factor: factor,
                               description: "\(s.name) contacts in \(d.name) step up ×\(factor) from \(Day.monthRangeLabel(m, m)) and stay up"))
        }
        do {
            let s = pick(services.filter { $0.spendShare > 0 }), d = pick(districts), m = month(24, months - 1)
            let factor = round(5 + 3 * rng.unit())
            out.append(Anomaly(id: "R6", kind: "spike", measure: "spend", serviceCode: s.code, districtCode: d.code, channel: nil,
                               start: m, end: lastOfMonth(m), factor: factor,
                               description: "\(s.name) spend in \(d.name) ×\(factor) in \(Day.monthRangeLabel(m, m))"))
        }
        return out
    }

    /// Planted departures of the committed sample (seed 2025), documented in
    /// `sample-data/anomalies.csv` and `sample-data/README.md`.
    public static let anomalies: [Anomaly] = [
        Anomaly(id: "A1", kind: "spike", measure: "contacts", serviceCode: "HWY", districtCode: "E07000128", channel: nil,
                start: Day(year: 2024, month: 1, day: 2)!, end: Day(year: 2024, month: 1, day: 24)!, factor: 3.5,
                description: "Highways contacts in Wyre spike after coastal storm flooding in January 2024"),
        Anomaly(id: "A2", kind: "spike", measure: "contacts", serviceCode: "WST", districtCode: "E07000123", channel: nil,
                start: Day(year: 2023, month: 6, day: 5)!, end: Day(year: 2023, month: 6, day: 25)!, factor: 3.0,
                description: "Waste and recycling contacts in Preston treble during missed collections in June 2023"),
        Anomaly(id: "A3", kind: "dip", measure: "contacts", serviceCode: "LIB", districtCode: "E07000118", channel: nil,
                start: Day(year: 2022, month: 9, day: 1)!, end: Day(year: 2022, month: 10, day: 31)!, factor: 0.15,
                description: "Library contacts in Chorley fall while the main library is closed for refurbishment, September-October 2022"),
        Anomaly(id: "A4", kind: "outage", measure: "contacts", serviceCode: nil, districtCode: nil, channel: "Web",
                start: Day(year: 2024, month: 11, day: 12)!, end: Day(year: 2024, month: 11, day: 14)!, factor: 0.0,
                description: "The council website is down for three days in November 2024; Web contacts stop and phone contacts rise"),
        Anomaly(id: "A5", kind: "spike", measure: "spend", serviceCode: "ASC", districtCode: "E07000121", channel: nil,
                start: Day(year: 2025, month: 2, day: 1)!, end: Day(year: 2025, month: 2, day: 28)!, factor: 8.0,
                description: "Adult social care spend in Lancaster jumps in February 2025 with one-off high-cost placements"),
        Anomaly(id: "A6", kind: "step", measure: "contacts", serviceCode: nil, districtCode: "E07000117", channel: nil,
                start: Day(year: 2025, month: 4, day: 1)!, end: lastDay, factor: 1.45,
                description: "Contacts in Burnley step up by about 45% across every service from April 2025, when the town's new contact centre opens, and stay up"),
    ]
}
