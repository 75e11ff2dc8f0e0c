/// Makes Cairo's SVG fit to publish inline: an accessible name and description, and ids
/// that cannot clash with another chart's on the same page. One pass over the bytes.
enum SVGAccessibility {
    static func annotate(_ svg: [UInt8], title: String, description: String, idPrefix: String) -> String {
        let prefix = Array((idPrefix + "-").utf8)
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        let head = Array(" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\">".utf8)
            + Array("<title id=\"\(titleID)\">\(escape(title))</title><desc id=\"\(descID)\">\(escape(description))</desc>".utf8)
        // Each pattern is found by its first byte, then compared; text between matches is
        // copied in bulk.
        let patterns: [[UInt8]] = [Array("id=\"".utf8), Array("href=\"#".utf8), Array("url(#".utf8)]
        return svg.withUnsafeBufferPointer { b -> String in
            var out: [UInt8] = []
            out.reserveCapacity(b.count + head.count + 4096)
            var i = 0
            // Skip the XML declaration: the SVG is also used inline in HTML.
            if b.starts(with: Array("<?xml".utf8)), let end = b.firstIndex(of: UInt8(ascii: ">")) {
                i = end + 1
                while i < b.count && (b[i] == 10 || b[i] == 13) { i += 1 }
            }
            // The root element gets the role, the labels, the title and the description.
            let svgOpen = Array("<svg".utf8)
            var copied = i
            var rootDone = false
            func matches(_ p: [UInt8], at j: Int) -> Bool {
                guard j + p.count <= b.count else { return false }
                for k in 1..<p.count where b[j + k] != p[k] { return false }
                return true
            }
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "<"), !rootDone, matches(svgOpen, at: i) {
                    guard let close = b[i...].firstIndex(of: UInt8(ascii: ">")) else { break }
                    out.append(contentsOf: b[copied..<close])
                    out.append(contentsOf: head)
                    i = close + 1
                    copied = i
                    rootDone = true
                    continue
                }
                if c == UInt8(ascii: "i") || c == UInt8(ascii: "h") || c == UInt8(ascii: "u") {
                    if let p = patterns.first(where: { $0[0] == c && matches($0, at: i) }) {
                        out.append(contentsOf: b[copied..<(i + p.count)])
                        out.append(contentsOf: prefix)
                        i += p.count
                        copied = i
                        continue
                    }
                }
                i += 1
            }
            out.append(contentsOf: b[copied..<b.count])
            return String(decoding: out, as: UTF8.self)
        }
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
