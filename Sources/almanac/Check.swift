import AlmanacCore
import AlmanacModel
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the model and every report, and the warehouse against the model.",
        discussion: """
            Reports each mistake as file:line:col with the nearest valid name, e.g.
              models/council.yaml:62:9: error: unknown column `custmer_id` in fact `activity` …
                hint: did you mean `customer_id`?
            """)

    @OptionGroup var options: ProjectOptions

    func run() throws {
        try guarded {
            let model = try ModelLoader.load(path: options.modelPath)
            print("model \(options.modelPath): \(model.tables.count) tables, \(model.measures.count) measures, \(model.dimensions.count) dimensions")
            let reports = options.path("reports")
            for name in ReportLoader.available(in: reports) {
                let r = try ReportLoader.load(name: name, directory: reports, model: model)
                print("report \(name): \(r.sections.count) sections")
            }
            let packs = options.path("packs")
            for name in ReportLoader.available(in: packs) {
                let p = try PackLoader.load(name: name, directory: packs, reports: reports, model: model)
                print("pack \(name): \(p.parts.count) reports")
            }
            if FileManager.default.fileExists(atPath: options.warehousePath) {
                try Warehouse(path: options.warehousePath).verify(model: model)
                print("warehouse \(options.warehousePath): matches the model")
            }
        }
    }
}
