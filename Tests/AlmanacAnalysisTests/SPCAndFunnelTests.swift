import AlmanacAnalysis
import Foundation
import XCTest

/// XmR charts on worked examples, point by point, with the arithmetic written out here.
final class XmRChartTests: XCTestCase {
    func flagged(_ c: XmRChart, _ rule: XmRChart.Rule) -> [Int] {
        c.points.indices.filter { c.points[$0].rules.contains(rule) }
    }

    func testLimitsAreMeanPlusOrMinus266MeanMovingRange() throws {
        let v: [Double] = [50, 52, 49, 51, 50, 48, 52, 50, 51, 49, 50, 51, 70, 50, 49]
        let c = try XmRChart.compute(v, improvement: .down)
        let mean = v.reduce(0, +) / 15
        // Moving ranges 2,3,2,1,2,4,2,1,2,1,1,19,20,1: mean 61/14 = 4.357; the two of 3.267 × that
        // or more (19 and 20) are screened out, leaving 22/12.
        let mr = 22.0 / 12
        XCTAssertEqual(c.segments[0].mean, mean, accuracy: 1e-12)
        XCTAssertEqual(c.segments[0].movingRange, mr, accuracy: 1e-12)
        XCTAssertEqual(c.segments[0].upper, mean + 2.66 * mr, accuracy: 1e-12)
        XCTAssertEqual(c.segments[0].lower, mean - 2.66 * mr, accuracy: 1e-12)
        XCTAssertEqual(c.segments[0].upper2Sigma, mean + 2 * 2.66 / 3 * mr, accuracy: 1e-12)
        let unscreened = try XmRChart.compute(v, improvement: .down, screenOutliers: false)
        XCTAssertEqual(unscreened.segments[0].movingRange, 61.0 / 14, accuracy: 1e-12)
        XCTAssertEqual(flagged(c, .outsideLimits), [12])
        XCTAssertEqual(c.points[12].variation, .concern, "higher is worse for this measure")
        XCTAssertEqual(c.points.filter { $0.variation != .common }.count, 1)
    }

    func testShiftOfSevenOnOneSide() throws {
        let v: [Double] = [10, 11, 9, 10, 11, 9, 10, 12, 12.5, 12, 13, 12.5, 12, 12.5, 9, 10]
        let c = try XmRChart.compute(v, improvement: .up)
        // Mean is 11.03…: indices 7…13 are seven points in a row above it.
        XCTAssertEqual(flagged(c, .shift), Array(7...13))
        XCTAssertTrue(c.points[7...13].allSatisfy { $0.variation == .improvement })
    }

    func testTrendOfSevenRising() throws {
        let v: [Double] = [20, 22, 21, 20, 22, 21, 15, 16, 17, 18, 19, 20, 21, 20, 22]
        let c = try XmRChart.compute(v)
        XCTAssertEqual(flagged(c, .trend), Array(6...12))
        XCTAssertTrue(c.points[6...12].allSatisfy { $0.variation == .neither })
    }

    func testTwoOfThreeNearTheLimitOnOneSide() throws {
        // The point between the two near the limit (11) is above the mean (10.49) too.
        let v: [Double] = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 13.4, 11, 13.4, 10, 9, 10]
        let c = try XmRChart.compute(v)
        let s = c.segments[0]
        XCTAssertGreaterThan(13.4, s.upper2Sigma)
        XCTAssertLessThan(13.4, s.upper)
        XCTAssertEqual(flagged(c, .twoOfThree), [10, 12])
        XCTAssertEqual(flagged(c, .outsideLimits), [])
    }

    /// Point by point against an independent implementation of NHSRplotthedots 0.2's rules
    /// (Fixtures/make_xmr_fixtures.py): 46 series, hand-made and random (steps, drifts,
    /// spikes, integers with ties and points on the mean).
    func testEveryPointAgreesWithAnIndependentImplementationOfMakingDataCount() throws {
        struct Case: Decodable { var name: String; var values: [Double]; var mean: Double; var lower: Double; var upper: Double; var types: [String] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/xmr.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        XCTAssertGreaterThan(cases.count, 40)
        var compared = 0, signals = 0
        for c in cases {
            let chart = try XmRChart.compute(c.values)
            XCTAssertEqual(chart.segments[0].mean, c.mean, accuracy: 1e-9, c.name)
            XCTAssertEqual(chart.segments[0].upper, c.upper, accuracy: 1e-9, c.name)
            XCTAssertEqual(chart.segments[0].lower, c.lower, accuracy: 1e-9, c.name)
            for (i, p) in chart.points.enumerated() {
                let high = p.side > 0
                let type: String
                if p.rules.isEmpty { type = "Common Cause" }
                else if p.rules.contains(.outsideLimits) { type = high ? "Above UCL" : "Below LCL" }
                else if p.rules.contains(.trend) { type = "7 Point Trend (\(high ? "In" : "De")creasing)" }
                else if p.rules.contains(.twoOfThree) { type = "2 in 3 \(high ? "Above" : "Below") CL" }
                else { type = "7 Points \(high ? "Above" : "Below") CL" }
                XCTAssertEqual(type, c.types[i], "\(c.name), point \(i) (\(c.values[i]))")
                compared += 1
                if type != "Common Cause" { signals += 1 }
            }
        }
        XCTAssertGreaterThan(compared, 1500)
        XCTAssertGreaterThan(signals, 250)
    }

    func testTwoOfThreeLeavesOutPointsBeyondTheLimitsAndNeedsOneSide() throws {
        // Twenty points about 10 (mean 10.29, limits ±2.54, near beyond ±1.69): 12.2 is near
        // the upper limit, 15 beyond it.
        let base: [Double] = Array(repeating: [10, 10.5, 9.5, 10.5, 9.5, 10, 10.5, 9.5, 10.5, 9.5], count: 2).flatMap { $0 }
        let c = try XmRChart.compute(base + [12.2, 15, 10.4, 10, 10.5, 9.5])
        XCTAssertEqual(flagged(c, .outsideLimits), [21])
        XCTAssertEqual(flagged(c, .twoOfThree), [], "a point beyond the limits is not near them")
        // Two near the upper limit with the point between them below the mean: no signal;
        // with it above the mean: both near points are flagged.
        XCTAssertEqual(flagged(try XmRChart.compute(base + [12.2, 9.0, 12.2, 10, 10.5, 9.5]), .twoOfThree), [])
        XCTAssertEqual(flagged(try XmRChart.compute(base + [12.2, 10.6, 12.2, 10, 10.5, 9.5]), .twoOfThree), [20, 22])
        // A falling trend above the mean is a falling trend: the point's side is low.
        let falling: [Double] = [20, 19, 18, 17, 16, 15, 14, 10, 11, 9, 10, 11, 9, 10, 11, 10]
        let f = try XmRChart.compute(falling, improvement: .up)
        XCTAssertTrue(f.points[4].rules.contains(.trend))
        XCTAssertGreaterThan(falling[4], f.segments[0].mean)
        XCTAssertEqual(f.points[4].side, -1)
        XCTAssertEqual(f.points[4].variation, .concern)
    }

    func testAssuranceAgainstATarget() throws {
        let v: [Double] = [80, 82, 81, 79, 80, 83, 81, 80, 82, 81, 80, 79]
        XCTAssertEqual(try XmRChart.compute(v, improvement: .up, target: 70).assurance, .consistentlyPass)
        XCTAssertEqual(try XmRChart.compute(v, improvement: .up, target: 90).assurance, .consistentlyFail)
        XCTAssertEqual(try XmRChart.compute(v, improvement: .up, target: 81).assurance, .hitAndMiss)
        XCTAssertEqual(try XmRChart.compute(v, improvement: .down, target: 70).assurance, .consistentlyFail)
        XCTAssertNil(try XmRChart.compute(v, target: 81).assurance)
    }

    func testRebasingStartsNewLimits() throws {
        let before: [Double] = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
        let after = before.map { $0 + 20 }
        let c = try XmRChart.compute(before + after, rebaseAt: [12])
        XCTAssertEqual(c.segments.count, 2)
        XCTAssertEqual(c.segments[1].mean, 30, accuracy: 1e-12)
        XCTAssertTrue(c.points.allSatisfy { $0.rules.isEmpty }, "after rebasing, the step is not a signal")
        let unrebased = try XmRChart.compute(before + after)
        XCTAssertFalse(flagged(unrebased, .shift).isEmpty)
        XCTAssertThrowsError(try XmRChart.compute(Array(before.prefix(11))))
    }
}

/// Funnel limits against scipy 1.17.1 (Fixtures/funnel.json, Fixtures/make_funnel_fixtures.py).
final class FunnelPlotTests: XCTestCase {
    struct Fixture: Decodable {
        struct Unit: Decodable { var name: String; var z: Double; var limits: [String: Double] }
        struct Case: Decodable {
            var kind: String
            var overdispersion: Bool
            var theta, phi, tau2: Double
            var input: [[Value]]
            var units: [Unit]
        }
        enum Value: Decodable {
            case text(String), number(Double)
            init(from d: Decoder) throws {
                let c = try d.singleValueContainer()
                if let s = try? c.decode(String.self) { self = .text(s) } else { self = .number(try c.decode(Double.self)) }
            }
            var number: Double { if case .number(let n) = self { return n }; return .nan }
            var text: String { if case .text(let s) = self { return s }; return "" }
        }
        var source: String
        var cases: [Case]
    }

    func testLimitsMatchScipy() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/funnel.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertEqual(fixture.cases.count, 4)
        for c in fixture.cases {
            let input = c.input.map { (name: $0[0].text, numerator: $0[1].number, denominator: $0[2].number) }
            let kind: FunnelPlot.Kind = c.kind == "rate" ? .rate(per: 1) : .proportion
            let f = try FunnelPlot.compute(input, kind: kind, overdispersion: c.overdispersion)
            XCTAssertEqual(f.target, c.theta, accuracy: 1e-12)
            XCTAssertEqual(f.phi, c.phi, accuracy: 1e-9)
            XCTAssertEqual(f.tau2, c.tau2, accuracy: 1e-12)
            for (u, e) in zip(f.units, c.units) {
                XCTAssertEqual(u.name, e.name)
                XCTAssertEqual(u.z, e.z, accuracy: 1e-9)
                let tolerance = 1e-6 * c.theta
                XCTAssertEqual(u.lower998, max(0, e.limits["0.001"]!), accuracy: tolerance, "\(c.kind) \(u.name) 99.8% lower")
                XCTAssertEqual(u.lower95, max(0, e.limits["0.025"]!), accuracy: tolerance, "\(c.kind) \(u.name) 95% lower")
                XCTAssertEqual(u.upper95, e.limits["0.975"]!, accuracy: tolerance, "\(c.kind) \(u.name) 95% upper")
                XCTAssertEqual(u.upper998, e.limits["0.999"]!, accuracy: tolerance, "\(c.kind) \(u.name) 99.8% upper")
            }
        }
    }

    func testPositionsAndTooFewAreas() throws {
        let f = try FunnelPlot.compute([("A", 100, 10_000), ("B", 100, 10_000), ("C", 160, 10_000), ("D", 50, 10_000)], kind: .rate(per: 1000))
        XCTAssertEqual(f.target, 10.25, accuracy: 1e-12)
        XCTAssertEqual(f.units[2].position, .above998)
        XCTAssertEqual(f.units[3].position, .below998)
        XCTAssertEqual(f.units[0].position, .within)
        XCTAssertThrowsError(try FunnelPlot.compute([("A", 1, 10), ("B", 2, 10)], kind: .proportion))
        // A zero denominator is left out, not divided by.
        let g = try FunnelPlot.compute([("A", 1, 10), ("B", 2, 10), ("C", 3, 10), ("Z", 0, 0)], kind: .proportion)
        XCTAssertEqual(g.units.count, 3)
        XCTAssertFalse(g.units.contains { $0.value.isNaN || $0.upper998.isNaN })
    }
}
