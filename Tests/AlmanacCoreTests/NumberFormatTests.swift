import AlmanacCore
import XCTest

final class NumberFormatTests: XCTestCase {
    func testFullFormsFollowONSStyle() {
        XCTAssertEqual(NumberFormat.integer.format(1234567), "1,234,567")
        XCTAssertEqual(NumberFormat.integer.format(999), "999")
        XCTAssertEqual(NumberFormat.integer.format(-1234.4), "-1,234")
        XCTAssertEqual(NumberFormat.currency.format(1234567.8), "£1,234,568")
        XCTAssertEqual(NumberFormat.currency.format(-50), "-£50")
        XCTAssertEqual(NumberFormat.currencyPence.format(12.5), "£12.50")
        XCTAssertEqual(NumberFormat.decimal1.format(8.25), "8.2")  // round half even in printf is fine for display
        XCTAssertEqual(NumberFormat.percent.format(0.1234), "12.3%")
        XCTAssertEqual(NumberFormat.integer.format(-0.2), "0")
        XCTAssertEqual(NumberFormat.integer.format(.nan), "–")
    }

    func testShortFormsForAxes() {
        XCTAssertEqual(NumberFormat.currency.formatShort(1_200_000), "£1.2m")
        XCTAssertEqual(NumberFormat.integer.formatShort(12_000), "12k")
        XCTAssertEqual(NumberFormat.integer.formatShort(12_500), "12.5k")
        XCTAssertEqual(NumberFormat.integer.formatShort(1_000), "1,000")
        XCTAssertEqual(NumberFormat.integer.formatShort(750), "750")
        XCTAssertEqual(NumberFormat.percent.formatShort(0.45), "45%")
        XCTAssertEqual(NumberFormat.integer.formatShort(2.5e9), "2.5bn")
        XCTAssertEqual(NumberFormat.integer.formatShort(0), "0")
    }

    func testColumnsWriteEveryNumberForAReader() {
        XCTAssertEqual(NumberFormat.percentagePoints.format(0.03414), "3.4 percentage points")
        var mixed = DataColumn(name: "value", label: "Value", role: .measure, values: .real([118077.88, 0.4797, 1972]))
        mixed.rowFormats = [.currency, .percent, .integer]
        XCTAssertEqual((0..<3).map(mixed.display), ["£118,078", "48.0%", "1,972"])
        let plain = DataColumn(name: "x", label: "X", role: .measure, values: .real([146927.7900000001, 12, nil]))
        XCTAssertEqual((0..<3).map(plain.display), ["146,927.79", "12", "–"], "no raw doubles, even without a format")
    }
}
