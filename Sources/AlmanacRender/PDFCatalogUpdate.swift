import Foundation

/// Completes cairo 1.16's tagged PDF: cairo writes the structure tree but not the catalog
/// entries that tell a reader the document is tagged (`/MarkInfo << /Marked true >>`), nor
/// its language or that viewers should show the title. This appends a new revision of the
/// catalog as a standard PDF incremental update (ISO 32000-1, 7.5.6): the original bytes
/// are untouched, a new catalog object, a one-entry cross-reference section and a trailer
/// pointing back at the previous one are added at the end.
enum PDFCatalogUpdate {
    enum Failure: Error { case unexpectedLayout(String) }

    /// The bytes to append to `pdf` (a complete PDF with a classic trailer).
    static func update(for pdf: [UInt8], language: String) throws -> [UInt8] {
        // The trailer, the catalog and the cross-reference table are all near the end.
        let tailStart = max(0, pdf.count - 600)
        guard let trailer = lastIndex(of: "trailer", in: pdf, from: tailStart, to: pdf.count),
            let size = number(after: "/Size", in: pdf, from: trailer),
            let root = number(after: "/Root", in: pdf, from: trailer),
            let startxref = lastIndex(of: "startxref", in: pdf, from: tailStart, to: pdf.count),
            let previous = number(after: "startxref", in: pdf, from: startxref)
        else { throw Failure.unexpectedLayout("no classic trailer") }
        let info = number(after: "/Info", in: pdf, from: trailer)

        // The catalog's current dictionary. Cairo writes it just before the cross-reference
        // table, so look in the last few kilobytes first, then in the whole file.
        let marker = "\n\(root) 0 obj"
        guard let objStart = lastIndex(of: marker, in: pdf, from: max(0, pdf.count - 8192), to: pdf.count)
                ?? lastIndex(of: marker, in: pdf, from: 0, to: pdf.count),
            let objEnd = firstIndex(of: "endobj", in: pdf, from: objStart + marker.utf8.count),
            let open = firstIndex(of: "<<", in: pdf, from: objStart + marker.utf8.count), open < objEnd,
            let close = lastIndex(of: ">>", in: pdf, from: open, to: objEnd)
        else { throw Failure.unexpectedLayout("no catalog object \(root)") }
        let entries = String(decoding: pdf[(open + 2)..<close], as: UTF8.self)
        let catalog = "\(root) 0 obj\n<<\(entries)   /MarkInfo << /Marked true >>\n   /Lang (\(language))\n   /ViewerPreferences << /DisplayDocTitle true >>\n>>\nendobj\n"

        var text = pdf.last == UInt8(ascii: "\n") ? "" : "\n"
        let objectOffset = pdf.count + text.utf8.count
        text += catalog
        let xrefOffset = pdf.count + text.utf8.count
        let offset = String(objectOffset)
        text += "xref\n\(root) 1\n" + String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n \n"
        text += "trailer\n<< /Size \(size)\n   /Root \(root) 0 R\n" + (info.map { "   /Info \($0) 0 R\n" } ?? "")
        text += "   /Prev \(previous)\n>>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        return Array(text.utf8)
    }

    /// Start of the last occurrence of `needle` wholly within `from..<to`.
    static func lastIndex(of needle: String, in bytes: [UInt8], from: Int, to: Int) -> Int? {
        let n = Array(needle.utf8)
        var i = to - n.count
        while i >= from {
            if bytes[i] == n[0] && bytes[i..<(i + n.count)].elementsEqual(n) { return i }
            i -= 1
        }
        return nil
    }

    /// Start of the first occurrence of `needle` at or after `from`.
    static func firstIndex(of needle: String, in bytes: [UInt8], from: Int) -> Int? {
        let n = Array(needle.utf8)
        var i = from
        while i + n.count <= bytes.count {
            if bytes[i] == n[0] && bytes[i..<(i + n.count)].elementsEqual(n) { return i }
            i += 1
        }
        return nil
    }

    /// The whole number after the first `key` at or after `from`, skipping white space.
    static func number(after key: String, in bytes: [UInt8], from: Int) -> Int? {
        guard let k = firstIndex(of: key, in: bytes, from: from) else { return nil }
        var i = k + key.utf8.count
        while i < bytes.count && (bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13) { i += 1 }
        var value = 0, digits = 0
        while i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 {
            value = value * 10 + Int(bytes[i] - 48)
            digits += 1
            i += 1
        }
        return digits > 0 ? value : nil
    }
}
