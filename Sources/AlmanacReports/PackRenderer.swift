import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacRender
import Foundation

/// Lays out a built report as an A4 PDF pack: cover, contents with links, a page (or more)
/// per section, definitions and sources; running header and footer with "Page x of y",
/// bookmarks for every section, structure tags and fixed metadata.
public struct PackRenderer {
    let report: BuiltReport
    let branding: Branding
    let scenes: [Int: Scene]
    let tiles: [Int: [Scene]]

    let margin = 50.0
    var theme: Theme { branding.theme }

    /// Creates a renderer; `scenes` are the compiled charts by section index.
    public init(report: BuiltReport, branding: Branding, scenes: [Int: Scene], tiles: [Int: [Scene]] = [:]) {
        self.report = report
        self.branding = branding
        self.scenes = scenes
        self.tiles = tiles
    }

    /// Writes the pack to `path`; returns the number of pages.
    @discardableResult
    public func write(to path: String) throws -> Int {
        // Pass 1 finds where every section lands and how many pages there are; pass 2 draws
        // with those numbers in the contents and footers.
        let scratch = path + ".layout"
        let first = try PDFDocumentWriter(path: scratch, metadata: metadata)
        let layout = draw(on: first, totalPages: nil, sectionPages: [:])
        first.abandon()
        let writer = try PDFDocumentWriter(path: path, metadata: metadata)
        let final = draw(on: writer, totalPages: layout.pages, sectionPages: layout.sectionPages)
        try writer.finish()
        return final.pages
    }

    var metadata: PDFDocumentWriter.Metadata {
        PDFDocumentWriter.Metadata(
            title: "\(report.definition.title): \(report.period.label)", author: branding.organisation,
            subject: report.definition.description,
            keywords: (report.measures.map(\.label) + [report.period.key, report.definition.marking]).joined(separator: ", "),
            date: "\(report.produced)T00:00:00Z")
    }

    private func style(_ base: TextStyle, size: Double? = nil, weight: FontWeight? = nil, color: String? = nil) -> TextStyle {
        var s = base
        if let size { s.size = size }
        if let weight { s.weight = weight }
        if let color { s.color = RGBA(hex: color) }
        return s
    }

    private func draw(on pdf: PDFDocumentWriter, totalPages: Int?, sectionPages: [Int: Int]) -> (pages: Int, sectionPages: [Int: Int]) {
        var found: [Int: Int] = [:]
        let width = PDFDocumentWriter.a4.width - 2 * margin
        let body = style(theme.text, size: 10)
        let muted = style(theme.subtitle, size: 9.5)
        let h1 = style(theme.title, size: 17)
        let period = report.period.label
        let producedText = report.produced.longLabel

        // Cover.
        pdf.beginPage()
        pdf.bookmark("Cover", page: 1)
        pdf.rect(x: 0, y: 0, width: PDFDocumentWriter.a4.width, height: 250, fill: RGBA(hex: branding.accent))
        pdf.text(report.definition.marking, style: style(theme.text, size: 10, weight: .bold, color: "#FFFFFF"), x: margin, y: 30, width: width, align: .middle)
        pdf.text(branding.organisation, style: style(theme.text, size: 12, color: "#FFFFFF"), x: margin, y: 120, width: width)
        var y = 145.0
        pdf.beginTag("H1")
        y += pdf.text(report.definition.title, style: style(theme.title, size: 28, color: "#FFFFFF"), x: margin, y: y, width: width, tag: nil)
        pdf.endTag()
        y = 280
        y += pdf.text(period.prefix(1).uppercased() + period.dropFirst(), style: style(theme.title, size: 20), x: margin, y: y, width: width) + 14
        if !report.definition.description.isEmpty {
            y += pdf.text(report.definition.description, style: style(body, size: 11.5), x: margin, y: y, width: width) + 14
        }
        let coverFacts = [
            ("Produced", producedText),
            ("For", report.audience.map { a in a.member.map { "\(a.label): \($0) only" } ?? a.label }
                ?? (report.definition.audience.isEmpty ? "General use" : report.definition.audience)),
            ("Data up to", report.dataTo?.longLabel ?? "no data loaded"),
            ("Protective marking", report.definition.marking),
        ]
        for (k, v) in coverFacts {
            pdf.text(k, style: style(body, weight: .bold), x: margin, y: y, width: 140)
            y += max(pdf.text(v, style: body, x: margin + 140, y: y, width: width - 140), 14) + 6
        }
        if report.periodIsEmpty {
            y += 10
            pdf.text("There is no data for \(period) in the warehouse: every figure in this pack is empty.",
                     style: style(body, weight: .bold, color: "#801650"), x: margin, y: y, width: width)
        }
        pdf.text(report.definition.marking, style: style(theme.text, size: 10, weight: .bold), x: margin, y: PDFDocumentWriter.a4.height - 40, width: width, align: .middle)

        // Contents.
        pdf.beginPage()
        pdf.bookmark("Contents", page: 2)
        chrome(pdf, totalPages: totalPages)
        y = 70
        pdf.beginTag("H1")
        y += pdf.text("Contents", style: h1, x: margin, y: y, width: width, tag: nil) + 14
        pdf.endTag()
        var entries: [(String, Int?)] = report.sections.enumerated().map { ($0.element.definition.title, sectionPages[$0.offset]) }
        let charted = report.sections.enumerated().filter { $0.element.chart != nil }
        if !charted.isEmpty { entries.append(("Appendix: the data behind each chart", sectionPages[-2])) }
        entries.append(("Definitions, sources and data freshness", sectionPages[-1]))
        for (i, (title, page)) in entries.enumerated() {
            let label = "\(i + 1).  \(title)"
            let h = pdf.text(label, style: body, x: margin, y: y, width: width - 40)
            pdf.text(page.map(String.init) ?? "–", style: body, x: margin, y: y, width: width, align: .end)
            if let page { pdf.link(x: margin, y: y, width: width, height: h, page: page, top: 60) }
            y += h + 8
        }

        // Sections.
        let top = 70.0, bottomLimit = PDFDocumentWriter.a4.height - 70
        for (index, section) in report.sections.enumerated() {
            pdf.beginPage()
            chrome(pdf, totalPages: totalPages)
            found[index] = pdf.pageNumber
            pdf.bookmark(section.definition.title, page: pdf.pageNumber, top: top - 10)
            y = top
            pdf.beginTag("H1")
            y += pdf.text("\(index + 1). \(section.definition.title)", style: h1, x: margin, y: y, width: width, tag: nil) + 4
            pdf.endTag()
            y += pdf.text(section.coverage, style: muted, x: margin, y: y, width: width) + 10
            if let intro = section.definition.intro {
                y += pdf.text(intro, style: body, x: margin, y: y, width: width) + 12
            }
            if section.definition.kind == .text {
                for block in TextBlocks.parse(section.definition.text ?? "") {
                    if y > bottomLimit - 40 {
                        pdf.beginPage()
                        chrome(pdf, totalPages: totalPages)
                        y = top
                    }
                    switch block {
                    case .paragraph(let t): y += pdf.text(t, style: body, x: margin, y: y, width: width) + 8
                    case .bullet(let t):
                        pdf.text("•", style: body, x: margin + 4, y: y, tag: nil)
                        y += pdf.text(t, style: body, x: margin + 18, y: y, width: width - 18) + 4
                    }
                }
            } else if let sceneTiles = tiles[index], !sceneTiles.isEmpty {
                // KPI tiles, two to a row.
                var x = margin
                var rowHeight = 0.0
                for tile in sceneTiles {
                    if x + tile.width > margin + width + 1 {
                        x = margin
                        y += rowHeight + 12
                        rowHeight = 0
                    }
                    pdf.rect(x: x - 4, y: y - 4, width: tile.width + 8, height: tile.height + 8, fill: RGBA(hex: "#F3F2F1"))
                    pdf.scene(tile, x: x, y: y)
                    rowHeight = max(rowHeight, tile.height)
                    x += tile.width + 15
                }
                y += rowHeight + 16
                for tile in sceneTiles {
                    y += pdf.text(tile.description, style: style(muted, size: 9), x: margin, y: y, width: width) + 4
                }
            } else if section.definition.kind == .findings {
                if section.findings.isEmpty {
                    y += pdf.text("Nothing in the data reaches the bar for a finding.", style: body, x: margin, y: y, width: width) + 8
                }
                for f in section.findings {
                    if y > bottomLimit - 50 {
                        pdf.beginPage()
                        chrome(pdf, totalPages: totalPages)
                        y = top
                    }
                    pdf.text("•", style: body, x: margin + 4, y: y, tag: nil)
                    y += pdf.text(f.sentence, style: body, x: margin + 18, y: y, width: width - 18) + 2
                    y += pdf.text(f.test.prefix(1).uppercased() + f.test.dropFirst() + ".", style: style(muted, size: 8.5), x: margin + 18, y: y, width: width - 18) + 8
                }
            } else if let scene = scenes[index] {
                pdf.scene(scene, x: margin, y: y)
                y += scene.height + 10
                y += pdf.text("Chart description: " + scene.description, style: style(muted, size: 9), x: margin, y: y, width: width) + 12
                y += pdf.text("The data behind this chart is in a table in the HTML version and in the CSV file \(CSVExporter.fileName(index: index, section: section)).",
                              style: style(muted, size: 8.5), x: margin, y: y, width: width) + 10
            } else {
                y = drawTable(section.table, on: pdf, y: y, width: width, totalPages: totalPages, caption: section.definition.title, bottomLimit: bottomLimit, top: top)
            }
        }

        // Appendix: the table behind every chart, flowing across pages with headers repeated.
        if !charted.isEmpty {
            pdf.beginPage()
            chrome(pdf, totalPages: totalPages)
            found[-2] = pdf.pageNumber
            let appendix = pdf.bookmark("Appendix: the data behind each chart", page: pdf.pageNumber, top: top - 10)
            y = top
            pdf.beginTag("H1")
            y += pdf.text("Appendix: the data behind each chart", style: h1, x: margin, y: y, width: width, tag: nil) + 12
            pdf.endTag()
            for (index, section) in charted {
                if y > bottomLimit - 90 {
                    pdf.beginPage()
                    chrome(pdf, totalPages: totalPages)
                    y = top
                }
                pdf.bookmark(section.definition.title, page: pdf.pageNumber, top: y - 10, parent: appendix, open: false)
                pdf.beginTag("H2")
                y += pdf.text("\(index + 1). \(section.definition.title)", style: style(theme.title, size: 12.5), x: margin, y: y, width: width, tag: nil) + 2
                pdf.endTag()
                y += pdf.text(section.coverage, style: muted, x: margin, y: y, width: width) + 6
                y = drawTable(section.table, on: pdf, y: y, width: width, totalPages: totalPages, caption: section.definition.title,
                              bottomLimit: bottomLimit, top: top) + 6
            }
        }

        // Definitions and sources.
        pdf.beginPage()
        chrome(pdf, totalPages: totalPages)
        found[-1] = pdf.pageNumber
        pdf.bookmark("Definitions, sources and data freshness", page: pdf.pageNumber, top: top - 10)
        y = top
        pdf.beginTag("H1")
        y += pdf.text("Definitions, sources and data freshness", style: h1, x: margin, y: y, width: width, tag: nil) + 12
        pdf.endTag()
        pdf.beginTag("H2")
        y += pdf.text("Measures used in this report", style: style(theme.title, size: 12.5), x: margin, y: y, width: width, tag: nil) + 6
        pdf.endTag()
        for m in report.measures {
            if y > bottomLimit - 40 {
                pdf.beginPage()
                chrome(pdf, totalPages: totalPages)
                y = top
            }
            y += pdf.text(m.label, style: style(body, weight: .bold), x: margin, y: y, width: width) + 2
            y += pdf.text(m.description + " Unit: \(m.unit).", style: body, x: margin, y: y, width: width) + 8
        }
        y += 6
        pdf.beginTag("H2")
        y += pdf.text("Sources and data freshness", style: style(theme.title, size: 12.5), x: margin, y: y, width: width, tag: nil) + 6
        pdf.endTag()
        let lastLoad = report.loads.last.flatMap { Day(iso: String($0.loadedAt.prefix(10)))?.longLabel } ?? "never"
        y += pdf.text("Figures come from the \(branding.organisation) warehouse, last loaded on \(lastLoad), with activity up to \(report.dataTo?.longLabel ?? "no date"). Counts are exact; money is in pounds sterling, cash terms."
                      + (report.audience?.member.map { " Every figure in this pack is for \($0) only." } ?? ""),
                      style: body, x: margin, y: y, width: width) + 8
        let sourceTable = DataTable(columns: [
            DataColumn(name: "table", label: "Table", role: .dimension, values: .text(report.sources.map(\.table))),
            DataColumn(name: "rows", label: "Rows", role: .measure, format: .integer, values: .integer(report.sources.map { Int64($0.rows) })),
        ])
        if !report.sources.isEmpty {
            _ = drawTable(sourceTable, on: pdf, y: y, width: width * 0.6, totalPages: totalPages, caption: "Warehouse tables", bottomLimit: bottomLimit, top: top)
        }
        return (pdf.pageNumber, found)
    }

    /// Running header and footer.
    private func chrome(_ pdf: PDFDocumentWriter, totalPages: Int?) {
        let w = pdf.pageSize.width, h = pdf.pageSize.height
        let small = style(theme.subtitle, size: 8)
        pdf.text(branding.organisation, style: small, x: margin, y: 28, width: w - 2 * margin, tag: nil)
        pdf.text(report.definition.marking, style: style(small, weight: .bold, color: "#0B0C0C"), x: margin, y: 28, width: w - 2 * margin, align: .end, tag: nil)
        pdf.line(from: Point(margin, 42), to: Point(w - margin, 42), color: RGBA(hex: "#B1B4B6"), width: 0.5)
        if report.periodIsEmpty {
            // Said on every page, so a page printed on its own cannot be mistaken for real figures.
            pdf.text("No data for \(report.period.label): the figures on this page are empty.",
                     style: style(small, weight: .bold, color: "#801650"), x: margin, y: 46, width: w - 2 * margin, tag: nil)
        }
        pdf.line(from: Point(margin, h - 45), to: Point(w - margin, h - 45), color: RGBA(hex: "#B1B4B6"), width: 0.5)
        pdf.text("\(report.definition.title): \(report.period.label)", style: small, x: margin, y: h - 38, width: w - 2 * margin, tag: nil)
        pdf.text("Page \(pdf.pageNumber) of \(totalPages.map(String.init) ?? "?")", style: small, x: margin, y: h - 38, width: w - 2 * margin, align: .end, tag: nil)
    }

    /// Draws a table that flows onto new pages, repeating its header row; returns the new y.
    private func drawTable(
        _ table: DataTable, on pdf: PDFDocumentWriter, y startY: Double, width: Double, totalPages: Int?, caption: String,
        bottomLimit: Double, top: Double
    ) -> Double {
        var y = startY
        let cols = table.columns
        guard !cols.isEmpty else { return y }
        let body = style(theme.text, size: 9.5)
        let head = style(body, weight: .bold)
        let rowH = 18.0
        // The first column is as wide as its longest entry (within limits); the rest share what is left.
        let longest = ([cols[0].label] + (0..<table.rowCount).map { cols[0].display(at: $0) })
            .map { pdf.measure($0, style: head, width: nil).width }.max() ?? 0
        let firstW = cols.count > 1 ? min(max(longest + 12, width * 0.2), width * 0.4) : width
        let otherW = cols.count > 1 ? (width - firstW) / Double(cols.count - 1) : 0
        func x(_ i: Int) -> Double { margin + (i == 0 ? 0 : firstW + Double(i - 1) * otherW) }
        func w(_ i: Int) -> Double { i == 0 ? firstW : otherW }
        func header() {
            pdf.beginTag("TR")
            let h = cols.enumerated().map { pdf.measure($0.element.label, style: head, width: w($0.offset) - 8).height }.max() ?? 12
            pdf.rect(x: margin, y: y, width: width, height: h + 8, fill: RGBA(hex: "#F3F2F1"))
            for (i, c) in cols.enumerated() {
                pdf.beginTag("TH")
                pdf.text(c.label, style: head, x: x(i) + 4, y: y + 4, width: w(i) - 8, align: c.role == .measure ? .end : .start, tag: nil)
                pdf.endTag()
            }
            pdf.endTag()
            y += h + 8
        }
        pdf.beginTag("Table")
        header()
        if table.rowCount == 0 {
            y += pdf.text("No data for this period.", style: style(body, color: "#505A5F"), x: margin + 4, y: y + 3, width: width) + 6
        }
        for r in 0..<table.rowCount {
            if y + rowH > bottomLimit {
                pdf.endTag()
                pdf.beginPage()
                chrome(pdf, totalPages: totalPages)
                y = top
                y += pdf.text("\(caption) (continued)", style: style(theme.subtitle, size: 9.5), x: margin, y: y, width: width) + 6
                pdf.beginTag("Table")
                header()
            }
            pdf.beginTag("TR")
            for (i, c) in cols.enumerated() {
                pdf.beginTag("TD")
                pdf.text(c.display(at: r), style: body, x: x(i) + 4, y: y + 3, width: w(i) - 8, align: c.role == .measure ? .end : .start, tag: nil)
                pdf.endTag()
            }
            pdf.endTag()
            pdf.line(from: Point(margin, y + rowH), to: Point(margin + width, y + rowH), color: RGBA(hex: "#DDDDDD"), width: 0.5)
            y += rowH
        }
        pdf.endTag()
        return y + 12
    }
}
