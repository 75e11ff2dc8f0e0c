import AlmanacCore
import Foundation
import XCTest

final class CSVTests: XCTestCase {
    func records(_ text: String) throws -> [CSVRecord] {
        var out: [CSVRecord] = []
        try CSVReader(path: "t.csv", bytes: Data(text.utf8)).forEachRecord { out.append($0) }
        return out
    }

    func testRFC4180Cases() throws {
        let r = try records("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n3,,last")
        XCTAssertEqual(r.map(\.fields), [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "two\nlines", ""], ["3", "", "last"]])
        XCTAssertEqual(r.map(\.line), [1, 2, 3, 5])
        XCTAssertEqual(r[1].columns, [1, 3, 10])
    }

    func testByteOrderMarkAndBlankLinesAndLF() throws {
        let r = try records("\u{FEFF}h1,h2\n\nv1,v2\n")
        XCTAssertEqual(r.map(\.fields), [["h1", "h2"], ["v1", "v2"]])
        XCTAssertEqual(r[1].line, 3)
        XCTAssertEqual(try records("").count, 0)
        XCTAssertEqual(try records("only").map(\.fields), [["only"]])
    }

    func testMalformedInputNamesLineAndColumn() {
        XCTAssertThrowsError(try records("a,b\n1,\"open\n2,3\n")) { e in
            let d = e as! Diagnostic
            XCTAssertEqual([d.line, d.column], [2, 3])
            XCTAssertTrue(d.message.contains("never closed"))
        }
        XCTAssertThrowsError(try records("a,b\n1,ab\"c\n")) { e in
            let d = e as! Diagnostic
            XCTAssertEqual([d.line, d.column], [2, 5])
        }
        XCTAssertThrowsError(try records("a,b\n\"x\"y,2\n")) { e in
            XCTAssertEqual((e as! Diagnostic).line, 2)
        }
        XCTAssertThrowsError(try CSVReader(path: "t.csv", bytes: Data([0x61, 0x0A, 0xFF, 0xFE])).forEachRecord { _ in }) { e in
            XCTAssertTrue((e as! Diagnostic).message.contains("UTF-8"))
        }
    }

    /// Columns count characters, not bytes: after "école,été," the stray quote is in column 12.
    func testColumnsCountCharacters() throws {
        XCTAssertThrowsError(try records("a,b,c\nécole,été,x\"y\n")) { e in
            XCTAssertEqual((e as! Diagnostic).column, 12)
        }
        let r = try records("a,b,c\n€€,\"ü\",z\n")
        XCTAssertEqual(r[1].columns, [1, 4, 8])
    }

    func testWriterQuotesAndNeutralisesFormulas() throws {
        XCTAssertEqual(CSVWriter.escape("plain"), "plain")
        XCTAssertEqual(CSVWriter.escape("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVWriter.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVWriter.escape("=SUM(A1:A9)"), "'=SUM(A1:A9)")
        XCTAssertEqual(CSVWriter.escape("@cmd"), "'@cmd")
        XCTAssertEqual(CSVWriter.escape("+44 1772"), "'+44 1772")
        XCTAssertEqual(CSVWriter.escape("-12.5"), "-12.5")
        XCTAssertEqual(CSVWriter.escape("-1e5"), "-1e5")
        // What the writer writes, the reader reads back.
        var w = CSVWriter(header: ["name", "note"])
        w.writeRow(["x, y", "line\nbreak"])
        XCTAssertEqual(try records(w.text).map(\.fields), [["name", "note"], ["x, y", "line\nbreak"]])
    }

    func testSuggestionsFindTypos() {
        XCTAssertEqual(Suggest.nearest(to: "custmer_id", in: ["customer_id", "service_code"]), "customer_id")
        XCTAssertEqual(Suggest.nearest(to: "contact", in: ["contacts", "spend"]), "contacts")
        XCTAssertNil(Suggest.nearest(to: "zzzzzz", in: ["contacts", "spend"]))
        XCTAssertEqual(Suggest.hint(for: "distrct", in: ["district", "ward"], noun: "dimension"), "did you mean `district`?")
    }
}
