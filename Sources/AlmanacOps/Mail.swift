import AlmanacCore
import Foundation

/// Email messages: addresses checked, MIME built by hand (plain text and HTML alternatives,
/// an optional PDF attachment), every header free of line breaks so that no value from a
/// configuration file can add a header or a recipient.
public enum Mail {
    /// An address as `local@domain`: printable ASCII, no spaces, quotes, angle brackets or
    /// commas, one `@`, a dotted domain, at most 254 characters.
    public static func isAddress(_ s: String) -> Bool {
        guard s.count <= 254, s.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return false }
        guard !s.contains(where: { "<>(),;:\"[]\\".contains($0) }) else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, !parts[0].hasPrefix("-") else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }
    }

    /// A display name: no control characters, quotes, backslashes or angle brackets, ≤ 100 characters.
    public static func isPhrase(_ s: String) -> Bool {
        s.count <= 100 && !s.unicodeScalars.contains { $0.value < 32 || $0.value == 127 || "\"\\<>".unicodeScalars.contains($0) }
    }

    /// `Name <address>` with the name encoded when it is not plain ASCII.
    public static func mailbox(name: String, address: String) -> String {
        guard !name.isEmpty else { return address }
        return encodedWord(name, quoteASCII: true) + " <" + address + ">"
    }

    /// A header value: as it is when printable ASCII, else an RFC 2047 encoded word (UTF-8, base64).
    public static func encodedWord(_ text: String, quoteASCII: Bool = false) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) {
            return quoteASCII && clean.contains(where: { ",.;:@()[]".contains($0) }) ? "\"" + clean + "\"" : clean
        }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// Base64 in lines of 76 characters.
    static func base64Lines(_ data: Data) -> String {
        let s = data.base64EncodedString()
        var lines: [Substring] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 76, limitedBy: s.endIndex) ?? s.endIndex
            lines.append(s[i..<j])
            i = j
        }
        return lines.joined(separator: "\n")
    }

    /// A file to attach.
    public struct Attachment: Sendable {
        public var fileName: String
        public var contentType: String
        public var data: Data
        public init(fileName: String, contentType: String, data: Data) {
            self.fileName = fileName
            self.contentType = contentType
            self.data = data
        }
    }

    /// One message, ready to hand to a sendmail-compatible command.
    public struct Message: Sendable {
        public var from: (name: String, address: String)
        public var to: (name: String, address: String)
        public var subject: String
        public var date: Int
        public var messageID: String
        public var text: String
        public var html: String
        public var attachment: Attachment?
        /// Extra `X-Almanac-…` headers: (name without the prefix, value).
        public var extraHeaders: [(String, String)] = []

        public init(from: (name: String, address: String), to: (name: String, address: String), subject: String, date: Int,
                    messageID: String, text: String, html: String, attachment: Attachment? = nil) {
            self.from = from
            self.to = to
            self.subject = subject
            self.date = date
            self.messageID = messageID
            self.text = text
            self.html = html
            self.attachment = attachment
        }

        /// The message as bytes: RFC 5322 headers and a MIME body, lines ending in LF (the
        /// sendmail convention; the command turns them into CRLF on the wire). The same
        /// message gives the same bytes.
        public func rendered() -> Data {
            let seed = messageID.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            let mixed = "almanac-mixed-" + String(seed, radix: 16), alternative = "almanac-alt-" + String(seed, radix: 16)
            var h: [String] = [
                "From: " + Mail.mailbox(name: from.name, address: from.address),
                "To: " + Mail.mailbox(name: to.name, address: to.address),
                "Subject: " + Mail.encodedWord(subject),
                "Date: " + LondonTime.rfc5322(date),
                "Message-ID: <" + messageID + ">",
                "MIME-Version: 1.0",
                "Auto-Submitted: auto-generated",
            ]
            for (k, v) in extraHeaders { h.append("X-Almanac-" + k + ": " + Mail.encodedWord(v)) }
            var body = ""
            let alternatives = """
                --\(alternative)
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: base64

                \(Mail.base64Lines(Data(text.utf8)))
                --\(alternative)
                Content-Type: text/html; charset=utf-8
                Content-Transfer-Encoding: base64

                \(Mail.base64Lines(Data(html.utf8)))
                --\(alternative)--

                """
            if let a = attachment {
                h.append("Content-Type: multipart/mixed; boundary=\"\(mixed)\"")
                let safeName = a.fileName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
                body = """
                    This is a message in MIME format.

                    --\(mixed)
                    Content-Type: multipart/alternative; boundary="\(alternative)"

                    \(alternatives)
                    --\(mixed)
                    Content-Type: \(a.contentType); name="\(safeName)"
                    Content-Disposition: attachment; filename="\(safeName)"
                    Content-Transfer-Encoding: base64

                    \(Mail.base64Lines(a.data))
                    --\(mixed)--

                    """
            } else {
                h.append("Content-Type: multipart/alternative; boundary=\"\(alternative)\"")
                body = "This is a message in MIME format.\n\n" + alternatives
            }
            return Data((h.joined(separator: "\n") + "\n\n" + body).utf8)
        }
    }
}
