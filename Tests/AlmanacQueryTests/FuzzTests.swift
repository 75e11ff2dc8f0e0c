import AlmanacCore
import AlmanacModel
import AlmanacQuery
import Foundation
import XCTest

/// No input may trap: thousands of generated inputs (seeded, so every run is the same) for
/// the CSV reader, the filter parser and planner, the period parser and the YAML model
/// loader. Each input must either be accepted or refused with a Diagnostic; a trap would
/// end the test process, so reaching the end is the proof.
final class FuzzTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func isDiagnostic(_ error: Error) -> Bool { error is Diagnostic || error is DiagnosticList }

    func testCSVReaderNeverTraps() throws {
        var r = Random(state: 11)
        let pieces: [[UInt8]] = [[0x2C], [0x22], [0x22, 0x22], [0x0D], [0x0A], [0x0D, 0x0A], [0x61], [0x7A, 0x7A], [0x31, 0x32],
                                 [0x00], [0xFF], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xEF, 0xBB, 0xBF], [0x20], [0x1B], [0xF0, 0x9F, 0x98]]
        var accepted = 0
        for _ in 0..<4000 {
            var bytes: [UInt8] = []
            for _ in 0..<r.below(60) { bytes += r.pick(pieces) }
            do {
                var n = 0
                try CSVReader(path: "fuzz.csv", bytes: Data(bytes)).forEachRecord { record in
                    n += 1
                    XCTAssertEqual(record.fields.count, record.columns.count)
                }
                accepted += 1
            } catch {
                XCTAssertTrue(isDiagnostic(error), "\(error)")
            }
        }
        XCTAssertGreaterThan(accepted, 100)
        // Round trip: whatever the writer writes, the reader reads back exactly.
        for _ in 0..<1000 {
            let rows = (0..<(1 + r.below(4))).map { _ in (0..<3).map { _ in String(decoding: (0..<r.below(8)).flatMap { _ in r.pick(pieces.filter { $0 != [0xFF] && $0 != [0x00] && $0 != [0xF0, 0x9F, 0x98] && $0 != [0xEF, 0xBB, 0xBF] && $0 != [0x1B] }) }, as: UTF8.self) } }
            var w = CSVWriter(header: ["a", "b", "c"])
            for row in rows { w.writeRow(row) }
            var read: [[String]] = []
            try CSVReader(path: "rt.csv", bytes: Data(w.text.utf8)).forEachRecord { read.append($0.fields) }
            XCTAssertEqual(read.dropFirst().count, rows.count, "\(rows.map { $0.map { Array($0.unicodeScalars.map(\.value)) } })")
            // Each field comes back as written (a leading formula character aside, which gains a quote mark).
            for (written, got) in zip(rows, read.dropFirst()) {
                XCTAssertEqual(got.map { $0.hasPrefix("'") ? String($0.dropFirst()) : $0 }, written)
            }
        }
    }

    func testFilterParserAndPlannerNeverTrap() throws {
        let model = try ModelLoader.load(path: Self.root.appendingPathComponent("models/council.yaml").path)
        var r = Random(state: 22)
        let tokens = ["district", "channel", "outcome", "age_band", "ward", "month", "nosuch", "=", "!=", "<>", "<", "<=", ">", ">=", "in", "not",
                      "and", "or", "(", ")", ",", "'Preston'", "'O''Brien'", "'", "12", "-3.5", "1e9", "''", "\u{1B}", "é", "🙂", ";", "--", "\"x\"", " "]
        var parsed = 0
        // Half from the grammar (then sometimes damaged), half token soup.
        func expression(_ depth: Int) -> String {
            switch depth > 4 ? 0 : r.below(5) {
            case 1: return "not " + expression(depth + 1)
            case 2: return "(" + expression(depth + 1) + ")"
            case 3: return expression(depth + 1) + r.pick([" and ", " or "]) + expression(depth + 1)
            default:
                let name = r.pick(["district", "channel", "outcome", "age_band", "ward", "nosuch", "month"])
                if r.below(3) == 0 { return name + r.pick([" in ", " not in "]) + "(" + (0..<(1 + r.below(3))).map { _ in r.pick(["'Web'", "'A'", "3"]) }.joined(separator: ", ") + ")" }
                return name + " " + r.pick(["=", "!=", "<", ">=", "<>"]) + " " + r.pick(["'Preston'", "'O''Brien'", "12", "-3.5", "''"])
            }
        }
        for i in 0..<6000 {
            var text = i % 2 == 0 ? expression(0) : (0..<r.below(i % 10 == 1 ? 400 : 12)).map { _ in r.pick(tokens) }.joined(separator: r.below(3) == 0 ? "" : " ")
            if i % 2 == 0 && r.below(4) == 0 && !text.isEmpty {
                var chars = Array(text)
                chars.insert(contentsOf: r.pick(tokens), at: r.below(chars.count))
                text = String(chars)
            }
            do {
                _ = try FilterParser.parse(text)
                parsed += 1
                _ = try QueryPlanner(model: model).plan(QueryRequest(measures: ["contacts"], by: ["district"], filter: text))
            } catch {
                XCTAssertTrue(isDiagnostic(error), "\(text): \(error)")
            }
        }
        XCTAssertGreaterThan(parsed, 1500)
        // Deep nesting and long chains are refused, not recursed into.
        for deep in [String(repeating: "(", count: 30_000) + "district = 'x'" + String(repeating: ")", count: 30_000),
                     String(repeating: "not ", count: 30_000) + "district = 'x'",
                     Array(repeating: "district = 'x'", count: 30_000).joined(separator: " and ")] {
            XCTAssertThrowsError(try FilterParser.parse(deep)) { XCTAssertTrue(self.isDiagnostic($0)) }
        }
    }

    func testPeriodParserNeverTraps() throws {
        var r = Random(state: 33)
        let pieces = ["2025", "9999", "0000", "0001", "1899", "2199", "2200", "-", "--", "..", "Q", "q", "FY", "fy", "10", "13", "00", "99", "W", "01",
                      "latest", "last", "12", "months", "quarter", "fortnights", " ", "FYTD", "-1", "1e3", "١٢", "\u{0}"]
        var accepted = 0
        for _ in 0..<6000 {
            let text = (0..<r.below(7)).map { _ in r.pick(pieces) }.joined()
            do {
                let e = try PeriodExpression(parsing: text)
                accepted += 1
                let last = Day(ordinal: Day(iso: "1990-01-01")!.ordinal + r.below(40_000))
                let p = e.resolve(lastDay: last)
                _ = (p.label, p.expression, p.previous.span, p.yearEarlier?.span, p.first.shifted(by: 24).key)
                for g in TimeGrain.allCases { _ = (g.key(for: p.span.start), g.start(of: p.span.end), g.nextStart(after: p.span.start)) }
            } catch {
                XCTAssertTrue(isDiagnostic(error), "\(text): \(error)")
            }
        }
        XCTAssertGreaterThan(accepted, 100)
        // Date arithmetic at and beyond the ends of the calendar is total.
        for d in [Day(iso: "0001-01-01")!, Day(iso: "9999-12-31")!] {
            for g in TimeGrain.allCases {
                _ = (g.key(for: d), g.start(of: d), g.nextStart(after: d), d.firstOfMonth(adding: 1_000_000), d.firstOfMonth(adding: -1_000_000))
                _ = Period(grain: g, containing: d).shifted(by: 3).key
            }
        }
    }

    func testModelLoaderNeverTraps() throws {
        let original = try String(contentsOf: Self.root.appendingPathComponent("models/council.yaml"), encoding: .utf8)
        var r = Random(state: 44)
        let inserts = [":", "-", "[", "]", "{", "}", ",", "'", "\"", "\n", " ", "#", "&a", "*a", "!!int", "~", "\t", "name: x\n", "  - "]
        var valid = 0
        for _ in 0..<700 {
            var chars = Array(original)
            for _ in 0..<(1 + r.below(4)) {
                let at = r.below(chars.count)
                switch r.below(4) {
                case 0: chars.remove(at: at)
                case 1: chars.insert(contentsOf: r.pick(inserts), at: at)
                case 2:
                    // Duplicate a line.
                    let lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                    var l = lines
                    let i = r.below(lines.count)
                    l.insert(lines[i], at: i)
                    chars = Array(l.joined(separator: "\n"))
                default:
                    // Replace a word with a near name.
                    chars.replaceSubrange(at..<min(chars.count, at + r.below(6)), with: Array(r.pick(["contacts", "district", "2", "sum", "fact", "x"])))
                }
            }
            do {
                _ = try ModelLoader.parse(String(chars), file: "fuzz.yaml")
                valid += 1
            } catch {
                XCTAssertTrue(isDiagnostic(error), "\(error)")
            }
        }
        XCTAssertGreaterThan(valid, 10)
    }
}
