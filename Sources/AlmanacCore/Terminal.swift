/// Text from data or arguments made safe to print: control characters (escape codes that
/// could rewrite a terminal, NUL) are shown as `\u{1B}`-style escapes.
public enum Terminal {
    /// `text` with every control character escaped.
    public static func safe(_ text: String, keepNewlines: Bool = false) -> String {
        let escape = { (u: Unicode.Scalar) in isControl(u) && !(keepNewlines && u == "\n") }
        guard text.unicodeScalars.contains(where: escape) else { return text }
        var out = ""
        for u in text.unicodeScalars {
            if escape(u) { out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value)
    }
}
