import Foundation

/// Report text as paragraphs and list items: blank lines separate paragraphs, and lines
/// starting "- " are items of a list. Enough for notes in a report; no other markup.
enum TextBlocks: Equatable {
    case paragraph(String)
    case bullet(String)

    static func parse(_ text: String) -> [TextBlocks] {
        var blocks: [TextBlocks] = []
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(paragraph.joined(separator: " "))) }
            paragraph = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("- ") {
                flush()
                blocks.append(.bullet(String(line.dropFirst(2))))
            } else {
                paragraph.append(line)
            }
        }
        flush()
        return blocks
    }
}
