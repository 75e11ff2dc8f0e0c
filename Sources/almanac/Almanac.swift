import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import ArgumentParser
import Foundation

@main
struct Almanac: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "almanac",
        abstract: "Business intelligence and reporting for a county council.",
        discussion: """
            Almanac loads CSV extracts into an embedded SQLite warehouse, answers questions in the \
            vocabulary of a declared semantic model (models/council.yaml), and publishes reports \
            (reports/*.yaml) as PDF packs, accessible HTML and CSV.

            A first run on the sample data:
              almanac load
              almanac query contacts,spend --by directorate,financial_year
              almanac report monthly-performance --period 2025-10 --out out/
              almanac pack cabinet-monthly --period 2025-10 --out out/

            Scheduled runs (schedules/*.yaml, started by cron or a systemd timer):
              almanac schedule            next run times, and why
              almanac run --due           publish what is due; email each message once
              almanac runs --failed       what needs attention

            Exit status: 0 done; 3 partial (a report or pack for a period with no data, still
            written and saying so); 1 failed (with a message naming the place and what to do).
            """,
        version: AlmanacVersion.current,
        subcommands: [Load.self, Query.self, Analyse.self, Report.self, Pack.self, GalleryCommand.self, Sample.self, Check.self, Run.self, ScheduleCommand.self, Runs.self, Prune.self])
}

/// Options every command that touches the model or warehouse shares.
struct ProjectOptions: ParsableArguments {
    @Option(help: "The project folder holding models/, reports/, templates/ and sample-data/.")
    var project: String = "."

    @Option(help: "The semantic model file (default: PROJECT/models/council.yaml).")
    var model: String?

    @Option(help: "The warehouse database (default: $ALMANAC_WAREHOUSE or PROJECT/warehouse/almanac.sqlite).")
    var warehouse: String?

    func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (project as NSString).appendingPathComponent(relative)
    }
    var modelPath: String { model ?? path("models/council.yaml") }
    var warehousePath: String {
        warehouse ?? ProcessInfo.processInfo.environment["ALMANAC_WAREHOUSE"] ?? path("warehouse/almanac.sqlite")
    }

    /// The model, and the existing warehouse checked against it.
    func open() throws -> (SemanticModel, Warehouse) {
        let model = try ModelLoader.load(path: modelPath)
        let warehouse = try Warehouse.openExisting(path: warehousePath)
        try warehouse.verify(model: model)
        return (model, warehouse)
    }

    /// The last day with data; a clear error when the warehouse is empty.
    func lastDay(model: SemanticModel, warehouse: Warehouse) throws -> Day {
        guard let last = try warehouse.dateRange(model: model)?.last else {
            throw Diagnostic(message: "the warehouse has no data", hint: "run `almanac load` first")
        }
        return last
    }

    /// The period a `--period` option names (relative forms against the data), or the latest
    /// month in the data when it is not given.
    func period(_ text: String?, model: SemanticModel, warehouse: Warehouse) throws -> Period {
        let last = try lastDay(model: model, warehouse: warehouse)
        return try text.map { try PeriodExpression(parsing: $0).resolve(lastDay: last).first } ?? Period(grain: .month, containing: last)
    }
}

/// Prints a diagnostic (or several) to standard error and exits non-zero.
func fail(_ error: Error) -> ExitCode {
    var stderr = StandardError()
    switch error {
    case let d as Diagnostic: print(d.description, to: &stderr)
    case let l as DiagnosticList: print(l.description, to: &stderr)
    case let f as LoadFailure:
        for e in f.report.entries {
            print("\(e.file): read \(e.read), rejected \(e.rejected)", to: &stderr)
        }
        print(f.description, to: &stderr)
    default: print("error: \(error)", to: &stderr)
    }
    return ExitCode(1)
}

/// Runs `body`, turning Almanac's errors into messages and a non-zero exit.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        throw fail(error)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
