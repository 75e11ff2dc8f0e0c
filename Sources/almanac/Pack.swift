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

            Writes NAME/PERIOD/ into --out: NAME-PERIOD.pdf, data/ (a CSV and JSON sidecar for \
            every chart and table, named as the captions cite them) and manifest.json, swapped in \
            once complete; other periods' folders are never touched, and --out/index.html is \
            rewritten from the manifests. With --audience declared `per: district`, writes \
            NAME/AUDIENCE/PERIOD/MEMBER/ for every district, all or none: if any fails, the \
            previous complete set stays and the failed members are named.

            Exit status: 0 done; 3 partial (the period has no data: the pack is still written and \
            says so on every page); 1 failed (nothing changed).

            Examples:
              almanac pack cabinet-monthly --period 2025-10 --out out/
              almanac pack district-pack --audience district-managers --out out/
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "The pack to publish (a file name in packs/ without .yaml).")
    var name: String

    @OptionGroup var publishing: PublishOptions

    func run() throws {
        try publishing.run(options) { publisher, period, day in
            try publisher.publishPack(name: name, period: period, outDirectory: publishing.out, produced: day, audience: publishing.audience)
        }
    }
}
