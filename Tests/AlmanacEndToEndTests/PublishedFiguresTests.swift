import Foundation
import XCTest

/// What the publishing tests share: a temporary folder, the built binary run as a user runs
/// it (with a fixed SOURCE_DATE_EPOCH), a project folder, and an RFC 4180 reader.
class PublishingTestCase: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var binary: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("almanac").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return Self.root.appendingPathComponent(".build/debug/almanac").path
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// A command-line tool the tests read outputs with; skipped (with how to install it) when missing.
    func tool(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw XCTSkip("\(name) is not installed; run scripts/setup")
    }

    /// Runs the built almanac with a fixed SOURCE_DATE_EPOCH.
    @discardableResult
    func run(_ args: [String], environment: [String: String] = [:]) throws -> Result {
        try run(binary, args, environment: ["SOURCE_DATE_EPOCH": "1764547200"].merging(environment) { $1 })
    }

    /// Runs any program from the repository's folder, as a user would.
    @discardableResult
    func run(_ executable: String, _ args: [String], environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = Self.root
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// A project folder: the repository's model, templates and packs, and its reports plus `extra` reports.
    func project(extra: [URL]) throws -> URL {
        let p = dir.appendingPathComponent("project")
        let fm = FileManager.default
        try fm.createDirectory(at: p.appendingPathComponent("reports"), withIntermediateDirectories: true)
        for link in ["models", "templates", "packs", "sample-data"] {
            try fm.createSymbolicLink(at: p.appendingPathComponent(link), withDestinationURL: Self.root.appendingPathComponent(link))
        }
        for f in try fm.contentsOfDirectory(atPath: Self.root.appendingPathComponent("reports").path) {
            try fm.copyItem(at: Self.root.appendingPathComponent("reports/" + f), to: p.appendingPathComponent("reports/" + f))
        }
        for e in extra { try fm.copyItem(at: e, to: p.appendingPathComponent("reports/" + e.lastPathComponent)) }
        return p
    }

    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    // MARK: - CSV

    /// RFC 4180 rows.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text).makeIterator()
        var pending: Character?
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\r\n" || c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// Compares a published CSV with `almanac query`'s CSV cell by cell (headers aside: the
    /// published one is labelled); returns how many numbers were compared.
    func compare(published: String, query: String, context: String) -> Int {
        let a = Self.parseCSV(published), b = Self.parseCSV(query)
        XCTAssertEqual(a.count, b.count, "\(context): rows differ\npublished:\n\(published.prefix(600))\nquery:\n\(query.prefix(600))")
        guard a.count == b.count else { return 0 }
        var numbers = 0
        for (r, (x, y)) in zip(a, b).enumerated().dropFirst() {
            XCTAssertEqual(x.count, y.count, "\(context) row \(r)")
            for (i, (p, q)) in zip(x, y).enumerated() {
                if let dp = Double(p), let dq = Double(q) {
                    numbers += 1
                    XCTAssertEqual(dp, dq, accuracy: max(abs(dq), 1) * 1e-9, "\(context) row \(r) column \(a[0][i])")
                } else {
                    XCTAssertEqual(p, q, "\(context) row \(r) column \(a[0][i])")
                }
            }
        }
        return numbers
    }

    /// Every data CSV under `out` with a recorded query, checked against `almanac query`.
    func checkEveryFigure(under out: URL, extra: [String]) throws -> (files: Int, numbers: Int) {
        var files = 0, numbers = 0
        let walker = FileManager.default.enumerator(atPath: out.path)
        var sidecars: [String] = []
        while let item = walker?.nextObject() as? String {
            if item.hasSuffix(".json") && item.contains("data/") { sidecars.append(item) }
        }
        for item in sidecars.sorted() {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(item))) as? [String: Any]
            guard let query = json?["query"] as? [String: Any], let args = query["arguments"] as? [String] else {
                // Only findings (statements, not figures from one query) have no query.
                XCTAssertTrue(item.contains("what-the-data") || item.contains("finding"), "\(item) has no recorded query")
                continue
            }
            let csv = try String(contentsOf: out.appendingPathComponent(String(item.dropLast(5)) + ".csv"), encoding: .utf8)
            let r = try run(["query"] + args + extra)
            XCTAssertEqual(r.status, 0, "\(item): almanac query \(args.joined(separator: " ")): \(r.err)")
            numbers += compare(published: csv, query: r.out, context: item)
            files += 1
        }
        return (files, numbers)
    }

    func pdftotext(_ path: String) throws -> String { try run(try tool("pdftotext"), [path, "-"]).out }
}

/// One path for every figure: every number in every published CSV (reports, packs, KPI
/// tiles, audience members) equals what `almanac query` gives for the request recorded
/// beside it, on the sample and on a warehouse shaped unlike it.
final class PublishedFiguresTests: PublishingTestCase {
    // MARK: - The sample

    func testEveryPublishedFigureEqualsAlmanacQueryOnTheSample() throws {
        let project = try project(extra: [Self.fixtures.appendingPathComponent("every-measure.yaml")])
        let warehouse = dir.appendingPathComponent("w.sqlite").path
        let common = ["--project", project.path, "--warehouse", warehouse]
        let out = dir.appendingPathComponent("out")
        XCTAssertEqual(try run(["load"] + common).status, 0)
        for args in [["report", "monthly-performance"], ["report", "every-measure"], ["report", "district-profile", "--audience", "district-managers"],
                     ["pack", "cabinet-monthly"]] {
            let r = try run(args + common + ["--period", "2025-10", "--out", out.path])
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
        }
        let checked = try checkEveryFigure(under: out, extra: ["--warehouse", warehouse, "--project", project.path])
        XCTAssertGreaterThan(checked.files, 150)
        XCTAssertGreaterThan(checked.numbers, 5_000)

        // The recorded periods are the sections' windows, independently worked out here.
        let data = out.appendingPathComponent("every-measure/2025-10/data")
        func query(_ file: String) throws -> [String: Any] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: data.appendingPathComponent(file))) as? [String: Any]
            return json?["query"] as? [String: Any] ?? [:]
        }
        XCTAssertEqual(try query("03-by-iso-week.json")["period"] as? String, "2025-08..2025-10")
        XCTAssertEqual(try query("05-running-totals-by-district.json")["period"] as? String, "2025-04..2025-10")
        XCTAssertEqual(try query("09-by-financial-year.json")["period"] as? String, "2022-11..2025-10")
        XCTAssertEqual(try query("02-by-day.json")["period"] as? String, "2025-10")

        // Running totals are running totals, checked against the month's own figures.
        let rows = Self.parseCSV(try String(contentsOf: data.appendingPathComponent("04-by-month.csv"), encoding: .utf8))
        let header = rows[0]
        func column(_ prefix: String) -> Int { header.firstIndex { $0.hasPrefix(prefix) } ?? -1 }
        let month = column("Month"), contacts = column("Contacts (contacts)"), fytd = column("Contacts, financial year to date"),
            rolling3 = column("Contacts, rolling 3"), rolling12 = column("Contacts, rolling 12")
        let byMonth = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[month], $0) })
        let value = { (m: String, c: Int) in Double(byMonth[m]?[c] ?? "") ?? -1 }
        XCTAssertEqual(value("2025-04", fytd), value("2025-04", contacts))
        XCTAssertEqual(value("2025-06", fytd), value("2025-04", contacts) + value("2025-05", contacts) + value("2025-06", contacts))
        XCTAssertEqual(value("2025-10", rolling3), value("2025-08", contacts) + value("2025-09", contacts) + value("2025-10", contacts))
        XCTAssertGreaterThan(value("2025-10", rolling12), value("2025-10", contacts) * 8)
    }

    // MARK: - Another shape

    /// Writes a borough's extracts: other names and dimensions, data from 2023-01-16 to
    /// 2025-08-14, and the "North" region's data ending on 2025-06-30.
    func writeBorough(to folder: URL) throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func pick(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let regions = [("R1", "North"), ("R2", "South"), ("R3", "Riverside"), ("R4", "Old Town")]
        try ("region_id,region_title,borough_title\n" + regions.map { "\($0.0),\($0.1),Testborough\n" }.joined())
            .write(to: folder.appendingPathComponent("regions.csv"), atomically: true, encoding: .utf8)
        var hoods: [(String, String, String)] = []
        for (i, r) in regions.enumerated() { for j in 1...3 { hoods.append(("H\(i)\(j)", "\(r.1) \(["Park", "Hill", "Green"][j - 1])", r.0)) } }
        try ("hood_id,hood_title,region_id\n" + hoods.map { "\($0.0),\($0.1),\($0.2)\n" }.joined())
            .write(to: folder.appendingPathComponent("neighbourhoods.csv"), atomically: true, encoding: .utf8)
        try ("region_id,yr,headcount\n" + regions.flatMap { r in (2023...2025).map { "\(r.0),\($0),\(20_000 + pick(30_000))\n" } }.joined())
            .write(to: folder.appendingPathComponent("residents.csv"), atomically: true, encoding: .utf8)
        let teams = [("T1", "Repairs", "Housing"), ("T2", "Lettings", "Housing"), ("T3", "Parks", "Environment"), ("T4", "Bins", "Environment"), ("T5", "Libraries", "Culture")]
        try ("team_id,team_title,department\n" + teams.map { "\($0.0),\($0.1),\($0.2)\n" }.joined())
            .write(to: folder.appendingPathComponent("teams.csv"), atomically: true, encoding: .utf8)
        var lines = "logged_on,resident_ref,team_id,hood_id,route,items,cost\n"
        var day = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2023, month: 1, day: 16).date!
        let end = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2025, month: 8, day: 15).date!
        let northEnd = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2025, month: 7, day: 1).date!
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        while day < end {
            for _ in 0..<(3 + pick(5)) {
                var hood = hoods[pick(hoods.count)]
                if day >= northEnd && hood.2 == "R1" { hood = hoods[3 + pick(9)] }
                lines += "\(f.string(from: day)),P\(1000 + pick(600)),\(teams[pick(teams.count)].0),\(hood.0),\(["Online", "Phone", "Counter"][pick(3)]),\(1 + pick(4)),\(pick(20000)).\(String(format: "%02d", pick(100)))\n"
            }
            day = day.addingTimeInterval(86_400)
        }
        try lines.write(to: folder.appendingPathComponent("requests.csv"), atomically: true, encoding: .utf8)
    }

    func testEveryPublishedFigureEqualsAlmanacQueryOnAnotherShape() throws {
        let project = dir.appendingPathComponent("borough")
        let fm = FileManager.default
        try fm.createDirectory(at: project, withIntermediateDirectories: true)
        for sub in ["models", "reports"] {
            try fm.copyItem(at: Self.fixtures.appendingPathComponent("other-council/" + sub), to: project.appendingPathComponent(sub))
        }
        try fm.createSymbolicLink(at: project.appendingPathComponent("templates"), withDestinationURL: Self.root.appendingPathComponent("templates"))
        try writeBorough(to: project.appendingPathComponent("data"))
        let model = project.appendingPathComponent("models/borough.yaml").path
        let warehouse = dir.appendingPathComponent("b.sqlite").path
        let common = ["--project", project.path, "--model", model, "--warehouse", warehouse]
        let load = try run(["load", "--data", project.appendingPathComponent("data").path] + common)
        XCTAssertEqual(load.status, 0, load.err)
        let out = dir.appendingPathComponent("out")
        for period in ["2025-07", "2024-03"] {
            let r = try run(["report", "borough-monthly", "--period", period, "--out", out.path] + common)
            XCTAssertEqual(r.status, 0, r.err)
        }
        let scoped = try run(["report", "borough-monthly", "--period", "2025-07", "--audience", "region-leads", "--out", out.path] + common)
        // North has no data in July 2025: its pack says so, and the run exits 3 (partial), naming it.
        XCTAssertEqual(scoped.status, 3, scoped.err)
        XCTAssertTrue(scoped.err.contains("no data for 2025-07 in Borough monthly report: North"), scoped.err)
        let checked = try checkEveryFigure(under: out, extra: ["--model", model, "--warehouse", warehouse])
        XCTAssertGreaterThan(checked.files, 40)
        XCTAssertGreaterThan(checked.numbers, 2_000)

        // Scoped facts are scoped: North's data ends on 30 June 2025, the borough's on 14 August.
        let set = out.appendingPathComponent("borough-monthly/region-leads/2025-07")
        let north = try JSONSerialization.jsonObject(with: Data(contentsOf: set.appendingPathComponent("north/manifest.json"))) as? [String: Any]
        XCTAssertEqual((north?["data"] as? [String: Any])?["last_day"] as? String, "2025-06-30")
        let whole = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("borough-monthly/2025-07/manifest.json"))) as? [String: Any]
        XCTAssertEqual((whole?["data"] as? [String: Any])?["last_day"] as? String, "2025-08-14")
        let text = try pdftotext(set.appendingPathComponent("north/borough-monthly-2025-07-north.pdf").path)
        XCTAssertTrue(text.contains("30 June 2025"), "the North pack gives North's own last date")
        XCTAssertFalse(text.contains("14 August 2025"), "the North pack must not give the borough's last date")
    }

}
