import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import Foundation
import GRDB
import XCTest

/// Shared fixtures: the shipped model, the committed sample data, and a fresh warehouse
/// in a temporary folder for each test.
class WarehouseTestCase: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let model = try! ModelLoader.load(path: root.appendingPathComponent("models/council.yaml").path)
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("almanac-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    var model: SemanticModel { Self.model }

    /// The committed sample file for a table.
    func sample(_ table: String) -> String {
        Self.root.appendingPathComponent("sample-data/\(model.table(table)!.source)").path
    }

    var allSampleFiles: [String: String] {
        Dictionary(uniqueKeysWithValues: model.tables.map { ($0.name, sample($0.name)) })
    }

    func newWarehouse() throws -> Warehouse { try Warehouse(path: folder.appendingPathComponent("w.sqlite").path) }

    /// Writes a file into the test folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A fingerprint of everything in the warehouse: every row of every table, in order.
    func fingerprint(_ w: Warehouse) throws -> String {
        var parts: [String] = []
        let tables = try w.rawRows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for t in tables {
            let name = t[0].description
            let rows = try w.rawRows("SELECT * FROM \"\(name.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))\" ORDER BY rowid")
            parts.append("\(name):\(rows.count):\(rows.map { $0.map(\.description).joined(separator: "|") }.joined(separator: "\n").hashValue)")
        }
        return parts.joined(separator: ";")
    }

    func query(_ w: Warehouse, _ r: QueryRequest) throws -> DataTable {
        try w.run(SQLCompiler().compile(QueryPlanner(model: model).plan(r)))
    }
}
