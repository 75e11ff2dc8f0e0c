import Foundation
import XCTest

/// `almanac check` reports every problem it finds, each at its place, including what
/// `report` would refuse; YAML slips come with the offending line and a caret.
final class CheckTests: PublishingTestCase {
    /// Schedules are checked too: the pack, its audience and the readiness dimension exist,
    /// and the `when:` is readable; each problem at its file and line.
    func testCheckReadsSchedules() throws {
        let project = try project(extra: [])
        let folder = project.appendingPathComponent("schedules")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "pack: district-pack\naudience: district-manager\nperiod: previous month\nwhen: monthly on working day 5 at 07:00\n"
            .write(to: folder.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "pack: cabinet-monthly\nperiod: previous month\nwhen: monthly on working day 5 at 07:00\nready: {every: servce}\n"
            .write(to: folder.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        try "pack: cabinet-monthly\nperiod: previous month\nwhen: monthly on the 5th\n"
            .write(to: folder.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        let r = try run(["check", "--project", project.path, "--warehouse", dir.appendingPathComponent("none.sqlite").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("a.yaml") && r.err.contains("pack `district-pack` has no audience `district-manager`") && r.err.contains("district-managers"), r.err)
        XCTAssertTrue(r.err.contains("b.yaml") && r.err.contains("the model has no dimension `servce`") && r.err.contains("service"), r.err)
        XCTAssertTrue(r.err.contains("c.yaml:3") && r.err.contains("cannot read `when: monthly on the 5th`"), r.err)
    }

    func testCheckReportsEveryProblemAtItsPlace() throws {
        let project = try project(extra: [])
        let fm = FileManager.default
        // A model of our own (the project's models/ is a link to the repository's).
        try fm.removeItem(at: project.appendingPathComponent("models"))
        try fm.createDirectory(at: project.appendingPathComponent("models"), withIntermediateDirectories: true)
        var model = try String(contentsOf: EndToEndTests.root.appendingPathComponent("models/council.yaml"), encoding: .utf8)
        let modelPath = project.appendingPathComponent("models/council.yaml")
        func runCheck() throws -> Result {
            try model.write(to: modelPath, atomically: true, encoding: .utf8)
            return try run(["check", "--project", project.path, "--warehouse", dir.appendingPathComponent("none.sqlite").path])
        }
        // Model problems, all at once: a cycle between measures and a malformed filter.
        let clean = model
        model = model.replacingOccurrences(of: "    type: ratio\n    numerator: spend\n", with: "    type: ratio\n    numerator: contacts_per_customer\n")
            .replacingOccurrences(of: "    type: ratio\n    numerator: contacts\n    denominator: customers", with: "    type: ratio\n    numerator: spend_per_contact\n    denominator: customers")
            .replacingOccurrences(of: "where: \"channel = 'Web'\"", with: "where: \"channel = 'Web' and (outcome\"")
        var r = try runCheck()
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("measures refer to each other in a cycle: `spend_per_contact` → `contacts_per_customer` → `spend_per_contact`"), r.err)
        XCTAssertTrue(r.err.contains("opens a bracket it never closes"), r.err)
        // A duplicate key: its line and a caret, not the whole file.
        model = clean.replacingOccurrences(of: "name: council\n", with: "name: council\nname: again\n")
        r = try runCheck()
        let line = (model.components(separatedBy: "\n").firstIndex(of: "name: again") ?? -2) + 1
        XCTAssertTrue(r.err.contains("council.yaml:\(line):1: error: the key `name` appears twice in one mapping\n  | name: again\n  | ^"), r.err)
        XCTAssertLessThan(r.err.count, 400, "the message is short, not the whole model")
        // Report problems, all of them, once each, and what `report` would refuse.
        model = clean
        let reportPath = project.appendingPathComponent("reports/monthly-performance.yaml")
        var report = try String(contentsOf: reportPath, encoding: .utf8)
        report = report.replacingOccurrences(of: "window: last 13 months\n  - id: districts", with: "window: last 13 fortnights\n  - id: districts")
        try report.write(to: reportPath, atomically: true, encoding: .utf8)
        let profile = project.appendingPathComponent("reports/district-profile.yaml")
        var p = try String(contentsOf: profile, encoding: .utf8)
        p += "  - {id: running, type: table, title: Running, measures: [contacts_fytd], by: district, window: current}\n"
        try p.write(to: profile, atomically: true, encoding: .utf8)
        r = try runCheck()
        XCTAssertEqual(r.status, 1)
        let windowLine = (report.components(separatedBy: "\n").firstIndex { $0.contains("last 13 fortnights") } ?? -2) + 1
        XCTAssertTrue(r.err.contains("monthly-performance.yaml:\(windowLine):13: error: unknown unit `fortnights` in window `last 13 fortnights`"), r.err)
        XCTAssertTrue(r.err.contains("section `Running`: `contacts_fytd` is a running total over months"), r.err)
        XCTAssertEqual(r.err.components(separatedBy: "fortnights` in window").count - 1, 1, "reported once, though two packs use the report")
        XCTAssertTrue(r.out.contains("report service-deep-dive: 6 sections"), "the other reports are still checked: \(r.out)")
    }
}
