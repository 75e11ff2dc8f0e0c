import AlmanacAnalysis
import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Analyse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find what the data is telling us about a measure, ranked, with commentary.",
        discussion: """
            Scans the measure by month for the county, each service, each district and each \
            service in each district, up to the end of --period, and reports:
              - year-on-year movers in the latest month (exact Poisson test, Bonferroni-corrected);
              - districts outside the 99.8% funnel limits per 1,000 residents (over-dispersion allowed);
              - special cause variation (NHS XmR rules) in the seasonally adjusted history;
              - sustained trends (seasonal Mann-Kendall, p < 0.001, at least 3% a year);
              - days when a channel's activity stopped.
            Each finding carries its numbers, its test and its strength; nothing weaker is claimed.

            Examples:
              almanac analyse contacts --period 2025-10
              almanac analyse spend --period 2026-03 --format json
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "The measure to scan (a count or sum, e.g. contacts or spend).")
    var measure: String

    @Option(help: "The latest month to consider, e.g. 2025-10. Default: the latest month in the data.")
    var period: String?

    @Option(help: "Show at most N findings (0: all).")
    var limit: Int = 25

    @Option(help: "Output format: table, json or text (the commentary only).")
    var format: Format = .table

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, text }

    func run() throws {
        try guarded {
            let (model, warehouse) = try options.open()
            let month = try options.period(period, model: model, warehouse: warehouse)
            // Every slice from one snapshot, so a load committing meanwhile cannot mix two states.
            let result = try warehouse.snapshot { try CubeScan(model: model, warehouse: warehouse).run(measure: measure, month: month) }
            let shown = limit > 0 ? Array(result.findings.prefix(limit)) : result.findings
            switch format {
            case .text:
                print("\(model.measure(measure)!.label): what changed, up to \(month.label)\n")
                for f in shown { print("- " + f.sentence) }
            case .json:
                let items = shown.map { f -> String in
                    let numbers = f.numbers.keys.sorted().map { "\(TableFormatter.jsonString($0)): \(NumberFormat.trimmed(f.numbers[$0]!, maxDecimals: 6))" }
                    return "  {\"kind\": \(TableFormatter.jsonString(f.kind.rawValue)), \"subject\": \(TableFormatter.jsonString(f.subject)), "
                        + "\"period\": \(TableFormatter.jsonString(f.period)), \"strength\": \(NumberFormat.trimmed(f.strength, maxDecimals: 3)), "
                        + "\"p\": \(f.p), \"assessment\": \(TableFormatter.jsonString(f.assessment)), \"test\": \(TableFormatter.jsonString(f.test)), "
                        + "\"numbers\": {\(numbers.joined(separator: ", "))}, \"sentence\": \(TableFormatter.jsonString(f.sentence))}"
                }
                print("[\n" + items.joined(separator: ",\n") + "\n]")
            case .table:
                let table = DataTable(columns: [
                    DataColumn(name: "rank", label: "#", role: .dimension, values: .text(shown.indices.map { String($0 + 1) })),
                    DataColumn(name: "kind", label: "Finding", role: .dimension, values: .text(shown.map(\.kind.rawValue))),
                    DataColumn(name: "subject", label: "About", role: .dimension, values: .text(shown.map(\.subject))),
                    DataColumn(name: "period", label: "Period", role: .dimension, values: .text(shown.map(\.period))),
                    DataColumn(name: "strength", label: "Strength", role: .measure, format: .decimal1, values: .real(shown.map(\.strength))),
                    DataColumn(name: "assessment", label: "Assessment", role: .dimension, values: .text(shown.map(\.assessment))),
                ])
                print(TableFormatter.text(table), terminator: "")
                print("\nCommentary:")
                for f in shown.prefix(10) { print("- " + f.sentence) }
            }
            var err = StandardError()
            let scanned = result.slices.keys.sorted().map { "\(result.slices[$0]!) \($0)" }.joined(separator: ", ")
            print("\(result.findings.count) findings from \(scanned); analysis took \(String(format: "%.3f", result.analysisSeconds)) s after the queries", to: &err)
        }
    }
}
