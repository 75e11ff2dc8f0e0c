import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacWarehouse

/// What a PDF pack is drawn from: one or more built reports with their compiled charts,
/// and what the pack says about itself on its cover and in its closing pages.
public struct PackDocument: Sendable {
    /// One report in the pack.
    public struct Part: Sendable {
        /// The part's heading; nil for a pack of one report, whose sections are top-level.
        public var title: String?
        /// The report with its figures.
        public var report: BuiltReport
        /// Compiled charts by section index.
        public var scenes: [Int: Scene]
        /// Compiled KPI tiles by section index.
        public var tiles: [Int: [Scene]]

        public init(title: String?, report: BuiltReport, scenes: [Int: Scene], tiles: [Int: [Scene]]) {
            self.title = title
            self.report = report
            self.scenes = scenes
            self.tiles = tiles
        }
    }

    public var title: String
    public var description: String
    /// "For" on the cover.
    public var audience: String
    public var marking: String
    public var period: Period
    public var produced: Day
    public var organisation: String
    public var parts: [Part]
    /// Warehouse tables and rows (empty for a pack scoped to one area).
    public var sources: [(table: String, rows: Int)]
    public var loads: [Warehouse.LoadRecord]
    public var dataTo: Day?
    /// The member every figure is scoped to, if the whole pack is scoped.
    public var scopedTo: String?
    /// The reports in the pack as the cover lists them ("District profile, one for each of 12 districts").
    public var summary: [String] = []

    public init(
        title: String, description: String, audience: String, marking: String, period: Period, produced: Day,
        organisation: String, parts: [Part], sources: [(table: String, rows: Int)], loads: [Warehouse.LoadRecord],
        dataTo: Day?, scopedTo: String?
    ) {
        self.title = title
        self.description = description
        self.audience = audience
        self.marking = marking
        self.period = period
        self.produced = produced
        self.organisation = organisation
        self.parts = parts
        self.sources = sources
        self.loads = loads
        self.dataTo = dataTo
        self.scopedTo = scopedTo
    }

    /// A pack of one report.
    public init(report: BuiltReport, scenes: [Int: Scene], tiles: [Int: [Scene]]) {
        self.init(
            title: report.definition.title, description: report.definition.description,
            audience: report.audience.map { a in a.member.map { "\(a.label): \($0) only" } ?? a.label }
                ?? (report.definition.audience.isEmpty ? "General use" : report.definition.audience),
            marking: report.definition.marking, period: report.period, produced: report.produced,
            organisation: report.organisation, parts: [Part(title: nil, report: report, scenes: scenes, tiles: tiles)],
            sources: report.sources, loads: report.loads, dataTo: report.dataTo, scopedTo: report.audience?.member)
    }

    /// Every measure used, in first-use order, once.
    public var measures: [MeasureDef] {
        var seen = Set<String>()
        return parts.flatMap(\.report.measures).filter { seen.insert($0.name).inserted }
    }

    /// Whether the period has no data.
    public var periodIsEmpty: Bool { parts.contains { $0.report.periodIsEmpty } }

    /// The data file of section `index` of part `p`, relative to the publication folder:
    /// `data/03-contacts-by-directorate.csv` in a report, `data/02-03-…csv` in a pack of parts.
    public func dataFile(part p: Int, index: Int) -> String {
        let name = CSVExporter.fileName(index: index, section: parts[p].report.sections[index])
        return "data/" + (hasParts ? String(format: "%02d-", p + 1) + name : name)
    }

    /// Whether parts carry their own headings (and sections are numbered within them).
    var hasParts: Bool { parts.count > 1 || parts.first?.title != nil }
}
