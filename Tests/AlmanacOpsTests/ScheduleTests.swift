import AlmanacCore
import AlmanacModel
import XCTest

@testable import AlmanacOps

/// London time by rule, working days after bank holidays, schedules read with their errors,
/// and messages that cannot carry an injected header.
final class ScheduleTests: XCTestCase {
    func day(_ s: String) -> Day { Day(iso: s) ?? Day(ordinal: 0) }

    func testLondonTimeThroughTheClockChanges() {
        // 2025: BST from 30 March 01:00 UTC to 26 October 01:00 UTC; 2026: 29 March to 25 October.
        XCTAssertEqual(LondonTime.iso(LondonTime.summerTime(2025).start), "2025-03-30T01:00:00Z")
        XCTAssertEqual(LondonTime.iso(LondonTime.summerTime(2025).end), "2025-10-26T01:00:00Z")
        XCTAssertEqual(LondonTime.iso(LondonTime.summerTime(2026).start), "2026-03-29T01:00:00Z")
        XCTAssertEqual(LondonTime.iso(LondonTime.summerTime(2026).end), "2026-10-25T01:00:00Z")
        // 07:00 London is 06:00 UTC in summer and 07:00 UTC in winter.
        XCTAssertEqual(LondonTime.parse("2026-04-09T07:00").map(LondonTime.iso), "2026-04-09T06:00:00Z")
        XCTAssertEqual(LondonTime.parse("2026-01-08T07:00").map(LondonTime.iso), "2026-01-08T07:00:00Z")
        // 01:30 on the day the clocks go forward does not exist: read an hour later.
        XCTAssertEqual(LondonTime.parse("2026-03-29T01:30").map(LondonTime.describe), "2026-03-29 02:30 BST")
        // 01:30 on the day they go back happens twice: the first (BST).
        XCTAssertEqual(LondonTime.parse("2026-10-25T01:30").map(LondonTime.iso), "2026-10-25T00:30:00Z")
        XCTAssertEqual(LondonTime.parse("2026-10-25T01:30:00Z").map(LondonTime.describe), "2026-10-25 01:30 GMT")
        XCTAssertEqual(LondonTime.rfc5322(LondonTime.parse("2026-04-09T07:00") ?? 0), "Thu, 09 Apr 2026 07:00:00 +0100")
        for bad in ["", "2026-13-01", "2026-04-09T25:00", "2026-04-09T07", "2026-04-09X07:00", "yesterday", "2026-04-09T07:00:61"] {
            XCTAssertNil(LondonTime.parse(bad), bad)
        }
        // Round trip over every hour for two years, both ways.
        var t = LondonTime.parse("2025-01-01T00:00Z") ?? 0
        while t < (LondonTime.parse("2027-01-01T00:00Z") ?? 0) {
            let local = LondonTime.local(t)
            // Only the repeated hour in October maps back to the other reading.
            let back = LondonTime.instant(local)
            XCTAssertTrue(back == t || back == t - 3_600, LondonTime.iso(t))
            t += 3_600
        }
    }

    func testWorkingDaysSkipBankHolidaysWithReasons() throws {
        let cal = WorkingCalendar()
        // April 2026: Good Friday 3rd, Easter Monday 6th. 1, 2, 7, 8, 9 → the 5th is the 9th.
        XCTAssertEqual(cal.workingDay(5, from: day("2026-04-01")).day, day("2026-04-09"))
        XCTAssertEqual(cal.workingDay(5, from: day("2026-04-01")).skipped.map(\.name), ["Good Friday", "Easter Monday"])
        // January 2027: New Year's Day Friday 1st → 4, 5, 6, 7, 8.
        XCTAssertEqual(cal.workingDay(5, from: day("2027-01-01")).day, day("2027-01-08"))
        // December 2026: Christmas Friday, Boxing Day Saturday → substitute Monday 28th.
        XCTAssertFalse(cal.isWorkingDay(day("2026-12-28")))
        XCTAssertTrue(cal.isWorkingDay(day("2026-12-29")))
        // A one-off holiday from the file moves the day.
        let extra = WorkingCalendar(extra: [.init(day: day("2026-06-02"), name: "Proclaimed holiday")])
        XCTAssertEqual(cal.workingDay(2, from: day("2026-06-01")).day, day("2026-06-02"))
        XCTAssertEqual(extra.workingDay(2, from: day("2026-06-01")).day, day("2026-06-03"))
    }

    func schedule(_ yaml: String) throws -> ScheduleDefinition {
        try ScheduleLoader.parse(YAMLReader.parse(yaml, file: "schedules/t.yaml"), fileName: "t.yaml")
    }

    func testOccurrencesExplainThemselvesAndCatchUp() throws {
        let s = try schedule("pack: cabinet-monthly\nperiod: previous month\nwhen: monthly on working day 5 at 07:00\n")
        let from = LondonTime.parse("2026-03-15") ?? 0, to = LondonTime.parse("2026-07-01") ?? 0
        let list = s.occurrences(after: from, through: to, calendar: WorkingCalendar())
        XCTAssertEqual(list.map(\.when), ["2026-04-09 07:00 BST", "2026-05-08 07:00 BST", "2026-06-05 07:00 BST"])
        XCTAssertEqual(list.map(\.period.key), ["2026-03", "2026-04", "2026-05"])
        XCTAssertEqual(list[0].reason, "5th working day of April 2026, after Good Friday (Friday 3 April) and Easter Monday (Monday 6 April)")
        // Exclusive of `after`, inclusive of `through`.
        let exact = list[0].instant
        XCTAssertEqual(s.occurrences(after: exact, through: exact + 1, calendar: WorkingCalendar()).count, 0)
        XCTAssertEqual(s.occurrences(after: exact - 1, through: exact, calendar: WorkingCalendar()).count, 1)
        // Quarterly runs fall in January, April, July and October; weekly on the day named.
        let q = try schedule("report: x\nperiod: previous financial quarter\nwhen: quarterly on day 31 at 06:30\n")
        let qs = q.occurrences(after: LondonTime.parse("2026-01-01") ?? 0, through: LondonTime.parse("2027-01-01") ?? 0, calendar: WorkingCalendar())
        XCTAssertEqual(qs.map(\.when), ["2026-01-31 06:30 GMT", "2026-04-30 06:30 BST", "2026-07-31 06:30 BST", "2026-10-31 06:30 GMT"])
        XCTAssertEqual(qs[1].period.start, day("2026-01-01"))
        let w = try schedule("report: x\nperiod: previous week\nwhen: weekly on Monday at 07:00\n")
        let ws = w.occurrences(after: LondonTime.parse("2026-03-20") ?? 0, through: LondonTime.parse("2026-04-07") ?? 0, calendar: WorkingCalendar())
        XCTAssertEqual(ws.map(\.when), ["2026-03-23 07:00 GMT", "2026-03-30 07:00 BST", "2026-04-06 07:00 BST"])
        // Years of catch-up are bounded and in order.
        let long = s.occurrences(after: LondonTime.parse("2000-01-01") ?? 0, through: LondonTime.parse("2030-01-01") ?? 0, calendar: WorkingCalendar())
        XCTAssertEqual(long.count, 360)
        XCTAssertEqual(long, long.sorted { $0.instant < $1.instant })
    }

    func testScheduleMistakesNameTheirPlace() {
        let cases: [(String, String)] = [
            ("pack: a\nperiod: last month\nwhen: monthly on working day 5 at 07:00\n", "`last month` is not a period rule"),
            ("pack: a\nperiod: previous month\nwhen: monthly on working day 5\n", "cannot read `when"),
            ("pack: a\nperiod: previous month\nwhen: monthly on working day 25 at 07:00\n", "out of range"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 7am\n", "is not a time"),
            ("pack: a\nreport: b\nperiod: previous month\nwhen: monthly on day 5 at 07:00\n", "not both"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 07:00\ntimezone: Europe/Paris\n", "not supported"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 07:00\nrecipients:\n  - {email: \"x@y.example\\nBcc: z@evil.example\"}\n", "is not an email address"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 07:00\nrecipients:\n  - {name: \"A\\r\\nBcc: z@evil.example\", email: a@b.example}\n", "control characters"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 07:00\nrecipients:\n  - {email: a@b.example}\n  - {email: A@b.example}\n", "listed twice"),
            ("pack: a\nperiod: previous month\nwhen: monthly on day 5 at 07:00\nrecipient: []\n", "unknown key `recipient`"),
            ("pack: ../etc\nperiod: previous month\nwhen: monthly on day 5 at 07:00\n", "is not a pack name"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try schedule(yaml), expected) { e in
                let d = e as? Diagnostic
                XCTAssertTrue(d?.message.contains(expected) ?? false, "\(expected): \(e)")
                XCTAssertEqual(d?.file, "schedules/t.yaml")
                XCTAssertNotNil(d?.line, expected)
            }
        }
    }

    func testMessagesCarryNoInjectedHeaders() {
        var m = Mail.Message(from: ("Almanac", "almanac@council.example"), to: ("Zoë Smith", "zoe@council.example"),
                             subject: "Pack\nBcc: evil@example.com", date: LondonTime.parse("2026-04-09T07:30") ?? 0,
                             messageID: "almanac-x-2026-03-abc@council.example", text: "Hello\n", html: "<p>Hello</p>\n",
                             attachment: .init(fileName: "a\"b.pdf", contentType: "application/pdf", data: Data([1, 2, 3])))
        m.extraHeaders = [("Member", "South Ribble")]
        let text = String(decoding: m.rendered(), as: UTF8.self)
        let headers = text.components(separatedBy: "\n\n")[0].split(separator: "\n")
        XCTAssertFalse(headers.contains { $0.hasPrefix("Bcc:") })
        XCTAssertTrue(headers.contains("Subject: Pack Bcc: evil@example.com"))
        XCTAssertTrue(headers.contains("To: =?UTF-8?B?\(Data("Zoë Smith".utf8).base64EncodedString())?= <zoe@council.example>"))
        XCTAssertTrue(headers.contains("Date: Thu, 09 Apr 2026 07:30:00 +0100"))
        XCTAssertTrue(text.contains("filename=\"ab.pdf\""))
        XCTAssertEqual(m.rendered(), m.rendered(), "the same message gives the same bytes")
        for bad in ["", "a", "a@b", "a b@c.example", "<a@b.example>", "a@b.example,c@d.example", "-oQ/tmp@x.example", "a@-b.example"] {
            XCTAssertFalse(Mail.isAddress(bad), bad)
        }
        XCTAssertTrue(Mail.isAddress("first.last+tag@sub.council.example"))
    }
}
