import AlmanacCharts
import AlmanacCore
import AlmanacRender
import Foundation
import XCTest

final class ChartCompilerTests: XCTestCase {
    let compiler = ChartCompiler(theme: .analysisFunction(), measurer: ApproximateTextMeasurer())

    func line(_ series: [Series], months: Int = 13) -> ChartSpec {
        ChartSpec(kind: .line, title: "Contacts by directorate", subtitle: "Contacts, October 2024 to October 2025",
                  categories: (0..<months).map { "M\($0)" }, series: series, format: .integer, measureLabel: "Contacts")
    }

    func texts(_ s: Scene) -> [String] {
        s.marks.compactMap { if case .text(_, _, let t, _, _, _) = $0 { return t } else { return nil } }
    }

    func testLineChartHasAxesLegendLinesAndGaps() {
        let spec = line([Series(name: "Adult Services", values: [10, 20, nil, 40] + Array(repeating: 30, count: 9)),
                         Series(name: "Public Health", values: Array(repeating: 5, count: 13))])
        let scene = compiler.compile(spec)
        let t = texts(scene)
        XCTAssertTrue(t.contains("Contacts by directorate"))
        XCTAssertTrue(t.contains("Adult Services"))
        XCTAssertTrue(t.contains("0"))
        XCTAssertTrue(t.contains("M12"), "the last period is always labelled")
        let lines = scene.marks.filter { if case .line(let p, _, 2, _) = $0 { return p.count > 1 } else { return false } }
        XCTAssertEqual(lines.count, 3, "the gap splits Adult Services in two; Public Health is one line")
        XCTAssertTrue(scene.description.contains("Adult Services rose by 200.0% (from 10 to 30)"), scene.description)
        XCTAssertTrue(scene.description.contains("1 missing value is shown as a gap"))
        // Everything lies inside the chart.
        for m in scene.marks {
            if case .text(let x, let y, _, _, _, _) = m {
                XCTAssertTrue((0...scene.width).contains(x) && (0...scene.height).contains(y))
            }
        }
    }

    func testXLabelsAreThinnedNotOverlapped() {
        let spec = line([Series(name: "A", values: (0..<60).map { Double($0) })], months: 60)
        let scene = compiler.compile(spec)
        let labels = texts(scene).filter { $0.hasPrefix("M") }
        XCTAssertLessThan(labels.count, 30)
        XCTAssertTrue(labels.contains("M59"))
    }

    func testBarsAreRankedStartAtZeroAndHighlightWithoutColourAlone() {
        let spec = ChartSpec(kind: .bar, title: "By district", categories: ["Fylde", "Preston", "Wyre"],
                             series: [Series(name: "Contacts", values: [102, 250, nil])], format: .integer,
                             measureLabel: "Contacts", categoryNoun: "district", highlight: "Fylde")
        let scene = compiler.compile(spec)
        let order = texts(scene).filter { ["Fylde", "Preston", "Wyre"].contains($0) }
        XCTAssertEqual(order, ["Preston", "Fylde", "Wyre"])
        XCTAssertTrue(texts(scene).contains("no data"))
        let bold = scene.marks.contains { if case .text(_, _, "Fylde", let s, _, _) = $0 { return s.weight == .bold } else { return false } }
        XCTAssertTrue(bold)
        XCTAssertTrue(scene.description.contains("Fylde (highlighted) ranked 2 of 2"), scene.description)
        XCTAssertTrue(scene.description.contains("for 2 districts"))
    }

    func testEmptyDataGivesANoDataPanel() {
        let scene = compiler.compile(line([Series(name: "A", values: Array(repeating: nil, count: 13))]))
        XCTAssertTrue(texts(scene).contains("No data for this period"))
        XCTAssertTrue(scene.description.contains("no data"))
    }

    func testLongTitlesWrap() {
        var spec = line([Series(name: "A", values: Array(repeating: 1, count: 13))])
        spec.title = String(repeating: "A very long chart title ", count: 6)
        let titleLines = compiler.compile(spec).marks.filter {
            if case .text(_, _, _, let s, _, _) = $0 { return s.size == 12 } else { return false }
        }
        XCTAssertGreaterThan(titleLines.count, 1)
    }

    func testRendersToPDFSVGAndPNG() throws {
        let scene = ChartCompiler(theme: .analysisFunction(), measurer: PangoTextMeasurer())
            .compile(line([Series(name: "A & B <x>", values: (0..<13).map { Double($0 * $0) })]))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-chart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try CairoRenderer.writePDF(scene, to: dir.appendingPathComponent("c.pdf").path)
        try CairoRenderer.writePNG(scene, to: dir.appendingPathComponent("c.png").path)
        try CairoRenderer.writeSVG(scene, to: dir.appendingPathComponent("c.svg").path, idPrefix: "k")
        let pdf = try Data(contentsOf: dir.appendingPathComponent("c.pdf"))
        XCTAssertEqual(pdf.prefix(5), Data("%PDF-".utf8))
        let png = try Data(contentsOf: dir.appendingPathComponent("c.png"))
        XCTAssertEqual(png.prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let svg = try String(contentsOf: dir.appendingPathComponent("c.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.contains("role=\"img\""))
        XCTAssertTrue(svg.contains("<title id=\"k-title\">Contacts by directorate</title>"))
        XCTAssertFalse(svg.contains("id=\"glyph"), "ids are prefixed so charts can share a page")
        // Same scene, same bytes.
        try CairoRenderer.writePDF(scene, to: dir.appendingPathComponent("d.pdf").path)
        XCTAssertEqual(pdf, try Data(contentsOf: dir.appendingPathComponent("d.pdf")))
    }
}
