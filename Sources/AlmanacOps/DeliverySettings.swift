import AlmanacCore
import AlmanacModel
import Foundation

/// How scheduled runs deliver: `config/delivery.yaml`.
///
///     from: {name: Almanac reports, email: almanac@council.example}
///     operator: {name: BI operations, email: bi-operations@council.example}
///     mail_command: [msmtp]          # sendmail-compatible; Almanac adds -i -f FROM -- RECIPIENT
///     out: out                       # where publications are written
///     base_url: https://intranet.council.example/almanac/
///     attach_limit_kb: 10240         # larger PDFs are linked under base_url instead
///     retry: {attempts: 3, backoff_seconds: 30}
///     holidays: config/holidays.yaml # one-off bank holidays
public struct DeliverySettings: Sendable {
    public var fromName = "Almanac"
    public var fromAddress = "almanac@localhost.localdomain"
    public var operatorName = ""
    public var operatorAddress: String?
    public var mailCommand = ["msmtp"]
    public var out = "out"
    public var baseURL: String?
    public var attachLimitBytes = 10 * 1024 * 1024
    public var attempts = 3
    public var backoffSeconds = 30.0
    public var holidays = "config/holidays.yaml"
    /// The file read (nil: defaults).
    public var file: String?

    public init() {}

    /// The domain part of the sender's address, for message ids.
    public var domain: String { fromAddress.split(separator: "@").last.map(String.init) ?? "localhost" }

    /// Reads the settings; a missing file gives the defaults.
    public static func load(path: String) throws -> DeliverySettings {
        var s = DeliverySettings()
        guard FileManager.default.fileExists(atPath: path) else { return s }
        s.file = path
        let r = try YAMLReader.load(path: path)
        try r.checkKeys(["from", "operator", "mail_command", "out", "base_url", "attach_limit_kb", "retry", "holidays"], in: "the delivery settings")
        func person(_ key: String) throws -> (String, String)? {
            guard let node = r.optional(key) else { return nil }
            try node.checkKeys(["name", "email"], in: "`\(key)`")
            let e = try node.required("email", in: "`\(key)`")
            let address = try e.string("email")
            guard Mail.isAddress(address) else { throw e.error("`\(address)` is not an email address", field: "\(key).email") }
            let name = try node.optional("name")?.string("name") ?? ""
            guard Mail.isPhrase(name) else { throw node.error("the name may not hold control characters, quotes or angle brackets", field: "\(key).name") }
            return (name, address)
        }
        if let (n, a) = try person("from") { (s.fromName, s.fromAddress) = (n, a) }
        if let (n, a) = try person("operator") { (s.operatorName, s.operatorAddress) = (n, a) }
        if let c = r.optional("mail_command") {
            let words = try c.names("mail_command")
            guard let first = words.first, !first.isEmpty else { throw c.error("`mail_command` is empty", field: "mail_command", hint: "write e.g. [msmtp] or [/usr/sbin/sendmail]") }
            if words.contains(where: { $0.contains(where: { $0.isNewline }) }) { throw c.error("`mail_command` may not hold line breaks", field: "mail_command") }
            s.mailCommand = try c.items("mail_command").map { try $0.string("mail_command") }
        }
        if let o = r.optional("out") { s.out = try o.string("out") }
        if let u = r.optional("base_url") {
            let url = try u.string("base_url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else {
                throw u.error("`\(url)` is not a web address", field: "base_url", hint: "write e.g. https://intranet.council.example/almanac/")
            }
            s.baseURL = url.hasSuffix("/") ? url : url + "/"
        }
        if let l = r.optional("attach_limit_kb") {
            let n = try l.int("attach_limit_kb")
            guard (0...1_048_576).contains(n) else { throw l.error("`attach_limit_kb` must be 0 to 1048576", field: "attach_limit_kb") }
            s.attachLimitBytes = n * 1024
        }
        if let retry = r.optional("retry") {
            try retry.checkKeys(["attempts", "backoff_seconds"], in: "`retry`")
            if let a = retry.optional("attempts") {
                let n = try a.int("attempts")
                guard (1...10).contains(n) else { throw a.error("`attempts` must be 1 to 10", field: "retry.attempts") }
                s.attempts = n
            }
            if let b = retry.optional("backoff_seconds") {
                let n = try b.int("backoff_seconds")
                guard (0...600).contains(n) else { throw b.error("`backoff_seconds` must be 0 to 600", field: "retry.backoff_seconds") }
                s.backoffSeconds = Double(n)
            }
        }
        if let h = r.optional("holidays") { s.holidays = try h.string("holidays") }
        return s
    }
}

/// Hands messages to a sendmail-compatible command, through a spool folder so that a message
/// the command accepted is known to be sent even if Almanac is killed before recording it:
/// the message is written to `SPOOL/ID.eml`, and a shell started for the command renames it
/// to `ID.eml.sent` as soon as the command succeeds, before Almanac regains control.
public struct MailSender: Sendable {
    public var command: [String]
    public var spool: String
    public var attempts: Int
    public var backoffSeconds: Double
    /// Seconds one attempt may take before it is stopped.
    public var timeout: Double = 120

    public init(command: [String], spool: String, attempts: Int, backoffSeconds: Double) {
        self.command = command
        self.spool = spool
        self.attempts = attempts
        self.backoffSeconds = backoffSeconds
    }

    /// The spool file for a message id.
    public func spoolFile(_ messageID: String) -> String {
        (spool as NSString).appendingPathComponent(String(messageID.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }) + ".eml")
    }

    /// Whether the command accepted this message on an earlier attempt.
    public func confirmed(_ messageID: String) -> Bool {
        FileManager.default.fileExists(atPath: spoolFile(messageID) + ".sent")
    }

    /// Removes a message's spool files once its delivery is recorded.
    public func forget(_ messageID: String) {
        try? FileManager.default.removeItem(atPath: spoolFile(messageID) + ".sent")
        try? FileManager.default.removeItem(atPath: spoolFile(messageID))
    }

    /// Writes the message to the spool (whole, then renamed into place).
    public func enqueue(_ message: Data, id: String) throws {
        do { try writeWhole(message, to: spoolFile(id)) } catch {
            throw Diagnostic(file: spool, message: "cannot write a message to the mail spool: \(error)", hint: "check the folder exists, is writable and the disk has room")
        }
    }

    /// Sends a spooled message to one recipient, retrying with backoff (doubling each time).
    /// Returns nil when sent, or the last error.
    public func send(id: String, from: String, to: String, afterEachAttempt: (Int) -> Void = { _ in }) -> String? {
        var lastError = "not attempted"
        for attempt in 1...max(1, attempts) {
            if attempt > 1 && backoffSeconds > 0 {
                Thread.sleep(forTimeInterval: min(backoffSeconds * pow(2, Double(attempt - 2)), 3_600))
            }
            if let e = once(id: id, from: from, to: to) { lastError = e } else { return nil }
            afterEachAttempt(attempt)
        }
        return lastError
    }

    /// One attempt: `sh -c '"$@" < FILE && mv FILE FILE.sent' FILE COMMAND… -i -f FROM -- TO`.
    func once(id: String, from: String, to: String) -> String? {
        let file = spoolFile(id)
        guard FileManager.default.fileExists(atPath: file) else { return "the spooled message \(file) is missing" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "f=\"$0\"; \"$@\" < \"$f\" && mv -f \"$f\" \"$f.sent\"", file] + command + ["-i", "-f", from, "--", to]
        // What the command says goes to a file beside the message (a pipe could fill and stall it).
        let errorFile = file + ".err"
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorFile) }
        guard let errors = FileHandle(forWritingAtPath: errorFile) else { return "cannot write \(errorFile)" }
        defer { try? errors.close() }
        p.standardError = errors
        p.standardOutput = errors
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return "cannot start /bin/sh for the mail command: \(error)" }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            return "the mail command `\(command.joined(separator: " "))` took more than \(Int(timeout)) s and was stopped"
        }
        p.waitUntilExit()
        if p.terminationStatus == 0 && FileManager.default.fileExists(atPath: file + ".sent") { return nil }
        let stderrData = FileManager.default.contents(atPath: errorFile) ?? Data()
        let said = String(decoding: stderrData.prefix(2_000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let status = p.terminationStatus == 127 ? "not found (exit status 127)" : "failed with exit status \(p.terminationStatus)"
        return "the mail command `\(command.joined(separator: " "))` \(status)" + (said.isEmpty ? "" : ": " + said.split(separator: "\n").prefix(3).joined(separator: " / "))
    }
}
