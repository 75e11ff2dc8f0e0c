import AlmanacCore
import AlmanacModel
import AlmanacReports
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
        try publishing.run(options) { publisher, period, day in
            let outputs = try publisher.publishPack(name: name, period: period, outDirectory: publishing.out, produced: day, audience: publishing.audience)
            return ("\(outputs.count) pack\(outputs.count == 1 ? "" : "s")",
                    outputs.map { "\($0.pdf): \($0.pages) pages, \($0.parts.count) part\($0.parts.count == 1 ? "" : "s")" },
                    outputs.contains(where: \.partial))
        }
    }
}
