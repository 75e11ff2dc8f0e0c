import AlmanacCore
import AlmanacRender
import Foundation
import Mustache

/// `index.html` of everything published in an output folder, built only from the manifests
/// Almanac wrote (`NAME/PERIOD/manifest.json`, `NAME/AUDIENCE/PERIOD/manifest.json`):
/// every period of every report and pack, grouped by title, newest period first.
public enum PublishedIndex {
    /// Rewrites `directory/index.html` from the manifests under it.
    public static func write(directory: String, organisation: String) throws {
        var pages: [(report: String, period: String, label: String, title: String, path: String, pdf: String?)] = []
        func add(_ folder: String, relative: String) {
            guard let m = OutputStore.manifest(at: folder) else { return }
            let report = (m["title"] as? String) ?? (m["name"] as? String) ?? relative
            let period = (m["period"] as? String) ?? ""
            let label = (m["period_label"] as? String) ?? period
            let audience = (m["audience_label"] as? String).map { " (\($0))" } ?? ""
            for d in (m["documents"] as? [[String: Any]]) ?? [] {
                guard let pdf = d["pdf"] as? String, !pdf.contains("..") else { continue }
                let title = ((d["title"] as? String) ?? report) + audience + ": " + label
                if let html = d["html"] as? String, !html.contains("..") {
                    pages.append((report, period, label, title, relative + "/" + html, relative + "/" + pdf))
                } else {
                    pages.append((report, period, label, title + " (PDF)", relative + "/" + pdf, nil))
                }
            }
        }
        for name in OutputStore.contents(directory) where OutputStore.isDirectory(OutputStore.join(directory, name)) {
            let base = OutputStore.join(directory, name)
            for child in OutputStore.contents(base) where !child.hasPrefix(".") {
                let path = OutputStore.join(base, child)
                if OutputStore.manifest(at: path) != nil {
                    add(path, relative: name + "/" + child)
                } else if OutputStore.isDirectory(path) {
                    for period in OutputStore.contents(path) where !period.hasPrefix(".") {
                        add(OutputStore.join(path, period), relative: name + "/" + child + "/" + period)
                    }
                }
            }
        }
        pages.sort { ($0.report, $1.period, $0.title) < ($1.report, $0.period, $1.title) }
        var groups: [[String: Any]] = []
        var reports: [String] = []
        for p in pages where !reports.contains(p.report) { reports.append(p.report) }
        for report in reports {
            groups.append(["report": report, "anchor": "report-\(groups.count + 1)", "pages": pages.filter { $0.report == report }.map {
                var row: [String: Any] = ["title": $0.title, "period": $0.label, "href": $0.path]
                if let pdf = $0.pdf { row["pdf"] = ["href": pdf] }
                return row
            }])
        }
        let template = try MustacheTemplate(string: """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="Almanac">
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
            {{^groups}}<p>Nothing has been published here yet.</p>{{/groups}}
            </main>
            </body>
            </html>
            """)
        let html = template.render(["organisation": organisation, "groups": groups] as [String: Any])
        try AtomicFile.write((directory as NSString).appendingPathComponent("index.html"), [Array(html.utf8)])
    }
}
