import Foundation

/// Why a test gave no result: said plainly, never guessed.
public enum NotTested: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer points than the test needs.
    case tooShort(have: Int, need: Int)
    /// Every value is the same: there is nothing to test.
    case constant

    public var description: String {
        switch self {
        case .tooShort(let have, let need): return "too few points for this test (\(have); it needs at least \(need))"
        case .constant: return "the series does not vary, so it has no trend"
        }
    }
}

/// An ordinary least squares line through a series against its index (0, 1, 2…).
public struct LinearTrend: Equatable, Sendable {
    /// Change per step.
    public var slope: Double
    /// Value at step 0.
    public var intercept: Double
    /// Standard error of the slope.
    public var standardError: Double
    /// 95% confidence interval of the slope (Student's t with n − 2 degrees of freedom).
    public var lower95: Double, upper95: Double
    /// Two-sided p-value for slope = 0.
    public var p: Double
    /// Points used.
    public var n: Int

    /// Fits the line; missing values (nil) are left out but keep their place in time.
    public static func fit(_ series: [Double?]) throws -> LinearTrend {
        let points = series.enumerated().compactMap { i, v in v.map { (Double(i), $0) } }
        let n = points.count
        guard n >= 3 else { throw NotTested.tooShort(have: n, need: 3) }
        let mx = points.map(\.0).reduce(0, +) / Double(n), my = points.map(\.1).reduce(0, +) / Double(n)
        let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let slope = sxy / sxx, intercept = my - slope * mx
        let sse = points.reduce(0) { let r = $1.1 - (intercept + slope * $1.0); return $0 + r * r }
        let df = Double(n - 2)
        let se = (sse / df).squareRoot() / sxx.squareRoot()
        let t975 = Distributions.studentTQuantile(0.975, df: df)
        let p: Double
        if se == 0 {
            p = slope == 0 ? 1 : 0
        } else {
            p = 2 * (1 - Distributions.studentTCDF(abs(slope / se), df: df))
        }
        return LinearTrend(slope: slope, intercept: intercept, standardError: se, lower95: slope - t975 * se,
                           upper95: slope + t975 * se, p: p, n: n)
    }
}

/// The Mann-Kendall test for a monotonic trend with Sen's slope, as in Gilbert (1987) and
/// pymannkendall's `original_test` and `seasonal_test` (Hirsch and Slack 1984): ties
/// corrected in the variance, continuity-corrected z, two-sided normal p-value.
public struct MannKendall: Equatable, Sendable {
    /// Direction found at the chosen significance level.
    public enum Direction: String, Sendable { case increasing, decreasing, noTrend = "no trend" }

    /// Mann-Kendall score S.
    public var s: Double
    /// Variance of S, corrected for ties.
    public var varS: Double
    /// Normalised statistic.
    public var z: Double
    /// Two-sided p-value.
    public var p: Double
    /// Kendall's tau.
    public var tau: Double
    /// Sen's slope (per step; per period for the seasonal test).
    public var slope: Double
    /// Intercept of the Kendall-Theil line (Conover 1980).
    public var intercept: Double
    /// Direction at `alpha`.
    public var direction: Direction

    /// The test on a series; nil values are missing (skipped, as pymannkendall does).
    public static func test(_ series: [Double?], alpha: Double = 0.05) throws -> MannKendall {
        let x = series.compactMap { $0 }
        guard x.count >= 4 else { throw NotTested.tooShort(have: x.count, need: 4) }
        guard Set(x).count > 1 else { throw NotTested.constant }
        let s = score(x), v = variance(x)
        let n = Double(x.count)
        let (slope, intercept) = sen(series)
        return finish(s: s, varS: v, denominator: 0.5 * n * (n - 1), slope: slope, intercept: intercept, alpha: alpha)
    }

    /// The seasonal test (one Mann-Kendall per season, summed), for monthly data `period` 12.
    public static func seasonal(_ series: [Double?], period: Int = 12, alpha: Double = 0.05) throws -> MannKendall {
        let present = series.compactMap { $0 }
        guard series.count >= 2 * period, present.count >= 2 * period else {
            throw NotTested.tooShort(have: present.count, need: 2 * period)
        }
        guard Set(present).count > 1 else { throw NotTested.constant }
        var s = 0.0, v = 0.0, denominator = 0.0
        var slopes: [Double] = []
        for season in 0..<period {
            let column = stride(from: season, to: series.count, by: period).map { series[$0] }
            let x = column.compactMap { $0 }
            let n = Double(x.count)
            s += score(x)
            v += variance(x)
            denominator += 0.5 * n * (n - 1)
            slopes += pairwiseSlopes(column)
        }
        let slope = median(slopes)
        let indices = series.enumerated().compactMap { $0.element == nil ? nil : Double($0.offset) }
        let intercept = median(present) - median(indices) / Double(period) * slope
        return finish(s: s, varS: v, denominator: denominator, slope: slope, intercept: intercept, alpha: alpha)
    }

    static func finish(s: Double, varS: Double, denominator: Double, slope: Double, intercept: Double, alpha: Double) -> MannKendall {
        let z: Double = s > 0 ? (s - 1) / varS.squareRoot() : s < 0 ? (s + 1) / varS.squareRoot() : 0
        let p = 2 * (1 - Distributions.normalCDF(abs(z)))
        let significant = abs(z) > Distributions.normalQuantile(1 - alpha / 2)
        let direction: Direction = significant ? (z > 0 ? .increasing : .decreasing) : .noTrend
        return MannKendall(s: s, varS: varS, z: z, p: p, tau: denominator > 0 ? s / denominator : 0, slope: slope,
                           intercept: intercept, direction: direction)
    }

    static func score(_ x: [Double]) -> Double {
        var s = 0
        for i in 0..<x.count {
            for j in (i + 1)..<max(i + 1, x.count) where x[j] != x[i] { s += x[j] > x[i] ? 1 : -1 }
        }
        return Double(s)
    }

    static func variance(_ x: [Double]) -> Double {
        let n = Double(x.count)
        var ties: [Double: Int] = [:]
        for v in x { ties[v, default: 0] += 1 }
        let correction = ties.values.reduce(0.0) { acc, t in let t = Double(t); return acc + t * (t - 1) * (2 * t + 5) }
        return (n * (n - 1) * (2 * n + 5) - correction) / 18
    }

    static func pairwiseSlopes(_ series: [Double?]) -> [Double] {
        var d: [Double] = []
        for i in 0..<series.count {
            guard let a = series[i] else { continue }
            for j in (i + 1)..<max(i + 1, series.count) {
                if let b = series[j] { d.append((b - a) / Double(j - i)) }
            }
        }
        return d
    }

    static func sen(_ series: [Double?]) -> (Double, Double) {
        let slope = median(pairwiseSlopes(series))
        let indices = series.enumerated().compactMap { $0.element == nil ? nil : Double($0.offset) }
        return (slope, median(series.compactMap { $0 }) - median(indices) * slope)
    }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
