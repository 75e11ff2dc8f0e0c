import AlmanacCore
import AlmanacModel
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load CSV extracts into the warehouse, all or nothing.",
        discussion: """
            With no files, loads every table the model declares from the data folder (the sample \
            data by default). Name files to load only those: a file is matched to the table whose \
            source file has the same name, or write TABLE=PATH.

            Every value is checked against the model's column types and every key against the \
            table it joins to. If any row is bad, nothing is loaded and the warehouse is left \
            exactly as it was; each problem is printed as file:line:col. Values must fit their \
            column's range (dates 1990 to 2099 unless the model says otherwise), text may hold no \
            control characters, a dimension's keys and a table's `unique:` key name one row each. \
            A file whose bytes were loaded before is skipped, so nothing is counted twice; a \
            different file under a name loaded before is refused, and --replace replaces exactly \
            the rows that earlier file loaded (and rows with the same unique key), nothing else. \
            Several files for one table load together. An extract with no rows is refused \
            unless --allow-empty.

            Examples:
              almanac load
              almanac load --data /srv/extracts/2025-10
              almanac load activity=/srv/extracts/activity-2025-10.csv
            """)

    @OptionGroup var options: ProjectOptions

    @Option(help: "Folder of CSV extracts named as the model's tables' sources (default: PROJECT/sample-data).")
    var data: String?

    @Flag(help: "Replace exactly the rows an earlier file of the same name loaded (and rows with the same unique key), instead of refusing a changed file.")
    var replace = false

    @Flag(help: "Accept an extract with a header and no rows.")
    var allowEmpty = false

    @Argument(help: "Files to load (TABLE=PATH or PATH named like a table's source). Default: all tables.")
    var files: [String] = []

    func run() throws {
        try guarded {
            let model = try ModelLoader.load(path: options.modelPath)
            var mapping: [(table: String, path: String)] = []
            if files.isEmpty {
                let folder = data ?? options.path("sample-data")
                for t in model.tables { mapping.append((t.name, (folder as NSString).appendingPathComponent(t.source))) }
            } else {
                for f in files {
                    if let eq = f.firstIndex(of: "="), model.table(String(f[..<eq])) != nil {
                        mapping.append((String(f[..<eq]), String(f[f.index(after: eq)...])))
                    } else {
                        let name = (f as NSString).lastPathComponent
                        guard let t = model.tables.first(where: { $0.source == name || $0.name + ".csv" == name }) else {
                            throw Diagnostic(file: f, message: "cannot tell which table this file is for",
                                             hint: "write TABLE=PATH, with TABLE one of: " + model.tables.map(\.name).joined(separator: ", "))
                        }
                        mapping.append((t.name, f))
                    }
                }
            }
            let warehouse = try Warehouse(path: options.warehousePath)
            var loadOptions = LoadOptions()
            loadOptions.replace = replace
            loadOptions.allowEmpty = allowEmpty
            let interactive = isatty(2) != 0
            loadOptions.progress = { file, done, total in
                guard total > 32 << 20 else { return }
                var err = StandardError()
                let pct = Int(Double(done) / Double(max(total, 1)) * 100)
                let line = "loading \((file as NSString).lastPathComponent): \(pct)% (\(done >> 20) of \(total >> 20) MB)"
                print(interactive ? "\r" + line : line, terminator: interactive ? "" : "\n", to: &err)
                if interactive && done >= total { print("", to: &err) }
            }
            let start = Date()
            let report = try warehouse.load(model: model, batch: mapping, options: loadOptions)
            print("table        file                                   read     loaded  rejected")
            for e in report.entries {
                let name = (e.file as NSString).lastPathComponent
                if let note = e.skippedAsDuplicate {
                    print(pad(e.table, 12) + " " + pad(name, 36) + "  skipped: \(note)")
                } else {
                    print(pad(e.table, 12) + " " + pad(name, 36) + lpad(NumberFormat.integer.format(Double(e.read)), 8)
                          + lpad(NumberFormat.integer.format(Double(e.loaded)), 11) + lpad(String(e.rejected), 10))
                }
            }
            print("warehouse: \(options.warehousePath) (\(String(format: "%.1f", Date().timeIntervalSince(start))) s)")
        }
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
