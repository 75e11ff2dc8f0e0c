import AlmanacCore
import AlmanacRender
import Foundation
import Mustache

/// `index.html` of everything published in an output folder: each report's page (with its PDF)
/// and each PDF pack, found by walking the folder, grouped by report or pack and listed by
/// period, newest first.
public enum PublishedIndex {
    /// Rewrites `directory/index.html` from the HTML pages and PDF packs under it.
    public static func write(directory: String, organisation: String) throws {
        let fm = FileManager.default
        var pages: [(report: String, period: String, title: String, path: String, pdf: String?)] = []
        guard let walker = fm.enumerator(atPath: directory) else { return }
        var files: [String] = []
        while let item = walker.nextObject() as? String {
            if !item.contains(".almanac-staging") { files.append(item) }
        }
        let htmlStems = Set(files.filter { $0.hasSuffix(".html") }.map { String($0.dropLast(5)) })
        for item in files.sorted() {
            let path = (directory as NSString).appendingPathComponent(item)
            let title: String
            var pdf: String?
            if item.hasSuffix(".html"), item != "index.html" {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                    let open = text.range(of: "<title>"), let close = text.range(of: "</title>", range: open.upperBound..<text.endIndex)
                else { continue }
                title = String(text[open.upperBound..<close.lowerBound]).components(separatedBy: " – ").first ?? ""
                let sibling = String(item.dropLast(5)) + ".pdf"
                if files.contains(sibling) { pdf = sibling }
            } else if item.hasSuffix(".pdf"), !item.hasPrefix("charts/"), !item.contains("/charts/"),
                !htmlStems.contains(String(item.dropLast(4))), let t = PDFInfo.title(ofFile: path) {
                // A pack: a PDF with no page of its own.
                title = t
                pdf = item
            } else {
                continue
            }
            let name = ((item as NSString).lastPathComponent as NSString).deletingPathExtension
            let parts = name.split(separator: "-")
            // NAME-YYYY-MM[-member]: the period is the first part that is a 4-digit year followed by a month.
            var period = ""
            for i in parts.indices.dropLast() where parts[i].count == 4 && Int(parts[i]) != nil && parts[i + 1].count == 2 {
                period = "\(parts[i])-\(parts[i + 1])"
                break
            }
            let report = title.components(separatedBy: ":").first ?? title
            pages.append((report, period, title, item.hasSuffix(".html") ? item : pdf!, item.hasSuffix(".html") ? pdf : nil))
        }
        pages.sort { ($0.report, $1.period, $0.title) < ($1.report, $0.period, $1.title) }
        var groups: [[String: Any]] = []
        var reports: [String] = []
        for p in pages where !reports.contains(p.report) { reports.append(p.report) }
        for report in reports {
            groups.append(["report": report, "anchor": "report-\(groups.count + 1)", "pages": pages.filter { $0.report == report }.map {
                var row: [String: Any] = ["title": $0.title + ($0.path.hasSuffix(".pdf") ? " (PDF)" : ""), "period": $0.period, "href": $0.path]
                if let pdf = $0.pdf { row["pdf"] = ["href": pdf] }
                return row
            }])
        }
        let template = try MustacheTemplate(string: """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Published reports – {{organisation}}</title>
            <style>body{font-family:"Liberation Sans",Arial,sans-serif;color:#0b0c0c;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}
            a{color:#1d70b8}a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}
            table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left}</style>
            </head>
            <body>
            <header><p>{{organisation}}</p></header>
            <main>
            <h1>Published reports</h1>
            {{#groups}}
            <section aria-labelledby="{{anchor}}">
            <h2 id="{{anchor}}">{{report}}</h2>
            <table><caption>{{report}}: everything published, newest period first</caption>
            <thead><tr><th scope="col">Report</th><th scope="col">Period</th><th scope="col">PDF</th></tr></thead>
            <tbody>{{#pages}}<tr><th scope="row"><a href="{{href}}">{{title}}</a></th><td>{{period}}</td><td>{{#pdf}}<a href="{{href}}" aria-label="{{title}} (PDF)">PDF</a>{{/pdf}}</td></tr>{{/pages}}</tbody>
            </table>
            </section>
            {{/groups}}
            </main>
            </body>
            </html>
            """)
        let html = template.render(["organisation": organisation, "groups": groups] as [String: Any])
        try html.write(toFile: (directory as NSString).appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
    }
}
