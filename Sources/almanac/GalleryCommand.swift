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

    @Option(help: "Output folder: new, empty, or holding an earlier gallery (unless --force).")
    var out: String = "gallery"

    @Flag(help: "Write into a folder that holds other files.")
    var force = false

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
            // Only a gallery's own files (NN-name.pdf|svg|png|csv) may be overwritten.
            let foreign = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { name in
                let parts = name.split(separator: "-", maxSplits: 1)
                let ext = (name as NSString).pathExtension
                return !(parts.count == 2 && parts[0].count == 2 && Int(parts[0]) != nil && ["pdf", "svg", "png", "csv"].contains(ext))
            }.sorted()
            if !force, !foreign.isEmpty {
                throw Diagnostic(file: out, message: "the folder holds files that are not a gallery's: " + foreign.prefix(3).map { "`\($0)`" }.joined(separator: ", "),
                                 hint: "choose another --out folder, or pass --force")
            }
            let started = Date()
            let files = try gallery.write(to: out, month: month)
            print("wrote \(files.count) files (\(files.count / 4) charts, each as PDF, SVG, PNG and the CSV of its data) to \(out) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        }
    }
}
