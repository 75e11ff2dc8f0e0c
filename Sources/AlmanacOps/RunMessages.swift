import AlmanacCore
import AlmanacReports
import AlmanacWarehouse
import Foundation

/// A publication as its manifest describes it: the documents, and the audience members.
struct PublishedManifest {
    struct Document {
        var title: String
        /// Relative to the publication folder.
        var pdf: String
        var pages: Int
        /// The member's name, for a publication per audience member.
        var member: String?
        /// The member's folder inside the publication ("" when none).
        var memberFolder: String
    }

    /// Relative to the output folder.
    var folder: String
    /// The folder on disk.
    var path: String
    var title: String
    var periodLabel: String
    var documents: [Document]
    var hasMembers: Bool
    /// True when the period had no data (the pack says so on every page).
    var partial: Bool

    init(path manifest: String, folder: String) throws {
        guard let data = FileManager.default.contents(atPath: manifest),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw Diagnostic(file: manifest, message: "cannot read the publication's manifest", hint: "publish the period again") }
        self.folder = folder
        path = (manifest as NSString).deletingLastPathComponent
        title = json["title"] as? String ?? ""
        periodLabel = json["period_label"] as? String ?? (json["period"] as? String ?? "")
        let members = (json["members"] as? [[String: Any]] ?? []).compactMap { m -> (String, String)? in
            guard let n = m["name"] as? String, let f = m["folder"] as? String else { return nil }
            return (n, f)
        }
        hasMembers = !members.isEmpty
        partial = json["partial"] as? Bool ?? false
        documents = (json["documents"] as? [[String: Any]] ?? []).compactMap { d in
            guard let pdf = d["pdf"] as? String else { return nil }
            let owner = members.first { pdf.hasPrefix($0.1 + "/") }
            return Document(title: d["title"] as? String ?? "", pdf: pdf, pages: d["pages"] as? Int ?? 0, member: owner?.0, memberFolder: owner?.1 ?? "")
        }
    }

    /// The document a recipient receives: their member's, or the only one.
    func document(for r: ScheduleDefinition.Recipient, schedule s: ScheduleDefinition) throws -> Document {
        if hasMembers {
            guard let wanted = r.member else {
                throw Diagnostic(file: s.file, field: "recipients", message: "\(r.email) has no `member:`, but \(s.name) publishes one pack per member",
                                 hint: "add `member: NAME` naming whose pack they receive")
            }
            let key = ReportPublisher.slug(wanted)
            guard let d = documents.first(where: { $0.member?.lowercased() == wanted.lowercased() || $0.memberFolder == key }) else {
                throw Diagnostic(file: s.file, field: "recipients", message: "\(r.email) is to receive the pack for `\(wanted)`, which is not a member of this publication",
                                 hint: Suggest.hint(for: wanted, in: documents.compactMap(\.member), noun: "member"))
            }
            return d
        }
        if let m = r.member {
            throw Diagnostic(file: s.file, field: "recipients", message: "\(r.email) names member `\(m)`, but \(s.name) publishes one document for everyone",
                             hint: "remove `member:`, or give the schedule an `audience:` declared `per:` a dimension")
        }
        guard let d = documents.first else { throw Diagnostic(file: path, message: "the publication lists no document") }
        return d
    }

    /// The headline figures of a document: the first one-row table in its data folder (a
    /// KPI section), each measure with its change on the comparison the report made, as
    /// published — the same figures as the PDF.
    func headlines(of d: Document) -> [String] {
        let data = ((path as NSString).appendingPathComponent(d.memberFolder) as NSString).appendingPathComponent("data")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for n in names {
            guard let bytes = FileManager.default.contents(atPath: (data as NSString).appendingPathComponent(n)),
                let meta = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any],
                meta["rows"] as? Int == 1, let columns = meta["columns"] as? [[String: Any]],
                let csv = try? String(contentsOfFile: (data as NSString).appendingPathComponent(String(n.dropLast(5)) + ".csv"), encoding: .utf8)
            else { continue }
            let lines = csv.split(whereSeparator: \.isNewline)
            guard lines.count == 2, !lines[1].contains("\"") else { continue }
            let values = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard values.count == columns.count, columns.allSatisfy({ $0["role"] as? String == "measure" }) else { continue }
            var byName: [String: (label: String, format: NumberFormat, value: Double?)] = [:]
            var order: [String] = []
            for (i, col) in columns.enumerated() {
                guard let name = col["name"] as? String else { continue }
                byName[name] = (col["label"] as? String ?? name, NumberFormat(rawValue: col["format"] as? String ?? "") ?? .decimal1, Double(values[i]))
                order.append(name)
            }
            var out: [String] = []
            for name in order where !name.contains("__") {
                guard let m = byName[name] else { continue }
                var line = m.label + ": " + (m.value.map { m.format.format($0) } ?? "no data")
                if let pct = byName[name + "__pct_change_year_earlier"], m.format != .percent, let v = pct.value, v.isFinite {
                    line += v == 0 ? " (no change on a year earlier)" : " (\(v > 0 ? "up" : "down") \(NumberFormat.percent.format(abs(v))) on a year earlier)"
                } else if let ch = byName[name + "__change_year_earlier"], m.format == .percent, let v = ch.value, v.isFinite {
                    line += " (\(v >= 0 ? "up" : "down") \(NumberFormat.percentagePoints.format(abs(v))) on a year earlier)"
                }
                out.append(line)
            }
            if !out.isEmpty { return out }
        }
        return []
    }
}

extension Runner {
    /// The message for one recipient, and what it carries (the attachment, or the link).
    func compose(_ s: ScheduleDefinition, record: RunRecord, period: Period, manifest: PublishedManifest, document: PublishedManifest.Document,
                 recipient: ScheduleDefinition.Recipient, id: String, marking: String) throws -> (Mail.Message, String) {
        let pdfPath = (manifest.path as NSString).appendingPathComponent(document.pdf)
        guard let pdf = FileManager.default.contents(atPath: pdfPath), pdf.count > 0 else {
            throw Diagnostic(file: pdfPath, message: "the pack to send is missing or empty", hint: "publish the period again")
        }
        let size = pdf.count >= 1_048_576 ? String(format: "%.1f MB", Double(pdf.count) / 1_048_576) : "\(max(1, pdf.count / 1024)) KB"
        let link = c.settings.baseURL.flatMap { base -> String? in
            guard pdf.count > c.settings.attachLimitBytes else { return nil }
            return base + manifest.folder.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
                + "/" + document.pdf
        }
        let headlines = manifest.headlines(of: document)
        let greeting = recipient.name.isEmpty ? "Hello," : "Dear \(recipient.name),"
        let what = "\(document.title) for \(manifest.periodLabel)"
        let carried = link.map { "is published at \($0) (\(document.pages) pages, PDF, \(size); too large to attach)" }
            ?? "is attached (\(document.pages) pages, PDF, \(size))"
        let freshness = record.dataLastDay.flatMap { Day(iso: $0) }.map { "It uses data loaded to \($0.longLabel)." } ?? ""
        var text = "\(marking)\n\n\(greeting)\n\nThe \(what) \(carried).\n\n"
        if !headlines.isEmpty { text += "Headlines:\n" + headlines.map { "- " + $0 }.joined(separator: "\n") + "\n\n" }
        text += "\(freshness)\nThis message was sent by Almanac on a schedule (\(s.name)); please do not reply to it."
        if let op = c.settings.operatorAddress { text += " Questions to \(op)." }
        text += "\n\n\(marking)\n"
        let esc = { (t: String) in t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;") }
        var html = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head><meta charset=\"utf-8\"><title>\(esc(what))</title></head>\n<body>\n"
        html += "<p><strong>\(esc(marking))</strong></p>\n<h1>\(esc(what))</h1>\n<p>\(esc(greeting))</p>\n"
        if let link {
            html += "<p>The pack is published at <a href=\"\(esc(link))\">\(esc(document.title)) (PDF, \(document.pages) pages, \(size))</a>; it is too large to attach.</p>\n"
        } else {
            html += "<p>The pack is attached (PDF, \(document.pages) pages, \(size)).</p>\n"
        }
        if !headlines.isEmpty { html += "<h2>Headlines</h2>\n<ul>\n" + headlines.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n" }
        html += "<p>\(esc(freshness))</p>\n<p>Sent by Almanac on a schedule (\(esc(s.name))); please do not reply to this message."
        if let op = c.settings.operatorAddress { html += " Questions to <a href=\"mailto:\(esc(op))\">\(esc(op))</a>." }
        html += "</p>\n<p><strong>\(esc(marking))</strong></p>\n</body>\n</html>\n"
        var m = Mail.Message(
            from: (c.settings.fromName, c.settings.fromAddress), to: (recipient.name, recipient.email),
            subject: "\(marking): \(what)", date: c.now, messageID: id, text: text, html: html,
            attachment: link == nil ? Mail.Attachment(fileName: (document.pdf as NSString).lastPathComponent, contentType: "application/pdf", data: pdf) : nil)
        m.extraHeaders = [("Schedule", s.name), ("Period", period.key)] + (document.member.map { [("Member", $0)] } ?? [])
            + (link.map { [("Link", $0)] } ?? [])
        return (m, link.map { "link: \($0)" } ?? "attached: \(document.pdf)")
    }

    /// Tells the operator (or, with none configured or the mail failing, standard error).
    func notifyOperator(subject: String, text: String) {
        FileHandle.standardError.write(Data("almanac: \(subject)\n".utf8))
        guard let address = c.settings.operatorAddress else { return }
        let id = "almanac-notice-\(c.now)-\(token(subject))-\(UInt32.random(in: 0...UInt32.max))@\(c.settings.domain)"
        var m = Mail.Message(
            from: (c.settings.fromName, c.settings.fromAddress), to: (c.settings.operatorName, address), subject: subject, date: c.now,
            messageID: id, text: text + "\n", html: "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Almanac</title></head><body><pre>"
                + text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") + "</pre></body></html>\n")
        m.extraHeaders = [("Notice", "operator")]
        if c.dryRun {
            try? writeWhole(m.rendered(), to: ((c.outbox as NSString).appendingPathComponent("operator") as NSString).appendingPathComponent(token(id) + ".eml"))
            return
        }
        var once = sender
        once.attempts = 1
        do {
            try once.enqueue(m.rendered(), id: id)
            if let e = once.send(id: id, from: c.settings.fromAddress, to: address) {
                FileHandle.standardError.write(Data("almanac: could not tell the operator (\(address)): \(e)\n".utf8))
                once.forget(id)
            } else {
                once.forget(id)
            }
        } catch {
            FileHandle.standardError.write(Data("almanac: could not tell the operator (\(address)): \(Runner.describe(error))\n".utf8))
        }
    }

    /// A file beside the warehouse for failures the ledger could not take (it was locked),
    /// taken into the ledger by the next runner.
    var unrecordedPath: String { c.warehouse.path + ".unrecorded" }

    func journalUnrecorded(_ r: RunRecord, message: String) {
        guard !c.dryRun else { return }
        let line: [String: String] = ["schedule": r.schedule, "period": r.period, "target": r.target, "audience": r.audience ?? "",
                                      "occurrence": r.occurrence, "at": LondonTime.iso(c.now), "message": message]
        guard let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
        if !FileManager.default.fileExists(atPath: unrecordedPath) { _ = FileManager.default.createFile(atPath: unrecordedPath, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: unrecordedPath) else { return }
        h.seekToEndOfFile()
        h.write(data + Data("\n".utf8))
        try? h.synchronize()
        try? h.close()
    }

    func importUnrecorded(_ summary: inout Summary) {
        guard let text = try? String(contentsOfFile: unrecordedPath, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                let schedule = o["schedule"], let period = o["period"], let target = o["target"], let occurrence = o["occurrence"]
            else { continue }
            do {
                var r = try c.warehouse.beginRun(
                    RunRecord(schedule: schedule, period: period, target: target, audience: (o["audience"] ?? "").isEmpty ? nil : o["audience"], occurrence: occurrence),
                    at: o["at"] ?? LondonTime.iso(c.now))
                guard r.status != "done" else { continue }
                r.status = "failed"
                r.finishedAt = o["at"]
                r.message = (o["message"] ?? "") + " (recorded late: the ledger could not be written at the time)"
                try c.warehouse.saveRun(r)
            } catch {
                return  // still locked: keep the file for the next runner
            }
        }
        try? FileManager.default.removeItem(atPath: unrecordedPath)
        summary.lines.append("recorded earlier failures the ledger could not take at the time")
    }
}
