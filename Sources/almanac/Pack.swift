import AlmanacCore
import AlmanacModel
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bind several reports into one A4 PDF pack.",
        discussion: """
            NAME is a pack in packs/ (packs/NAME.yaml), which lists reports from reports/; a \
            report listed with `each: district` appears once per district, each part holding only \
            that district's figures. The pack has one cover, one contents page, the reports' \
            sections on portrait or landscape pages, an appendix with the data behind every chart, \
            the definitions of every measure used, and sources and data freshness.

            Writes NAME-PERIOD.pdf into --out, only once it is complete. With --audience declared \
            `per: district`, writes one pack per district, each in its own folder.

            Exit status: 0 on success, 1 on an error, 3 when the period has no data (the pack is \
            still written and says so on every page).

            Examples:
              almanac pack cabinet-monthly --period 2025-10 --out out/packs
              almanac pack district-pack --audience district-managers --out out/packs
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "The pack to publish (a file name in packs/ without .yaml).")
    var name: String

    @OptionGroup var publishing: PublishOptions

    func run() throws {
        var partial = false
        try guarded {
            let (model, warehouse) = try options.open()
            let (chosen, day) = try publishing.resolve(model: model, warehouse: warehouse)
            let out = publishing.out
            let publisher = ReportPublisher(
                model: model, warehouse: warehouse,
                paths: .init(reports: options.path("reports"), templates: options.path("templates"), packs: options.path("packs")))
            let started = Date()
            let outputs = try publisher.publishPack(name: name, period: chosen, outDirectory: out, produced: day, audience: publishing.audience)
            try PublishedIndex.write(directory: out, organisation: try Branding.load(templates: options.path("templates")).organisation)
            print("wrote \(outputs.count) pack\(outputs.count == 1 ? "" : "s") and index.html to \(out) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            for o in outputs {
                print("  \(o.pdf): \(o.pages) pages, \(o.parts.count) part\(o.parts.count == 1 ? "" : "s")")
            }
            if outputs.contains(where: \.partial) {
                var err = StandardError()
                print("warning: there is no data for \(chosen.key); the pack says so on every page", to: &err)
                partial = true
            }
        }
        if partial { throw ExitCode(3) }
    }
}
