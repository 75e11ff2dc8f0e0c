import AlmanacCharts
import AlmanacCore
import AlmanacRender
import Foundation
import XCTest

/// Every chart kind with awkward data: readable, inside its bounds, never a crash.
final class ChartKindsTests: XCTestCase {
    let compiler = ChartCompiler(theme: .analysisFunction(), measurer: ApproximateTextMeasurer())
    let kinds: [ChartKind] = [.line, .bar, .groupedColumn, .stackedColumn, .percentColumn, .heatmap, .kpi, .xmr, .funnel, .smallMultiples, .tileMap, .choropleth, .scatter]

    func spec(_ kind: ChartKind, categories: [String], series: [Series]) -> ChartSpec {
        var s = ChartSpec(kind: kind, title: "A chart", subtitle: "Awkward data", categories: categories, series: series,
                          format: .integer, measureLabel: "Contacts", categoryNoun: "district")
        let values = series.first?.values ?? []
        s.extras.kpi = KPIComparison(value: values.last.flatMap { $0 } ?? 0, previous: values.first.flatMap { $0 }, previousLabel: "last year")
        s.extras.process = ProcessOverlay(mean: 5, upper: 9, lower: 1, special: [0: true], note: "neither")
        s.extras.funnel = FunnelOverlay(points: categories.prefix(values.count).enumerated().compactMap { i, c in values[i].map { (c, Double(1000 + i), $0) } },
                                        target: 5, limits: [(500, 1, 9, 0, 10), (2000, 3, 7, 2, 8)], sizeLabel: "Residents")
        s.extras.tiles = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, ($0 % 5, $0 / 5)) })
        s.extras.shapes = Dictionary(uniqueKeysWithValues: categories.enumerated().map { i, c in
            let x = Double(i % 5), y = Double(i / 5)
            return (c, [[Point(x, y), Point(x + 1, y), Point(x + 1, y + 1), Point(x, y + 1)]])
        })
        s.extras.target = (7, "Target")
        s.extras.references = [Series(name: "Average", values: values.map { $0.map { $0 / 2 } })]
        s.extras.annotations = values.isEmpty ? [] : [(0, "First")]
        return s
    }

    func cases() -> [(String, [String], [Series])] {
        let many = (0..<300).map { "Category \($0)" }
        return [
            ("empty", [], []),
            ("one point", ["Only"], [Series(name: "A", values: [42])]),
            ("all zeros", ["a", "b", "c"], [Series(name: "A", values: [0, 0, 0]), Series(name: "B", values: [0, 0, 0])]),
            ("negative", ["a", "b", "c"], [Series(name: "A", values: [-5, 3, -1]), Series(name: "B", values: [2, -4, 1])]),
            ("missing", ["a", "b", "c", "d"], [Series(name: "A", values: [1, nil, 3, nil]), Series(name: "B", values: [nil, nil, nil, nil])]),
            ("long labels", ["A district with a very long name indeed, longer than any real one", "b"],
             [Series(name: "A series whose name goes on and on and on beyond reason", values: [1, 2])]),
            ("300 categories", many, [Series(name: "A", values: many.indices.map { Double($0 % 17) })]),
            ("huge", ["a", "b"], [Series(name: "A", values: [3.2e12, 1.1e12])]),
            ("tiny", ["a", "b"], [Series(name: "A", values: [0.00012, 0.00003])]),
        ]
    }

    func testEveryKindCopesWithAwkwardData() throws {
        for kind in kinds {
            for (name, categories, series) in cases() {
                let scene = compiler.compile(spec(kind, categories: categories, series: series))
                XCTAssertFalse(scene.description.isEmpty, "\(kind) \(name)")
                XCTAssertFalse(scene.description.contains("nan"), "\(kind) \(name): \(scene.description)")
                for m in scene.marks {
                    switch m {
                    case .text(let x, let y, _, _, _, _):
                        XCTAssertTrue(x.isFinite && y.isFinite && x >= -1 && x <= scene.width + 1 && y >= -1 && y <= scene.height + 1, "\(kind) \(name) text at \(x),\(y)")
                    case .rect(let x, let y, let w, let h, _):
                        XCTAssertTrue([x, y, w, h].allSatisfy(\.isFinite), "\(kind) \(name) rect")
                    case .line(let points, _, _, _):
                        XCTAssertTrue(points.allSatisfy { $0.x.isFinite && $0.y.isFinite }, "\(kind) \(name) line")
                    case .polygon(let points, _, _):
                        XCTAssertTrue(points.allSatisfy { $0.x.isFinite && $0.y.isFinite }, "\(kind) \(name) polygon")
                    case .circle(let x, let y, _, _):
                        XCTAssertTrue(x.isFinite && y.isFinite, "\(kind) \(name) circle")
                    }
                }
                if name == "empty" && kind != .kpi {
                    XCTAssertTrue(scene.marks.contains { if case .text(_, _, "No data for this period", _, _, _) = $0 { return true } else { return false } }, "\(kind)")
                }
            }
        }
    }

    func testThreeHundredCategoriesDoNotOverlap() {
        let many = (0..<300).map { "Category \($0)" }
        for kind in [ChartKind.groupedColumn, .stackedColumn] {
            let scene = compiler.compile(spec(kind, categories: many, series: [Series(name: "A", values: many.indices.map { Double($0) })]))
            let labels = scene.marks.compactMap { m -> (Double, String)? in
                if case .text(let x, _, let t, _, _, _) = m, t.hasPrefix("Category") || t.hasSuffix("…") { return (x, t) }
                return nil
            }.sorted { $0.0 < $1.0 }
            XCTAssertLessThan(labels.count, 60, "\(kind) thins its labels")
            let measurer = ApproximateTextMeasurer()
            for (a, b) in zip(labels, labels.dropFirst()) {
                let wa = measurer.size(of: a.1, style: Theme.analysisFunction().axisText).width
                let wb = measurer.size(of: b.1, style: Theme.analysisFunction().axisText).width
                XCTAssertLessThanOrEqual(a.0 + wa / 2, b.0 - wb / 2 + 0.5, "\(kind): \(a.1) overlaps \(b.1)")
            }
        }
    }
}
