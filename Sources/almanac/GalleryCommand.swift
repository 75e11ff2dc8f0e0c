import AlmanacCore
import AlmanacModel
import AlmanacReports
import AlmanacWarehouse
import ArgumentParser
import Foundation

struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Draw every chart type from the warehouse as PDF, SVG and PNG.",
        discussion: """
            Line, ranked bar, grouped, stacked and 100% stacked columns, heatmap, small multiples, \
            KPI tile with sparkline, XmR process control chart, funnel plot and tile map, each \
            written as NN-kind.pdf, .svg and .png.

            Example:
              almanac gallery --out gallery --period 2026-03
            """)

    @OptionGroup var options: ProjectOptions

    @Option(help: "Output folder.")
    var out: String = "gallery"

    @Option(help: "The latest month shown. Default: the latest month in the data.")
    var period: String?

    @Option(help: "Instead of writing the gallery, time each chart N times in process and print median milliseconds: spec to PDF, SVG and PNG bytes in memory, the layout alone, and spec to a PDF file.")
    var time: Int?

    func run() throws {
        try guarded {
            let (model, warehouse) = try options.open()
            let month = try options.period(period, model: model, warehouse: warehouse)
            let gallery = Gallery(model: model, warehouse: warehouse, branding: try Branding.load(templates: options.path("templates")),
                                  tilesPath: options.path("sample-data/district-tiles.csv"),
                                  boundariesPath: options.path("sample-data/districts-illustrative.geojson"))
            if let time {
                print("chart               pdf ms   svg ms   png ms   layout ms   pdf file ms")
                for t in try gallery.timings(month: month, repeats: max(1, time)) {
                    print(pad(t.name, 18) + String(format: "%8.2f %8.2f %8.2f %8.2f %11.2f", t.pdf * 1000, t.svg * 1000, t.png * 1000, t.compile * 1000, t.pdfFile * 1000))
                }
                return
            }
            let started = Date()
            let files = try gallery.write(to: out, month: month)
            print("wrote \(files.count) files (\(files.count / 4) charts, each as PDF, SVG, PNG and the CSV of its data) to \(out) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        }
    }
}
