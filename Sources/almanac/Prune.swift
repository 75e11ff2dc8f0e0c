import AlmanacCore
import AlmanacOps
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete published periods older than their schedule's retention.",
        discussion: """
            Each schedule's `retention_months: N` keeps the last N whole months of its report's \
            or pack's periods (and the current month); older period folders are deleted, only \
            the files their manifests list, the index is rewritten so it links none of them, and \
            the run ledger records what was deleted and when. Run with --dry-run first.

            Examples:
              almanac prune --dry-run
              almanac prune
            """)

    @OptionGroup var options: ProjectOptions
    @OptionGroup var ops: OpsOptions

    @Flag(help: "List what would be deleted; delete nothing.")
    var dryRun = false

    @Option(help: "Output folder (default: the delivery settings' `out`).")
    var out: String?

    func run() throws {
        try guarded {
            let now = try ops.clock()
            let settings = try ops.settings(options)
            let folder = out ?? options.path(settings.out)
            let list = Retention.expired(out: folder, schedules: try ops.schedules(options), now: now)
            if list.isEmpty {
                print("nothing is past its retention in \(folder)")
                return
            }
            for e in list {
                let p = e.publication
                print("\(dryRun ? "would delete" : "deleting") \(p.folder): \(p.files) files, \(NumberFormat.grouped(Double(p.bytes), decimals: 0)) bytes (kept \(e.keepMonths) months)")
            }
            guard !dryRun else {
                print("\(list.count) period folder\(list.count == 1 ? "" : "s") would be deleted; run without --dry-run to delete them")
                return
            }
            let warehouse = try Warehouse.openExisting(path: options.warehousePath)
            let left = try Retention.prune(list, out: folder, warehouse: warehouse,
                                           organisation: try Branding.load(templates: options.path("templates")).organisation, now: now)
            print("deleted \(list.count) period folder\(list.count == 1 ? "" : "s"); recorded in the run ledger")
            if !left.isEmpty {
                var err = StandardError()
                print("warning: left in place, not written by Almanac: " + left.prefix(10).joined(separator: ", "), to: &err)
            }
        }
    }
}
