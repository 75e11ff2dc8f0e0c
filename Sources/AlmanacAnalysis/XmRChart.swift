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
        /// Two of three points in a row near a limit (beyond two thirds of the way to it, not
        /// beyond it), all three on the same side of the mean.
        case twoOfThree = "two of three near a limit"
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
        /// The "near the limits" lines, two thirds of the way from the mean to each limit
        /// (mean ± 1.773 × mean moving range, about two sigma).
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

    /// Moving ranges at or above this multiple of their mean are screened out before the
    /// limits are set (as the Making Data Count tool and NHSRplotthedots do by default).
    public static let screeningFactor = 3.267

    /// Builds the chart, exactly as NHS England's Making Data Count and the NHS-R
    /// community's NHSRplotthedots (0.2) do:
    /// - limits: mean ± 2.66 × the mean moving range, moving ranges of 3.267 × their mean or
    ///   more screened out first (`screenOutliers`);
    /// - "near the limits": beyond two thirds of the way to a limit (mean ± 1.773 × mean
    ///   moving range) but not beyond it;
    /// - rules: a point beyond a limit; seven points in a row each higher (or each lower)
    ///   than the one before (trend); two of three points in a row near a limit with all
    ///   three on the same side of the mean (only the near points are flagged); seven
    ///   points in a row on the same side of the mean (shift; a point on the mean breaks it);
    /// - a point's side comes from the first rule that applies in the order outside limits,
    ///   trend, two of three, shift: a point in a falling trend is low even when it is above
    ///   the mean. The chart's `side` follows that order; `rules` lists every rule that applies.
    /// `rebaseAt` are indices where the process is declared to have changed (a new service
    /// model); limits and rules are worked out separately in each stretch.
    public static func compute(
        _ values: [Double], improvement: ImprovementDirection = .neutral, target: Double? = nil, rebaseAt: [Int] = [],
        screenOutliers: Bool = true
    ) throws -> XmRChart {
        let cuts = ([0] + rebaseAt.filter { $0 > 0 && $0 < values.count }.sorted() + [values.count])
        var segments: [Segment] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) where b > a {
            guard b - a >= minimumPoints else { throw NotTested.tooShort(have: b - a, need: minimumPoints) }
            let v = Array(values[a..<b])
            let mean = v.reduce(0, +) / Double(v.count)
            var ranges = zip(v.dropFirst(), v).map { abs($0 - $1) }
            var mr = ranges.reduce(0, +) / Double(ranges.count)
            if screenOutliers {
                ranges = ranges.filter { $0 < screeningFactor * mr }
                if !ranges.isEmpty { mr = ranges.reduce(0, +) / Double(ranges.count) }
            }
            let near = 2 * 2.66 / 3 * mr
            segments.append(Segment(start: a, end: b, mean: mean, movingRange: mr, upper: mean + 2.66 * mr, lower: mean - 2.66 * mr,
                                    upper2Sigma: mean + near, lower2Sigma: mean - near))
        }
        var rules = Array(repeating: Set<Rule>(), count: values.count)
        var side = Array(repeating: 0, count: values.count)
        for seg in segments {
            let range = seg.start..<seg.end
            func rtm(_ i: Int) -> Int { values[i] > seg.mean ? 1 : values[i] < seg.mean ? -1 : 0 }
            var outside = [Bool](repeating: false, count: values.count)
            var close = [Bool](repeating: false, count: values.count)
            for i in range {
                outside[i] = values[i] > seg.upper || values[i] < seg.lower
                close[i] = !outside[i] && (values[i] > seg.upper2Sigma || values[i] < seg.lower2Sigma)
                if outside[i] { rules[i].insert(.outsideLimits) }
            }
            // Seven in a row on one side of the mean.
            var shift = [Bool](repeating: false, count: values.count)
            for i in range where i - 6 >= seg.start {
                let s = rtm(i)
                if s != 0 && (i - 6..<i).allSatisfy({ rtm($0) == s }) { for j in (i - 6)...i { shift[j] = true } }
            }
            // Seven in a row each higher (or lower) than the one before.
            var trend = [Bool](repeating: false, count: values.count)
            for i in range where i - 6 >= seg.start {
                let ups = (i - 5...i).allSatisfy { values[$0] > values[$0 - 1] }
                let downs = (i - 5...i).allSatisfy { values[$0] < values[$0 - 1] }
                if ups || downs { for j in (i - 6)...i { trend[j] = true } }
            }
            // Two of three near a limit, all three on one side of the mean.
            var twoOfThree = [Bool](repeating: false, count: values.count)
            if seg.end - seg.start >= 3 {
                for w in seg.start...(seg.end - 3) {
                    let window = w..<(w + 3)
                    let sides = window.map(rtm).reduce(0, +)
                    if window.filter({ close[$0] }).count >= 2 && abs(sides) == 3 {
                        for j in window where close[j] { twoOfThree[j] = true }
                    }
                }
            }
            for i in range {
                if trend[i] { rules[i].insert(.trend) }
                if twoOfThree[i] { rules[i].insert(.twoOfThree) }
                if shift[i] { rules[i].insert(.shift) }
                // The side, by the first rule that applies.
                if outside[i] || (!trend[i] && (twoOfThree[i] || shift[i])) {
                    side[i] = rtm(i) > 0 ? 1 : -1
                } else if trend[i] {
                    // The direction of the trend: the step to the next point when it is in the
                    // trend too, otherwise the step from the one before.
                    let right = i + 1 < seg.end && trend[i + 1]
                    let d = right ? values[i + 1] - values[i] : (i > seg.start ? values[i] - values[i - 1] : 0)
                    side[i] = d > 0 ? 1 : -1
                }
            }
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
