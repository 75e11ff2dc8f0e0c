import AlmanacCore
import AlmanacReports
import AlmanacWarehouse
import Foundation

/// Retention of published outputs: each schedule's `retention_months` keeps that many months
/// of its report's or pack's periods (counted back from the current month); older period
/// folders are deleted, only the files their manifests list, and the ledger records each.
public enum Retention {
    /// One publication past its retention.
    public struct Expired: Sendable {
        public var publication: OutputStore.Published
        public var keepMonths: Int
    }

    /// What is past retention at `now`, oldest first.
    public static func expired(out: String, schedules: [ScheduleDefinition], now: Int) -> [Expired] {
        // The longest retention any schedule gives a report or pack wins.
        var keep: [String: Int] = [:]
        for s in schedules {
            guard let months = s.retentionMonths else { continue }
            keep[s.target.name] = max(keep[s.target.name] ?? 0, months)
        }
        let thisMonth = LondonTime.local(now).day.firstOfMonth()
        return OutputStore.publications(in: out).compactMap { p in
            guard let months = keep[p.name], let period = try? Period(parsing: p.period) else { return nil }
            // Keep a period that ends after the cut-off: the last `months` whole months, and the current one.
            let cutoff = thisMonth.firstOfMonth(adding: -months)
            return period.end <= cutoff ? Expired(publication: p, keepMonths: months) : nil
        }.sorted { ($0.publication.period, $0.publication.folder) < ($1.publication.period, $1.publication.folder) }
    }

    /// Deletes what has expired, records it in the ledger and rewrites the index.
    public static func prune(_ list: [Expired], out: String, warehouse: Warehouse, organisation: String, now: Int) throws -> [String] {
        var left: [String] = []
        var records: [PruneRecord] = []
        for e in list {
            left += OutputStore.prune(root: out, folder: e.publication.folder)
            records.append(PruneRecord(path: e.publication.folder, name: e.publication.name, period: e.publication.period,
                                       files: e.publication.files, bytes: e.publication.bytes, prunedAt: LondonTime.iso(now)))
        }
        try warehouse.recordPruned(records)
        if !list.isEmpty { try PublishedIndex.write(directory: out, organisation: organisation) }
        return left
    }
}
