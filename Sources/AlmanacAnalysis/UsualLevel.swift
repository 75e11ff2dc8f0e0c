import Foundation

/// What a monthly series usually does, fitted so that an anomaly cannot hide itself.
///
/// - **Season**: one multiplicative index per calendar month, the median over the years of
///   each month's ratio to a running median of the 13 months around it (a spike or a dip
///   moves neither the running median nor, with three or more years, the median ratio).
///   Small series borrow the indices of the series they belong to.
/// - **Level and trend** for month t come from before t only: the Theil–Sen slope of the
///   log, deseasonalised series over the 24 months before t, and the median of the 12
///   months before t each carried forward along that slope. The month being judged never
///   pulls its own expectation, and a single odd month in the baseline does not either.
/// - **Noise**: counts are quasi-Poisson, variance φ × expected, with φ estimated from the
///   series (the biweight midvariance of its Pearson residuals, never below 1); money is a
///   compound Poisson sum of skewed payments (Tweedie, power 1.5): its spread is estimated
///   robustly on the fourth-root scale that stabilises that law's variance (a month with no
///   payments is still on the scale), and each month is judged against the gamma law with
///   the same mean and variance, plus the law's chance of no payment at all. Each month's variance is inflated for the uncertainty of its own baseline
///   (12 months' median and a slope from 12 to 24 months), so the first judged months are
///   not judged more harshly than later ones.
/// - **Minimum baseline**: nothing is judged before a series has `baselineMonths` months.
public struct UsualLevel: Sendable {
    /// How values vary: counts of events, or sums of money (or other skewed amounts).
    public enum Scale: Sendable { case count, amount }

    /// Months of history a series needs before any month of it is judged.
    public static let baselineMonths = 12
    /// Months the trend is estimated over.
    public static let slopeMonths = 24

    public var scale: Scale
    /// The series, oldest first.
    public var values: [Double]
    /// Seasonal factor of each month (1 when the series has no season, or too little history).
    public var season: [Double]
    /// Expected value of each month from the months before it (nil in the baseline).
    public var expected: [Double?]
    /// Variance inflation of each judged month for the uncertainty of its baseline.
    public var inflation: [Double]
    /// Counts: the dispersion φ (≥ 1). Amounts: the standard deviation of the fourth-root residuals.
    public var spread: Double
    /// The constant added before taking logs (0.5 for counts; 5% of the median for amounts).
    public var offset: Double
    /// log of each judged month's two-sided p-value against its expectation.
    public var logP: [Double?]
    /// Each judged month's standardised departure (+ above, − below).
    public var z: [Double?]
    /// Degrees of freedom of the spread's estimate: the biweight midvariance is about 87% as
    /// efficient as the standard deviation, so n residuals give about 0.87 (n − 1).
    public var degreesOfFreedom: Double = 3

    /// Seasonal indices of a series, one per calendar position (index i is the position of
    /// the series' month i mod 12), normalised to average 1; nil with under 24 months or
    /// no positive values.
    public static func seasonalIndices(_ y: [Double]) -> [Double]? {
        guard y.count >= 24 else { return nil }
        var ratios = [[Double]](repeating: [], count: 12)
        for t in y.indices {
            let window = Array(y[max(0, t - 6)...min(y.count - 1, t + 6)])
            let level = median(window)
            guard level > 0 else { continue }
            ratios[t % 12].append(y[t] / level)
        }
        guard ratios.allSatisfy({ $0.count >= 2 }) else { return nil }
        var indices = ratios.map { median($0) }
        let mean = indices.reduce(0, +) / 12
        guard mean > 0, indices.allSatisfy({ $0 > 0 }) else { return nil }
        indices = indices.map { $0 / mean }
        return indices
    }

    /// Fits the usual level of `values`. `indices` are seasonal indices by position (from
    /// `seasonalIndices`, of this series or of the series it belongs to).
    public init(_ values: [Double], scale: Scale, indices: [Double]?) {
        self.scale = scale
        self.values = values
        let n = values.count
        let season = (0..<n).map { i in indices.map { $0[i % 12] } ?? 1 }
        self.season = season
        let positive = values.filter { $0 > 0 }
        let offset = scale == .count ? 0.5 : max(1e-9, 0.05 * Self.median(positive.isEmpty ? [1] : positive))
        self.offset = offset
        let logs = (0..<n).map { log(max(0, values[$0] / season[$0]) + offset) }
        expected = Array(repeating: nil, count: n)
        inflation = Array(repeating: 1, count: n)
        logP = Array(repeating: nil, count: n)
        z = Array(repeating: nil, count: n)
        spread = 1
        guard n > Self.baselineMonths else { return }
        var raw: [Double] = []  // standardised residuals, for the spread
        // The baseline year is never judged, but it does say how much the series varies: each
        // of its months against the median of the other eleven (so that a scan early in a
        // series' life has more than a handful of residuals to estimate the spread from).
        let first = Array(0..<Self.baselineMonths)
        if scale == .count || !values[0..<Self.baselineMonths].contains(where: { $0 <= 0 }) {
            for t in first {
                let mu = max(0, exp(Self.median(first.filter { $0 != t }.map { logs[$0] })) - offset) * season[t]
                guard mu > 0 else { continue }
                let f = 1 + Double.pi / 2 / Double(Self.baselineMonths - 1)
                raw.append(scale == .count ? (values[t] - mu) / (mu * f).squareRoot() : (Self.root(values[t]) - Self.root(mu)) / f.squareRoot())
            }
        }
        for t in Self.baselineMonths..<n {
            let fit = Self.project(logs, to: t)
            let level = max(0, exp(fit.level) - offset)
            var mu = level * season[t]
            let baselineValues = values[(t - Self.baselineMonths)..<t]
            let baseline = baselineValues.reduce(0, +)
            if scale == .count {
                // A series that has been all but empty still has an expectation above zero.
                mu = max(mu, 0.5 * (baseline + 1) / Double(Self.baselineMonths))
            } else {
                // Amounts with no payment in a third of the baseline's months are too sparse
                // to have a usual level; otherwise the expectation is at least half the
                // baseline's mean, however the median falls.
                if Double(baselineValues.filter { $0 <= 0 }.count) >= Double(Self.baselineMonths) / 3 { continue }
                mu = max(mu, 0.5 * baseline / Double(Self.baselineMonths))
            }
            expected[t] = mu
            inflation[t] = fit.inflation
            if scale == .count {
                raw.append((values[t] - mu) / (mu * fit.inflation).squareRoot())
            } else {
                raw.append((Self.root(values[t]) - Self.root(mu)) / fit.inflation.squareRoot())
            }
        }
        let scaleEstimate = Self.biweightScale(raw)
        switch scale {
        case .count: spread = max(1, scaleEstimate * scaleEstimate)
        case .amount: spread = max(1e-3, scaleEstimate)
        }
        degreesOfFreedom = max(3, 0.87 * Double(raw.count - 1))
        for t in Self.baselineMonths..<n {
            guard let mu = expected[t] else { continue }
            let f = inflation[t]
            switch scale {
            case .count:
                let phi = spread * f
                z[t] = (values[t] - mu) / (phi * mu).squareRoot()
                logP[t] = allowForTheSpread(Distributions.logPoissonTwoSided(values[t] / phi, mean: mu / phi))
            case .amount:
                let variance = 16 * spread * spread * pow(mu, 1.5) * f
                guard mu > 0, variance > 0 else { continue }
                z[t] = (values[t] - mu) / variance.squareRoot()
                logP[t] = allowForTheSpread(Self.logTweedieTwoSided(values[t], mean: mu, variance: variance))
            }
        }
    }

    /// The level (log scale) of month `t` projected from the 12 months before it along Sen's
    /// slope of the 24 months before it, with the variance inflation of that projection:
    /// 1 + π/2 ÷ 12 (a median of 12) + the slope's share.
    static func project(_ logs: [Double], to t: Int) -> (level: Double, inflation: Double) {
        let slopeRange = max(0, t - slopeMonths)..<t
        let b = MannKendall.median(MannKendall.pairwiseSlopes(logs[slopeRange].map { Optional($0) }))
        let level = median(((t - baselineMonths)..<t).map { logs[$0] + b * Double(t - $0) })
        let ns = Double(slopeRange.count)
        // Theil–Sen's slope has about 1/0.91 of least squares' variance, 12σ²/(n³ − n); the
        // projection reaches 6.5 months past the baseline's centre.
        let slopeVariance = 12 / (ns * ns * ns - ns) / 0.91 * 6.5 * 6.5
        return (level, 1 + Double.pi / 2 / Double(baselineMonths) + slopeVariance)
    }

    /// A level shift still going on: the last `months` months (from month n − k on) at a
    /// different level from before, the series' trend and season allowed for. This is the
    /// segmented regression of an interrupted time series: a quasi-likelihood GLM with a log
    /// link, log μ_t = a + b·t + δ·[t ≥ n − k] + log(season_t), variance φ·μ (counts) or
    /// φ·μ^1.5 (amounts), fitted by iteratively reweighted least squares, φ from the biweight
    /// midvariance of the Pearson residuals; δ is tested against its standard error by
    /// Student's t. It is fitted again without the month furthest from the fit, so that one
    /// spike cannot pass for a shift, and the weaker result is reported. Nil when the series
    /// is too short, the fit fails, or fewer than two thirds of the months agree.
    public func shift(months k: Int) -> (logP: Double, observed: Double, expected: Double, agreeing: Int, step: Double)? {
        let n = values.count
        let change = n - k
        guard k >= 3, change >= Self.baselineMonths else { return nil }
        if scale == .amount && Double(values[(change - Self.baselineMonths)..<change].filter { $0 <= 0 }.count) >= Double(Self.baselineMonths) / 3 { return nil }
        let power = scale == .count ? 1.0 : 1.5
        let centre = Double(n - 1) / 2
        let y = values, seasons = season
        func fit(_ kept: [Int], from start: (Double, Double, Double)? = nil) -> (a: Double, b: Double, step: Double, se: Double, pearson: [Double], beta: (Double, Double, Double))? {
            // Start from the log of the deseasonalised values, or from a fit already made.
            var (b0, b1, b2) = start ?? (0.0, 0.0, 0.0)
            var eta = [Double](repeating: 0, count: kept.count)
            for i in 0..<kept.count {
                let t = kept[i]
                if let start {
                    let x1: Double = Double(t) - centre
                    let x2: Double = t >= change ? start.2 : 0
                    eta[i] = start.0 + start.1 * x1 + x2
                } else {
                    eta[i] = log(max(y[t], 0) / seasons[t] + offset)
                }
            }
            for _ in 0..<30 {
                // Weighted least squares of the working response on [1, t, step]: the nine
                // sums of the normal equations, accumulated without arrays.
                var s00 = 0.0, s01 = 0.0, s02 = 0.0, s11 = 0.0, s12 = 0.0, s22 = 0.0, r0 = 0.0, r1 = 0.0, r2 = 0.0
                for i in 0..<kept.count {
                    let t = kept[i]
                    let mu = exp(eta[i]) * seasons[t]
                    let w = power == 1 ? mu : mu.squareRoot()
                    let z = eta[i] + (y[t] - mu) / mu
                    let x1 = Double(t) - centre, x2 = t >= change ? 1.0 : 0.0
                    s00 += w; s01 += w * x1; s02 += w * x2; s11 += w * x1 * x1; s12 += w * x1 * x2; s22 += w * x2 * x2
                    r0 += w * z; r1 += w * x1 * z; r2 += w * x2 * z
                }
                guard let solved = Self.solve3(s00, s01, s02, s11, s12, s22, r0, r1, r2) else { return nil }
                let inverse = solved.inverse33
                let moved = max(abs(solved.x0 - b0), abs(solved.x1 - b1), abs(solved.x2 - b2))
                (b0, b1, b2) = (solved.x0, solved.x1, solved.x2)
                var finite = true
                for i in 0..<kept.count {
                    let t = kept[i]
                    eta[i] = b0 + b1 * (Double(t) - centre) + (t >= change ? b2 : 0)
                    if !(eta[i].isFinite && eta[i] < 700) { finite = false }
                }
                guard finite else { return nil }
                if moved < 1e-9 {
                    let pearson = kept.indices.map { i -> Double in
                        let mu = exp(eta[i]) * seasons[kept[i]]
                        return (y[kept[i]] - mu) / pow(mu, power / 2)
                    }
                    let phi = scale == .count ? max(1, pow(Self.biweightScale(pearson), 2)) : pow(Self.biweightScale(pearson), 2)
                    return (b0 - b1 * centre, b1, b2, (phi * inverse).squareRoot(), pearson, (b0, b1, b2))
                }
            }
            return nil
        }
        let all = Array(0..<n)
        guard let full = fit(all), full.se > 0 else { return nil }
        let df = max(3, 0.87 * Double(n - 4))
        guard let worst = full.pearson.indices.max(by: { abs(full.pearson[$0]) < abs(full.pearson[$1]) }),
            let without = fit(all.filter { $0 != worst }, from: full.beta), without.se > 0, (without.step > 0) == (full.step > 0)
        else { return nil }
        let logP = max(Distributions.logStudentTTwoSided(full.step / full.se, df: df), Distributions.logStudentTTwoSided(without.step / without.se, df: df))
        // What the window would have been without the step.
        let window = Array(change..<n)
        let usual = window.map { t in exp(full.a + full.b * Double(t)) * season[t] }
        let observed = window.map { values[$0] }.reduce(0, +), expected = usual.reduce(0, +)
        let agreeing = window.indices.filter { (values[window[$0]] >= usual[$0]) == (full.step > 0) }.count
        return (logP, observed, expected, agreeing, full.step)
    }

    /// Solves the symmetric 3 × 3 system [a00 a01 a02; a01 a11 a12; a02 a12 a22] x = r by
    /// Cramer's rule; returns x and the (3, 3) element of the inverse (the step's variance factor).
    static func solve3(_ a00: Double, _ a01: Double, _ a02: Double, _ a11: Double, _ a12: Double, _ a22: Double,
                       _ r0: Double, _ r1: Double, _ r2: Double) -> (x0: Double, x1: Double, x2: Double, inverse33: Double)? {
        // Cofactors of the symmetric matrix.
        let c00 = a11 * a22 - a12 * a12, c01 = a02 * a12 - a01 * a22, c02 = a01 * a12 - a02 * a11
        let c11 = a00 * a22 - a02 * a02, c12 = a01 * a02 - a00 * a12, c22 = a00 * a11 - a01 * a01
        let det = a00 * c00 + a01 * c01 + a02 * c02
        guard det.isFinite, abs(det) > 1e-12 * max(1, abs(a00 * a11 * a22)) else { return nil }
        let x0 = (c00 * r0 + c01 * r1 + c02 * r2) / det
        let x1 = (c01 * r0 + c11 * r1 + c12 * r2) / det
        let x2 = (c02 * r0 + c12 * r1 + c22 * r2) / det
        let inverse33 = c22 / det
        guard x0.isFinite, x1.isFinite, x2.isFinite, inverse33 > 0 else { return nil }
        return (x0, x1, x2, inverse33)
    }

    /// The spread is estimated, not known: a departure's p-value from the model's own law is
    /// turned into the normal deviate with the same p-value, and that deviate is judged
    /// against Student's t with the estimate's degrees of freedom (as a t-test does with an
    /// estimated standard deviation). Pooled over every series of a scan, the p-values this
    /// gives are calibrated to the 99.5th percentile on data the scan has not seen.
    func allowForTheSpread(_ logP: Double) -> Double {
        Distributions.logStudentTTwoSided(Distributions.normalDeviate(logTwoSided: logP), df: degreesOfFreedom)
    }

    /// log two-sided p-value of an amount against a compound Poisson–gamma (Tweedie, power
    /// 1.5) law with this mean and variance: a gamma distribution with the same two moments
    /// for the sum of the payments, and the law's own chance of no payment at all,
    /// e^(−2 × shape), at zero. Skewed sums get skewed tails: a month with no payments in a
    /// series of three a month is no surprise; eight times the usual spend is.
    static func logTweedieTwoSided(_ x: Double, mean: Double, variance: Double) -> Double {
        let shape = mean * mean / variance, scale = variance / mean
        let tails = Distributions.logIncompleteGamma(shape, max(0, x) / scale)
        let none = -2 * shape
        // P(S ≤ x) = P(no payment) + the gamma's lower tail (which is 0 at x = 0).
        let lower = x <= 0 ? none : max(none, tails.lower) + log1p(exp(-abs(none - tails.lower)))
        return min(0, log(2) + min(min(0, lower), tails.upper))
    }

    /// The fourth root: the variance-stabilising transform of a compound Poisson (Tweedie,
    /// power 1.5) sum, where payments are few, skewed, and a month may have none.
    static func root(_ x: Double) -> Double { pow(max(0, x), 0.25) }

    /// Tukey's biweight midvariance, as a standard deviation: robust (a few anomalies do not
    /// move it) and 87% as efficient as the standard deviation on normal data, where the
    /// median absolute deviation is 37%.
    static func biweightScale(_ x: [Double]) -> Double {
        guard x.count >= 2 else { return 0 }
        let m = median(x)
        let mad = median(x.map { abs($0 - m) })
        guard mad > 0 else { return 0 }
        var top = 0.0, bottom = 0.0
        for v in x {
            let u = (v - m) / (9 * mad)
            guard abs(u) < 1 else { continue }
            let w = 1 - u * u
            top += (v - m) * (v - m) * w * w * w * w
            bottom += w * (1 - 5 * u * u)
        }
        guard bottom != 0 else { return 1.4826 * mad }
        return (Double(x.count) * top).squareRoot() / abs(bottom)
    }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return 0 }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
