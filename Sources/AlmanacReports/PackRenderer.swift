import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacRender
import Foundation

/// Lays out a pack — one report or several — as an A4 PDF: cover, contents with links,
/// the sections of each report on portrait or landscape pages, an appendix with the data
/// behind every chart, definitions of every measure used, and sources; running header and
/// footer with "Page x of y", bookmarks, structure tags and fixed metadata.
public struct PackRenderer {
    let document: PackDocument
    let branding: Branding

    let margin = 50.0
    var theme: Theme { branding.theme }

    /// Creates a renderer for a pack.
    public init(document: PackDocument, branding: Branding) {
        self.document = document
        self.branding = branding
    }

    /// Creates a renderer for a pack of one report; `scenes` are its compiled charts by section index.
    public init(report: BuiltReport, branding: Branding, scenes: [Int: Scene], tiles: [Int: [Scene]] = [:]) {
        self.init(document: PackDocument(report: report, scenes: scenes, tiles: tiles), branding: branding)
    }

    /// Writes the pack to `path`; returns the number of pages.
    @discardableResult
    public func write(to path: String) throws -> Int {
        // Pass 1 finds where everything lands and how many pages there are; pass 2 draws
        // with those numbers in the contents and footers.
        let first = try PDFDocumentWriter(path: path + ".layout", metadata: metadata)
        let layout = Layout(renderer: self, pdf: first, totalPages: nil, pages: [:])
        layout.draw()
        first.abandon()
        let writer = try PDFDocumentWriter(path: path, metadata: metadata)
        let final = Layout(renderer: self, pdf: writer, totalPages: layout.pdf.pageNumber, pages: layout.found)
        final.draw()
        try writer.finish()
        return writer.pageNumber
    }

    var metadata: PDFDocumentWriter.Metadata {
        PDFDocumentWriter.Metadata(
            title: "\(document.title): \(document.period.label)", author: branding.organisation,
            subject: document.description,
            keywords: (document.measures.map(\.label) + [document.period.key, document.marking]).joined(separator: ", "),
            date: "\(document.produced)T00:00:00Z")
    }

    func style(_ base: TextStyle, size: Double? = nil, weight: FontWeight? = nil, color: String? = nil) -> TextStyle {
        var s = base
        if let size { s.size = size }
        if let weight { s.weight = weight }
        if let color { s.color = RGBA(hex: color) }
        return s
    }
}

/// Where things are in the pack, found by the first pass and printed by the second.
enum PackPlace: Hashable {
    case part(Int)
    case section(Int, Int)
    case appendix
    /// Where the appendix table of section (part, index) starts.
    case appendixTable(Int, Int)
    case definitions
}

/// One drawing pass over the pack.
final class Layout {
    let r: PackRenderer
    let pdf: PDFDocumentWriter
    let totalPages: Int?
    let pages: [PackPlace: Int]
    var found: [PackPlace: Int] = [:]
    var y = 0.0
    let top = 70.0

    let body: TextStyle, muted: TextStyle, h1: TextStyle, h2: TextStyle
    var margin: Double { r.margin }
    var doc: PackDocument { r.document }

    init(renderer: PackRenderer, pdf: PDFDocumentWriter, totalPages: Int?, pages: [PackPlace: Int]) {
        r = renderer
        self.pdf = pdf
        self.totalPages = totalPages
        self.pages = pages
        body = r.style(r.theme.text, size: 10)
        muted = r.style(r.theme.subtitle, size: 9.5)
        h1 = r.style(r.theme.title, size: 17)
        h2 = r.style(r.theme.title, size: 13.5)
    }

    /// Width between the margins of the current page.
    var width: Double { pdf.pageSize.width - 2 * margin }
    /// Lowest y for content on the current page.
    var bottom: Double { pdf.pageSize.height - 70 }
    var landscape: Bool { pdf.pageSize.width > pdf.pageSize.height }

    /// Starts a page with the running header and footer.
    func newPage(landscape: Bool = false) {
        pdf.beginPage(landscape: landscape)
        chrome()
        y = top
    }

    /// Starts a new page of the same orientation when fewer than `room` points are left.
    func ensure(_ room: Double) {
        if y + room > bottom { newPage(landscape: landscape) }
    }

    /// Draws a heading, tagged `tag`, and moves down.
    func heading(_ text: String, _ s: TextStyle, tag: String, after: Double) {
        pdf.beginTag(tag)
        y += pdf.text(text, style: s, x: margin, y: y, width: width, tag: nil) + after
        pdf.endTag()
    }

    func paragraph(_ text: String, _ s: TextStyle, after: Double, indent: Double = 0) {
        y += pdf.text(text, style: s, x: margin + indent, y: y, width: width - indent) + after
    }

    /// The label of section `s` of part `p`: "3." alone, "2.3" within parts.
    func number(_ p: Int, _ s: Int) -> String { doc.hasParts ? "\(p + 1).\(s + 1)" : "\(s + 1)." }

    var charted: [(part: Int, index: Int, section: BuiltSection)] {
        doc.parts.enumerated().flatMap { p, part in
            part.report.sections.enumerated().filter { $0.element.chart != nil }.map { (p, $0.offset, $0.element) }
        }
    }

    func draw() {
        cover()
        contents()
        for (p, part) in doc.parts.enumerated() {
            var partBookmark: Int32 = 0
            for (index, section) in part.report.sections.enumerated() {
                newPage(landscape: isLandscape(section))
                if index == 0, let title = part.title {
                    found[.part(p)] = pdf.pageNumber
                    partBookmark = pdf.bookmark("\(p + 1). \(title)", page: pdf.pageNumber, top: top - 10, open: false)
                    heading("Part \(p + 1). \(title)", r.style(r.theme.title, size: 20), tag: "H1", after: 4)
                    if !part.report.definition.description.isEmpty { paragraph(part.report.definition.description, muted, after: 14) }
                }
                found[.section(p, index)] = pdf.pageNumber
                pdf.bookmark("\(number(p, index)) \(section.definition.title)", page: pdf.pageNumber, top: y - 10, parent: partBookmark)
                heading("\(number(p, index)) \(section.definition.title)", doc.hasParts ? h2 : h1, tag: doc.hasParts ? "H2" : "H1", after: 4)
                paragraph(section.coverage, muted, after: 10)
                if let intro = section.definition.intro { paragraph(intro, body, after: 12) }
                content(section, part: part, index: index, p: p)
            }
        }
        appendix()
        definitions()
    }

    /// A section's table is wide — landscape pages — when the section says so or it has more
    /// than seven columns.
    func isWide(_ section: BuiltSection) -> Bool {
        section.definition.landscape || section.table.columns.count > 7
    }

    /// A section's own pages: landscape for a wide table, or a chart drawn for a landscape page.
    func isLandscape(_ section: BuiltSection) -> Bool {
        section.chart == nil ? isWide(section) : section.definition.landscape
    }

    func cover() {
        let a4 = PDFDocumentWriter.a4
        pdf.beginPage()
        pdf.bookmark("Cover", page: 1)
        let w = a4.width - 2 * margin
        pdf.rect(x: 0, y: 0, width: a4.width, height: 250, fill: RGBA(hex: r.branding.accent))
        pdf.text(doc.marking, style: r.style(r.theme.text, size: 10, weight: .bold, color: "#FFFFFF"), x: margin, y: 30, width: w, align: .middle)
        if let logo = r.branding.logo {
            // The logo is drawn only if it can be read; Branding checked it is a PNG.
            _ = try? pdf.image(png: logo.png, x: margin, y: 52, height: 52, alt: logo.alt)
        }
        pdf.text(r.branding.organisation, style: r.style(r.theme.text, size: 12, color: "#FFFFFF"), x: margin, y: 120, width: w)
        y = 145
        heading(doc.title, r.style(r.theme.title, size: 28, color: "#FFFFFF"), tag: "H1", after: 0)
        y = 280
        let period = doc.period.label
        paragraph(period.prefix(1).uppercased() + period.dropFirst(), r.style(r.theme.title, size: 20), after: 14)
        if !doc.description.isEmpty { paragraph(doc.description, r.style(body, size: 11.5), after: 14) }
        var facts = [
            ("Produced", doc.produced.longLabel),
            ("For", doc.audience),
            ("Data up to", doc.dataTo?.longLabel ?? "no data loaded"),
            ("Protective marking", doc.marking),
        ]
        if !doc.summary.isEmpty { facts.append(("Reports", doc.summary.joined(separator: "\n"))) }
        for (k, v) in facts {
            pdf.text(k, style: r.style(body, weight: .bold), x: margin, y: y, width: 140)
            y += max(pdf.text(v, style: body, x: margin + 140, y: y, width: w - 140), 14) + 6
        }
        if doc.periodIsEmpty {
            y += 10
            pdf.text("There is no data for \(period) in the warehouse: every figure in this pack is empty.",
                     style: r.style(body, weight: .bold, color: "#801650"), x: margin, y: y, width: w)
        }
        pdf.text(doc.marking, style: r.style(r.theme.text, size: 10, weight: .bold), x: margin, y: a4.height - 40, width: w, align: .middle)
    }

    func contents() {
        newPage()
        pdf.bookmark("Contents", page: pdf.pageNumber)
        heading("Contents", h1, tag: "H1", after: 14)
        var entries: [(label: String, place: PackPlace, bold: Bool, indent: Double)] = []
        for (p, part) in doc.parts.enumerated() {
            if let title = part.title { entries.append(("\(p + 1). \(title)", .part(p), true, 0)) }
            for (i, s) in part.report.sections.enumerated() {
                entries.append(("\(number(p, i))  \(s.definition.title)", .section(p, i), false, doc.hasParts ? 18 : 0))
            }
        }
        if !charted.isEmpty { entries.append(("Appendix: the data behind each chart", .appendix, doc.hasParts, 0)) }
        entries.append(("Definitions, sources and data freshness", .definitions, doc.hasParts, 0))
        for e in entries {
            ensure(20)
            let s = e.bold ? r.style(body, weight: .bold) : body
            let page = pages[e.place]
            let h = pdf.text(e.label, style: s, x: margin + e.indent, y: y, width: width - 40 - e.indent)
            pdf.text(page.map(String.init) ?? "–", style: s, x: margin, y: y, width: width, align: .end)
            if let page { pdf.link(x: margin, y: y, width: width, height: h, page: page, top: 60) }
            y += h + (e.bold ? 8 : 6)
        }
    }

    func content(_ section: BuiltSection, part: PackDocument.Part, index: Int, p: Int) {
        if section.definition.kind == .text {
            for block in TextBlocks.parse(section.definition.text ?? "") {
                ensure(40)
                switch block {
                case .paragraph(let t): paragraph(t, body, after: 8)
                case .bullet(let t):
                    pdf.text("•", style: body, x: margin + 4, y: y, tag: nil)
                    paragraph(t, body, after: 4, indent: 18)
                }
            }
        } else if let sceneTiles = part.tiles[index], !sceneTiles.isEmpty {
            // KPI tiles, as many to a row as fit.
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
            for tile in sceneTiles { paragraph(tile.description, r.style(muted, size: 9), after: 4) }
        } else if section.definition.kind == .findings {
            if section.findings.isEmpty { paragraph("Nothing in the data reaches the bar for a finding.", body, after: 8) }
            for f in section.findings {
                ensure(50)
                pdf.text("•", style: body, x: margin + 4, y: y, tag: nil)
                paragraph(f.sentence, body, after: 2, indent: 18)
                paragraph(f.test.prefix(1).uppercased() + f.test.dropFirst() + ".", r.style(muted, size: 8.5), after: 8, indent: 18)
            }
        } else if let scene = part.scenes[index] {
            ensure(scene.height)
            pdf.scene(scene, x: margin, y: y)
            y += scene.height + 10
            paragraph("Chart description: " + scene.description, r.style(muted, size: 9), after: 6)
            let appendix = pages[.appendixTable(p, index)].map { " and in the appendix on page \($0)" } ?? " and in the appendix"
            paragraph("The data behind this chart is in the CSV file \(doc.dataFile(part: p, index: index))\(appendix).",
                      r.style(muted, size: 8.5), after: 10)
        } else {
            table(section.table, caption: section.definition.title)
        }
    }

    /// The table behind every chart, flowing across pages with headers repeated; wide tables on landscape pages.
    func appendix() {
        let entries = charted
        guard !entries.isEmpty else { return }
        newPage()
        found[.appendix] = pdf.pageNumber
        let bookmark = pdf.bookmark("Appendix: the data behind each chart", page: pdf.pageNumber, top: top - 10)
        heading("Appendix: the data behind each chart", h1, tag: "H1", after: 12)
        for (p, index, section) in entries {
            let wide = isWide(section)
            if wide != landscape { newPage(landscape: wide) } else { ensure(90) }
            found[.appendixTable(p, index)] = pdf.pageNumber
            pdf.bookmark("\(number(p, index)) \(section.definition.title)", page: pdf.pageNumber, top: y - 10, parent: bookmark, open: false)
            heading("\(number(p, index)) \(section.definition.title)", r.style(r.theme.title, size: 12.5), tag: "H2", after: 2)
            let partTitle = doc.parts[p].title.map { $0 + ". " } ?? ""
            paragraph(partTitle + section.coverage, muted, after: 6)
            table(section.table, caption: section.definition.title)
            y += 6
        }
    }

    func definitions() {
        newPage()
        found[.definitions] = pdf.pageNumber
        pdf.bookmark("Definitions, sources and data freshness", page: pdf.pageNumber, top: top - 10)
        heading("Definitions, sources and data freshness", h1, tag: "H1", after: 12)
        heading("Measures used in this pack", r.style(r.theme.title, size: 12.5), tag: "H2", after: 6)
        for m in doc.measures {
            ensure(40)
            paragraph(m.label, r.style(body, weight: .bold), after: 2)
            paragraph(m.description + " Unit: \(m.unit).", body, after: 8)
        }
        y += 6
        ensure(80)
        heading("Sources and data freshness", r.style(r.theme.title, size: 12.5), tag: "H2", after: 6)
        let lastLoad = doc.loads.last.flatMap { Day(iso: String($0.loadedAt.prefix(10)))?.longLabel } ?? "never"
        paragraph("Figures come from the \(r.branding.organisation) warehouse, last loaded on \(lastLoad), with activity up to \(doc.dataTo?.longLabel ?? "no date"). Counts are exact; money is in pounds sterling, cash terms."
                  + (doc.scopedTo.map { " Every figure in this pack is for \($0) only." } ?? ""), body, after: 8)
        if !doc.sources.isEmpty {
            let sourceTable = DataTable(columns: [
                DataColumn(name: "table", label: "Table", role: .dimension, values: .text(doc.sources.map(\.table))),
                DataColumn(name: "rows", label: "Rows", role: .measure, format: .integer, values: .integer(doc.sources.map { Int64($0.rows) })),
            ])
            table(sourceTable, caption: "Warehouse tables", width: width * 0.6)
        }
    }

    /// Running header and footer.
    func chrome() {
        let w = pdf.pageSize.width, h = pdf.pageSize.height
        let small = r.style(r.theme.subtitle, size: 8)
        pdf.text(r.branding.organisation, style: small, x: margin, y: 28, width: w - 2 * margin, tag: nil)
        pdf.text(doc.marking, style: r.style(small, weight: .bold, color: "#0B0C0C"), x: margin, y: 28, width: w - 2 * margin, align: .end, tag: nil)
        pdf.line(from: Point(margin, 42), to: Point(w - margin, 42), color: RGBA(hex: "#B1B4B6"), width: 0.5)
        if doc.periodIsEmpty {
            // Said on every page, so a page printed on its own cannot be mistaken for real figures.
            pdf.text("No data for \(doc.period.label): the figures on this page are empty.",
                     style: r.style(small, weight: .bold, color: "#801650"), x: margin, y: 46, width: w - 2 * margin, tag: nil)
        }
        pdf.line(from: Point(margin, h - 45), to: Point(w - margin, h - 45), color: RGBA(hex: "#B1B4B6"), width: 0.5)
        pdf.text("\(doc.title): \(doc.period.label)", style: small, x: margin, y: h - 38, width: w - 2 * margin, tag: nil)
        pdf.text("Page \(pdf.pageNumber) of \(totalPages.map(String.init) ?? "?")", style: small, x: margin, y: h - 38, width: w - 2 * margin, align: .end, tag: nil)
    }

    /// Draws a table that flows onto new pages of the same orientation, repeating its header row.
    func table(_ table: DataTable, caption: String, width tableWidth: Double? = nil) {
        let cols = table.columns
        guard !cols.isEmpty else { return }
        let width = tableWidth ?? self.width
        // Many columns: slightly smaller type, so headers and numbers fit without breaking words.
        let cell = r.style(r.theme.text, size: cols.count > 8 ? 8.5 : 9.5)
        let head = r.style(cell, weight: .bold)
        let rowH = cols.count > 8 ? 17.0 : 18.0
        // Each column needs room for its longest value and the longest word of its header; the
        // first (row labels) for its whole entries, within limits. Room to spare goes to the
        // number columns; a shortfall is shared out in proportion, and headers wrap.
        func widest(_ texts: [String], _ style: TextStyle) -> Double {
            // The few longest by characters are measured, not every cell.
            texts.sorted { $0.count > $1.count }.prefix(3).map { pdf.measure($0, style: style, width: nil).width }.max() ?? 0
        }
        var need = cols.enumerated().map { i, c -> Double in
            let values = (0..<table.rowCount).map { c.display(at: $0) }
            let header = i == 0 ? [c.label] : c.label.split(separator: " ").map(String.init)
            return max(widest(header, head), widest(values, i == 0 ? head : cell)) + (i == 0 ? 12 : 10)
        }
        if cols.count > 1 { need[0] = min(max(need[0], width * 0.15), width * 0.4) }
        let total = need.reduce(0, +)
        var widths = need
        if total <= width {
            let spare = width - total
            for i in widths.indices where i > 0 || cols.count == 1 { widths[i] += spare / Double(max(1, cols.count - 1)) }
            if cols.count == 1 { widths[0] = width }
        } else {
            widths = need.map { $0 * width / total }
        }
        let starts = widths.indices.map { i in margin + widths[..<i].reduce(0, +) }
        func x(_ i: Int) -> Double { starts[i] }
        func w(_ i: Int) -> Double { widths[i] }
        let headerHeight = (cols.enumerated().map { pdf.measure($0.element.label, style: head, width: w($0.offset) - 8).height }.max() ?? 12) + 8
        func header() {
            pdf.beginTag("TR")
            pdf.rect(x: margin, y: y, width: width, height: headerHeight, fill: RGBA(hex: "#F3F2F1"))
            for (i, c) in cols.enumerated() {
                pdf.beginTag("TH")
                pdf.text(c.label, style: head, x: x(i) + 4, y: y + 4, width: w(i) - 8, align: c.role == .measure ? .end : .start, tag: nil)
                pdf.endTag()
            }
            pdf.endTag()
            y += headerHeight
        }
        // A header is never left alone at the foot of a page.
        ensure(headerHeight + rowH * 2)
        pdf.beginTag("Table")
        header()
        if table.rowCount == 0 {
            y += pdf.text("No data for this period.", style: r.style(cell, color: "#505A5F"), x: margin + 4, y: y + 3, width: width) + 6
        }
        for row in 0..<table.rowCount {
            if y + rowH > bottom {
                pdf.endTag()
                newPage(landscape: landscape)
                paragraph("\(caption) (continued)", r.style(r.theme.subtitle, size: 9.5), after: 6)
                pdf.beginTag("Table")
                header()
            }
            pdf.beginTag("TR")
            for (i, c) in cols.enumerated() {
                pdf.beginTag("TD")
                pdf.text(c.display(at: row), style: cell, x: x(i) + 4, y: y + 3, width: w(i) - 8, align: c.role == .measure ? .end : .start, tag: nil)
                pdf.endTag()
            }
            pdf.endTag()
            pdf.line(from: Point(margin, y + rowH), to: Point(margin + width, y + rowH), color: RGBA(hex: "#DDDDDD"), width: 0.5)
            y += rowH
        }
        pdf.endTag()
        y += 12
    }
}
