import Foundation

/// Completes cairo 1.16's tagged PDF: cairo writes the structure tree but not the catalog
/// entries that tell a reader the document is tagged (`/MarkInfo << /Marked true >>`), nor
/// its language or that viewers should show the title. This appends a new revision of the
/// catalog as a standard PDF incremental update (ISO 32000-1, 7.5.6): the original bytes
/// are untouched, a new catalog object, a one-entry cross-reference section and a trailer
/// pointing back at the previous one are added at the end.
enum PDFCatalogUpdate {
    enum Failure: Error { case unexpectedLayout(String) }

    static func markTagged(path: String, language: String) throws {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), let tail = String(data: data.suffix(600), encoding: .isoLatin1) else {
            throw Failure.unexpectedLayout("cannot read \(path)")
        }
        func number(after key: String, in text: String) -> Int? {
            guard let r = text.range(of: key, options: .backwards) else { return nil }
            let digits = text[r.upperBound...].drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" }).prefix(while: { $0.isNumber })
            return Int(digits)
        }
        guard let trailerRange = tail.range(of: "trailer", options: .backwards),
            let size = number(after: "/Size", in: String(tail[trailerRange.lowerBound...])),
            let root = number(after: "/Root", in: String(tail[trailerRange.lowerBound...])),
            let previous = number(after: "startxref", in: tail)
        else { throw Failure.unexpectedLayout("no classic trailer") }
        let info = number(after: "/Info", in: String(tail[trailerRange.lowerBound...]))

        // The catalog's current dictionary.
        // Cairo writes the catalog just before the cross-reference table, so look in the last
        // few kilobytes first and only read the whole file as text if it is not there.
        let marker = "\n\(root) 0 obj"
        let near = String(data: data.suffix(8192), encoding: .isoLatin1)
        let whole = near?.contains(marker) == true ? near : String(data: data, encoding: .isoLatin1)
        guard let whole, let objStart = whole.range(of: marker),
            let objEnd = whole.range(of: "endobj", range: objStart.upperBound..<whole.endIndex)
        else { throw Failure.unexpectedLayout("no catalog object \(root)") }
        let body = whole[objStart.upperBound..<objEnd.lowerBound]
        guard let open = body.range(of: "<<"), let close = body.range(of: ">>", options: .backwards) else {
            throw Failure.unexpectedLayout("catalog is not a dictionary")
        }
        let entries = body[open.upperBound..<close.lowerBound]
        let catalog = "\(root) 0 obj\n<<\(entries)   /MarkInfo << /Marked true >>\n   /Lang (\(language))\n   /ViewerPreferences << /DisplayDocTitle true >>\n>>\nendobj\n"

        var tailText = data.last == UInt8(ascii: "\n") ? "" : "\n"
        let objectOffset = data.count + tailText.utf8.count
        tailText += catalog
        let xrefOffset = data.count + tailText.utf8.count
        let offset = String(objectOffset)
        tailText += "xref\n\(root) 1\n" + String(repeating: "0", count: 10 - offset.count) + offset + " 00000 n \n"
        tailText += "trailer\n<< /Size \(size)\n   /Root \(root) 0 R\n" + (info.map { "   /Info \($0) 0 R\n" } ?? "")
        tailText += "   /Prev \(previous)\n>>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        // Append the update; the original bytes are not rewritten.
        guard let handle = FileHandle(forWritingAtPath: path) else { throw Failure.unexpectedLayout("cannot append to \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(tailText.utf8))
    }
}
