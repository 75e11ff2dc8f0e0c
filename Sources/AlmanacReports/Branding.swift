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
    /// The organisation's logo, if the theme names one.
    public var logo: Logo?

    /// A PNG logo and its text alternative.
    public struct Logo: Sendable {
        /// The PNG file's bytes.
        public var png: [UInt8]
        /// Its size in pixels.
        public var width: Int, height: Int
        /// What it says, for screen readers (`alt`, and the PDF figure's alternative text).
        public var alt: String
    }

    /// Reads `theme.yaml` from the templates folder; every key is optional.
    public static func load(templates: String) throws -> Branding {
        let path = (templates as NSString).appendingPathComponent("theme.yaml")
        var base = Branding(organisation: "Almanac", accent: "#12436D", theme: .analysisFunction(), logo: nil)
        guard FileManager.default.fileExists(atPath: path) else { return base }
        let r = try YAMLReader.load(path: path)
        try r.checkKeys(["organisation", "accent", "font_family", "styles", "palette", "highlight", "grid", "logo", "logo_alt"], in: "the theme")
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
        if let l = r.optional("logo") {
            let name = try l.string("logo")
            let file = (templates as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw l.error("the logo `\(name)` is not in \(templates)", field: "logo", hint: "put a PNG file there, or remove `logo:`")
            }
            let png = [UInt8](data)
            // A PNG starts with its signature and then the IHDR chunk holding width and height.
            guard png.count > 24, png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
                throw l.error("the logo `\(name)` is not a PNG file", field: "logo", hint: "save the logo as PNG")
            }
            let be = { (i: Int) in png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
            guard let alt = try r.optional("logo_alt")?.string("logo_alt"), !alt.isEmpty else {
                throw l.error("the logo has no text alternative", field: "logo_alt",
                              hint: "add `logo_alt:` saying what the logo says, e.g. the organisation's name")
            }
            base.logo = Logo(png: png, width: be(16), height: be(20), alt: alt)
        }
        return base
    }
}
