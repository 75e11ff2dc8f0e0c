import AlmanacCharts
import AlmanacCore
import AlmanacModel
import Foundation
import Mustache

/// Renders a built report to one self-contained HTML page through the Mustache template
/// `templates/report.html.mustache`. Every value is HTML-escaped by the template engine;
/// only the SVG charts Almanac drew itself go in unescaped.
public struct HTMLRenderer {
    let template: MustacheTemplate

    /// Loads the template from the templates folder.
    public init(templates: String) throws {
        let path = (templates as NSString).appendingPathComponent("report.html.mustache")
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: path, message: "the HTML template is missing", hint: "restore templates/report.html.mustache")
        }
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw Diagnostic(file: path, message: "the HTML template does not parse: \(error)")
        }
    }

    /// The page for `report`, with `svgs` (inline SVG by section index).
    public func render(_ report: BuiltReport, branding: Branding, svgs: [Int: String], descriptions: [Int: String],
                       tiles: [Int: [(svg: String, description: String)]] = [:]) -> String {
        let produced = report.produced.longLabel
        let sections: [[String: Any]] = report.sections.enumerated().map { i, s in
            var d: [String: Any] = [
                "number": i + 1,
                "anchor": "section-\(i + 1)",
                "title": s.definition.title,
                "coverage": s.coverage,
                "csv": "data/" + CSVExporter.fileName(index: i, section: s),
                "table": table(s.table, caption: (s.chart != nil ? "Data behind the chart: " : "") + s.definition.title),
            ]
            if let intro = s.definition.intro { d["intro"] = intro }
            if let t = tiles[i] { d["kpiBlock"] = ["items": t.map { ["svg": $0.svg, "description": $0.description] }] }
            if s.definition.kind == .findings {
                d["findings"] = ["items": s.findings.map { ["sentence": $0.sentence, "test": $0.test] }, "none": s.findings.isEmpty] as [String: Any]
            }
            if s.definition.kind == .text {
                d["text"] = TextBlocks.parse(s.definition.text ?? "").map { b -> [String: Any] in
                    switch b {
                    case .paragraph(let p): return ["paragraph": p]
                    case .bullet(let t): return ["bullet": t]
                    }
                }
                d.removeValue(forKey: "table")
            }
            if let svg = svgs[i] {
                d["chart"] = ["svg": svg, "description": descriptions[i] ?? ""]
                d["svgFile"] = "charts/" + CSVExporter.baseName(index: i, section: s) + ".svg"
                d["pngFile"] = "charts/" + CSVExporter.baseName(index: i, section: s) + ".png"
            }
            return d
        }
        var context: [String: Any] = [
            "lang": "en-GB",
            "title": report.definition.title,
            "period": report.period.label.prefix(1).uppercased() + report.period.label.dropFirst(),
            "organisation": branding.organisation,
            "accent": branding.accent,
            "marking": report.definition.marking,
            "description": report.definition.description,
            "audience": report.definition.audience,
            "produced": produced,
            "dataTo": report.dataTo?.longLabel ?? "no data",
            "empty": report.periodIsEmpty,
            "sections": sections,
            "measures": report.measures.map { ["label": $0.label, "description": $0.description, "unit": $0.unit] },
            "sources": report.sources.map { ["table": $0.table, "rows": NumberFormat.integer.format(Double($0.rows))] },
        ]
        if let logo = branding.logo {
            // Inline, so the page stays one self-contained file.
            context["logo"] = ["src": "data:image/png;base64," + Data(logo.png).base64EncodedString(), "alt": logo.alt]
        }
        return template.render(context)
    }

    private func table(_ t: DataTable, caption: String) -> [String: Any] {
        [
            "caption": caption,
            "headers": t.columns.map { ["label": $0.label, "numeric": $0.role == .measure] },
            "rows": (0..<t.rowCount).map { r in
                [
                    "header": t.columns.first?.display(at: r) ?? "",
                    "cells": t.columns.dropFirst().map { ["value": $0.display(at: r), "numeric": $0.role == .measure] },
                ] as [String: Any]
            },
            "empty": t.rowCount == 0,
            "width": t.columns.count,
        ]
    }
}
