import AlmanacCore

/// What a user asks for: measures, grouped by dimensions or time grains, filtered, over a
/// period. Names are the model's names; nothing here is SQL.
public struct QueryRequest: Sendable {
    /// Measure names, in output order.
    public var measures: [String]
    /// Dimension or time-grain names to group by, in output order.
    public var by: [String]
    /// A filter in the filter language (`district = 'Preston'`), or nil.
    public var filter: String?
    /// Where the filter came from, for errors (`--where`, `reports/x.yaml:12`).
    public var filterSource: String
    /// The period to include, or nil for all time.
    public var period: Period?
    /// Days to include when they are not one period (the last 13 months); wins over `period`.
    public var span: DateSpan?
    /// Keep only the first `limit` rows, after ordering.
    public var limit: Int?
    /// An audience's scope (`district = 'Burnley'`): ANDed into every query the request
    /// leads to, denominators and totals included, so nothing outside it can be seen.
    public var scope: String?

    /// Creates a request.
    public init(
        measures: [String], by: [String] = [], filter: String? = nil, filterSource: String = "--where",
        period: Period? = nil, span: DateSpan? = nil, limit: Int? = nil
    ) {
        self.span = span
        self.measures = measures
        self.by = by
        self.filter = filter
        self.filterSource = filterSource
        self.period = period
        self.limit = limit
    }
}
