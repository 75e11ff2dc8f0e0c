import AlmanacCharts
import CCairo
import CPangoCairo
import Foundation

/// A multi-page PDF written with Cairo: pages of either orientation, text set by Pango,
/// scenes, links, bookmarks (outline), structure tags and fixed metadata, so the same
/// content gives the same bytes.
public final class PDFDocumentWriter {
    /// A4 portrait in points.
    public static let a4 = (width: 595.276, height: 841.89)

    private let finalPath: String
    /// Cairo writes the document into memory; `finish` completes it and writes the file once.
    private let sink = ByteSink()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private var openTags: [String] = []
    /// Alternative text of each Figure, in the order they were tagged.
    private var figureAlts: [String] = []
    /// Set once the Cairo objects are destroyed, by `finish` or `abandon`.
    private var closed = false
    private let language: String
    /// Pages begun so far (the current page's number, 1-based).
    public private(set) var pageNumber = 0
    /// Size of the current page.
    public private(set) var pageSize = PDFDocumentWriter.a4

    /// Document metadata.
    public struct Metadata: Sendable {
        public var title: String, author: String, subject: String, keywords: String
        /// ISO 8601 date-time recorded as creation and modification date.
        public var date: String
        /// BCP 47 language of the text (`en-GB`), recorded in the catalog for screen readers.
        public var language: String
        public init(title: String, author: String, subject: String, keywords: String = "", date: String, language: String = "en-GB") {
            self.language = language
            self.title = title
            self.author = author
            self.subject = subject
            self.keywords = keywords
            self.date = date
        }
    }

    /// Starts a document to be written at `path` by `finish` (nothing is written before).
    public init(path: String, metadata: Metadata) throws {
        finalPath = path
        sink.bytes.reserveCapacity(64 * 1024)
        guard let s = cairo_pdf_surface_create_for_stream(ByteSink.write, Unmanaged.passUnretained(sink).toOpaque(),
                                                          PDFDocumentWriter.a4.width, PDFDocumentWriter.a4.height),
            cairo_surface_status(s) == CAIRO_STATUS_SUCCESS
        else {
            throw RenderError.cairo("cannot create \(path)")
        }
        surface = s
        cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, metadata.author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, metadata.subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, metadata.keywords)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Almanac")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, metadata.date)
        cr = cairo_create(surface)
        language = metadata.language
    }

    /// Starts a new page (the first call starts page 1).
    public func beginPage(landscape: Bool = false) {
        beginPage(size: landscape ? (PDFDocumentWriter.a4.height, PDFDocumentWriter.a4.width) : PDFDocumentWriter.a4)
    }

    /// Starts a new page of any size (a single chart's own size).
    public func beginPage(size: (width: Double, height: Double)) {
        if pageNumber > 0 { cairo_show_page(cr) }
        pageNumber += 1
        pageSize = size
        cairo_pdf_surface_set_size(surface, pageSize.width, pageSize.height)
    }

    /// Opens a structure tag (`H1`, `P`, `Figure`, `Table`, `TR`, `TH`, `TD`…).
    public func beginTag(_ name: String, attributes: String = "") {
        cairo_tag_begin(cr, name, attributes)
        openTags.append(name)
    }

    /// Closes the innermost structure tag.
    public func endTag() {
        guard let name = openTags.popLast() else { return }
        cairo_tag_end(cr, name)
    }

    /// Draws text wrapped to `width` with its top-left at (x, y); returns its height.
    /// `tag` wraps it in a structure element (nil when the caller tags it).
    @discardableResult
    public func text(_ s: String, style: TextStyle, x: Double, y: Double, width: Double? = nil, align: TextAnchor = .start, tag: String? = "P") -> Double {
        if let tag { beginTag(tag) }
        defer { if tag != nil { endTag() } }
        let l = PangoText.layout(cr, s, style, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        if width != nil {
            // Wrapped text keeps its alignment on every line.
            pango_layout_set_alignment(l, align == .middle ? PANGO_ALIGN_CENTER : align == .end ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        }
        let size = PangoText.size(l)
        cairo_set_source_rgba(cr, style.color.r, style.color.g, style.color.b, style.color.a)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, l)
        return size.height
    }

    /// Height text would take wrapped at `width`.
    public func measure(_ s: String, style: TextStyle, width: Double?) -> (width: Double, height: Double) {
        let l = PangoText.layout(cr, s, style, width: width)
        defer { g_object_unref(UnsafeMutableRawPointer(l)) }
        return PangoText.size(l)
    }

    /// Draws a chart scene at (x, y) as a tagged figure whose alternative text is the
    /// scene's description.
    public func scene(_ scene: Scene, x: Double, y: Double) {
        figureAlts.append(scene.title.isEmpty || scene.description.hasPrefix(scene.title) ? scene.description : scene.title + ". " + scene.description)
        beginTag("Figure")
        CairoRenderer.draw(scene, on: cr, x: x, y: y)
        endTag()
    }

    /// Draws a PNG image scaled to `height` with its top-left at (x, y), as a tagged figure
    /// with `alt` as its alternative text; returns its width.
    @discardableResult
    public func image(png: [UInt8], x: Double, y: Double, height: Double, alt: String) throws -> Double {
        final class Reader {
            let bytes: [UInt8]
            var offset = 0
            init(_ bytes: [UInt8]) { self.bytes = bytes }
        }
        let reader = Reader(png)
        let read: cairo_read_func_t = { closure, data, length in
            let r = Unmanaged<Reader>.fromOpaque(closure!).takeUnretainedValue()
            let n = Int(length)
            guard r.offset + n <= r.bytes.count, let data else { return CAIRO_STATUS_READ_ERROR }
            r.bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress! + r.offset, count: n) }
            r.offset += n
            return CAIRO_STATUS_SUCCESS
        }
        let image = cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(reader).toOpaque())!
        defer { cairo_surface_destroy(image) }
        guard cairo_surface_status(image) == CAIRO_STATUS_SUCCESS else { throw RenderError.cairo("cannot read the PNG image") }
        let scale = height / Double(max(1, cairo_image_surface_get_height(image)))
        figureAlts.append(alt)
        beginTag("Figure")
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, scale, scale)
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_paint(cr)
        cairo_restore(cr)
        endTag()
        return Double(cairo_image_surface_get_width(image)) * scale
    }

    /// A filled rectangle (decoration, not tagged content).
    public func rect(x: Double, y: Double, width: Double, height: Double, fill: RGBA) {
        cairo_set_source_rgba(cr, fill.r, fill.g, fill.b, fill.a)
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }

    /// A straight line.
    public func line(from a: Point, to b: Point, color: RGBA, width: Double) {
        cairo_set_source_rgba(cr, color.r, color.g, color.b, color.a)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, a.x, a.y)
        cairo_line_to(cr, b.x, b.y)
        cairo_stroke(cr)
    }

    /// Makes the rectangle a link to a page (and a position on it).
    public func link(x: Double, y: Double, width: Double, height: Double, page: Int, top: Double = 0) {
        let attributes = "rect=[\(f(x)) \(f(y)) \(f(width)) \(f(height))] page=\(page) pos=[0 \(f(top))]"
        cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes)
        cairo_tag_end(cr, CAIRO_TAG_LINK)
    }

    /// Adds a bookmark to `page` under `parent` (0 for the top level); returns its id.
    @discardableResult
    public func bookmark(_ title: String, page: Int, top: Double = 0, parent: Int32 = 0, open: Bool = true) -> Int32 {
        cairo_pdf_surface_add_outline(surface, parent, title, "page=\(page) pos=[0 \(f(top))]",
                                      open ? CAIRO_PDF_OUTLINE_FLAG_OPEN : cairo_pdf_outline_flags_t(0))
    }

    /// Finishes the document and writes it to its path (through a temporary file renamed
    /// into place, so a failure leaves nothing behind).
    public func finish() throws {
        try AtomicFile.write(finalPath, [try finishBytes()])
    }

    /// Finishes the document and returns its bytes, writing no file.
    public func finishBytes() throws -> [UInt8] {
        guard !closed else { return [] }
        while !openTags.isEmpty { endTag() }
        cairo_show_page(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        closed = true
        guard status == CAIRO_STATUS_SUCCESS else { throw RenderError.cairo(String(cString: cairo_status_to_string(status))) }
        do {
            sink.bytes += try PDFCatalogUpdate.update(for: sink.bytes, language: language, figureAlts: figureAlts)
        } catch {
            throw RenderError.cairo("could not mark the PDF as tagged: \(error)")
        }
        defer { sink.bytes = [] }
        return sink.bytes
    }

    /// Abandons the document, leaving nothing behind.
    public func abandon() {
        guard !closed else { return }
        closed = true
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        sink.bytes = []
    }

    private func f(_ v: Double) -> String { String(format: "%.2f", v) }
}
