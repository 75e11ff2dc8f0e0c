import Foundation

/// The probability distributions the tests need, written from their textbook definitions:
/// the normal (through `erfc`), Student's t and the binomial (through the regularized
/// incomplete beta function) and the Poisson (through the regularized incomplete gamma
/// function), with continued fractions as in Numerical Recipes (Press et al., 3rd ed., 6.2–6.4).
public enum Distributions {
    /// P(Z ≤ z) for a standard normal Z.
    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The z with P(Z ≤ z) = p: Acklam's rational approximation refined by one Halley step
    /// (relative error below 1e-15).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        func horner(_ k: [Double], _ v: Double) -> Double { k.reduce(0) { $0 * v + $1 } }
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = horner(c, q) / (horner(d, q) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = horner(a, r) * q / (horner(b, r) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -horner(c, q) / (horner(d, q) * q + 1)
        }
        let e = normalCDF(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }

    /// The regularized incomplete beta function I_x(a, b).
    public static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logPowers - logBeta)
        if x < (a + 1) / (a + b + 2) { return front * betaFraction(x, a, b) / a }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...400 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The regularized lower incomplete gamma function P(a, x).
    public static func incompleteGamma(_ a: Double, _ x: Double) -> Double {
        exp(logIncompleteGamma(a, x).lower)
    }

    /// P(T ≤ t) for Student's t with `df` degrees of freedom.
    public static func studentTCDF(_ t: Double, df: Double) -> Double {
        let tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The t with P(T ≤ t) = p, by bisection on the CDF to 1e-14.
    public static func studentTQuantile(_ p: Double, df: Double) -> Double {
        var lo = -1e3, hi = 1e3
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if studentTCDF(mid, df: df) < p { lo = mid } else { hi = mid }
            if hi - lo < 1e-14 * max(1, abs(mid)) { break }
        }
        return (lo + hi) / 2
    }

    /// P(X ≤ k) for X ~ Poisson(mean).
    public static func poissonCDF(_ k: Int, mean: Double) -> Double {
        if k < 0 { return 0 }
        if mean <= 0 { return 1 }
        return 1 - incompleteGamma(Double(k + 1), mean)
    }

    /// P(X ≤ k) for X ~ Binomial(n, p).
    public static func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        return incompleteBeta(1 - p, Double(n - k), Double(k + 1))
    }
}

// MARK: Tails in log space

extension Distributions {
    /// log P(a, x) and log Q(a, x), the regularized lower and upper incomplete gamma
    /// functions, each computed directly (series below a + 1, continued fraction above) so
    /// that neither tail is found as 1 − the other: a p-value of 1e-300 keeps its digits.
    public static func logIncompleteGamma(_ a: Double, _ x: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (-.infinity, 0) }
        let logFront: Double = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = sum, ap = a
            for _ in 0..<100_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            let lower = logFront + log(sum)
            return (lower, log1mexp(lower))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        let upper = logFront + log(h)
        return (log1mexp(upper), upper)
    }

    /// log(1 − e^v) for v ≤ 0, accurate at both ends.
    public static func log1mexp(_ v: Double) -> Double {
        if v >= 0 { return -.infinity }
        return v > -0.693 ? log(-expm1(v)) : log1p(-exp(v))
    }

    /// log P(X ≤ k) and log P(X ≥ k) for a Poisson count X with the given mean, where k
    /// may be fractional (a quasi-Poisson count divided by its dispersion): P(X ≤ k) =
    /// Q(k + 1, mean) and P(X ≥ k) = P(k, mean), the continuous extension through the
    /// incomplete gamma function.
    public static func logPoissonTails(_ k: Double, mean: Double) -> (atMost: Double, atLeast: Double) {
        guard mean > 0 else { return (0, k <= 0 ? 0 : -.infinity) }
        let atMost = k < 0 ? -.infinity : logIncompleteGamma(k + 1, mean).upper
        let atLeast = k <= 0 ? 0 : logIncompleteGamma(k, mean).lower
        return (atMost, atLeast)
    }

    /// log P(Z > z) for a standard normal Z: through erfc while it is representable, then
    /// the asymptotic series (relative error below 1e-12 beyond z = 30).
    public static func logNormalUpperTail(_ z: Double) -> Double {
        if z < 30 { return log(0.5 * erfc(z / 2.0.squareRoot())) }
        let z2 = z * z
        let series = 1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2) + 105 / (z2 * z2 * z2 * z2)
        return -z2 / 2 - log(z) - 0.5 * log(2 * Double.pi) + log(series)
    }

    /// log of the two-sided p-value of a standard normal z.
    public static func logNormalTwoSided(_ z: Double) -> Double { min(0, log(2) + logNormalUpperTail(abs(z))) }

    /// log of the two-sided p-value of a count against a Poisson mean: twice the smaller tail.
    public static func logPoissonTwoSided(_ k: Double, mean: Double) -> Double {
        let t = logPoissonTails(k, mean: mean)
        return min(0, log(2) + min(t.atMost, t.atLeast))
    }

    /// Benjamini–Hochberg adjusted p-values (q-values) from log p-values: q(i) = min over
    /// j ≥ rank(i) of p(j) m / j, in log space; returned in the input order.
    public static func benjaminiHochberg(logP: [Double], tests m: Int? = nil) -> [Double] {
        let n = logP.count
        guard n > 0 else { return [] }
        let total = Double(max(m ?? n, n))
        let order = logP.indices.sorted { logP[$0] < logP[$1] }
        var adjusted = [Double](repeating: 0, count: n)
        var running = 0.0
        for rank in stride(from: n - 1, through: 0, by: -1) {
            let i = order[rank]
            running = min(running, logP[i] + log(total) - log(Double(rank + 1)))
            adjusted[i] = running
        }
        return adjusted
    }
}

extension Distributions {
    /// log I_x(a, b), the regularized incomplete beta function, without underflow.
    public static func logIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return -.infinity }
        if x >= 1 { return 0 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logFront: Double = a * log(x) + b * log1p(-x) - logBeta
        if x < (a + 1) / (a + b + 2) { return logFront + log(betaFraction(x, a, b)) - log(a) }
        return log1mexp(logFront + log(betaFraction(1 - x, b, a)) - log(b))
    }

    /// log of the two-sided p-value of Student's t with `df` degrees of freedom: I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func logStudentTTwoSided(_ t: Double, df: Double) -> Double {
        guard t.isFinite else { return -.infinity }
        return min(0, logIncompleteBeta(df / (df + t * t), df / 2, 0.5))
    }

    /// The normal deviate z ≥ 0 whose two-sided p-value has this log (Newton's method on the
    /// log upper tail, so it works at p = 1e-300 and beyond).
    public static func normalDeviate(logTwoSided lp: Double) -> Double {
        guard lp < 0 else { return 0 }
        guard lp.isFinite else { return .infinity }
        let target = lp - log(2)
        var z = lp > log(0.2) ? normalQuantile(1 - exp(lp) / 2) : (-2 * target).squareRoot()
        for _ in 0..<50 {
            let f = logNormalUpperTail(z) - target
            let slope = -exp(-z * z / 2 - 0.5 * log(2 * Double.pi) - logNormalUpperTail(z))
            let step = f / slope
            z -= step
            if z < 0 { z = 0 }
            if abs(step) < 1e-12 * max(1, z) { break }
        }
        return z
    }
}
