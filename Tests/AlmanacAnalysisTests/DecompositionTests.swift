import AlmanacAnalysis
import Foundation
import XCTest

/// Classical decomposition against statsmodels 0.15.0 (Fixtures/decomposition.json).
final class DecompositionTests: XCTestCase {
    struct Case: Decodable {
        var series, model: String
        var x: [Double]
        var trend, seasonal, resid: [Double?]
    }
    struct Fixture: Decodable { var source: String; var cases: [Case] }

    func testMatchesStatsmodels() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/decomposition.json")
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(f.cases.count, 6)
        for c in f.cases {
            let d = try SeasonalDecomposition.classical(c.x, model: c.model == "additive" ? .additive : .multiplicative)
            for i in c.x.indices {
                XCTAssertEqual(d.trend[i] == nil, c.trend[i] == nil)
                if let a = d.trend[i], let b = c.trend[i] { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }
                XCTAssertEqual(d.seasonal[i], c.seasonal[i]!, accuracy: 1e-6 * max(1, abs(c.seasonal[i]!)), "\(c.series) \(c.model) seasonal \(i)")
                if let a = d.residual[i], let b = c.resid[i] { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b))) }
            }
        }
    }

    func testWinterPeakIsSeasonNotTrend() throws {
        // Highways: January index well above 1, June below; the adjusted series has no winter peak.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/decomposition.json")
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let hwy = f.cases.first { $0.series == "HWY" && $0.model == "multiplicative" }!
        let d = try SeasonalDecomposition.classical(hwy.x)
        // The series starts in April: position 9 is January, position 2 is June.
        XCTAssertGreaterThan(d.indices[9], 1.25)
        XCTAssertLessThan(d.indices[2], 0.9)
        XCTAssertThrowsError(try SeasonalDecomposition.classical(Array(hwy.x.prefix(23))))
    }
}
