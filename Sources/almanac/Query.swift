import AlmanacCore
import AlmanacModel
import AlmanacQuery
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the warehouse a question in the model's names.",
        discussion: """
            MEASURES is a comma-separated list of measure names. --by groups by dimensions \
            (any level of a hierarchy: county, district, ward; directorate, service) and time \
            grains (day, month, quarter, year, financial_year).

            Filter language (--where); every value is bound as a parameter, never put into SQL:
              district = 'Preston'
              district in ('Preston', 'Burnley') and channel != 'Web'
              not (outcome = 'No further action') or age_band >= '65-74'
            Operators: = != <> < <= > >= in, not in; join with and, or, not and parentheses.
            Text goes in single quotes; write a quote inside text as ''.

            Periods (--period): 2025-10 (month), 2025-Q3 (quarter), 2025 (calendar year),
            FY2024-25 or 2024-25 (financial year, April to March), 2025-10-03 (day).

            Examples:
              almanac query contacts,spend --by directorate,financial_year --where "district = 'Preston'"
              almanac query customers --by age_band --period FY2024-25 --format csv
              almanac query contacts --by month --period 2025 --explain
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Measures, comma-separated (e.g. contacts,spend).")
    var measures: String

    @Option(help: "Dimensions and time grains to group by, comma-separated.")
    var by: String = ""

    @Option(name: .customLong("where"), help: "A filter, e.g. \"district = 'Preston' and channel != 'Web'\".")
    var filter: String?

    @Option(help: "A period: 2025-10, 2025-Q3, 2025, FY2024-25, 2025-10-03.")
    var period: String?

    @Option(help: "Keep the first N rows.")
    var limit: Int?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Print the SQL and its parameters instead of running it.")
    var explain = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    func run() throws {
        try guarded {
            let model = try ModelLoader.load(path: options.modelPath)
            let split = { (s: String) in s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            let request = QueryRequest(
                measures: split(measures), by: split(by), filter: filter,
                period: try period.map { try Period(parsing: $0) }, limit: limit)
            let compiled = SQLCompiler().compile(try QueryPlanner(model: model).plan(request))
            if explain {
                print(compiled.sql, terminator: "")
                print("-- parameters: " + (compiled.parameters.isEmpty ? "none" : compiled.parameters.map(\.description).joined(separator: ", ")))
                return
            }
            let warehouse = try Warehouse.openExisting(path: options.warehousePath)
            try warehouse.verify(model: model)
            if let p = request.period, let range = try warehouse.dateRange(model: model), p.end <= range.first || p.start > range.last {
                throw Diagnostic(field: "--period", message: "period \(p.key) is outside the data, which runs from \(range.first) to \(range.last)",
                                 hint: "choose a period between \(range.first) and \(range.last)")
            }
            let table = try warehouse.run(compiled)
            switch format {
            case .table:
                if table.rowCount == 0 {
                    print("No rows match this query.")
                } else {
                    print(TableFormatter.text(table), terminator: "")
                }
            case .csv: print(table.csv(), terminator: "")
            case .json: print(TableFormatter.json(table))
            }
        }
    }
}
