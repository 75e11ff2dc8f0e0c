import AlmanacCore
import AlmanacSample
import ArgumentParser
import Foundation

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the synthetic council data set at any size.",
        discussion: """
            Writes districts.csv, wards.csv, services.csv, customers.csv, activity.csv and \
            anomalies.csv: five financial years (April 2021 to March 2026) of daily activity \
            across the 12 districts of Lancashire and 8 services, with seasonality, trends, \
            areas of higher demand and the documented anomalies. The same --rows and --seed \
            always give the same bytes. The committed sample-data/ is --rows 72000 --seed 2025.

            Example:
              almanac sample --rows 10000000 --seed 2025 --out /tmp/big
            """)

    @Option(help: "Activity rows to write.")
    var rows: Int = 72_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 2025

    @Option(help: "Output folder (must be empty or new, unless --force).")
    var out: String

    @Flag(help: "Write into a folder that already holds files, replacing the data set's files of the same names.")
    var force = false

    func validate() throws {
        guard rows >= 1, rows <= 1_000_000_000 else { throw ValidationError("--rows must be between 1 and 1,000,000,000, not \(rows)") }
    }

    func run() throws {
        try guarded {
            let existing = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { !$0.hasPrefix(".") }
            if !force, !existing.isEmpty {
                throw Diagnostic(file: out, message: "the folder is not empty (it holds \(existing.sorted().prefix(3).map { "`\($0)`" }.joined(separator: ", "))\(existing.count > 3 ? " and \(existing.count - 3) more" : ""))",
                                 hint: "choose a new folder, or pass --force to replace the sample files in it")
            }
            let started = Date()
            let interactive = isatty(2) != 0
            let summary = try SampleGenerator(rows: rows, seed: seed).write(to: out) { done, total in
                guard total >= 1_000_000, interactive else { return }
                var err = StandardError()
                print("\rwriting activity.csv: \(done * 100 / max(total, 1))%", terminator: done >= total ? "\n" : "", to: &err)
            }
            for f in summary.files {
                print(pad(f.name, 16) + lpad(NumberFormat.integer.format(Double(f.bytes)), 16) + " bytes")
            }
            print("\(NumberFormat.integer.format(Double(summary.activityRows))) activity rows, \(NumberFormat.integer.format(Double(summary.customers))) customers, \(summary.wards) electoral divisions in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }
}
