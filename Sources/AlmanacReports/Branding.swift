import AlmanacCharts
import AlmanacCore
import AlmanacModel
import Foundation
import Yams

/// The organisation's look, from `templates/theme.yaml`: its name, colours and fonts.
/// A council changes these without touching Swift.
public struct Branding: Sendable {
    /// Organisation name on covers, headers and HTML.
    public var organisation: String
    /// Accent colour (cover band, headings' rule).
    public var accent: String
    /// The chart and page theme.
    public var theme: Theme

    /// Reads `theme.yaml` from the templates folder; every key is optional.
    public static func load(templates: String) throws -> Branding {
        let path = (templates as NSString).appendingPathComponent("theme.yaml")
        var base = Branding(organisation: "Almanac", accent: "#12436D", theme: .analysisFunction())
        guard FileManager.default.fileExists(atPath: path) else { return base }
        let r = try YAMLReader.load(path: path)
        try r.checkKeys(["organisation", "accent", "font_family", "styles", "palette", "highlight", "grid"], in: "the theme")
        if let o = r.optional("organisation") { base.organisation = try o.string("organisation") }
        if let a = r.optional("accent") { base.accent = try a.string("accent") }
        var overrides: [String: String] = [:]
        if let f = r.optional("font_family") { overrides["text.family"] = try f.string("font_family") }
        if let p = r.optional("palette") { overrides["palette"] = try p.names("palette").joined(separator: " ") }
        if let h = r.optional("highlight") { overrides["highlight"] = try h.string("highlight") }
        if let g = r.optional("grid") { overrides["grid"] = try g.string("grid") }
        if let styles = r.optional("styles") {
            let allowed = ["text", "title", "subtitle", "axis_text", "legend_text", "label_text"]
            try styles.checkKeys(allowed, in: "theme styles")
            for name in styles.keys {
                let style = styles.optional(name)!
                try style.checkKeys(["family", "size", "color", "weight"], in: "style `\(name)`")
                for key in style.keys { overrides["\(name).\(key)"] = try style.optional(key)!.string(key) }
            }
        }
        base.theme = base.theme.applying(overrides)
        return base
    }
}
