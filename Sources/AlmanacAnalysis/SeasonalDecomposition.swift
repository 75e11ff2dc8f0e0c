/// Classical seasonal decomposition of a monthly series (as statsmodels'
/// `seasonal_decompose`): the trend is the centred 2×12 moving average, the seasonal
/// indices the mean of the detrended values at each position in the year, normalised, and
/// the seasonally adjusted series removes them, so a winter peak is not read as a trend.
public struct SeasonalDecomposition: Equatable, Sendable {
    /// Whether the season multiplies or adds to the level.
    public enum Model: Sendable { case multiplicative, additive }

    /// The centred moving average (nil for the first and last half-period).
    public var trend: [Double?]
    /// Seasonal factor for each point (index × or + amount).
    public var seasonal: [Double]
    /// What is left.
    public var residual: [Double?]
    /// The series with the season taken out.
    public var adjusted: [Double]
    /// One index per position in the cycle, starting with the series' first point.
    public var indices: [Double]

    /// Decomposes `x`; needs two full cycles, and positive values for the multiplicative model.
    public static func classical(_ x: [Double], period: Int = 12, model: Model = .multiplicative) throws -> SeasonalDecomposition {
        guard x.count >= 2 * period else { throw NotTested.tooShort(have: x.count, need: 2 * period) }
        if model == .multiplicative && x.contains(where: { $0 <= 0 }) {
            return try classical(x, period: period, model: .additive)
        }
        let half = period / 2
        var filter = Array(repeating: 1.0 / Double(period), count: period + (period % 2 == 0 ? 1 : 0))
        if period % 2 == 0 {
            filter[0] = 0.5 / Double(period)
            filter[period] = 0.5 / Double(period)
        }
        let trend: [Double?] = x.indices.map { t in
            guard t - half >= 0, t + half < x.count else { return nil }
            return filter.indices.reduce(0.0) { $0 + filter[$1] * x[t - half + $1] }
        }
        let detrended: [Double?] = x.indices.map { t in
            trend[t].map { model == .multiplicative ? x[t] / $0 : x[t] - $0 }
        }
        var averages = (0..<period).map { i -> Double in
            let v = stride(from: i, to: x.count, by: period).compactMap { detrended[$0] }
            return v.reduce(0, +) / Double(v.count)
        }
        let centre = averages.reduce(0, +) / Double(period)
        averages = averages.map { model == .multiplicative ? $0 / centre : $0 - centre }
        let seasonal = x.indices.map { averages[$0 % period] }
        let residual: [Double?] = x.indices.map { t in
            trend[t].map { model == .multiplicative ? x[t] / seasonal[t] / $0 : x[t] - seasonal[t] - $0 }
        }
        let adjusted = x.indices.map { model == .multiplicative ? x[$0] / seasonal[$0] : x[$0] - seasonal[$0] }
        return SeasonalDecomposition(trend: trend, seasonal: seasonal, residual: residual, adjusted: adjusted, indices: averages)
    }
}
