import Foundation
import XCTest

/// Runs the built `almanac` binary the way a user does, on the committed sample data.
/// Needs `swift build` first (scripts/test does it) and poppler-utils and qpdf (scripts/setup).
final class EndToEndTests: PublishingTestCase {
    func almanac(_ args: String...) throws -> Result {
        try run(binary, args + (["load", "query", "analyse", "report", "pack", "gallery", "check"].contains(args.first ?? "") ? ["--warehouse", dir.appendingPathComponent("w.sqlite").path] : []))
    }


    func testLoadQueryAndErrors() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "build first: swift build")
        let load = try almanac("load")
        XCTAssertEqual(load.status, 0, load.err)
        XCTAssertTrue(load.out.contains("72,000"), load.out)
        let again = try almanac("load")
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.out.components(separatedBy: "skipped").count - 1, 6, again.out)

        let csv = try almanac("query", "contacts,spend", "--by", "directorate,financial_year", "--where", "district = 'Preston'", "--format", "csv")
        XCTAssertEqual(csv.status, 0, csv.err)
        let lines = csv.out.split(separator: "\r\n")
        XCTAssertEqual(lines.first, "directorate,financial_year,contacts,spend")
        XCTAssertEqual(lines.count, 26)
        let table = try almanac("query", "contacts,spend", "--by", "district", "--period", "2025-10")
        XCTAssertTrue(table.out.contains("Ribble Valley"))
        XCTAssertTrue(table.out.contains("£"))
        XCTAssertTrue(table.out.contains("(12 rows)"))
        let explain = try almanac("query", "contacts", "--where", "district = 'Preston'", "--explain")
        XCTAssertTrue(explain.out.contains("\"district_name\" = ?"))
        XCTAssertTrue(explain.out.contains("-- parameters: 'Preston'"))
        // Which rollup answers, and why; every statement of a top-N query.
        let rolled = try almanac("query", "contacts,web_share", "--by", "district,month", "--period", "2025-26", "--explain")
        XCTAssertTrue(rolled.out.contains("-- rollup month_service_ward (") && rolled.out.contains("cannot answer: it does not keep `channel`"), rolled.out)
        XCTAssertTrue(rolled.out.contains("-- rollup month_service_ward_channel (") && rolled.out.contains("answers exactly"), rolled.out)
        XCTAssertTrue(rolled.out.contains("FROM \"_rollup_month_service_ward_channel\" AS t0"), rolled.out)
        let distinct = try almanac("query", "customers", "--by", "district", "--period", "2025-10", "--explain")
        XCTAssertTrue(distinct.out.contains("no rollup answers this query exactly: reading the facts"), distinct.out)
        let top = try almanac("query", "contacts", "--by", "district", "--period", "2025-10", "--top", "3", "--explain")
        XCTAssertEqual(top.status, 0, top.err)
        XCTAssertTrue(top.out.contains("-- statement 1 of 3") && top.out.contains("-- statement 3 of 3"), top.out)
        XCTAssertTrue(top.out.contains("NOT IN"), "the All other statement names the members it leaves out: \(top.out)")
        let json = try almanac("query", "customers", "--by", "age_band", "--format", "json")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]]
        XCTAssertEqual(parsed?.first?["age_band"] as? String, "Under 18")

        let unknown = try almanac("query", "contact", "--by", "district")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("unknown measure `contact`"))
        XCTAssertTrue(unknown.err.contains("did you mean `contacts`?"))
        let badFilter = try almanac("query", "contacts", "--where", "district = 'Preston' and chanel = 'Web'")
        XCTAssertEqual(badFilter.status, 1)
        XCTAssertTrue(badFilter.err.contains("--where column 26"), badFilter.err)
        let outside = try almanac("query", "contacts", "--period", "2019-05")
        XCTAssertEqual(outside.status, 1)
        XCTAssertTrue(outside.err.contains("outside the data"))
        let noRows = try almanac("query", "contacts", "--by", "district", "--where", "district = 'Atlantis'")
        XCTAssertEqual(noRows.status, 0)
        XCTAssertTrue(noRows.out.contains("No rows match"))

        // SQL through every input stays data or is refused as an unknown name; nothing runs.
        for attack in [["query", "contacts; DROP TABLE activity"], ["query", "contacts", "--by", "district; DROP TABLE activity"],
                       ["query", "contacts", "--period", "2025-10'; DROP TABLE activity; --"],
                       ["query", "contacts", "--where", "district = 'x'); DROP TABLE activity; --"],
                       ["query", "contacts", "--where", "district = 'x''); DROP TABLE activity; --'"],
                       ["query", "contacts", "--by", "district", "--top", "3", "--where", "channel = 'Web'' OR 1=1 --'"],
                       ["report", "../../etc/passwd", "--out", dir.path]] {
            _ = try run(binary, attack + ["--warehouse", dir.appendingPathComponent("w.sqlite").path])
        }
        let intact = try almanac("query", "records", "--format", "csv")
        XCTAssertEqual(intact.out, "records\r\n72000\r\n", "the activity table is intact")
        let injected = try almanac("query", "records", "--where", "district = 'x''); DROP TABLE activity; --'", "--format", "csv")
        XCTAssertEqual(injected.out, "records\r\n0\r\n", "the attack was a district name that matched nothing")

        let bad = dir.appendingPathComponent("activity-2025-10.csv")
        try "activity_date,customer_id,service_code,ward_code,channel,contacts,spend_gbp,handling_minutes,outcome\n2025-10-01,C8617892,ASC,BUR01,Phone,2,12O.50,14.6,Resolved\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let failed = try almanac("load", "activity=" + bad.path)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.err.contains("activity-2025-10.csv:2:39: error: not a number in column `spend_gbp`: `12O.50`"), failed.err)
        XCTAssertTrue(failed.err.contains("warehouse is exactly as it was"))

        let analysis = try almanac("analyse", "contacts", "--period", "2026-03", "--format", "text")
        XCTAssertEqual(analysis.status, 0, analysis.err)
        XCTAssertTrue(analysis.out.contains("- Web contacts stopped for 3 days, 12 to 14 November 2024"), analysis.out)
        // The summary once, on its own line after the commentary, with the scan's false-alarm account.
        let outLines = analysis.out.split(separator: "\n", omittingEmptySubsequences: false)
        let summaries = outLines.filter { $0.contains("tests, false discovery rate controlled at 1%") }
        XCTAssertEqual(summaries.count, 1, analysis.out)
        XCTAssertTrue(summaries.first?.first?.isNumber ?? false, "the summary starts its own line")
        XCTAssertTrue(summaries.first?.contains("may be false alarms.") ?? false)
        XCTAssertEqual(outLines.last(where: { !$0.isEmpty }), summaries.first)
        XCTAssertFalse(analysis.err.contains("findings from"), "stderr carries the timing only")
        let ratio = try almanac("analyse", "spend_per_contact")
        XCTAssertEqual(ratio.status, 1)
        XCTAssertTrue(ratio.err.contains("not a count or a sum"))

        for command in ["load", "query", "analyse", "report", "gallery", "sample", "check"] {
            let help = try run(binary, [command, "--help"])
            XCTAssertEqual(help.status, 0)
            XCTAssertTrue(help.out.contains("USAGE"), command)
        }
        XCTAssertEqual(try almanac("check").status, 0)
    }

    func testMonthlyPackEndToEnd() throws {
        let pdfinfo = try tool("pdfinfo"), pdftotext = try tool("pdftotext"), qpdf = try tool("qpdf")
        XCTAssertEqual(try almanac("load").status, 0)
        let out = dir.appendingPathComponent("out").path
        let report = try almanac("report", "monthly-performance", "--period", "2025-10", "--out", out, "--produced", "2026-11-25")
        XCTAssertEqual(report.status, 0, report.err)
        let folder = out + "/monthly-performance/2025-10"
        let pdf = folder + "/monthly-performance-2025-10.pdf"
        let info = try run(pdfinfo, [pdf]).out
        XCTAssertTrue(info.contains("Title:           Monthly performance report: October 2025"), info)
        XCTAssertTrue(info.contains("Tagged:          yes"), info)
        let pages = Int(info.components(separatedBy: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        XCTAssertGreaterThanOrEqual(pages, 6, "cover, contents, three or more content pages, definitions")

        let outline = try run(qpdf, ["--json", "--json-key=outlines", pdf]).out
        for title in ["Contents", "3. Contacts by directorate over the last 13 months", "4. Contacts per 1,000 residents by district this month",
                      "7. Service summary for the month", "Definitions, sources and data freshness"] {
            XCTAssertTrue(outline.contains("\"title\": \"\(title)\""), "bookmark \(title)")
        }
        // Every figure carries its alternative text, on the page where the chart is drawn.
        let json = try run(qpdf, ["--json", "--json-key=qpdf", "--json-key=pages", pdf]).out
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let objects = try XCTUnwrap((root["qpdf"] as? [Any])?.last as? [String: Any])
        let pageOf = Dictionary(uniqueKeysWithValues: try XCTUnwrap(root["pages"] as? [[String: Any]]).enumerated().map { ($0.element["object"] as! String, $0.offset + 1) })
        let figures = objects.values.compactMap { ($0 as? [String: Any])?["value"] as? [String: Any] }.filter { $0["/S"] as? String == "/Figure" }
        XCTAssertEqual(figures.count, 9, "the logo, four headline tiles and four charts")
        XCTAssertTrue(figures.contains { ($0["/Alt"] as? String)?.contains("Lancashire County Council (sample data)") == true }, "the logo's text alternative")
        XCTAssertTrue(figures.allSatisfy { ($0["/Alt"] as? String)?.count ?? 0 > 20 }, "every figure has alternative text")
        let lineFigure = try XCTUnwrap(figures.first { ($0["/Alt"] as? String)?.contains("Contacts by directorate over the last 13 months. Line chart of contacts") == true })
        let textPages = try run(pdftotext, ["-layout", pdf, "-"]).out.components(separatedBy: "\u{0C}")
        let figurePage = try XCTUnwrap(pageOf[lineFigure["/Pg"] as? String ?? ""])
        XCTAssertTrue(textPages[figurePage - 1].contains("3. Contacts by directorate over the last 13 months"), "the alternative text is on its chart's page")

        let text = try run(pdftotext, ["-layout", pdf, "-"]).out
        for expected in ["Monthly performance report", "October 2025", "Produced", "25 November 2026", "OFFICIAL", "What the data is telling us",
                         "Contacts in Burnley have run", "percentage points",
                         "Page 3 of \(pages)", "Adult social care", "Ribble Valley", "Chart description:"] {
            XCTAssertTrue(text.contains(expected), "PDF text lacks \(expected)")
        }

        let html = try String(contentsOfFile: folder + "/monthly-performance-2025-10.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<html lang=\"en-GB\">"))
        XCTAssertTrue(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo"), "the logo inline")
        XCTAssertTrue(html.contains("alt=\"Lancashire County Council (sample data)\">"))
        XCTAssertEqual(html.components(separatedBy: "<h1").count - 1, 1)
        XCTAssertEqual(html.components(separatedBy: "role=\"img\"").count - 1, 8, "four charts and four headline tiles inline")
        XCTAssertTrue(html.contains("<figcaption>Line chart of contacts"))
        let csvs = try FileManager.default.contentsOfDirectory(atPath: folder + "/data").filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(csvs.count, 8)
        let districtCSV = try String(contentsOfFile: folder + "/data/04-contacts-per-1-000-residents-by-district-this-month.csv", encoding: .utf8)
        XCTAssertTrue(districtCSV.hasPrefix("District,\"Contacts per 1,000 residents (contacts per 1,000 residents)\"\r\n"), districtCSV)
        XCTAssertFalse(districtCSV.contains("£"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/monthly-performance"), ["2025-10"], "no staging folder left behind")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["index.html", "monthly-performance"])

        // Same data, same period: same bytes.
        let again = dir.appendingPathComponent("again").path
        XCTAssertEqual(try almanac("report", "monthly-performance", "--period", "2025-10", "--out", again, "--produced", "2026-11-25").status, 0)
        for f in ["monthly-performance-2025-10.pdf", "monthly-performance-2025-10.html", "data/03-contacts-by-directorate-over-the-last-13-months.csv"] {
            XCTAssertEqual(FileManager.default.contents(atPath: folder + "/" + f), FileManager.default.contents(atPath: again + "/monthly-performance/2025-10/" + f), f)
        }

        // The project's own output checks, where the shared checks are present.
        let checker = Self.root.appendingPathComponent("../shared/checks/check-outputs").standardized.path
        if FileManager.default.isExecutableFile(atPath: checker) {
            let check = try run("/usr/bin/env", ["python3", checker, out, "--strict"])
            XCTAssertEqual(check.status, 0, check.out)
        }

        // The gallery: every chart kind to PDF, SVG and PNG, through the same checks.
        let gallery = dir.appendingPathComponent("gallery").path
        let g = try almanac("gallery", "--out", gallery, "--period", "2026-03")
        XCTAssertEqual(g.status, 0, g.err)
        let galleryFiles = try FileManager.default.contentsOfDirectory(atPath: gallery)
        XCTAssertEqual(galleryFiles.filter { $0.hasSuffix(".pdf") }.count, 14)
        XCTAssertEqual(galleryFiles.filter { $0.hasSuffix(".svg") }.count, 14)
        XCTAssertEqual(galleryFiles.filter { $0.hasSuffix(".png") }.count, 14)
        XCTAssertEqual(galleryFiles.filter { $0.hasSuffix(".csv") }.count, 14, "the data behind every chart")
        if FileManager.default.isExecutableFile(atPath: checker) {
            let check = try run("/usr/bin/env", ["python3", checker, gallery])
            XCTAssertEqual(check.status, 0, check.out)
        }

        // One district profile per district, each holding nothing about any other district.
        let profiles = dir.appendingPathComponent("profiles").path
        let dp = try almanac("report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", profiles)
        XCTAssertEqual(dp.status, 0, dp.err)
        let profileSet = profiles + "/district-profile/district-managers/2025-10"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: profileSet).filter { !$0.hasPrefix(".") && $0 != "manifest.json" }.count, 12)
        let index = try String(contentsOfFile: profiles + "/index.html", encoding: .utf8)
        XCTAssertEqual(index.components(separatedBy: "<tr><th scope=\"row\">").count - 1, 12, "index.html lists every district's page")
        let burnley = profileSet + "/burnley"
        var seen = try run(pdftotext, [burnley + "/district-profile-2025-10-burnley.pdf", "-"]).out
        seen += try String(contentsOfFile: burnley + "/district-profile-2025-10-burnley.html", encoding: .utf8)
        for f in try FileManager.default.contentsOfDirectory(atPath: burnley + "/data") {
            seen += try String(contentsOfFile: burnley + "/data/" + f, encoding: .utf8)
        }
        for other in ["Chorley", "Fylde", "Hyndburn", "Lancaster", "Pendle", "Preston", "Ribble Valley", "Rossendale", "South Ribble", "West Lancashire", "Wyre"] {
            XCTAssertFalse(seen.contains(other), "the Burnley pack mentions \(other)")
        }
        XCTAssertTrue(seen.contains("District profile: Burnley"))
        XCTAssertFalse(seen.contains("72,000"), "no whole-warehouse counts in a scoped pack")
        // Its figures are Burnley's: the service table adds up to Burnley's contacts.
        let table = try String(contentsOfFile: burnley + "/data/04-service-summary-for-the-month.csv", encoding: .utf8)
        let total = table.split(separator: "\r\n").dropFirst().compactMap { Double($0.split(separator: ",")[1]) }.reduce(0, +)
        let direct = try almanac("query", "contacts", "--where", "district = 'Burnley'", "--period", "2025-10", "--format", "csv")
        XCTAssertEqual(total, Double(direct.out.split(separator: "\r\n")[1]))
        // One service deep-dive per service; every pack of every audience passes the checks.
        let deep = dir.appendingPathComponent("deep").path
        let sd = try almanac("report", "service-deep-dive", "--period", "2025-10", "--audience", "service-leads", "--out", deep)
        XCTAssertEqual(sd.status, 0, sd.err)
        let deepSet = deep + "/service-deep-dive/service-leads/2025-10"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: deepSet).filter { !$0.hasPrefix(".") && $0 != "manifest.json" }.count, 8)
        let highways = try run(pdftotext, [deepSet + "/highways/service-deep-dive-2025-10-highways.pdf", "-"]).out
        XCTAssertTrue(highways.contains("Service deep-dive: Highways"))
        XCTAssertFalse(highways.contains("Libraries"), "the Highways pack names no other service")
        if FileManager.default.isExecutableFile(atPath: checker) {
            for folder in [profiles, deep] {
                let check = try run("/usr/bin/env", ["python3", checker, folder, "--strict"])
                XCTAssertEqual(check.status, 0, check.out)
            }
        }
        let noAudience = try almanac("report", "district-profile", "--period", "2025-10", "--audience", "district-manager", "--out", profiles)
        XCTAssertEqual(noAudience.status, 1)
        XCTAssertTrue(noAudience.err.contains("did you mean `district-managers`?"), noAudience.err)

        // A period with no data still renders, says so, and exits 3 (partial).
        let empty = try almanac("report", "monthly-performance", "--period", "2030-01", "--out", dir.appendingPathComponent("empty").path)
        XCTAssertEqual(empty.status, 3, empty.err)
        let emptyText = try run(pdftotext, [dir.appendingPathComponent("empty/monthly-performance/2030-01/monthly-performance-2030-01.pdf").path, "-"]).out
        XCTAssertTrue(emptyText.contains("There is no data for January 2030"))
        let emptyPages = emptyText.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        XCTAssertTrue(emptyPages.dropFirst().allSatisfy { $0.contains("No data for January 2030") }, "every page after the cover says there is no data")

        let unknown = try almanac("report", "monthly-performence", "--period", "2025-10", "--out", out)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("did you mean `monthly-performance`?"), unknown.err)
    }

    func testPacksBindReportsIntoOnePDF() throws {
        let pdfinfo = try tool("pdfinfo"), pdftotext = try tool("pdftotext"), qpdf = try tool("qpdf")
        XCTAssertEqual(try almanac("load").status, 0)
        let out = dir.appendingPathComponent("packs").path
        let cabinet = try almanac("pack", "cabinet-monthly", "--period", "2025-10", "--out", out, "--produced", "2026-11-25")
        XCTAssertEqual(cabinet.status, 0, cabinet.err)
        let pdf = out + "/cabinet-monthly/2025-10/cabinet-monthly-2025-10.pdf"
        let info = try run(pdfinfo, ["-f", "1", "-l", "200", pdf]).out
        XCTAssertTrue(info.contains("Title:           Cabinet monthly pack: October 2025"), info)
        XCTAssertTrue(info.contains("Tagged:          yes"), info)
        let pages = Int(info.components(separatedBy: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        XCTAssertGreaterThanOrEqual(pages, 40)
        // Portrait and landscape pages: the service summary table is declared `page: landscape`.
        let sizes = info.components(separatedBy: "\n").filter { $0.hasPrefix("Page ") && $0.contains("size:") }
        XCTAssertEqual(sizes.count, pages)
        XCTAssertTrue(sizes.contains { $0.contains("841.89 x 595.276") }, "a landscape page")
        XCTAssertTrue(sizes.contains { $0.contains("595.276 x 841.89") }, "portrait pages")

        // One part per report, and one per district for the profile; bookmarks match.
        let outline = try run(qpdf, ["--json", "--json-key=outlines", pdf]).out
        for title in ["1. Monthly performance report", "2. District profile: Burnley", "13. District profile: Wyre",
                      "1.3 Contacts by directorate over the last 13 months", "2.1 Contacts by directorate over the last 13 months",
                      "Appendix: the data behind each chart", "Definitions, sources and data freshness"] {
            XCTAssertTrue(outline.contains("\"title\": \"\(title)\""), "bookmark \(title)")
        }
        let text = try run(pdftotext, ["-layout", pdf, "-"]).out
        for expected in ["Cabinet monthly pack", "District profile, one for each of 12 districts", "OFFICIAL-SENSITIVE",
                         "Part 2. District profile: Burnley", "Page \(pages) of \(pages)", "Measures used in this pack",
                         "Contacts per 1,000 residents", "Sources and data freshness"] {
            XCTAssertTrue(text.contains(expected), "pack text lacks \(expected)")
        }
        // The contents page numbers are where the parts really start.
        let pageTexts = text.components(separatedBy: "\u{0C}")
        let contentsLine = try XCTUnwrap(pageTexts[1].split(separator: "\n").first { $0.contains("2. District profile: Burnley") })
        let listed = try XCTUnwrap(Int(contentsLine.split(separator: " ").last!))
        XCTAssertTrue(pageTexts[listed - 1].contains("Part 2. District profile: Burnley"), "contents says page \(listed)")

        // The folder's index lists the pack.
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertTrue(index.contains("<a href=\"cabinet-monthly/2025-10/cabinet-monthly-2025-10.pdf\">Cabinet monthly pack: October 2025 (PDF)</a>"), index)

        // Same data, same period: same bytes.
        let again = dir.appendingPathComponent("again").path
        XCTAssertEqual(try almanac("pack", "cabinet-monthly", "--period", "2025-10", "--out", again, "--produced", "2026-11-25").status, 0)
        XCTAssertEqual(FileManager.default.contents(atPath: pdf), FileManager.default.contents(atPath: again + "/cabinet-monthly/2025-10/cabinet-monthly-2025-10.pdf"))

        // A pack per district, each holding only that district's figures.
        let districts = dir.appendingPathComponent("districts").path
        let dp = try almanac("pack", "district-pack", "--period", "2025-10", "--audience", "district-managers", "--out", districts)
        XCTAssertEqual(dp.status, 0, dp.err)
        let districtSet = districts + "/district-pack/district-managers/2025-10"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: districtSet).filter { !$0.hasPrefix(".") && $0 != "manifest.json" }.count, 12)
        let pendle = try run(pdftotext, [districtSet + "/pendle/district-pack-2025-10-pendle.pdf", "-"]).out
        XCTAssertTrue(pendle.contains("District monthly pack: Pendle"))
        for other in ["Burnley", "Chorley", "Fylde", "Hyndburn", "Lancaster", "Preston", "Ribble Valley", "Rossendale", "South Ribble", "West Lancashire", "Wyre"] {
            XCTAssertFalse(pendle.contains(other), "the Pendle pack mentions \(other)")
        }
        XCTAssertFalse(pendle.contains("72,000"), "no whole-warehouse counts in a scoped pack")

        let checker = Self.root.appendingPathComponent("../shared/checks/check-outputs").standardized.path
        if FileManager.default.isExecutableFile(atPath: checker) {
            for folder in [out, districts] {
                let check = try run("/usr/bin/env", ["python3", checker, folder, "--strict"])
                XCTAssertEqual(check.status, 0, check.out)
            }
        }

        // An output folder that cannot be made (a file stands in its way): a clear error, nothing written.
        let blocker = dir.appendingPathComponent("a-file").path
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data()))
        for command in [["pack", "cabinet-monthly"], ["report", "monthly-performance"]] {
            let blocked = try almanac(command[0], command[1], "--period", "2025-10", "--out", blocker + "/out")
            XCTAssertEqual(blocked.status, 1)
            XCTAssertTrue(blocked.err.contains("a-file/out: error: cannot create the output folder"), blocked.err)
        }
        // A missing HTML template: a clear error naming it, and no output folder left behind.
        let project = dir.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        for folder in ["models", "reports", "packs", "templates"] {
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(folder), to: project.appendingPathComponent(folder))
        }
        try FileManager.default.removeItem(at: project.appendingPathComponent("templates/report.html.mustache"))
        let noTemplate = try almanac("report", "monthly-performance", "--period", "2025-10", "--project", project.path,
                                     "--out", project.appendingPathComponent("out").path)
        XCTAssertEqual(noTemplate.status, 1)
        XCTAssertTrue(noTemplate.err.contains("templates/report.html.mustache: error: the HTML template is missing"), noTemplate.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.appendingPathComponent("out").path))

        // Mistakes: an unknown pack, and a period with no data (the pack is written, exit 3).
        let unknown = try almanac("pack", "cabinet-montly", "--out", out)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("did you mean `cabinet-monthly`?"), unknown.err)
        let empty = try almanac("pack", "cabinet-monthly", "--period", "2030-01", "--out", out)
        XCTAssertEqual(empty.status, 3, empty.err)
        XCTAssertTrue(try run(pdftotext, [out + "/cabinet-monthly/2030-01/cabinet-monthly-2030-01.pdf", "-"]).out.contains("No data for January 2030"))
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out + "/cabinet-monthly/2030-01").contains { $0.hasSuffix(".part") || $0.hasSuffix(".layout") })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/cabinet-monthly").sorted(), ["2025-10", "2030-01"])
    }

    /// Every published HTML page, checked by axe-core (WCAG 2.2 A and AA, and best practice)
    /// in headless Chromium. scripts/browser-setup installs Chromium, chromedriver, selenium
    /// and axe-core if they are missing; set ALMANAC_SKIP_BROWSER=1 to skip on a machine
    /// where nothing may be installed.
    func testPublishedHTMLPassesAxeInChromium() throws {
        if ProcessInfo.processInfo.environment["ALMANAC_SKIP_BROWSER"] == "1" { throw XCTSkip("ALMANAC_SKIP_BROWSER=1") }
        let setup = try run("/bin/bash", [Self.root.appendingPathComponent("scripts/browser-setup").path])
        XCTAssertEqual(setup.status, 0, "scripts/browser-setup failed: \(setup.out)\(setup.err)")
        guard setup.status == 0 else { return }
        let axe = Self.root.appendingPathComponent("scripts/axe-check").path

        // The check finds real problems: a page without a language, a title or alternative text fails.
        let bad = dir.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        try "<!DOCTYPE html><html><head></head><body><img src=x.png><p style=\"color:#bbb\">Faint</p></body></html>"
            .write(to: bad.appendingPathComponent("bad.html"), atomically: true, encoding: .utf8)
        let failing = try run("/usr/bin/env", ["python3", axe, bad.path])
        XCTAssertEqual(failing.status, 1, failing.out + failing.err)
        for rule in ["html-has-lang", "document-title", "image-alt", "color-contrast"] {
            XCTAssertTrue(failing.out.contains(rule), "axe did not report \(rule): \(failing.out)")
        }

        XCTAssertEqual(try almanac("load").status, 0)
        let out = dir.appendingPathComponent("html").path
        XCTAssertEqual(try almanac("report", "monthly-performance", "--period", "2025-10", "--out", out).status, 0)
        XCTAssertEqual(try almanac("report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", out).status, 0)
        XCTAssertEqual(try almanac("report", "service-deep-dive", "--period", "2025-10", "--audience", "service-leads", "--out", out).status, 0)
        XCTAssertEqual(try almanac("report", "monthly-performance", "--period", "2030-01", "--out", out).status, 3)
        // A pack beside them, so the index lists PDFs too.
        XCTAssertEqual(try almanac("pack", "cabinet-monthly", "--period", "2025-10", "--out", out).status, 0)
        let checked = try run("/usr/bin/env", ["python3", axe, out])
        XCTAssertEqual(checked.status, 0, checked.out + checked.err)
        // 1 monthly + 12 district + 8 service + 1 empty report pages, and the index of them all.
        XCTAssertEqual(checked.out.components(separatedBy: ": no violations (axe-core 4.").count - 1, 23, checked.out)
    }
}
