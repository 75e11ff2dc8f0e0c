import AlmanacCharts
import CCairo
import CPangoCairo
import Foundation

/// Draws scenes with Cairo: onto any context (a region of a PDF page), or into
/// stand-alone PDF, SVG and PNG files.
public enum CairoRenderer {
    /// Draws `scene` with its top-left corner at (x, y) of `cr`.
    public static func draw(_ scene: Scene, on cr: OpaquePointer, x: Double = 0, y: Double = 0) {
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        var index = 0
        let marks = scene.marks
        while index < marks.count {
            let mark = marks[index]
            index += 1
            switch mark {
            case .rect(let x, let y, let w, let h, let fill):
                cairo_set_source_rgba(cr, fill.r, fill.g, fill.b, fill.a)
                cairo_rectangle(cr, x, y, w, h)
                cairo_fill(cr)
            case .line(let points, let stroke, let width, let dash):
                guard let first = points.first else { continue }
                cairo_set_source_rgba(cr, stroke.r, stroke.g, stroke.b, stroke.a)
                cairo_set_line_width(cr, width)
                dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
                cairo_move_to(cr, first.x, first.y)
                for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
                cairo_stroke(cr)
                cairo_set_dash(cr, nil, 0, 0)
            case .polygon(let points, let fill, let stroke):
                guard let first = points.first else { continue }
                cairo_move_to(cr, first.x, first.y)
                for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
                cairo_close_path(cr)
                cairo_set_source_rgba(cr, fill.r, fill.g, fill.b, fill.a)
                cairo_fill_preserve(cr)
                cairo_set_source_rgba(cr, stroke.r, stroke.g, stroke.b, stroke.a)
                cairo_set_line_width(cr, 1)
                cairo_stroke(cr)
            case .circle(let x, let y, let r, let fill):
                // A run of markers of one colour is one path, filled once and outlined once
                // (a series' 13 markers are 2 drawing operations, not 26).
                var run = [(x, y, r)]
                while index < marks.count, case .circle(let x2, let y2, let r2, let fill2) = marks[index], fill2 == fill, r2 == r {
                    run.append((x2, y2, r2))
                    index += 1
                }
                // Each marker is a dot: a zero-length line with round caps, as wide as the
                // marker, stroked once white (the 0.8 pt ring that lifts it off a line) and once
                // in its colour. Two short drawing operations for a whole run, with 4 numbers a
                // marker instead of the 14 an arc's curves take.
                cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
                for (colour, width) in [(RGBA(hex: "#FFFFFF"), 2 * r + 0.8), (fill, 2 * r - 0.8)] {
                    for (cx, cy, _) in run {
                        cairo_move_to(cr, cx, cy)
                        cairo_close_path(cr)
                    }
                    cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, colour.a)
                    cairo_set_line_width(cr, width)
                    cairo_stroke(cr)
                }
                cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
            case .text(let x, let y, let text, let style, let anchor, _):
                PangoLayoutCache.shared.with(text, style) { l, size in
                    let left: Double
                    switch anchor {
                    case .start: left = x
                    case .middle: left = x - size.width / 2
                    case .end: left = x - size.width
                    }
                    cairo_set_source_rgba(cr, style.color.r, style.color.g, style.color.b, style.color.a)
                    cairo_move_to(cr, left, y)
                    pango_cairo_show_layout(cr, l)
                }
            }
        }
        cairo_restore(cr)
    }

    /// The scene as a one-page tagged PDF, with the scene's title as document title.
    public static func pdf(_ scene: Scene) throws -> [UInt8] {
        // Through the document writer, so a lone chart is tagged, titled and dated like a pack.
        let pdf = try PDFDocumentWriter(path: "", metadata: .init(title: scene.title, author: "Almanac", subject: scene.description,
                                                                  date: "2000-01-01T00:00:00Z"))
        pdf.beginPage(size: (scene.width, scene.height))
        pdf.scene(scene, x: 0, y: 0)
        return try pdf.finishBytes()
    }

    /// Writes `scene` as a one-page PDF.
    public static func writePDF(_ scene: Scene, to path: String) throws {
        try AtomicFile.write(path, [try pdf(scene)])
    }

    /// The scene as PNG bytes at `scale` pixels per point, on white.
    public static func png(_ scene: Scene, scale: Double = 2) throws -> [UInt8] {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((scene.width * scale).rounded(.up)), Int32((scene.height * scale).rounded(.up)))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_scale(cr, scale, scale)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        draw(scene, on: cr)
        cairo_destroy(cr)
        let sink = ByteSink()
        let status = cairo_surface_write_to_png_stream(surface, ByteSink.write, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else { throw RenderError.cairo(String(cString: cairo_status_to_string(status))) }
        return sink.bytes
    }

    /// Writes `scene` as a PNG at `scale` pixels per point, on white.
    public static func writePNG(_ scene: Scene, to path: String, scale: Double = 2) throws {
        try AtomicFile.write(path, [try png(scene, scale: scale)])
    }

    /// The scene as SVG text, with a `<title>` and `<desc>` for assistive technology and
    /// every id prefixed with `idPrefix` so several SVGs can sit inline in one page. Cairo
    /// writes into memory through its stream interface; no temporary file.
    public static func svg(_ scene: Scene, idPrefix: String) throws -> String {
        let sink = ByteSink()
        let surface = cairo_svg_surface_create_for_stream(ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(), scene.width, scene.height)!
        cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
        let cr = cairo_create(surface)!
        draw(scene, on: cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw RenderError.cairo("could not write SVG") }
        return SVGAccessibility.annotate(sink.bytes, title: scene.title, description: scene.description, idPrefix: idPrefix)
    }

    /// Writes the scene as a stand-alone SVG file.
    public static func writeSVG(_ scene: Scene, to path: String, idPrefix: String = "c") throws {
        try AtomicFile.write(path, [Array(try svg(scene, idPrefix: idPrefix).utf8)])
    }
}

/// Collects what Cairo writes through its stream interface.
final class ByteSink {
    var bytes: [UInt8] = []
    static let write: cairo_write_func_t = { closure, data, length in
        let sink = Unmanaged<ByteSink>.fromOpaque(closure!).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}

/// A rendering failure.
public enum RenderError: Error, CustomStringConvertible {
    /// Cairo reported a status other than success.
    case cairo(String)
    /// A file could not be written.
    case file(String, String)
    public var description: String {
        switch self {
        case .cairo(let s): return "drawing failed: \(s)"
        case .file(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }
}

/// Writes a file through a temporary name in the same folder and renames it into place,
/// so a failure never leaves a half-written file behind.
public enum AtomicFile {
    /// Calls `body` with a temporary path, then moves it to `path`.
    public static func write(_ path: String, _ body: (String) throws -> Void) throws {
        let tmp = path + ".part"
        do {
            try body(tmp)
            try rename(tmp, to: path)
        } catch {
            unlink(tmp)
            throw error
        }
    }

    /// Writes `chunks` one after another to `path`.
    public static func write(_ path: String, _ chunks: [[UInt8]]) throws {
        try write(path) { tmp in
            guard let f = fopen(tmp, "wb") else { throw RenderError.file(path, String(cString: strerror(errno))) }
            var ok = true
            for c in chunks where !c.isEmpty {
                ok = ok && c.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) } == c.count
            }
            ok = fclose(f) == 0 && ok
            if !ok { throw RenderError.file(path, String(cString: strerror(errno))) }
        }
    }

    /// Renames `from` to `to`, replacing `to` in one step (POSIX rename).
    static func rename(_ from: String, to: String) throws {
        if Foundation.rename(from, to) != 0 { throw RenderError.file(to, String(cString: strerror(errno))) }
    }
}
