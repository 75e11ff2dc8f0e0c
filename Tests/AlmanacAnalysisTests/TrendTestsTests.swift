import AlmanacAnalysis
import Foundation
import XCTest

/// Trend tests against pymannkendall 1.4.3 and scipy 1.17.1 (Fixtures/trend.json, made by
/// Fixtures/make_trend_fixtures.py), to 1e-6.
final class TrendTestsTests: XCTestCase {
    struct Fixture: Decodable {
        struct MK: Decodable { var s, var_s, z, p, tau, slope, intercept: Double; var trend: String }
        struct OLS: Decodable { var slope, intercept, stderr, p, lower95, upper95: Double }
        struct Case: Decodable {
            var name: String
            var series: [Double?]
            var mann_kendall: MK
            var seasonal: MK?
            var ols: OLS
        }
        var source: String
        var cases: [Case]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/trend.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    func close(_ a: Double, _ b: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), what, file: file, line: line)
    }

    func check(_ r: MannKendall, _ e: Fixture.MK, _ name: String) {
        close(r.s, e.s, "\(name) S")
        close(r.varS, e.var_s, "\(name) var S")
        close(r.z, e.z, "\(name) z")
        close(r.p, e.p, "\(name) p")
        close(r.tau, e.tau, "\(name) tau")
        close(r.slope, e.slope, "\(name) Sen's slope")
        close(r.intercept, e.intercept, "\(name) intercept")
        XCTAssertEqual(r.direction.rawValue, e.trend, name)
    }

    func testMannKendallMatchesPymannkendall() throws {
        XCTAssertTrue(Self.fixture.source.contains("pymannkendall 1.4.3"))
        for c in Self.fixture.cases {
            check(try MannKendall.test(c.series), c.mann_kendall, c.name)
        }
    }

    func testSeasonalMannKendallMatchesPymannkendall() throws {
        let seasonal = Self.fixture.cases.filter { $0.seasonal != nil }
        XCTAssertEqual(seasonal.count, 3)
        for c in seasonal { check(try MannKendall.seasonal(c.series), c.seasonal!, c.name + " seasonal") }
    }

    func testLeastSquaresMatchesScipy() throws {
        for c in Self.fixture.cases {
            let r = try LinearTrend.fit(c.series)
            close(r.slope, c.ols.slope, "\(c.name) slope")
            close(r.intercept, c.ols.intercept, "\(c.name) intercept")
            close(r.standardError, c.ols.stderr, "\(c.name) stderr")
            close(r.lower95, c.ols.lower95, "\(c.name) lower 95%")
            close(r.upper95, c.ols.upper95, "\(c.name) upper 95%")
            XCTAssertEqual(r.p, c.ols.p, accuracy: 1e-9, "\(c.name) p")
        }
    }

    func testShortAndConstantSeriesSaySo() {
        XCTAssertThrowsError(try MannKendall.test([1, 2, 3])) { XCTAssertEqual($0 as? NotTested, .tooShort(have: 3, need: 4)) }
        XCTAssertThrowsError(try MannKendall.test([2, 2, 2, 2, 2])) { XCTAssertEqual($0 as? NotTested, .constant) }
        XCTAssertThrowsError(try MannKendall.seasonal(Array(repeating: 1.0, count: 20))) {
            XCTAssertEqual($0 as? NotTested, .tooShort(have: 20, need: 24))
        }
        XCTAssertThrowsError(try LinearTrend.fit([1, nil, 2])) { XCTAssertEqual($0 as? NotTested, .tooShort(have: 2, need: 3)) }
        let flat = try? LinearTrend.fit([4, 4, 4, 4])
        XCTAssertEqual(flat?.p, 1)
        XCTAssertFalse(flat!.p.isNaN)
    }

    func testDistributionsAgainstKnownValues() {
        // Values from standard tables (and scipy.stats): Φ(1.96), t(0.975; 10), Poisson and binomial CDFs.
        XCTAssertEqual(Distributions.normalCDF(1.96), 0.9750021048517795, accuracy: 1e-12)
        XCTAssertEqual(Distributions.normalQuantile(0.999), 3.090232306167813, accuracy: 1e-9)
        XCTAssertEqual(Distributions.normalQuantile(0.025), -1.959963984540054, accuracy: 1e-9)
        XCTAssertEqual(Distributions.studentTQuantile(0.975, df: 10), 2.228138851986274, accuracy: 1e-9)
        XCTAssertEqual(Distributions.poissonCDF(3, mean: 2.5), 0.7575761331330659, accuracy: 1e-12)
        XCTAssertEqual(Distributions.binomialCDF(4, n: 20, p: 0.3), 0.2375077788776449, accuracy: 1e-12)
    }
}
