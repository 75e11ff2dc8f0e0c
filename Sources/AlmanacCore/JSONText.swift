import Foundation

/// JSON string literals, for the small JSON documents Almanac writes by hand so their keys
/// keep a stable, readable order (query output, CSV sidecars, findings).
public enum JSONText {
    /// `text` as a quoted JSON string.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
