import Foundation

/// Makes Cairo's SVG fit to publish inline: an accessible name and description, and ids
/// that cannot clash with another chart's on the same page.
enum SVGAccessibility {
    static func annotate(_ svg: String, title: String, description: String, idPrefix: String) -> String {
        var s = svg
        if let decl = s.range(of: "?>\n") ?? s.range(of: "?>"), s.hasPrefix("<?xml") {
            s.removeSubrange(s.startIndex..<decl.upperBound)
        }
        // Prefix ids and the references to them.
        s = s.replacingOccurrences(of: "id=\"", with: "id=\"\(idPrefix)-")
        s = s.replacingOccurrences(of: "href=\"#", with: "href=\"#\(idPrefix)-")
        s = s.replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)-")
        guard let open = s.range(of: "<svg"), let close = s[open.upperBound...].range(of: ">") else { return s }
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        let attributes = " role=\"img\" aria-labelledby=\"\(titleID) \(descID)\""
        let inner = "<title id=\"\(titleID)\">\(escape(title))</title><desc id=\"\(descID)\">\(escape(description))</desc>"
        s.replaceSubrange(close.lowerBound..<close.upperBound, with: attributes + ">" + inner)
        return s
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
