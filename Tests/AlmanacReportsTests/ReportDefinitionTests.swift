import AlmanacCharts
import AlmanacCore
import AlmanacModel
import AlmanacReports
import Foundation
import XCTest

final class ReportDefinitionTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = try! ModelLoader.load(path: root.appendingPathComponent("models/council.yaml").path)

    func parse(_ yaml: String) throws -> ReportDefinition {
        try ReportLoader.parse(YAMLReader.parse(yaml, file: "reports/x.yaml"), name: "x", model: Self.model)
    }

    func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try parse(yaml)
            XCTFail("expected an error")
        } catch let d as Diagnostic {
            return [d]
        } catch let l as DiagnosticList {
            return l.diagnostics
        } catch {
            XCTFail("\(error)")
        }
        return []
    }

    func testShippedReportsLoad() throws {
        let dir = Self.root.appendingPathComponent("reports").path
        let names = ReportLoader.available(in: dir)
        XCTAssertTrue(names.contains("monthly-performance"))
        for n in names {
            let r = try ReportLoader.load(name: n, directory: dir, model: Self.model)
            XCTAssertFalse(r.sections.isEmpty, n)
        }
        let monthly = try ReportLoader.load(name: "monthly-performance", directory: dir, model: Self.model)
        XCTAssertEqual(monthly.sections.filter { if case .chart = $0.kind { return true } else { return false } }.count, 4)
        XCTAssertEqual(monthly.sections.first { $0.id == "directorates" }?.window, .trailing(13, unit: "months"))
        let kinds: [SectionDefinition.Kind] = monthly.sections.map(\.kind)
        XCTAssertTrue(kinds.contains(.kpis))
        XCTAssertTrue(kinds.contains(.findings))
        XCTAssertTrue(kinds.contains(.text))
    }

    func testMistakesNameTheLineAndTheNearestName() {
        let yaml = """
            title: T
            sections:
              - type: chart
                chart: line
                title: A
                measure: contacs
                over: month
              - type: tabel
                title: B
                measures: [spend]
              - type: table
                title: C
                measures: [spend]
                by: distric
            """
        let d = diagnostics(yaml)
        XCTAssertEqual(d.count, 3)
        XCTAssertEqual(d.map(\.line), [6, 8, 14])
        XCTAssertEqual(d.map(\.hint), ["did you mean `contacts`?", "did you mean `table`?", "did you mean `district`?"])
        XCTAssertTrue(d[0].description.hasPrefix("reports/x.yaml:6:"))
    }

    func packError(_ yaml: String) -> Diagnostic? {
        do {
            _ = try PackLoader.parse(YAMLReader.parse(yaml, file: "packs/p.yaml"), name: "p",
                                     reports: Self.root.appendingPathComponent("reports").path, model: Self.model)
            XCTFail("expected an error")
        } catch let d as Diagnostic {
            return d
        } catch {
            XCTFail("\(error)")
        }
        return nil
    }

    func testShippedPacksLoad() throws {
        let packs = Self.root.appendingPathComponent("packs").path, reports = Self.root.appendingPathComponent("reports").path
        let cabinet = try PackLoader.load(name: "cabinet-monthly", directory: packs, reports: reports, model: Self.model)
        XCTAssertEqual(cabinet.parts.map(\.report.name), ["monthly-performance", "district-profile"])
        XCTAssertEqual(cabinet.parts.map(\.each), [nil, "district"])
        XCTAssertEqual(cabinet.marking, "OFFICIAL-SENSITIVE", "a pack takes the highest marking of its reports")
        let district = try PackLoader.load(name: "district-pack", directory: packs, reports: reports, model: Self.model)
        XCTAssertEqual(district.audiences.first?.per, "district")
        let monthly = try ReportLoader.load(name: "monthly-performance", directory: reports, model: Self.model)
        XCTAssertEqual(monthly.sections.first { $0.id == "services" }?.landscape, true)
    }

    func testPackMistakesNameTheLine() {
        let unknown = packError("""
            title: P
            reports:
              - monthly-performance
              - district-profiles
            """)
        XCTAssertEqual(unknown?.line, 4)
        XCTAssertEqual(unknown?.hint, "did you mean `district-profile`?")
        let each = packError("""
            title: P
            reports:
              - {report: district-profile, each: distrct}
            """)
        XCTAssertEqual(each?.line, 3)
        XCTAssertEqual(each?.hint, "did you mean `district`?")
        let marking = packError("""
            title: P
            marking: OFFICIAL
            reports: [monthly-performance, district-profile]
            """)
        XCTAssertEqual(marking?.line, 2)
        XCTAssertTrue(marking?.message.contains("holds a report marked OFFICIAL-SENSITIVE") == true, marking?.message ?? "")
        let grain = packError("""
            title: P
            period: quarter
            reports: [monthly-performance]
            """)
        XCTAssertTrue(grain?.message.contains("is by month, but the pack is by quarter") == true, grain?.message ?? "")
        let page = diagnostics("""
            title: T
            sections:
              - {type: table, title: A, measures: [spend], page: landscpe}
            """)
        XCTAssertEqual(page.first?.hint, "did you mean `landscape`?")
    }

    func testFiltersAreCheckedWhenTheReportIsRead() {
        let d = diagnostics("""
            title: T
            sections:
              - {type: table, title: A, measures: [spend], where: "chanel = 'Web'"}
            """)
        XCTAssertEqual(d.first?.hint, "did you mean `channel`?")
        XCTAssertTrue(d.first?.description.contains("reports/x.yaml:3") == true, d.first?.description ?? "")
    }

    func testLogoMistakesNameTheThemeLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func error(_ yaml: String) -> Diagnostic? {
            try? yaml.write(to: dir.appendingPathComponent("theme.yaml"), atomically: true, encoding: .utf8)
            do {
                _ = try Branding.load(templates: dir.path)
                return nil
            } catch {
                return error as? Diagnostic
            }
        }
        XCTAssertEqual(error("organisation: X\nlogo: crest.png\nlogo_alt: X\n")?.line, 2)
        try Data("not a png".utf8).write(to: dir.appendingPathComponent("crest.png"))
        XCTAssertTrue(error("logo: crest.png\nlogo_alt: X\n")?.message.contains("is not a PNG file") == true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("templates/logo.png"), to: dir.appendingPathComponent("logo.png"))
        XCTAssertEqual(error("logo: logo.png\n")?.field, "logo_alt", "a logo needs its text alternative")
        XCTAssertNil(error("logo: logo.png\nlogo_alt: Lancashire\n"))
        let branding = try Branding.load(templates: dir.path)
        XCTAssertEqual(branding.logo?.width, 520)
        XCTAssertEqual(branding.logo?.height, 120)
    }

    func testThemeStylesInheritFromText() {
        let t = Theme.analysisFunction().applying(["text.family": "DejaVu Sans", "text.color": "#222222", "axis_text.size": "7"])
        XCTAssertEqual(t.axisText.family, "DejaVu Sans")
        XCTAssertEqual(t.axisText.size, 7)
        XCTAssertEqual(t.title.family, "DejaVu Sans")
        XCTAssertEqual(t.title.color, RGBA(hex: "#222222"), "title colour was the text colour, so it follows it")
        XCTAssertEqual(t.axisText.color, RGBA(hex: "#505A5F"), "axis text keeps its own colour")
        XCTAssertEqual(t.palette.first, RGBA(hex: "#12436D"))
    }

    func testCSVIsPlainAndSafe() {
        let table = DataTable(columns: [
            DataColumn(name: "district", label: "District", role: .dimension, values: .text(["=HYPERLINK(\"x\")", "Preston, North"])),
            DataColumn(name: "spend", label: "Spend", role: .measure, format: .currency, unit: "GBP", values: .real([1234567.891, nil])),
        ])
        XCTAssertEqual(CSVExporter.csv(table), "District,Spend (GBP)\r\n\"'=HYPERLINK(\"\"x\"\")\",1234567.89\r\n\"Preston, North\",\r\n")
    }
}
