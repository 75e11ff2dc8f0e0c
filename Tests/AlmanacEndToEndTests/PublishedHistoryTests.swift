import Foundation
import XCTest

/// Published output is history: a period's folder is written once and replaced whole,
/// other periods are never touched, an interrupted audience run leaves the previous set,
/// and nothing Almanac did not write is ever overwritten or deleted.
final class PublishedHistoryTests: PublishingTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        XCTAssertEqual(try almanac("load").status, 0)
    }

    var warehouse: String { dir.appendingPathComponent("w.sqlite").path }

    @discardableResult
    func almanac(_ args: String...) throws -> Result {
        try run(args + (args.first == "sample" ? [] : ["--warehouse", warehouse]))
    }

    /// Every file under `folder` (hidden staging folders aside) with its bytes.
    func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let item = walker?.nextObject() as? String {
            guard !item.split(separator: "/").contains(where: { $0.hasPrefix(".almanac-") }) else { continue }
            let path = folder.appendingPathComponent(item).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[item] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    func sha256(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return String(out.prefix(64))
    }

    func testTwelveMonthsThenARepublishLeaveEveryMonthAsProduced() throws {
        let out = dir.appendingPathComponent("out")
        let months = (0..<12).map { i -> String in
            let m = 11 + i
            return String(format: "%04d-%02d", 2024 + (m - 1) / 12, (m - 1) % 12 + 1)
        }
        XCTAssertEqual(months.first, "2024-11")
        XCTAssertEqual(months.last, "2025-10")
        for month in months {
            let r = try almanac("report", "monthly-performance", "--period", month, "--out", out.path)
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.contains("wrote 1 PDF, 1 HTML, 8 CSV, 8 JSON, 4 SVG, 4 PNG and manifest.json to \(out.path)/monthly-performance/\(month)/"), r.out)
        }
        let before = snapshot(out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("monthly-performance").path).sorted(), months)
        // Each month's manifest lists exactly its files, with sizes and hashes that match.
        for month in months {
            let folder = out.appendingPathComponent("monthly-performance/\(month)")
            let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
            XCTAssertEqual(manifest["period"] as? String, month)
            XCTAssertEqual(manifest["almanac_version"] as? String, try almanac("--version").out.trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertNotNil((manifest["data"] as? [String: Any])?["loads"] as? [[String: Any]])
            XCTAssertEqual(((manifest["definitions"] as? [[String: Any]])?.first?["sha256"] as? String)?.count, 64)
            let listed = try XCTUnwrap(manifest["files"] as? [[String: Any]])
            XCTAssertEqual(Set(listed.compactMap { $0["path"] as? String }), Set(snapshot(folder).keys).subtracting(["manifest.json"]))
            for f in listed.prefix(month == months.last ? listed.count : 3) {
                let path = folder.appendingPathComponent(f["path"] as! String).path
                XCTAssertEqual(try sha256(path), f["sha256"] as? String, path)
                XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, f["bytes"] as? Int)
            }
            // The page links only to files of its own month, which exist.
            let html = try String(contentsOf: folder.appendingPathComponent("monthly-performance-\(month).html"), encoding: .utf8)
            for link in html.components(separatedBy: "href=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) }) where !link.hasPrefix("#") && !link.contains(":") {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(link).path), "\(month) links \(link)")
            }
        }
        // The index, built from the manifests, links every month.
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        for month in months { XCTAssertTrue(index.contains("href=\"monthly-performance/\(month)/monthly-performance-\(month).html\""), month) }

        // Republishing one month replaces that folder alone; with the same data and clock, every byte is as it was.
        let again = try almanac("report", "monthly-performance", "--period", "2025-03", "--out", out.path)
        XCTAssertEqual(again.status, 0, again.err)
        let after = snapshot(out)
        XCTAssertEqual(Set(after.keys), Set(before.keys))
        for (path, data) in before { XCTAssertEqual(after[path], data, path) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("monthly-performance").path).sorted(), months,
                       "no staging or retired folder is left")

        let checker = EndToEndTests.root.appendingPathComponent("../shared/checks/check-outputs").standardized.path
        if FileManager.default.isExecutableFile(atPath: checker) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", checker, out.path, "--strict"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, text)
        }
    }

    func testFilesAlmanacDidNotWriteAreNeverTouched() throws {
        let fm = FileManager.default
        func refused(_ out: URL, naming: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let before = snapshot(out)
            let r = try almanac("report", "monthly-performance", "--period", "2025-10", "--out", out.path)
            XCTAssertEqual(r.status, 1, file: file, line: line)
            XCTAssertTrue(r.err.contains(naming), r.err, file: file, line: line)
            XCTAssertTrue(r.err.contains("--out"), "the message says how to choose another folder: \(r.err)", file: file, line: line)
            XCTAssertEqual(snapshot(out), before, "nothing changed", file: file, line: line)
            let pack = try almanac("pack", "cabinet-monthly", "--period", "2025-10", "--out", out.path)
            XCTAssertEqual(pack.status, 1, file: file, line: line)
            XCTAssertEqual(snapshot(out), before, "nothing changed", file: file, line: line)
        }
        // A user's own files, their own index.html, a folder named like an output.
        let mine = dir.appendingPathComponent("mine")
        try fm.createDirectory(at: mine, withIntermediateDirectories: true)
        try "my notes".write(to: mine.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try refused(mine, naming: "`notes.txt`")
        let site = dir.appendingPathComponent("site")
        try fm.createDirectory(at: site, withIntermediateDirectories: true)
        try "<html><body>My own page</body></html>".write(to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try refused(site, naming: "`index.html`")
        let named = dir.appendingPathComponent("named")
        try fm.createDirectory(at: named.appendingPathComponent("monthly-performance/2025-10"), withIntermediateDirectories: true)
        try "keep me".write(to: named.appendingPathComponent("monthly-performance/2025-10/keep.txt"), atomically: true, encoding: .utf8)
        try refused(named, naming: "`monthly-performance/2025-10`")

        // A file dropped into a published folder is not carried away by a republish.
        let out = dir.appendingPathComponent("out")
        XCTAssertEqual(try almanac("report", "monthly-performance", "--period", "2025-10", "--out", out.path).status, 0)
        try "annotations".write(to: out.appendingPathComponent("monthly-performance/2025-10/annotations.txt"), atomically: true, encoding: .utf8)
        let before = snapshot(out)
        let r = try almanac("report", "monthly-performance", "--period", "2025-10", "--out", out.path)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("manifest does not list: `annotations.txt`"), r.err)
        XCTAssertEqual(snapshot(out), before)

        // `sample --out` refuses a folder with files in it, unless --force.
        let data = dir.appendingPathComponent("data")
        try fm.createDirectory(at: data, withIntermediateDirectories: true)
        try "id\n1\n".write(to: data.appendingPathComponent("activity.csv"), atomically: true, encoding: .utf8)
        let s = try almanac("sample", "--rows", "500", "--out", data.path)
        XCTAssertEqual(s.status, 1)
        XCTAssertTrue(s.err.contains("not empty") && s.err.contains("--force"), s.err)
        XCTAssertEqual(try String(contentsOf: data.appendingPathComponent("activity.csv"), encoding: .utf8), "id\n1\n")
        XCTAssertEqual(try almanac("sample", "--rows", "500", "--out", data.path, "--force").status, 0)
        XCTAssertNotEqual(try String(contentsOf: data.appendingPathComponent("activity.csv"), encoding: .utf8), "id\n1\n")
    }

    func testAnInterruptedAudienceRunLeavesThePreviousCompleteSet() throws {
        let out = dir.appendingPathComponent("out")
        let first = try almanac("report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", out.path)
        XCTAssertEqual(first.status, 0, first.err)
        let set = out.appendingPathComponent("district-profile/district-managers/2025-10")
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: set.appendingPathComponent("manifest.json"))) as? [String: Any])
        XCTAssertEqual((manifest["members"] as? [[String: Any]])?.count, 12)
        let before = snapshot(out)

        // The same run again, with another production date (so every PDF differs), killed part way.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", out.path,
                       "--produced", "2027-01-01", "--warehouse", warehouse]
        p.currentDirectoryURL = EndToEndTests.root
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let staging = out.appendingPathComponent("district-profile/district-managers/.almanac-staging-2025-10-\(p.processIdentifier)")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let members = (try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []
            if members.count >= 4 { break }
            usleep(20_000)
        }
        XCTAssertTrue(p.isRunning, "the run was still going when it was killed")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(snapshot(out), before, "the previous complete set is exactly as it was")

        // A member that fails: the run names it, exits 1, and the previous set stays as it was.
        let failing = try run(["report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", out.path,
                               "--produced", "2027-01-01", "--warehouse", warehouse], environment: ["ALMANAC_TEST_FAIL_MEMBER": "Pendle"])
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.err.contains("1 of 12 District managers publications failed: Pendle (a failure injected by ALMANAC_TEST_FAIL_MEMBER)"), failing.err)
        XCTAssertTrue(failing.err.contains("the previous complete set in"), failing.err)
        XCTAssertEqual(snapshot(out), before, "the previous complete set is exactly as it was")

        // The next run completes the set and clears what the killed one left.
        let next = try almanac("report", "district-profile", "--period", "2025-10", "--audience", "district-managers", "--out", out.path, "--produced", "2027-01-01")
        XCTAssertEqual(next.status, 0, next.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("district-profile/district-managers").path), ["2025-10"])
        XCTAssertNotEqual(snapshot(out)["district-profile/district-managers/2025-10/burnley/district-profile-2025-10-burnley.pdf"],
                          before["district-profile/district-managers/2025-10/burnley/district-profile-2025-10-burnley.pdf"])
    }
}
