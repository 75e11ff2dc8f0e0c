import Foundation
import XCTest

/// A model for a warehouse shaped unlike the sample (an area table with its district as a
/// column and a population column, a 0/1 satisfaction flag, other dimension names, the scan's
/// dimensions declared) loads, checks, queries, analyses and publishes without renaming anything.
final class AnyWarehouseTests: PublishingTestCase {
    func testAModelOfAnotherShapeWorksEndToEnd() throws {
        let fm = FileManager.default
        let project = dir.appendingPathComponent("casework")
        try fm.createDirectory(at: project, withIntermediateDirectories: true)
        for sub in ["models", "reports"] {
            try fm.copyItem(at: Self.fixtures.appendingPathComponent("area-council/" + sub), to: project.appendingPathComponent(sub))
        }
        try fm.createSymbolicLink(at: project.appendingPathComponent("templates"), withDestinationURL: EndToEndTests.root.appendingPathComponent("templates"))
        // Generated data: 9 areas in 3 districts, 4 teams, three years of cases.
        var seed: UInt64 = 77
        func pick(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let data = project.appendingPathComponent("data")
        try fm.createDirectory(at: data, withIntermediateDirectories: true)
        let districts = ["Northdale", "Southmoor", "Eastholme"]
        var populations: [String: Int] = [:]
        var areas = "area_id,area_name,district,population\n"
        for i in 0..<9 {
            let population = 3_000 + 1_000 * i
            populations[districts[i % 3], default: 0] += population
            areas += "A\(i),Area \(i),\(districts[i % 3]),\(population)\n"
        }
        try areas.write(to: data.appendingPathComponent("areas.csv"), atomically: true, encoding: .utf8)
        try "team_id,team_name,division\nT1,Housing advice,People\nT2,Benefits,People\nT3,Planning,Place\nT4,Licensing,Place\n"
            .write(to: data.appendingPathComponent("teams.csv"), atomically: true, encoding: .utf8)
        var cases = "case_ref,opened_on,person_ref,team_id,area_id,route,satisfied,cost\n"
        var expected: [String: (cases: Int, satisfied: Int)] = [:]  // by district, for 2025-06
        var n = 0
        var day = Date(timeIntervalSince1970: 1_672_531_200)  // 2023-01-01
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        while f.string(from: day) < "2025-12-01" {
            for _ in 0..<(2 + pick(6)) {
                n += 1
                let area = pick(9), satisfied = pick(10) < 7 ? 1 : 0
                let date = f.string(from: day)
                cases += "K\(n),\(date),P\(pick(400)),T\(1 + pick(4)),A\(area),\(["Online", "Phone", "In person"][pick(3)]),\(satisfied),\(pick(500)).\(pick(10))0\n"
                if date.hasPrefix("2025-06") {
                    expected[districts[area % 3], default: (0, 0)].cases += 1
                    expected[districts[area % 3], default: (0, 0)].satisfied += satisfied
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        try cases.write(to: data.appendingPathComponent("cases.csv"), atomically: true, encoding: .utf8)

        let model = project.appendingPathComponent("models/casework.yaml").path
        let common = ["--project", project.path, "--model", model, "--warehouse", dir.appendingPathComponent("c.sqlite").path]
        let load = try run(["load", "--data", data.path] + common)
        XCTAssertEqual(load.status, 0, load.err)
        let check = try run(["check"] + common)
        XCTAssertEqual(check.status, 0, check.err)
        XCTAssertTrue(check.out.contains("report casework-monthly: 6 sections"), check.out)

        // A measure filtered on a fact column, and a rate over an area table's population, by district.
        let q = try run(["query", "cases_opened,satisfied_cases,cases_per_1000", "--by", "district", "--period", "2025-06", "--format", "csv"] + common)
        XCTAssertEqual(q.status, 0, q.err)
        let rows = Self.parseCSV(q.out)
        XCTAssertEqual(rows.first, ["district", "cases_opened", "satisfied_cases", "cases_per_1000"])
        for row in rows.dropFirst() {
            let e = try XCTUnwrap(expected[row[0]], row[0])
            XCTAssertEqual(Int(row[1]), e.cases, row[0])
            XCTAssertEqual(Int(row[2]), e.satisfied, row[0])
            XCTAssertEqual(try XCTUnwrap(Double(row[3])), Double(e.cases) * 1000 / Double(populations[row[0]]!), accuracy: 1e-4, row[0])
        }
        XCTAssertEqual(rows.count, 4)
        // The same counts from this model's own rollup (another name, other keys).
        let rolled = try run(["query", "cases_opened,cost", "--by", "district", "--period", "2025-06", "--format", "csv"] + common)
        XCTAssertEqual(rolled.status, 0, rolled.err)
        for row in Self.parseCSV(rolled.out).dropFirst() {
            XCTAssertEqual(Int(row[1]), try XCTUnwrap(expected[row[0]], row[0]).cases, "from the rollup: \(row[0])")
        }
        let explained = try run(["query", "cases_opened,cost", "--by", "district", "--period", "2025-06", "--explain"] + common)
        XCTAssertTrue(explained.out.contains("FROM \"_rollup_cases_by_month\""), explained.out)
        let filtered = try run(["query", "satisfied_cases", "--by", "district", "--period", "2025-06", "--explain"] + common)
        XCTAssertTrue(filtered.out.contains("cannot answer") && filtered.out.contains("FROM \"cases\""), "a filter on a column no rollup keeps reads the facts: \(filtered.out)")

        // The scan walks the declared dimensions: teams, districts, routes by day.
        let analyse = try run(["analyse", "cases_opened", "--period", "2025-10", "--format", "json"] + common)
        XCTAssertEqual(analyse.status, 0, analyse.err)
        let scan = try run(["analyse", "cases_opened", "--period", "2025-10", "--format", "text"] + common)
        XCTAssertTrue(scan.err.contains("4 teams") && scan.err.contains("3 districts") && scan.err.contains("12 teams in districts") && scan.err.contains("3 routes by day"), scan.err)
        let wrong = try run(["analyse", "nothing", "--period", "2025-10"] + common)
        XCTAssertEqual(wrong.status, 1)
        XCTAssertFalse(wrong.err.contains("spend"), "the hint names this model's measures: \(wrong.err)")

        // And it publishes, every figure equal to almanac query.
        let out = dir.appendingPathComponent("out")
        let report = try run(["report", "casework-monthly", "--period", "2025-10", "--out", out.path] + common)
        XCTAssertEqual(report.status, 0, report.err)
        let checked = try checkEveryFigure(under: out, extra: ["--model", model, "--warehouse", dir.appendingPathComponent("c.sqlite").path])
        XCTAssertGreaterThan(checked.files, 4)
        XCTAssertGreaterThan(checked.numbers, 100)
    }
}
