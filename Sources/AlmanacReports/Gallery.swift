import AlmanacAnalysis
import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacRender
import AlmanacWarehouse
import Foundation

/// Every chart type drawn from the warehouse, as PDF, SVG and PNG, so a person can look at
/// all of them at once (`almanac gallery`).
public struct Gallery {
    let model: SemanticModel
    let warehouse: Warehouse
    let branding: Branding
    let tilesPath: String
    let boundariesPath: String

    public init(model: SemanticModel, warehouse: Warehouse, branding: Branding, tilesPath: String, boundariesPath: String) {
        self.model = model
        self.warehouse = warehouse
        self.branding = branding
        self.tilesPath = tilesPath
        self.boundariesPath = boundariesPath
    }

    /// Polygons (outer rings) by feature name from a GeoJSON file of Polygon or MultiPolygon features.
    static func loadShapes(_ path: String) throws -> [String: [[Point]]] {
        guard let data = FileManager.default.contents(atPath: path),
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let features = root["features"] as? [[String: Any]]
        else {
            throw Diagnostic(file: path, message: "not a GeoJSON FeatureCollection", hint: "regenerate it with `almanac sample --out sample-data`")
        }
        var shapes: [String: [[Point]]] = [:]
        for f in features {
            guard let name = (f["properties"] as? [String: Any])?["name"] as? String,
                let geometry = f["geometry"] as? [String: Any], let type = geometry["type"] as? String else { continue }
            let polygons: [[[[Double]]]]
            if type == "Polygon", let c = geometry["coordinates"] as? [[[Double]]] { polygons = [c] }
            else if type == "MultiPolygon", let c = geometry["coordinates"] as? [[[[Double]]]] { polygons = c }
            else { continue }
            shapes[name] = polygons.compactMap { $0.first?.compactMap { $0.count >= 2 ? Point($0[0], $0[1]) : nil } }
        }
        return shapes
    }

    /// The chart specs for `month` (the latest month shown).
    public func specs(month: Period) throws -> [(name: String, spec: ChartSpec)] {
        let ex = QueryExecutor(model: model, warehouse: warehouse)
        let last13 = ResolvedPeriod(first: month.shifted(by: -12), count: 13)
        let last24 = ResolvedPeriod(first: month.shifted(by: -23), count: 24)
        func run(_ measures: [String], _ by: [String], _ p: ResolvedPeriod?, filter: String? = nil) throws -> DataTable {
            try ex.run(QueryRequest(measures: measures, by: by, filter: filter), period: p)
        }
        func pivot(_ t: DataTable, rows: String, columns: String, value: String) -> (categories: [String], series: [Series]) {
            var cats: [String] = [], names: [String] = [], cells: [String: [String: Double]] = [:]
            for r in 0..<t.rowCount {
                let c = t.column(columns)!.values.text(at: r) ?? "", n = t.column(rows)!.values.text(at: r) ?? ""
                if !cats.contains(c) { cats.append(c) }
                if !names.contains(n) { names.append(n) }
                cells[n, default: [:]][c] = t.column(value)!.values.double(at: r)
            }
            return (cats, names.map { n in Series(name: n, values: cats.map { cells[n]?[$0] }) })
        }
        var monthKeys: [String: String] = [:]
        func monthLabels(_ keys: [String]) -> [String] {
            keys.map { key in
                let label = TimeGrain.month.label(forKey: key, short: true)
                monthKeys[label] = key
                return label
            }
        }
        let contacts = model.measure("contacts")!
        var out: [(String, ChartSpec)] = []

        let byDirectorate = pivot(try run(["contacts"], ["month", "directorate"], last13), rows: "directorate", columns: "month", value: "contacts")
        out.append(("line", ChartSpec(kind: .line, title: "Contacts by directorate", subtitle: "Monthly, \(last13.label)",
                                      categories: monthLabels(byDirectorate.categories), series: byDirectorate.series, format: .integer,
                                      measureLabel: "Contacts", categoryNoun: "month")))

        let rate = try run(["contacts_per_1000"], ["district"], ResolvedPeriod(first: month, count: 1))
        let districts = (0..<rate.rowCount).map { rate.column("district")!.values.text(at: $0) ?? "" }
        let rates = (0..<rate.rowCount).map { rate.column("contacts_per_1000")!.values.double(at: $0) }
        out.append(("bar", ChartSpec(kind: .bar, title: "Contacts per 1,000 residents by district", subtitle: month.label.capitalizedFirst,
                                     categories: districts, series: [Series(name: "Contacts per 1,000 residents", values: rates)],
                                     format: .decimal1, measureLabel: "Contacts per 1,000 residents", categoryNoun: "district", highlight: "Burnley")))

        let byChannel = pivot(try run(["contacts"], ["financial_year", "channel"], nil), rows: "channel", columns: "financial_year", value: "contacts")
        out.append(("grouped-column", ChartSpec(kind: .groupedColumn, title: "Contacts by channel and financial year", subtitle: "All services",
                                                categories: byChannel.categories, series: byChannel.series, format: .integer,
                                                measureLabel: "Contacts", categoryNoun: "financial year")))
        out.append(("percent-column", ChartSpec(kind: .percentColumn, title: "How customers reach us", subtitle: "Share of contacts by channel, each financial year",
                                                categories: byChannel.categories, series: byChannel.series, format: .percent,
                                                measureLabel: "Share of contacts", categoryNoun: "financial year")))
        let byDirYear = pivot(try run(["spend"], ["financial_year", "directorate"], nil), rows: "directorate", columns: "financial_year", value: "spend")
        out.append(("stacked-column", ChartSpec(kind: .stackedColumn, title: "Spend by directorate", subtitle: "Each financial year, £ cash terms",
                                                categories: byDirYear.categories, series: byDirYear.series, format: .currency,
                                                measureLabel: "Spend", categoryNoun: "financial year")))

        let heat = pivot(try run(["contacts"], ["month", "service"], ResolvedPeriod(first: month.shifted(by: -11), count: 12)), rows: "service", columns: "month", value: "contacts")
        out.append(("heatmap", ChartSpec(kind: .heatmap, title: "Contacts by service and month", subtitle: "Darker is more; the number is in each cell",
                                         categories: monthLabels(heat.categories), series: heat.series, format: .integer,
                                         measureLabel: "Contacts", categoryNoun: "month", height: 260)))

        let multiples = pivot(try run(["contacts"], ["month", "district"], last24), rows: "district", columns: "month", value: "contacts")
        out.append(("small-multiples", ChartSpec(kind: .smallMultiples, title: "Contacts by district", subtitle: "Monthly, \(last24.label); same scale in every panel",
                                                 categories: monthLabels(multiples.categories), series: multiples.series, format: .integer,
                                                 measureLabel: "Contacts", categoryNoun: "month", height: 360)))

        let total = try run(["contacts"], ["month"], last13)
        let spark = (0..<total.rowCount).map { total.column("contacts")!.values.double(at: $0) }
        var kpi = ChartSpec(kind: .kpi, title: "Contacts", subtitle: month.label.capitalizedFirst, categories: monthLabels((0..<total.rowCount).map { total.column("month")!.values.text(at: $0) ?? "" }),
                            series: [Series(name: "Contacts", values: spark)], format: .integer, measureLabel: "Contacts", width: 240, height: 150)
        kpi.extras.kpi = KPIComparison(value: spark.last.flatMap { $0 } ?? 0, previous: spark.first.flatMap { $0 }, previousLabel: month.shifted(by: -12).label)
        out.append(("kpi", kpi))

        let wyre = try run(["contacts"], ["month"], ResolvedPeriod(first: month.shifted(by: -35), count: 36), filter: "district = 'Wyre' and service = 'Highways'")
        let wyreValues = (0..<wyre.rowCount).map { wyre.column("contacts")!.values.double(at: $0) ?? 0 }
        let chart = try XmRChart.compute(wyreValues, improvement: .neutral)
        var xmr = ChartSpec(kind: .xmr, title: "Highways contacts in Wyre", subtitle: "Monthly, with process limits (NHS Making Data Count XmR)",
                            categories: monthLabels((0..<wyre.rowCount).map { wyre.column("month")!.values.text(at: $0) ?? "" }),
                            series: [Series(name: "Contacts", values: wyreValues)], format: .integer, measureLabel: contacts.label, categoryNoun: "month")
        let seg = chart.segments[0]
        xmr.extras.process = ProcessOverlay(mean: seg.mean, upper: seg.upper, lower: seg.lower,
                                            special: Dictionary(uniqueKeysWithValues: chart.points.enumerated().filter { !$0.element.rules.isEmpty }.map { ($0.offset, $0.element.side > 0) }),
                                            note: "neither improvement nor concern")
        out.append(("xmr", xmr))

        let counts = try run(["contacts", "contacts_per_1000"], ["district"], ResolvedPeriod(first: month, count: 1))
        var areas: [(name: String, numerator: Double, denominator: Double)] = []
        for r in 0..<counts.rowCount {
            guard let c = counts.column("contacts")?.values.double(at: r), let v = counts.column("contacts_per_1000")?.values.double(at: r), v > 0 else { continue }
            areas.append((counts.column("district")!.values.text(at: r) ?? "", c, c * 1000 / v))
        }
        if let funnel = try? FunnelPlot.compute(areas, kind: .rate(per: 1000)) {
            let maxSize = areas.map(\.denominator).max() ?? 1
            let theta = funnel.target / 1000
            // The limit curves: the limits an area of each size would have, at the overall rate.
            let limits = stride(from: maxSize / 60, through: maxSize * 1.05, by: maxSize / 60).compactMap { n -> (size: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double)? in
                guard let u = try? FunnelPlot.compute([("x", theta * n, n), ("y", theta * n, n), ("z", theta * n, n)], kind: .rate(per: 1000)).units[0] else { return nil }
                return (n, u.lower95, u.upper95, u.lower998, u.upper998)
            }
            var spec = ChartSpec(kind: .funnel, title: "Contacts per 1,000 residents: districts against size", subtitle: "\(month.label.capitalizedFirst); exact Poisson limits",
                                 categories: areas.map(\.name), series: [], format: .decimal1, measureLabel: "Contacts per 1,000 residents", categoryNoun: "district")
            spec.extras.funnel = FunnelOverlay(points: funnel.units.map { ($0.name, $0.denominator, $0.value) }, target: funnel.target, limits: limits, sizeLabel: "Residents")
            out.append(("funnel", spec))
        }

        var tiles: [String: (column: Int, row: Int)] = [:]
        try CSVReader(path: tilesPath).forEachRecord { r in
            guard r.line > 1, r.fields.count == 3, let c = Int(r.fields[1]), let row = Int(r.fields[2]) else { return }
            tiles[r.fields[0]] = (c, row)
        }
        var map = ChartSpec(kind: .tileMap, title: "Contacts per 1,000 residents", subtitle: "\(month.label.capitalizedFirst); tile map of districts (illustrative layout)",
                            categories: districts, series: [Series(name: "Contacts per 1,000 residents", values: rates)], format: .decimal1,
                            measureLabel: "Contacts per 1,000 residents", categoryNoun: "district", height: 360)
        map.extras.tiles = tiles
        out.append(("tile-map", map))

        var choropleth = ChartSpec(kind: .choropleth, title: "Contacts per 1,000 residents", subtitle: "\(month.label.capitalizedFirst); illustrative boundaries, not the real district boundaries",
                                   categories: districts, series: [Series(name: "Contacts per 1,000 residents", values: rates)], format: .decimal1,
                                   measureLabel: "Contacts per 1,000 residents", categoryNoun: "district", height: 380)
        choropleth.extras.shapes = try Self.loadShapes(boundariesPath)
        out.append(("choropleth", choropleth))

        let scatterData = try run(["contacts_per_1000", "spend_per_contact"], ["district"], ResolvedPeriod(first: month.shifted(by: -11), count: 12))
        let sd = (0..<scatterData.rowCount)
        out.append(("scatter", ChartSpec(kind: .scatter, title: "Demand and cost by district", subtitle: "12 months to \(month.label); each point a district",
                                         categories: sd.map { scatterData.column("district")!.values.text(at: $0) ?? "" },
                                         series: [Series(name: "Contacts per 1,000 residents", values: sd.map { scatterData.column("contacts_per_1000")!.values.double(at: $0) }),
                                                  Series(name: "Spend per contact (£)", values: sd.map { scatterData.column("spend_per_contact")!.values.double(at: $0) })],
                                         format: .currencyPence, measureLabel: "Spend per contact", categoryNoun: "district", highlight: "Burnley")))

        // A single line with a target, a rolling average, a fitted trend and an annotated point.
        let sen = try run(["contacts"], ["month"], last24, filter: "service = 'Special educational needs'")
        let senValues = (0..<sen.rowCount).map { sen.column("contacts")!.values.double(at: $0) }
        var overlays = ChartSpec(kind: .line, title: "Special educational needs contacts", subtitle: "Monthly, \(last24.label), with a 3-month average and the fitted trend",
                                 categories: monthLabels((0..<sen.rowCount).map { sen.column("month")!.values.text(at: $0) ?? "" }),
                                 series: [Series(name: "Contacts", values: senValues)], format: .integer, measureLabel: "Contacts", categoryNoun: "month")
        let rolling: [Double?] = senValues.indices.map { i in
            i < 2 ? nil : (senValues[(i - 2)...i].compactMap { $0 }.reduce(0, +) / 3)
        }
        overlays.extras.references.append(Series(name: "3-month average", values: rolling))
        if let fit = try? LinearTrend.fit(senValues) {
            overlays.extras.references.append(Series(name: "Trend", values: senValues.indices.map { fit.intercept + fit.slope * Double($0) }))
        }
        overlays.extras.target = ((senValues.compactMap { $0 }.max() ?? 0) * 1.1, "Capacity planned for")
        if let peak = senValues.indices.max(by: { (senValues[$0] ?? 0) < (senValues[$1] ?? 0) }) {
            overlays.extras.annotations = [(peak, "Highest month")]
        }
        out.append(("line-overlays", overlays))
        // Month categories carry their ISO keys, for the CSV beside each chart.
        return out.map { name, spec in
            var spec = spec
            spec.categoryKeys = spec.categories.map { monthKeys[$0] ?? $0 }
            if spec.kind == .kpi { spec.categoryNoun = "month" }
            return (name, spec)
        }
    }

    /// Draws every chart into `directory` as NN-name.pdf, .svg and .png, with the data behind
    /// it as NN-name.csv; returns the files.
    public func write(to directory: String, month: Period) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let compiler = ChartCompiler(theme: branding.theme, measurer: PangoTextMeasurer())
        var files: [String] = []
        for (i, item) in try specs(month: month).enumerated() {
            let scene = compiler.compile(item.spec)
            let base = (directory as NSString).appendingPathComponent(String(format: "%02d-", i + 1) + item.name)
            try CairoRenderer.writePDF(scene, to: base + ".pdf")
            try CairoRenderer.writeSVG(scene, to: base + ".svg", idPrefix: item.name)
            try CairoRenderer.writePNG(scene, to: base + ".png")
            // The data behind the chart, for anyone who cannot or would rather not read it.
            try AtomicFile.write(base + ".csv", [Array(CSVExporter.csv(item.spec.dataTable).utf8)])
            files += [base + ".pdf", base + ".svg", base + ".png", base + ".csv"]
        }
        return files
    }
}

extension Gallery {
    /// Median seconds to compile and draw each chart to PDF, SVG and PNG bytes in memory, in
    /// process, over `repeats` runs, and to write the PDF as a file (to a scratch folder):
    /// for the chart benchmark.
    public func timings(month: Period, repeats: Int) throws -> [(name: String, compile: Double, pdf: Double, svg: Double, png: Double, pdfFile: Double)] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-chart-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let compiler = ChartCompiler(theme: branding.theme, measurer: PangoTextMeasurer())
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<repeats {
                let t = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
            }
            return times.sorted()[times.count / 2]
        }
        return try specs(month: month).map { name, spec in
            let base = scratch + "/" + name
            let layout = median { _ = compiler.compile(spec) }
            // Spec to finished bytes in memory, as matplotlib's savefig to a BytesIO in bench/charts.py.
            let pdf = try median { _ = try CairoRenderer.pdf(compiler.compile(spec)) }
            let svg = try median { _ = try CairoRenderer.svg(compiler.compile(spec), idPrefix: name) }
            let png = try median { _ = try CairoRenderer.png(compiler.compile(spec)) }
            let pdfFile = try median { try CairoRenderer.writePDF(compiler.compile(spec), to: base + ".pdf") }
            return (name, layout, pdf, svg, png, pdfFile)
        }
    }
}

extension String {
    /// The string with its first letter in capitals ("financial year 2024-25" → "Financial year 2024-25").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
