import AlmanacCharts
import AlmanacCore
import XCTest

/// The data table behind each chart holds the numbers the chart plots.
final class ChartTableTests: XCTestCase {
    func testSeriesOverlaysAndKeys() {
        var s = ChartSpec(kind: .line, title: "T", categories: ["Jan 2025", "Feb 2025", "Mar 2025"],
                          series: [Series(name: "Web", values: [1, nil, 3]), Series(name: "Phone", values: [4, 5])],
                          format: .integer, measureLabel: "Contacts", categoryNoun: "month")
        s.categoryKeys = ["2025-01", "2025-02", "2025-03"]
        s.extras.target = (10, "Target")
        s.extras.references = [Series(name: "Average", values: [2, 2, 2])]
        s.extras.annotations = [(2, "Peak")]
        let t = s.dataTable
        XCTAssertEqual(t.columns.map(\.label), ["Month", "Web", "Phone", "Average", "Target", "Note"])
        XCTAssertEqual(t.rowCount, 3)
        XCTAssertEqual(t.columns[0].values.text(at: 0), "2025-01", "ISO keys, not display labels")
        XCTAssertNil(t.columns[1].values.double(at: 1), "a gap stays a gap")
        XCTAssertNil(t.columns[2].values.double(at: 2), "a short series is padded with gaps")
        XCTAssertEqual(t.columns[4].values.double(at: 2), 10)
        XCTAssertEqual(t.columns[5].values.text(at: 2), "Peak")
    }

    func testPercentColumnsAreShares() {
        let s = ChartSpec(kind: .percentColumn, title: "T", categories: ["2024-25", "2025-26"],
                          series: [Series(name: "Web", values: [1, 3]), Series(name: "Phone", values: [3, 1])],
                          format: .integer, measureLabel: "Contacts", categoryNoun: "financial year")
        let t = s.dataTable
        XCTAssertEqual(t.columns[1].values.double(at: 0), 0.25)
        XCTAssertEqual(t.columns[2].values.double(at: 0), 0.75)
        XCTAssertEqual(t.columns[1].format, .percent)
    }

    func testProcessAndFunnel() {
        var xmr = ChartSpec(kind: .xmr, title: "T", categories: ["a", "b"], series: [Series(name: "Contacts", values: [1, 9])],
                            format: .integer, measureLabel: "Contacts")
        xmr.extras.process = ProcessOverlay(mean: 5, upper: 8, lower: 2, special: [1: true], note: "")
        let x = xmr.dataTable
        XCTAssertEqual(x.columns.map(\.name), ["category", "series_1", "mean", "lower_limit", "upper_limit", "special_cause"])
        XCTAssertEqual(x.columns[5].values.text(at: 1), "high")
        XCTAssertNil(x.columns[5].values.text(at: 0))

        var funnel = ChartSpec(kind: .funnel, title: "T", categories: ["A", "B"], series: [], format: .decimal1,
                               measureLabel: "Rate", categoryNoun: "district")
        funnel.extras.funnel = FunnelOverlay(points: [("A", 1000, 2), ("B", 4000, 3)], target: 2.5,
                                             limits: [(1000, 1, 4, 0.5, 4.5), (4000, 2, 3, 1.5, 3.5)], sizeLabel: "Residents")
        let f = funnel.dataTable
        XCTAssertEqual(f.columns.map(\.label), ["District", "Residents", "Rate", "Overall", "Lower 99.8% limit", "Upper 99.8% limit"])
        XCTAssertEqual(f.columns[5].values.double(at: 1), 3.5, "the limits at the area's own size")
    }
}
