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
            FY2024-25 or 2024-25 (financial year, April to March), 2025-10-03 (day), a range
            of periods of one kind such as 2024-11..2025-10 (13 months), and
            relative to the latest data: latest, latest quarter, last 12 months, last 3
            months, FYTD (financial year to date).

            Time grains for --by: day, iso_week, month, quarter, financial_quarter, year,
            financial_year. Periods with no activity appear as zero (counts and sums) or
            empty (ratios and rates), never as a missing row.

            Comparisons (--compare previous, --compare year, or both): each measure gets the
            value for the comparison period, the change and the percentage change. "previous"
            is the same number of periods immediately before; "year" the same periods a year
            earlier.

            Examples:
              almanac query contacts,spend --by directorate,financial_year --where "district = 'Preston'"
              almanac query customers --by age_band --period FY2024-25 --format csv
              almanac query contacts --by month --period 2025 --explain
              almanac query contacts_per_1000 --by district --period FY2024-25 --compare year
              almanac query contacts --by district --period "last 12 months" --top 5
              almanac query spend --by directorate,service --period 2025-10 --totals
              almanac query contacts --by district --drill down --where "district = 'Wyre'"
              almanac query customers --combinations service --period FY2024-25
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Measures, comma-separated (e.g. contacts,spend).")
    var measures: String

    @Option(help: "Dimensions and time grains to group by, comma-separated.")
    var by: String = ""

    @Option(name: .customLong("where"), help: "A filter, e.g. \"district = 'Preston' and channel != 'Web'\".")
    var filter: String?

    @Option(help: "A period: 2025-10, 2025-Q3, 2025, FY2024-25, 2025-10-03, latest, \"last 12 months\", FYTD.")
    var period: String?

    @Option(help: "An audience's scope, e.g. \"district = 'Burnley'\": applied as a report applies it, to every query a request leads to (denominators, totals and \"All other\" rows included).")
    var scope: String?

    @Option(help: "Compare with the previous period (previous) or a year earlier (year); may be repeated.")
    var compare: [Comparison] = []

    @Option(help: "Keep the top N members of the last --by dimension, with an \"All other\" row.")
    var top: Int?

    @Flag(help: "Add subtotals for each level of --by and a grand total.")
    var totals = false

    @Option(help: "Replace the last --by dimension with the next level down (down) or up (up) its hierarchy.")
    var drill: DrillDirection?

    @Option(help: "Count customers by the combination of a dimension's members they used, e.g. service.")
    var combinations: String?

    enum DrillDirection: String, ExpressibleByArgument, CaseIterable { case up, down }

    @Option(help: "Keep the first N rows.")
    var limit: Int?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Print the SQL and its parameters, and which rollup answers it and why, instead of the result. With --top, --totals or --compare, every statement the query runs (the query is run to find them).")
    var explain = false

    @Flag(help: "Print to standard error where the time went: planning, database, shaping.")
    var timing = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be 1 or more, not \(top): it keeps the N largest members of the last --by dimension") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
    }

    func run() throws {
        try guarded {
            let model = try ModelLoader.load(path: options.modelPath)
            let split = { (s: String) in s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            let expression = try period.map { try PeriodExpression(parsing: $0) }
            var byNames = split(by)
            if let drill {
                guard let last = byNames.last else {
                    throw Diagnostic(field: "--drill", message: "--drill needs a --by dimension to move from", hint: "e.g. --by district --drill down")
                }
                guard let next = model.drill(from: last, down: drill == .down) else {
                    throw Diagnostic(field: "--drill", message: "`\(last)` has no level \(drill == .down ? "below" : "above") it",
                                     hint: "hierarchies: " + model.hierarchies.map { $0.levels.joined(separator: " > ") }.joined(separator: "; "))
                }
                byNames[byNames.count - 1] = next
            }
            var request = QueryRequest(measures: split(measures), by: byNames, filter: filter, limit: limit)
            request.scope = scope
            if case .fixed(let p)? = expression { request.period = p }
            if case .range(let a, _)? = expression { request.span = expression?.resolve(lastDay: a.start).span }
            func printExplain() throws {
                var plan = try QueryPlanner(model: model).plan(request)
                var notes: [String] = []
                // Which rollup answers depends on what the warehouse has built.
                _ = try WarehouseLocation.parse(options.warehousePath)
                if FileManager.default.fileExists(atPath: options.warehousePath) {
                    let warehouse = try Warehouse.openExisting(path: options.warehousePath)
                    (plan, notes) = try QueryExecutor(model: model, warehouse: warehouse).answered(plan)
                } else if !model.rollups.isEmpty {
                    notes = ["no warehouse at \(options.warehousePath): rollups are not built, so the facts are read"]
                }
                let compiled = SQLCompiler().compile(plan)
                for n in notes { print("-- \(n)") }
                print(compiled.sql, terminator: "")
                print("-- parameters: " + (compiled.parameters.isEmpty ? "none" : compiled.parameters.map(\.description).joined(separator: ", ")))
            }
            // A fixed period needs no warehouse to explain one statement; a relative one needs
            // its data, and --top, --totals and --compare the statements they run.
            let several = top != nil || totals || !compare.isEmpty
            if explain && expression?.isRelative != true && (!several || !FileManager.default.fileExists(atPath: options.warehousePath)) {
                return try printExplain()
            }
            let warehouse = try Warehouse.openExisting(path: options.warehousePath)
            try warehouse.verify(model: model)
            let range = try warehouse.dateRange(model: model)
            var resolved: ResolvedPeriod?
            if let expression {
                guard let range else {
                    throw Diagnostic(field: "--period", message: "the warehouse has no data", hint: "run `almanac load` first")
                }
                let r = expression.resolve(lastDay: range.last)
                if r.span.end <= range.first || r.span.start > range.last {
                    throw Diagnostic(field: "--period", message: "period \(r.label) is outside the data, which runs from \(range.first) to \(range.last)",
                                     hint: "choose a period between \(range.first) and \(range.last)")
                }
                resolved = r
            }
            var queryOptions = QueryOptions()
            queryOptions.compare = compare
            queryOptions.top = top
            queryOptions.totals = totals
            if explain {
                request.span = resolved?.span
                guard top != nil || totals || !compare.isEmpty, combinations == nil else { return try printExplain() }
                // Several statements: the query is run to list them, since the "All other"
                // row's members come from the ranking statement's result.
                let statements = try warehouse.snapshot {
                    try QueryExecutor(model: model, warehouse: warehouse).explain(request, period: resolved, options: queryOptions)
                }
                for (i, s) in statements.enumerated() {
                    print("-- statement \(i + 1) of \(statements.count)")
                    for n in s.notes { print("-- \(n)") }
                    print(s.query.sql, terminator: "")
                    print("-- parameters: " + (s.query.parameters.isEmpty ? "none" : s.query.parameters.map(\.description).joined(separator: ", ")))
                    if i < statements.count - 1 { print("") }
                }
                return
            }
            let timings = QueryExecutor.Timings()
            let executor = QueryExecutor(model: model, warehouse: warehouse)
            // Comparisons, top N and totals run several statements: all on one snapshot.
            let table = try warehouse.snapshot {
                try combinations.map { try executor.combinations(of: $0, request: request, period: resolved) }
                    ?? executor.run(request, period: resolved, options: queryOptions, timings: timings)
            }
            if timing {
                var err = StandardError()
                let own = timings.total - timings.database
                print(String(format: "timing: %d statement(s); database %.2f ms; planning %.2f ms; shaping %.2f ms; query layer overhead %.2f%%",
                             timings.statements, timings.database * 1000, timings.planning * 1000,
                             (timings.total - timings.database - timings.planning) * 1000,
                             timings.database > 0 ? own / timings.database * 100 : 0), to: &err)
            }
            if let resolved, format == .table { print("Period: \(resolved.label)") }
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

extension Comparison: ExpressibleByArgument {}
