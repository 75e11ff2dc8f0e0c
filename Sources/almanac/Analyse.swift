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
              - unusual months: each month (after a 12-month baseline) against its usual level
                from the months before it (robust season and trend; counts quasi-Poisson,
                money on the fourth-root scale), consecutive ones as a run;
              - level shifts still going on: the last 3, 6 or 12 months together;
              - sustained trends (seasonal Mann-Kendall, at least 3% a year);
              - districts outside the 99.8% funnel limits per 1,000 residents (over-dispersion allowed);
              - days when a channel's activity stopped, against its own calendar.
            Every test of the scan goes into one Benjamini-Hochberg procedure (false discovery
            rate 1%); the summary line says how many tests were made and how many of the
            findings may be false alarms. Findings new or still going on at --period come
            first, then standing patterns, then earlier events, strongest first in each.

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
            let label = model.measure(measure)?.label ?? measure
            let summary = result.outcome.summary + (shown.count < result.findings.count ? " Showing the first \(shown.count)." : "")
                + (result.note.map { "\n" + $0 } ?? "")
            switch format {
            case .text:
                print("\(label): what the data shows, up to \(month.label)\n")
                for f in shown { print("- " + f.sentence) }
                print("\n" + summary)
            case .json:
                let items = shown.map { f -> String in
                    let numbers = f.numbers.keys.sorted().map { "\(TableFormatter.jsonString($0)): \(NumberFormat.trimmed(f.numbers[$0] ?? 0, maxDecimals: 6))" }
                    let timing = ["current", "standing", "earlier"][f.timing.rawValue]
                    return "    {\"kind\": \(TableFormatter.jsonString(f.kind.rawValue)), \"subject\": \(TableFormatter.jsonString(f.subject)), "
                        + "\"period\": \(TableFormatter.jsonString(f.period)), \"timing\": \"\(timing)\", \"strength\": \(NumberFormat.trimmed(f.strength, maxDecimals: 3)), "
                        + "\"p\": \(f.p), \"log10_p\": \(NumberFormat.trimmed(f.logP / log(10), maxDecimals: 3)), \"q\": \(f.q), \"direction\": \(f.direction), "
                        + "\"assessment\": \(TableFormatter.jsonString(f.assessment)), \"test\": \(TableFormatter.jsonString(f.test)), "
                        + "\"numbers\": {\(numbers.joined(separator: ", "))}, \"sentence\": \(TableFormatter.jsonString(f.sentence))}"
                }
                print("{\"measure\": \(TableFormatter.jsonString(measure)), \"period\": \(TableFormatter.jsonString(month.key)), \"tests\": \(result.outcome.tests), "
                      + "\"false_discovery_rate\": \(result.outcome.level), \"findings_total\": \(result.findings.count), "
                      + "\"expected_false_alarms\": \(NumberFormat.trimmed(result.outcome.expectedFalseAlarms, maxDecimals: 3)), \"findings\": [\n"
                      + items.joined(separator: ",\n") + "\n]}")
            case .table:
                let table = DataTable(columns: [
                    DataColumn(name: "rank", label: "#", role: .dimension, values: .text(shown.indices.map { String($0 + 1) })),
                    DataColumn(name: "when", label: "When", role: .dimension, values: .text(shown.map { ["now", "standing", "earlier"][$0.timing.rawValue] })),
                    DataColumn(name: "kind", label: "Finding", role: .dimension, values: .text(shown.map(\.kind.rawValue))),
                    DataColumn(name: "subject", label: "About", role: .dimension, values: .text(shown.map(\.subject))),
                    DataColumn(name: "period", label: "Period", role: .dimension, values: .text(shown.map(\.period))),
                    DataColumn(name: "strength", label: "Strength", role: .measure, format: .decimal1, values: .real(shown.map(\.strength))),
                    DataColumn(name: "assessment", label: "Assessment", role: .dimension, values: .text(shown.map(\.assessment))),
                ])
                print(TableFormatter.text(table), terminator: "")
                print("\nCommentary:")
                for f in shown.prefix(10) { print("- " + f.sentence) }
                print("\n" + summary)
            }
            // The listing is complete on standard output before anything goes to standard error,
            // so the two never run into each other on a terminal.
            fflush(nil)
            var err = StandardError()
            let scanned = result.slices.keys.sorted().map { "\(result.slices[$0] ?? 0) \($0)" }.joined(separator: ", ")
            print("scanned \(scanned); analysis took \(String(format: "%.3f", result.analysisSeconds)) s after the queries", to: &err)
        }
    }
}
