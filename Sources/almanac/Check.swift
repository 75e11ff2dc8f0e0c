import AlmanacCore
import AlmanacModel
import AlmanacOps
import AlmanacQuery
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
            // Every problem, not the first: the model, then each report (sections planned as
            // `report` would plan them), each pack, then the warehouse.
            var problems: [Diagnostic] = []
            func collect(_ body: () throws -> Void) {
                do { try body() } catch let d as Diagnostic { problems.append(d) } catch let l as DiagnosticList { problems += l.diagnostics } catch {
                    problems.append(Diagnostic(message: "\(error)"))
                }
            }
            let model = try ModelLoader.load(path: options.modelPath)
            print("model \(options.modelPath): \(model.tables.count) tables, \(model.measures.count) measures, \(model.dimensions.count) dimensions")
            // Each filtered measure's `where:` through the query layer's own parser and planner.
            for m in model.measures {
                guard case .aggregate(_, _, let filter?) = m.kind else { continue }
                collect {
                    do {
                        _ = try QueryPlanner(model: model).plan(QueryRequest(measures: [m.name], filterSource: "\(m.place.file):\(m.place.line ?? 0)"))
                    } catch var d as Diagnostic {
                        if d.file == nil { d.file = m.place.file; d.line = m.place.line; d.column = m.place.column }
                        d.message = "in the `where` of measure `\(m.name)` (`\(filter)`): " + d.message
                        throw d
                    }
                }
            }
            let reports = options.path("reports")
            for name in ReportLoader.available(in: reports) {
                collect {
                    let r = try ReportLoader.load(name: name, directory: reports, model: model)
                    let before = problems.count
                    for s in r.sections where s.kind != .text && s.kind != .findings {
                        // KPI tiles: the measures by the report's own periods (their sparkline).
                        let by = s.kind == .kpis ? [r.periodGrain.rawValue] : s.groupBy
                        collect {
                            do {
                                _ = try QueryPlanner(model: model).plan(QueryRequest(measures: s.measures, by: by, filter: s.filter,
                                                                                     filterSource: "\(s.place.file):\(s.place.line ?? 0)"))
                            } catch var d as Diagnostic {
                                if d.file == nil || d.file == "--where" { d.file = s.place.file; d.line = s.place.line; d.column = s.place.column }
                                d.message = "section `\(s.title)`: " + d.message
                                throw d
                            }
                        }
                    }
                    if problems.count == before { print("report \(name): \(r.sections.count) sections") }
                }
            }
            let packs = options.path("packs")
            for name in ReportLoader.available(in: packs) {
                collect {
                    let p = try PackLoader.load(name: name, directory: packs, reports: reports, model: model)
                    print("pack \(name): \(p.parts.count) reports")
                }
            }
            // Schedules: each names a pack or report and audience that exist, and a dimension
            // for `ready.every` the model has; the delivery settings and holidays file read.
            collect {
                let settings = try DeliverySettings.load(path: options.path("config/delivery.yaml"))
                _ = try WorkingCalendar.load(path: options.path(settings.holidays))
                for path in ScheduleLoader.paths(in: options.path("schedules")) {
                    collect {
                        let s = try ScheduleLoader.load(path: path)
                        try ScheduleCommand.check(s, options: options, model: model)
                        print("schedule \(s.name): \(s.target.kind) \(s.target.name), \(s.when), \(s.recipients.count) recipients")
                    }
                }
            }
            collect { _ = try WarehouseLocation.parse(options.warehousePath) }
            if FileManager.default.fileExists(atPath: options.warehousePath) {
                collect {
                    try Warehouse(path: options.warehousePath).verify(model: model)
                    print("warehouse \(options.warehousePath): matches the model")
                }
            }
            if !problems.isEmpty {
                // A report used by packs is reported once, not once per pack.
                var seen = Set<String>()
                throw DiagnosticList(problems.filter { seen.insert($0.description).inserted })
            }
        }
    }
}
