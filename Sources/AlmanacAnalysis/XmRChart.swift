/// Which way is better for a measure, as the model declares it.
public enum ImprovementDirection: String, Sendable, Codable {
    /// Higher is better (web share).
    case up
    /// Lower is better (repeat contact rate).
    case down
    /// Neither: a change is reported as neither improvement nor concern.
    case neutral
}

/// A statistical process control chart for individual values (XmR), as NHS England's
/// "Making Data Count" sets it out: the centre line is the mean, the process limits are the
/// mean ± 2.66 × the mean moving range, and four rules mark special cause variation.
public struct XmRChart: Equatable, Sendable {
    /// The special cause rules.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// A point outside the process limits.
        case outsideLimits = "outside limits"
        /// Seven or more points in a row on the same side of the mean.
        case shift
        /// Seven or more points in a row each higher (or each lower) than the one before.
        case trend
        /// Two of three points in a row beyond two sigma, on the same side of the mean.
        case twoOfThree = "two of three beyond 2 sigma"
    }

    /// What a point's variation means, given the improvement direction.
    public enum Variation: String, Sendable, Codable {
        case common = "common cause"
        case improvement
        case concern
        case neither = "special cause, neither improvement nor concern"
    }

    /// Whether the process will meet a target, judged from its limits.
    public enum Assurance: String, Sendable, Codable {
        case consistentlyPass = "consistently passes the target"
        case consistentlyFail = "consistently fails the target"
        case hitAndMiss = "hits and misses the target"
    }

    /// Limits of one stretch of the series (a new stretch starts at each rebase).
    public struct Segment: Equatable, Sendable {
        /// Index of the first and one past the last point.
        public var start: Int, end: Int
        /// Centre line.
        public var mean: Double
        /// Mean moving range.
        public var movingRange: Double
        /// Process limits.
        public var upper: Double, lower: Double
        /// Two-sigma lines (sigma = mean moving range / 1.128).
        public var upper2Sigma: Double, lower2Sigma: Double
    }

    /// One point and what the rules found.
    public struct Point: Equatable, Sendable {
        public var value: Double
        public var segment: Int
        public var rules: Set<Rule>
        /// +1 for a high signal, -1 low, 0 none.
        public var side: Int
        public var variation: Variation
    }

    public var segments: [Segment]
    public var points: [Point]
    /// Against the target, from the latest segment's limits; nil without a target or direction.
    public var assurance: Assurance?

    /// Fewest points for limits worth drawing (NHS guidance recommends 15–20; 12 is the floor).
    public static let minimumPoints = 12

    /// Builds the chart. `rebaseAt` are indices where the process is declared to have
    /// changed (a new service model); limits are recalculated from each.
    public static func compute(
        _ values: [Double], improvement: ImprovementDirection = .neutral, target: Double? = nil, rebaseAt: [Int] = []
    ) throws -> XmRChart {
        let cuts = ([0] + rebaseAt.filter { $0 > 0 && $0 < values.count }.sorted() + [values.count])
        var segments: [Segment] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) where b > a {
            guard b - a >= minimumPoints else { throw NotTested.tooShort(have: b - a, need: minimumPoints) }
            let v = Array(values[a..<b])
            let mean = v.reduce(0, +) / Double(v.count)
            let ranges = zip(v.dropFirst(), v).map { abs($0 - $1) }
            let mr = ranges.reduce(0, +) / Double(ranges.count)
            let sigma = mr / 1.128
            segments.append(Segment(start: a, end: b, mean: mean, movingRange: mr, upper: mean + 2.66 * mr, lower: mean - 2.66 * mr,
                                    upper2Sigma: mean + 2 * sigma, lower2Sigma: mean - 2 * sigma))
        }
        var rules = Array(repeating: Set<Rule>(), count: values.count)
        var side = Array(repeating: 0, count: values.count)
        func mark(_ i: Int, _ r: Rule, _ s: Int) {
            rules[i].insert(r)
            if side[i] == 0 { side[i] = s }
        }
        for (si, seg) in segments.enumerated() {
            let range = seg.start..<seg.end
            for i in range {
                if values[i] > seg.upper { mark(i, .outsideLimits, 1) }
                if values[i] < seg.lower { mark(i, .outsideLimits, -1) }
            }
            // Runs on one side of the mean; a point on the mean breaks the run.
            var runStart = seg.start
            for i in range {
                let s = values[i] > seg.mean ? 1 : values[i] < seg.mean ? -1 : 0
                let startSide = values[runStart] > seg.mean ? 1 : values[runStart] < seg.mean ? -1 : 0
                if s == 0 || s != startSide { runStart = i }
                if s != 0 && i - runStart + 1 >= 7 { for j in runStart...i { mark(j, .shift, s) } }
            }
            // Runs of rises or falls.
            var upStart = seg.start, downStart = seg.start
            for i in range.dropFirst() {
                if !(values[i] > values[i - 1]) { upStart = i }
                if !(values[i] < values[i - 1]) { downStart = i }
                if i - upStart + 1 >= 7 { for j in upStart...i { mark(j, .trend, 1) } }
                if i - downStart + 1 >= 7 { for j in downStart...i { mark(j, .trend, -1) } }
            }
            // Two of three beyond two sigma on the same side.
            if seg.end - seg.start >= 3 {
                for i in seg.start...(seg.end - 3) {
                    let window = i..<(i + 3)
                    let high = window.filter { values[$0] > seg.upper2Sigma }
                    let low = window.filter { values[$0] < seg.lower2Sigma }
                    if high.count >= 2 { high.forEach { mark($0, .twoOfThree, 1) } }
                    if low.count >= 2 { low.forEach { mark($0, .twoOfThree, -1) } }
                }
            }
            _ = si
        }
        let points = values.indices.map { i -> Point in
            let seg = segments.firstIndex { $0.start <= i && i < $0.end }!
            var variation = Variation.common
            if !rules[i].isEmpty {
                switch improvement {
                case .neutral: variation = .neither
                case .up: variation = side[i] > 0 ? .improvement : .concern
                case .down: variation = side[i] < 0 ? .improvement : .concern
                }
            }
            return Point(value: values[i], segment: seg, rules: rules[i], side: rules[i].isEmpty ? 0 : side[i], variation: variation)
        }
        var assurance: Assurance?
        if let target, improvement != .neutral, let last = segments.last {
            let passesAll = improvement == .up ? target <= last.lower : target >= last.upper
            let failsAll = improvement == .up ? target >= last.upper : target <= last.lower
            assurance = passesAll ? .consistentlyPass : failsAll ? .consistentlyFail : .hitAndMiss
        }
        return XmRChart(segments: segments, points: points, assurance: assurance)
    }
}
