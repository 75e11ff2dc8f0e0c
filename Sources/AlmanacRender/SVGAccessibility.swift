/// Makes Cairo's SVG fit to publish inline: an accessible name and description, and ids
/// that cannot clash with another chart's on the same page. One pass over the bytes.
enum SVGAccessibility {
    static func annotate(_ svg: [UInt8], title: String, description: String, idPrefix: String) -> String {
        let prefix = Array((idPrefix + "-").utf8)
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        let patterns: [[UInt8]] = [Array("id=\"".utf8), Array("href=\"#".utf8), Array("url(#".utf8)]
        var out: [UInt8] = []
        out.reserveCapacity(svg.count + 4096)
        var i = 0
        // Skip the XML declaration: the SVG is also used inline in HTML.
        if svg.starts(with: Array("<?xml".utf8)), let end = svg.firstIndex(of: UInt8(ascii: ">")) {
            i = end + 1
            while i < svg.count && (svg[i] == 10 || svg[i] == 13) { i += 1 }
        }
        var rootDone = false
        let svgOpen = Array("<svg".utf8)
        while i < svg.count {
            if !rootDone && svg[i] == UInt8(ascii: "<") && svg[i...].starts(with: svgOpen) {
                // Copy the root tag, then add the role, labels, title and description.
                guard let close = svg[i...].firstIndex(of: UInt8(ascii: ">")) else { break }
                out += svg[i..<close]
                out += Array(" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\">".utf8)
                out += Array("<title id=\"\(titleID)\">\(escape(title))</title><desc id=\"\(descID)\">\(escape(description))</desc>".utf8)
                i = close + 1
                rootDone = true
                continue
            }
            var matched = false
            for p in patterns where svg[i] == p[0] && svg[i...].starts(with: p) {
                out += p
                out += prefix
                i += p.count
                matched = true
                break
            }
            if !matched {
                out.append(svg[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        var s = ""
        for c in text {
            switch c {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"": s += "&quot;"
            default: s.append(c)
            }
        }
        return s
    }
}
