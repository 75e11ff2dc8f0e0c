import AlmanacCore
import AlmanacQuery
import AlmanacWarehouse

/// The query-layer request behind a published table, recorded beside its CSV so that anyone
/// can ask `almanac query` the same question and get the same figures.
public struct PublishedQuery: Sendable, Equatable {
    /// Measure names.
    public var measures: [String]
    /// Dimensions and time grains grouped by.
    public var by: [String]
    /// The section's filter, if any.
    public var filter: String?
    /// The audience scope, if any.
    public var scope: String?
    /// The period as `--period` accepts it (`2025-10`, `2024-11..2025-10`).
    public var period: String
    /// Comparisons.
    public var compare: [Comparison]
    /// Top N of the last dimension.
    public var top: Int?
    /// Subtotals and grand total.
    public var totals: Bool

    /// Records `request` over `period` with `options`.
    public init(_ request: QueryRequest, period: ResolvedPeriod, options: QueryOptions) {
        measures = request.measures
        by = request.by
        filter = request.filter
        scope = request.scope
        self.period = period.expression
        compare = options.compare
        top = options.top
        totals = options.totals
    }

    /// The `almanac query` arguments (after `query`) that give the same table as CSV.
    public var arguments: [String] {
        var a = [measures.joined(separator: ",")]
        if !by.isEmpty { a += ["--by", by.joined(separator: ",")] }
        a += ["--period", period]
        if let filter { a += ["--where", filter] }
        if let scope { a += ["--scope", scope] }
        for c in compare { a += ["--compare", c.rawValue] }
        if let top { a += ["--top", String(top)] }
        if totals { a.append("--totals") }
        return a + ["--format", "csv"]
    }

    /// The command as one shell line, each argument quoted where it needs it.
    public var commandLine: String {
        (["almanac", "query"] + arguments).map { arg in
            arg.allSatisfy { $0.isLetter || $0.isNumber || "-_,.=/".contains($0) } ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// The record as a JSON object.
    public var json: String {
        let q = JSONText.quote
        var fields = [
            "\"measures\": [" + measures.map(q).joined(separator: ", ") + "]",
            "\"by\": [" + by.map(q).joined(separator: ", ") + "]",
            "\"period\": \(q(period))",
        ]
        if let filter { fields.append("\"where\": \(q(filter))") }
        if let scope { fields.append("\"scope\": \(q(scope))") }
        if !compare.isEmpty { fields.append("\"compare\": [" + compare.map { q($0.rawValue) }.joined(separator: ", ") + "]") }
        if let top { fields.append("\"top\": \(top)") }
        if totals { fields.append("\"totals\": true") }
        fields.append("\"arguments\": [" + arguments.map(q).joined(separator: ", ") + "]")
        fields.append("\"command\": \(q(commandLine))")
        return "{" + fields.joined(separator: ", ") + "}"
    }
}
