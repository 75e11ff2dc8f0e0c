import AlmanacCore
import AlmanacSample
import AlmanacWarehouse
import Foundation
import XCTest

final class SampleGeneratorTests: WarehouseTestCase {
    func testTheCommittedSampleIsWhatTheGeneratorWrites() throws {
        let out = folder.appendingPathComponent("gen").path
        _ = try SampleGenerator(rows: 72_000, seed: 2025).write(to: out)
        for name in ["districts.csv", "wards.csv", "population.csv", "services.csv", "customers.csv", "activity.csv", "anomalies.csv", "district-tiles.csv", "districts-illustrative.geojson"] {
            let made = FileManager.default.contents(atPath: out + "/" + name)
            let committed = FileManager.default.contents(atPath: Self.root.appendingPathComponent("sample-data/" + name).path)
            XCTAssertEqual(made, committed, "\(name) differs from sample-data/\(name): run `almanac sample --out sample-data --force`")
        }
    }

    func testExactRowCountsAtSeveralSizesAndSeedsDiffer() throws {
        for rows in [1, 2, 997, 25_000] {
            let out = folder.appendingPathComponent("g\(rows)").path
            let s = try SampleGenerator(rows: rows, seed: 7).write(to: out)
            XCTAssertEqual(s.activityRows, rows)
            let text = try String(contentsOfFile: out + "/activity.csv", encoding: .utf8)
            XCTAssertEqual(text.split(separator: "\n").count, rows + 1)
        }
        let a = folder.appendingPathComponent("a").path, b = folder.appendingPathComponent("b").path
        _ = try SampleGenerator(rows: 500, seed: 1).write(to: a)
        _ = try SampleGenerator(rows: 500, seed: 2).write(to: b)
        XCTAssertNotEqual(FileManager.default.contents(atPath: a + "/activity.csv"), FileManager.default.contents(atPath: b + "/activity.csv"))
        XCTAssertThrowsError(try SampleGenerator(rows: 0, seed: 1).write(to: a))
    }

    func testThePlantedStructureIsInTheData() throws {
        let w = try newWarehouse()
        _ = try w.load(model: model, files: allSampleFiles)
        func value(_ sql: String) throws -> Double { Double.fromDatabaseValue(try w.rawRows(sql)[0][0])! }
        // Seasonality differs by service: highways peak in winter, waste in summer.
        let hwyWinter = try value("SELECT SUM(contacts) FROM activity WHERE service_code='HWY' AND substr(activity_date,6,2) IN ('12','01','02')")
        let hwySummer = try value("SELECT SUM(contacts) FROM activity WHERE service_code='HWY' AND substr(activity_date,6,2) IN ('06','07','08')")
        XCTAssertGreaterThan(hwyWinter, hwySummer * 1.4)
        let wstWinter = try value("SELECT SUM(contacts) FROM activity WHERE service_code='WST' AND substr(activity_date,6,2) IN ('12','01','02')")
        let wstSummer = try value("SELECT SUM(contacts) FROM activity WHERE service_code='WST' AND substr(activity_date,6,2) IN ('06','07','08')")
        XCTAssertGreaterThan(wstSummer, wstWinter * 1.3)
        // Trends: special educational needs rise, libraries fall.
        func fy(_ s: String, _ start: String, _ end: String) throws -> Double {
            try value("SELECT SUM(contacts) FROM activity WHERE service_code='\(s)' AND activity_date >= '\(start)' AND activity_date < '\(end)'")
        }
        XCTAssertGreaterThan(try fy("SEN", "2025-04-01", "2026-04-01"), try fy("SEN", "2021-04-01", "2022-04-01") * 1.3)
        XCTAssertLessThan(try fy("LIB", "2025-04-01", "2026-04-01"), try fy("LIB", "2021-04-01", "2022-04-01") * 0.8)
        // Demand per head: Burnley above Ribble Valley.
        let perHead = try w.rawRows("""
            SELECT d.district_name, SUM(a.contacts) * 1000.0 / d.population FROM activity a JOIN wards w USING (ward_code)
            JOIN districts d ON d.district_code = w.district_code GROUP BY d.district_name ORDER BY 2 DESC
            """).map { String.fromDatabaseValue($0[0])! }
        XCTAssertLessThan(perHead.firstIndex(of: "Burnley")!, perHead.firstIndex(of: "Ribble Valley")!)
        // Anomaly A1: Wyre highways in January 2024 against January 2023.
        let a1 = try value("SELECT SUM(contacts) FROM activity a JOIN wards w USING (ward_code) WHERE service_code='HWY' AND w.district_code='E07000128' AND substr(activity_date,1,7)='2024-01'")
        let a1Before = try value("SELECT SUM(contacts) FROM activity a JOIN wards w USING (ward_code) WHERE service_code='HWY' AND w.district_code='E07000128' AND substr(activity_date,1,7)='2023-01'")
        XCTAssertGreaterThan(a1, a1Before * 2)
        // Anomaly A4: no web contacts during the outage.
        XCTAssertEqual(try value("SELECT COUNT(*) FROM activity WHERE channel='Web' AND activity_date BETWEEN '2024-11-12' AND '2024-11-14'"), 0)
        // The committed sample stays under 5 MB.
        let bytes = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("sample-data").path)
            .filter { $0.hasSuffix(".csv") }
            .map { try FileManager.default.attributesOfItem(atPath: Self.root.appendingPathComponent("sample-data/" + $0).path)[.size] as! Int }
            .reduce(0, +)
        XCTAssertLessThan(bytes, 5_000_000)
    }
}
