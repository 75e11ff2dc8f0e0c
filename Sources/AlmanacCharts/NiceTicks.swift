import Foundation

/// Nice axis ticks by the extended Wilkinson algorithm of Talbot, Lin and Hanrahan (2010),
/// as in R's `labeling::extended` and scales' `breaks_extended`: it scores candidate step
/// sizes from the list Q for simplicity, coverage, density and legibility and keeps the best.
public enum NiceTicks {
    static let q: [Double] = [1, 5, 2, 2.5, 4, 3]
    static let weights = (simplicity: 0.25, coverage: 0.2, density: 0.5, legibility: 0.05)

    /// About `target` nice ticks covering [low, high]. When `zeroBased`, the range is first
    /// extended to include zero (bars start at zero).
    public static func ticks(low: Double, high: Double, target: Int = 5, zeroBased: Bool = false) -> [Double] {
        var dmin = low, dmax = high
        if zeroBased { dmin = min(0, dmin); dmax = max(0, dmax) }
        if !dmin.isFinite || !dmax.isFinite { return [0, 1] }
        if dmax - dmin < 1e-10 * max(1, abs(dmax)) {
            if dmin == 0 { return [0, 1] }
            let pad = abs(dmin) * 0.1
            dmin -= pad
            dmax += pad
            if zeroBased { dmin = min(0, dmin); dmax = max(0, dmax) }
        }
        let m = Double(max(2, target))
        var best: (score: Double, lmin: Double, lmax: Double, step: Double)?
        var j = 1.0
        outer: while j < 50 {
            for (qi, qv) in q.enumerated() {
                let sm = simplicityMax(qi: qi, j: j)
                if best != nil && weightSum(sm, 1, 1, 1) < best!.score { break outer }
                var k = 2.0
                while k < 50 {
                    let dm = densityMax(k: k, m: m)
                    if best != nil && weightSum(sm, 1, dm, 1) < best!.score { break }
                    let delta = (dmax - dmin) / (k + 1) / j / qv
                    var z = ceil(log10(delta))
                    while z < 300 {
                        let step = j * qv * pow(10, z)
                        let cm = coverageMax(dmin, dmax, step * (k - 1))
                        if best != nil && weightSum(sm, cm, dm, 1) < best!.score { break }
                        let minStart = Int(floor(dmax / step) * j - (k - 1) * j)
                        let maxStart = Int(ceil(dmin / step) * j)
                        if minStart <= maxStart {
                            for start in minStart...maxStart {
                                let lmin = Double(start) * (step / j)
                                let lmax = lmin + step * (k - 1)
                                let s = simplicity(qi: qi, j: j, lmin: lmin, lmax: lmax, step: step)
                                let c = coverage(dmin, dmax, lmin, lmax)
                                let g = density(k: k, m: m, dmin: dmin, dmax: dmax, lmin: lmin, lmax: lmax)
                                let score = weightSum(s, c, g, 1)
                                if (best == nil || score > best!.score) && (!zeroBased || (lmin <= dmin && lmax >= dmax)) {
                                    best = (score, lmin, lmax, step)
                                }
                            }
                        }
                        z += 1
                    }
                    k += 1
                }
            }
            j += 1
        }
        guard let b = best else { return [dmin, dmax] }
        var result: [Double] = []
        var v = b.lmin
        let count = Int(((b.lmax - b.lmin) / b.step).rounded())
        for i in 0...count {
            v = b.lmin + Double(i) * b.step
            // Clean floating noise: round to the step's precision.
            let digits = max(0, -Int(floor(log10(b.step))) + 1)
            let p = pow(10, Double(digits))
            result.append((v * p).rounded() / p)
        }
        return result
    }

    static func weightSum(_ s: Double, _ c: Double, _ d: Double, _ l: Double) -> Double {
        weights.simplicity * s + weights.coverage * c + weights.density * d + weights.legibility * l
    }
    static func simplicity(qi: Int, j: Double, lmin: Double, lmax: Double, step: Double) -> Double {
        let n = Double(q.count)
        let eps = 1e-10
        let rem = lmin.truncatingRemainder(dividingBy: step)
        let hasZero = (abs(rem) < eps || step - abs(rem) < eps) && lmin <= 0 && lmax >= 0
        return 1 - Double(qi) / (n - 1) - j + (hasZero ? 1 : 0)
    }
    static func simplicityMax(qi: Int, j: Double) -> Double { 1 - Double(qi) / Double(q.count - 1) - j + 1 }
    static func coverage(_ dmin: Double, _ dmax: Double, _ lmin: Double, _ lmax: Double) -> Double {
        let range = dmax - dmin
        return 1 - 0.5 * (pow(dmax - lmax, 2) + pow(dmin - lmin, 2)) / pow(0.1 * range, 2)
    }
    static func coverageMax(_ dmin: Double, _ dmax: Double, _ span: Double) -> Double {
        let range = dmax - dmin
        if span > range {
            let half = (span - range) / 2
            return 1 - 0.5 * (2 * half * half) / pow(0.1 * range, 2)
        }
        return 1
    }
    static func density(k: Double, m: Double, dmin: Double, dmax: Double, lmin: Double, lmax: Double) -> Double {
        let r = (k - 1) / (lmax - lmin)
        let rt = (m - 1) / (max(lmax, dmax) - min(dmin, lmin))
        return 2 - max(r / rt, rt / r)
    }
    static func densityMax(k: Double, m: Double) -> Double { k >= m ? 2 - (k - 1) / (m - 1) : 1 }
}
