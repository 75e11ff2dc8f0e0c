import Foundation
import XCTest

/// A year of `almanac run --due` calls, the clock moved day by day (at 06:30 and 07:30 UTC,
/// so a 07:00 London run falls at the first call in summer time and the second in winter),
/// the month's data arriving on the 3rd of the next month, except August 2025's, which
/// arrives late (12 September); the machine off from 5 to 11 November 2025; a crash in the
/// middle of January 2026's deliveries. Counted from the SMTP server's mailbox: every pack
/// and every email exactly once, each at the time worked out by hand below.
final class SimulatedYearTests: DeliveryTestCase {
    func testAYearOfDailyRunsDeliversEveryPackExactlyOnce() throws {
        let maildir = dir.appendingPathComponent("mail")
        let server = try startServer(maildir)
        defer { server.stop() }
        let project = try deliveryProject(port: server.port)
        // Each schedule starts with the April 2025 run.
        for s in ["cabinet-monthly", "district-packs"] {
            let f = project.appendingPathComponent("schedules/\(s).yaml")
            try (try String(contentsOf: f, encoding: .utf8) + "start: 2025-04-01\n").write(to: f, atomically: true, encoding: .utf8)
        }
        let warehouse = dir.appendingPathComponent("w.sqlite").path
        try loadSample(project: project, warehouse: warehouse, activityBefore: "2025-03-01")

        // When each month's run should deliver, worked out by hand from the calendar: the 5th
        // working day (after Early May and New Year's Day), 07:00 London time, seen at the
        // first call after it; September waits for August's late data; November is caught up
        // when the machine is back; January's crash leaves part for the next morning.
        let expected: [String: String] = [
            "2025-03": "Mon, 07 Apr 2025 07:30:00 +0100",
            "2025-04": "Thu, 08 May 2025 07:30:00 +0100",
            "2025-05": "Fri, 06 Jun 2025 07:30:00 +0100",
            "2025-06": "Mon, 07 Jul 2025 07:30:00 +0100",
            "2025-07": "Thu, 07 Aug 2025 07:30:00 +0100",
            "2025-08": "Fri, 12 Sep 2025 07:30:00 +0100",
            "2025-09": "Tue, 07 Oct 2025 07:30:00 +0100",
            "2025-10": "Wed, 12 Nov 2025 06:30:00 +0000",
            "2025-11": "Fri, 05 Dec 2025 07:30:00 +0000",
            "2025-12": "Thu, 08 Jan 2026 07:30:00 +0000",
            "2026-01": "Fri, 06 Feb 2026 07:30:00 +0000",
            "2026-02": "Fri, 06 Mar 2026 07:30:00 +0000",
        ]
        var day = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2025, month: 4, day: 1).date ?? Date()
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        var calls = 0, crashed = false
        while f.string(from: day) <= "2026-03-31" {
            let today = f.string(from: day)
            // The data feed: the previous month's extract on the 3rd, August's on 12 September.
            if today.hasSuffix("-03") || today == "2025-09-12" {
                let previous = f.string(from: Calendar(identifier: .gregorian).date(byAdding: .month, value: -1, to: day) ?? day).prefix(7)
                if previous != "2025-08" || today == "2025-09-12" { try loadMonth(String(previous), project: project, warehouse: warehouse) }
            }
            let off = today >= "2025-11-05" && today <= "2025-11-11"
            if !off {
                for time in ["06:30", "07:30"] {
                    let crash = today == "2026-01-08" && time == "07:30"
                    let r = try run(["run", "--due", "--project", project.path, "--warehouse", warehouse, "--now", "\(today)T\(time)Z"],
                                    environment: crash ? ["ALMANAC_FAULT": "between-recipients:5"] : [:])
                    calls += 1
                    if crash {
                        crashed = r.err.contains("stopping dead")
                    } else {
                        XCTAssertEqual(r.status, 0, "\(today) \(time): " + r.out + r.err)
                    }
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        XCTAssertTrue(crashed)
        XCTAssertGreaterThan(calls, 700)

        let all = try server.messages()
        let packs = all.filter { $0["X-Almanac-Schedule"] != nil }
        let notices = all.filter { $0["X-Almanac-Notice"] != nil }
        XCTAssertEqual(packs.count, 12 * 16, "12 months × (3 Cabinet + 13 district) messages")
        XCTAssertEqual(Set(packs.compactMap { $0["Message-ID"] }).count, packs.count, "no message twice")
        for (period, date) in expected {
            let month = packs.filter { $0["X-Almanac-Period"] == period }
            XCTAssertEqual(month.filter { $0["X-Almanac-Schedule"] == "cabinet-monthly" }.count, 3, period)
            XCTAssertEqual(month.filter { $0["X-Almanac-Schedule"] == "district-packs" }.count, 13, period)
            for m in month {
                let district = (m["X-Almanac-Member"] ?? "").lowercased().replacingOccurrences(of: " ", with: "-")
                XCTAssertEqual(m.attachment, district.isEmpty ? "cabinet-monthly-\(period).pdf" : "district-pack-\(period)-\(district).pdf")
                if period == "2025-12" && m["X-Almanac-Schedule"] == "district-packs" { continue }
                XCTAssertEqual(m["Date"], date, "\(period) to \(m["X-RcptTo"] ?? "")")
            }
        }
        // January: Cabinet's 3 and 2 district messages before the crash, the other 11 the next morning.
        let january = packs.filter { $0["X-Almanac-Period"] == "2025-12" && $0["X-Almanac-Schedule"] == "district-packs" }
        XCTAssertEqual(january.filter { $0["Date"] == "Thu, 08 Jan 2026 07:30:00 +0000" }.count, 2)
        XCTAssertEqual(january.filter { $0["Date"] == "Fri, 09 Jan 2026 06:30:00 +0000" }.count, 11)
        // The operator heard once per schedule that August's data was late, and nothing else.
        XCTAssertEqual(notices.count, 2, notices.map { $0["Subject"] ?? "" }.joined(separator: "; "))
        XCTAssertTrue(notices.allSatisfy { $0["Date"] == "Fri, 05 Sep 2025 07:30:00 +0100" })
        let ledger = try run(["runs", "--warehouse", warehouse])
        XCTAssertEqual(ledger.out.split(separator: "\n").filter { $0.contains(" done ") }.count, 24, ledger.out)
    }
}
