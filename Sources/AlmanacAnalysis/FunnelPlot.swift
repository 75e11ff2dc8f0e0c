import Foundation

/// A funnel plot for comparing areas' rates or proportions with the overall value, with
/// control limits that widen for small areas (Spiegelhalter 2005, "Funnel plots for
/// comparing institutional performance", Statistics in Medicine 24:1185–1202).
public struct FunnelPlot: Equatable, Sendable {
    /// What is being compared.
    public enum Kind: Equatable, Sendable {
        /// Counts over a denominator of person-time or population, shown per `per` (Poisson).
        case rate(per: Double)
        /// Successes out of trials (binomial).
        case proportion
    }

    /// Where an area falls.
    public enum Position: String, Sendable, Codable {
        case above998 = "above the 99.8% limit"
        case above95 = "above the 95% limit"
        case within = "within the limits"
        case below95 = "below the 95% limit"
        case below998 = "below the 99.8% limit"
    }

    /// One area.
    public struct Unit: Equatable, Sendable {
        public var name: String
        public var numerator: Double, denominator: Double
        /// Its value (rate per `per`, or proportion).
        public var value: Double
        /// Limits for its denominator.
        public var lower95: Double, upper95: Double, lower998: Double, upper998: Double
        /// Standardised difference from the target (before any over-dispersion adjustment).
        public var z: Double
        public var position: Position
    }

    public var kind: Kind
    /// The overall value, on the plotted scale.
    public var target: Double
    public var units: [Unit]
    /// Over-dispersion: the scale factor φ from winsorised z-scores, and the additive
    /// random-effects variance τ² (0 when not used or not needed).
    public var phi: Double
    public var tau2: Double

    /// Builds the funnel. With `overdispersion`, limits widen by the additive random-effects
    /// term when φ shows more spread than chance alone (Spiegelhalter 2005, section 5).
    public static func compute(
        _ input: [(name: String, numerator: Double, denominator: Double)], kind: Kind, overdispersion: Bool = false
    ) throws -> FunnelPlot {
        let usable = input.filter { $0.denominator > 0 && $0.numerator >= 0 }
        guard usable.count >= 3 else { throw NotTested.tooShort(have: usable.count, need: 3) }
        let theta = usable.reduce(0) { $0 + $1.numerator } / usable.reduce(0) { $0 + $1.denominator }
        let scale: Double
        switch kind {
        case .rate(let per): scale = per
        case .proportion: scale = 1
        }
        func variance(_ n: Double) -> Double {
            kind == .proportion ? theta * (1 - theta) / n : theta / n
        }
        let zs = usable.map { u -> Double in
            let v = variance(u.denominator)
            return v > 0 ? (u.numerator / u.denominator - theta) / v.squareRoot() : 0
        }
        // Over-dispersion: φ from z-scores winsorised at the 10th and 90th percentiles.
        let sorted = zs.sorted()
        let k = Double(zs.count)
        let lowIndex = Int((0.1 * k).rounded(.down)), highIndex = max(lowIndex, Int((0.9 * k).rounded(.up)) - 1)
        let lo = sorted[min(lowIndex, sorted.count - 1)], hi = sorted[min(highIndex, sorted.count - 1)]
        let phi = zs.map { min(max($0, lo), hi) }.reduce(0) { $0 + $1 * $1 } / k
        var tau2 = 0.0
        if overdispersion && k * phi > k - 1 {
            let w = usable.map { 1 / variance($0.denominator) }
            let sw = w.reduce(0, +), sw2 = w.reduce(0) { $0 + $1 * $1 }
            tau2 = max(0, (k * phi - (k - 1)) / (sw - sw2 / sw))
        }
        let units = zip(usable, zs).map { u, z -> Unit in
            func limit(_ p: Double) -> Double {
                if tau2 > 0 {
                    return theta + Distributions.normalQuantile(p) * (variance(u.denominator) + tau2).squareRoot()
                }
                return exactLimit(p: p, theta: theta, n: u.denominator, kind: kind)
            }
            let l95 = limit(0.025), u95 = limit(0.975), l998 = limit(0.001), u998 = limit(0.999)
            let value = u.numerator / u.denominator
            let position: Position = value > u998 ? .above998 : value > u95 ? .above95 : value < l998 ? .below998 : value < l95 ? .below95 : .within
            return Unit(name: u.name, numerator: u.numerator, denominator: u.denominator, value: value * scale,
                        lower95: max(0, l95) * scale, upper95: u95 * scale, lower998: max(0, l998) * scale, upper998: u998 * scale,
                        z: z, position: position)
        }
        return FunnelPlot(kind: kind, target: theta * scale, units: units, phi: phi, tau2: tau2)
    }

    /// The exact limit at probability `p` for a unit of size `n`: the count r where the
    /// distribution's CDF passes p, interpolated between r − 1 and r so the limits are
    /// smooth (Spiegelhalter 2005, appendix A.1.1), divided by n.
    static func exactLimit(p: Double, theta: Double, n: Double, kind: Kind) -> Double {
        func cdf(_ r: Int) -> Double {
            kind == .proportion ? Distributions.binomialCDF(r, n: Int(n.rounded()), p: theta) : Distributions.poissonCDF(r, mean: theta * n)
        }
        // Find the smallest r with F(r) >= p, stepping from the mean.
        var r = max(0, Int((theta * n).rounded(.down)))
        while r > 0 && cdf(r - 1) >= p { r -= 1 }
        while cdf(r) < p { r += 1 }
        let fr = cdf(r), fr1 = cdf(r - 1)
        let alpha = fr - fr1 > 0 ? (fr - p) / (fr - fr1) : 0
        return (Double(r) - alpha) / n
    }
}
