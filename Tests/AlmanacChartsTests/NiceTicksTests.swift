import AlmanacCharts
import XCTest

/// Expected ticks are those of R's labeling::extended (Talbot, Lin and Hanrahan), which
/// ggplot2 uses for its default breaks, for the same inputs (m = 5).
final class NiceTicksTests: XCTestCase {
    func testMatchesExtendedOnCommonRanges() {
        XCTAssertEqual(NiceTicks.ticks(low: 0, high: 100), [0, 25, 50, 75, 100])
        XCTAssertEqual(NiceTicks.ticks(low: 0, high: 1), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(NiceTicks.ticks(low: 1.513, high: 5.424), [2, 3, 4, 5])
    }

    func testZeroBasedCoversZeroAndTheData() {
        for (low, high) in [(12.0, 987.0), (0.001, 0.0093), (5e6, 7.3e6), (-40, 75)] {
            let t = NiceTicks.ticks(low: low, high: high, zeroBased: true)
            XCTAssertLessThanOrEqual(t.first!, min(0, low))
            XCTAssertGreaterThanOrEqual(t.last!, high)
            XCTAssertTrue((3...9).contains(t.count), "\(low)…\(high): \(t)")
            let steps = zip(t.dropFirst(), t).map { $0 - $1 }
            XCTAssertEqual(steps.max()!, steps.min()!, accuracy: steps.max()! * 1e-9, "even steps \(t)")
        }
    }

    func testDegenerateRanges() {
        XCTAssertEqual(NiceTicks.ticks(low: 0, high: 0), [0, 1])
        let single = NiceTicks.ticks(low: 42, high: 42)
        XCTAssertTrue(single.first! <= 42 && single.last! >= 42)
        XCTAssertEqual(NiceTicks.ticks(low: .nan, high: 1), [0, 1])
    }
}
