import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Completes cairo 1.16's tagged PDF: cairo writes the structure tree but not the catalog
/// entries that tell a reader the document is tagged (`/MarkInfo << /Marked true >>`), nor
/// its language or that viewers should show the title, nor alternative text on figures
/// (its tags take no attributes). This appends new revisions of the catalog and of every
/// Figure structure element (with `/Alt`) as a standard PDF incremental update (ISO
/// 32000-1, 7.5.6): the original bytes are untouched; the new objects, a cross-reference
/// section for them and a trailer pointing back at the previous one are added at the end.
enum PDFCatalogUpdate {
    enum Failure: Error { case unexpectedLayout(String) }

    /// The bytes to append to `pdf` (a complete PDF with a classic trailer). `figureAlts` are
    /// the alternative texts of the Figure elements in the order they were tagged, which is
    /// the order cairo writes them (the structure tree, depth first).
    static func update(for pdf: [UInt8], language: String, figureAlts: [String] = []) throws -> [UInt8] {
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

        // The Figure structure elements, in file order, each given its alternative text.
        var revised: [(number: Int, body: String)] = [(root, catalog)]
        if !figureAlts.isEmpty {
            let figures = figureObjects(in: pdf)
            guard figures.count == figureAlts.count else {
                throw Failure.unexpectedLayout("\(figures.count) Figure elements for \(figureAlts.count) descriptions")
            }
            for (figure, alt) in zip(figures, figureAlts) {
                revised.append((figure.number, "\(figure.number) 0 obj\n<<\(figure.entries)   /Alt \(pdfText(alt))\n>>\nendobj\n"))
            }
        }

        var text = pdf.last == UInt8(ascii: "\n") ? "" : "\n"
        var offsets: [Int: Int] = [:]
        for object in revised {
            offsets[object.number] = pdf.count + text.utf8.count
            text += object.body
        }
        let xrefOffset = pdf.count + text.utf8.count
        text += "xref\n"
        for number in offsets.keys.sorted() {
            let offset = String(offsets[number]!)
            text += "\(number) 1\n" + String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n \n"
        }
        text += "trailer\n<< /Size \(size)\n   /Root \(root) 0 R\n" + (info.map { "   /Info \($0) 0 R\n" } ?? "")
        text += "   /Prev \(previous)\n>>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        return Array(text.utf8)
    }

    /// Cairo's Figure structure elements (`N 0 obj << /Type /StructElem /S /Figure … >>`),
    /// in file order, with their dictionaries' entries.
    static func figureObjects(in pdf: [UInt8]) -> [(number: Int, entries: String)] {
        var found: [(Int, String)] = []
        var from = 0
        while let s = firstIndex(of: "/S /Figure", in: pdf, from: from) {
            from = s + 10
            // Back to the object header, then forward to its end.
            guard let header = lastIndex(of: " 0 obj", in: pdf, from: max(0, s - 200), to: s),
                let open = firstIndex(of: "<<", in: pdf, from: header), open < s,
                let end = firstIndex(of: "endobj", in: pdf, from: s),
                let close = lastIndex(of: ">>", in: pdf, from: s, to: end)
            else { continue }
            var start = header
            while start > 0 && pdf[start - 1] >= 48 && pdf[start - 1] <= 57 { start -= 1 }
            guard let number = Int(String(decoding: pdf[start..<header], as: UTF8.self)),
                firstIndex(of: "/Type /StructElem", in: pdf, from: open).map({ $0 < close }) == true
            else { continue }
            found.append((number, String(decoding: pdf[(open + 2)..<close], as: UTF8.self)))
        }
        return found
    }

    /// A PDF text string: UTF-16BE with a byte-order mark, written in hex, so any text is safe.
    static func pdfText(_ s: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = Array("<FEFF".utf8)
        out.reserveCapacity(6 + s.utf16.count * 4)
        for unit in s.utf16 {
            for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((unit >> UInt16(shift)) & 0xF)]) }
        }
        out.append(UInt8(ascii: ">"))
        return String(decoding: out, as: UTF8.self)
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

    /// Start of the first occurrence of `needle` at or after `from` (the whole file is searched for
    /// Figure elements).
    static func firstIndex(of needle: String, in bytes: [UInt8], from: Int) -> Int? {
        guard from < bytes.count else { return nil }
        let n = Array(needle.utf8)
        return bytes.withUnsafeBytes { b -> Int? in
            n.withUnsafeBytes { nb -> Int? in
                let base = b.baseAddress!
                var i = from
                while i + nb.count <= b.count {
                    // memchr to the next candidate first byte, then memcmp the rest.
                    guard let hit = memchr(base + i, Int32(n[0]), b.count - nb.count + 1 - i) else { return nil }
                    let at = UnsafeRawPointer(hit) - base
                    if memcmp(base + at, nb.baseAddress!, nb.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
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

/// Reads a PDF's document information back, for listing what has been published.
public enum PDFInfo {
    /// The title in the Info dictionary the last trailer names (a literal or a UTF-16 hex string).
    public static func title(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let pdf = [UInt8](data)
        let tail = max(0, pdf.count - 1024)
        guard let trailer = PDFCatalogUpdate.lastIndex(of: "trailer", in: pdf, from: tail, to: pdf.count),
            let info = PDFCatalogUpdate.number(after: "/Info", in: pdf, from: trailer),
            let object = PDFCatalogUpdate.firstIndex(of: "\n\(info) 0 obj", in: pdf, from: 0),
            let end = PDFCatalogUpdate.firstIndex(of: "endobj", in: pdf, from: object),
            let key = PDFCatalogUpdate.firstIndex(of: "/Title", in: pdf, from: object), key < end
        else { return nil }
        var i = key + 6
        while i < end && (pdf[i] == 32 || pdf[i] == 10 || pdf[i] == 13) { i += 1 }
        if pdf[i] == UInt8(ascii: "(") {
            var out: [UInt8] = []
            var depth = 0
            i += 1
            while i < end {
                let c = pdf[i]
                if c == UInt8(ascii: "\\"), i + 1 < end {
                    out.append(pdf[i + 1])
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "(") { depth += 1 }
                if c == UInt8(ascii: ")") {
                    if depth == 0 { break }
                    depth -= 1
                }
                out.append(c)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        if pdf[i] == UInt8(ascii: "<"), let close = pdf[i..<end].firstIndex(of: UInt8(ascii: ">")) {
            let hex = pdf[(i + 1)..<close].filter { $0 != 32 && $0 != 10 && $0 != 13 }
            var units: [UInt16] = []
            var j = hex.startIndex
            while j + 4 <= hex.endIndex {
                if let u = UInt16(String(decoding: hex[j..<(j + 4)], as: UTF8.self), radix: 16) { units.append(u) }
                j += 4
            }
            if units.first == 0xFEFF { units.removeFirst() }
            return String(decoding: units, as: UTF16.self)
        }
        return nil
    }
}
