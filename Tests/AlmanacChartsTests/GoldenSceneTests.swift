import AlmanacCharts
import AlmanacCore
import Foundation
import XCTest

/// One golden scene per chart kind (Golden/<kind>.json), laid out with the approximate
/// measurer so fonts do not matter. A change to layout shows up as a diff to review;
/// re-record with ALMANAC_RECORD=1 swift test --filter GoldenSceneTests.
final class GoldenSceneTests: XCTestCase {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    func fixture(_ kind: ChartKind) -> ChartSpec {
        let months = ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026"]
        let a: [Double?] = [120, 131, 128, 140, 151, 149, 160, 158, 171, 180, 176, 190]
        let b: [Double?] = [80, 78, 85, nil, 90, 88, 86, 92, 95, 91, 99, 101]
        var s = ChartSpec(kind: kind, title: "Contacts by directorate", subtitle: "Monthly, April 2025 to March 2026", categories: months,
                          series: [Series(name: "Adult Services", values: a), Series(name: "Public Health", values: b)],
                          format: .integer, measureLabel: "Contacts", categoryNoun: "month", highlight: "Jun 2025")
        s.extras.kpi = KPIComparison(value: 190, previous: 120, previousLabel: "April 2025")
        s.extras.process = ProcessOverlay(mean: 154, upper: 200, lower: 108, special: [11: true], note: "neither")
        s.extras.funnel = FunnelOverlay(points: [("Burnley", 96_000, 2.1), ("Fylde", 82_000, 1.3), ("Preston", 151_000, 1.8)], target: 1.6,
                                        limits: [(20_000, 1.1, 2.2, 0.9, 2.5), (160_000, 1.4, 1.8, 1.3, 1.9)], sizeLabel: "Residents")
        s.extras.tiles = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1, ($0 % 4, $0 / 4)) })
        s.extras.shapes = Dictionary(uniqueKeysWithValues: months.enumerated().map { i, m in
            let x = -3.0 + Double(i % 4) * 0.2, y = 54.0 - Double(i / 4) * 0.15
            return (m, [[Point(x, y), Point(x + 0.2, y + 0.02), Point(x + 0.2, y - 0.15), Point(x, y - 0.15)]])
        })
        if kind == .line {
            s.extras.target = (200, "Target")
            s.extras.references = [Series(name: "Trend", values: (0..<12).map { 120 + 6 * Double($0) })]
            s.extras.annotations = [(11, "Highest month")]
        }
        return s
    }

    func testEveryKindMatchesItsGoldenScene() throws {
        let kinds: [ChartKind] = [.line, .bar, .groupedColumn, .stackedColumn, .percentColumn, .heatmap, .kpi, .xmr, .funnel, .smallMultiples, .tileMap, .choropleth, .scatter]
        let compiler = ChartCompiler(theme: .analysisFunction(), measurer: ApproximateTextMeasurer())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for kind in kinds {
            let scene = compiler.compile(fixture(kind))
            // Round coordinates so the files are stable and readable.
            let text = String(decoding: try encoder.encode(scene), as: UTF8.self)
                .replacingOccurrences(of: #"(\d+\.\d{3})\d+"#, with: "$1", options: .regularExpression)
            let url = Self.here.appendingPathComponent("Golden/\(kind.rawValue).json")
            if ProcessInfo.processInfo.environment["ALMANAC_RECORD"] == "1" {
                try text.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try? String(contentsOf: url, encoding: .utf8)
            XCTAssertNotNil(expected, "no golden scene for \(kind); record with ALMANAC_RECORD=1")
            XCTAssertEqual(text, expected, "\(kind) scene differs from Golden/\(kind.rawValue).json")
        }
    }
}
