import AlmanacCharts
import CCairo
import CPangoCairo
import Foundation

/// Shaped text, kept for the life of the process: a chart's labels ("Oct 2025", "500", a
/// series name) recur across the charts of a pack and the repeats of a benchmark, and shaping
/// is a third of the cost of drawing text. Layouts are made on one scratch context with the
/// renderer's font options (no hinting), so what is drawn never depends on what is cached.
/// Drawing happens under the lock: Pango layouts are not thread-safe.
final class PangoLayoutCache: @unchecked Sendable {
    static let shared = PangoLayoutCache()
    private let lock = NSLock()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let context: OpaquePointer
    private var fonts: [FontKey: OpaquePointer] = [:]
    private var layouts: [LayoutKey: (layout: OpaquePointer, width: Double, height: Double)] = [:]
    /// Entries kept before the cache starts again (a bound on memory, a few MB).
    private let capacity = 20_000

    private struct FontKey: Hashable {
        var family: String, size: Double, bold: Bool
    }
    private struct LayoutKey: Hashable {
        var text: String, font: FontKey
    }

    private init() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        cr = cairo_create(surface)
        context = pango_cairo_create_context(cr)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        // Glyphs at their exact positions, not rounded to whole points: even letter spacing
        // in vector output, and no per-glyph corrections in the PDF's text operators.
        pango_context_set_round_glyph_positions(context, 0)
    }

    /// Calls `body` with the layout of `text` in `style` and its size; the layout is valid
    /// only inside `body`.
    func with(_ text: String, _ style: TextStyle, _ body: (OpaquePointer, (width: Double, height: Double)) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        let fontKey = FontKey(family: style.family, size: style.size, bold: style.weight == .bold)
        let key = LayoutKey(text: text, font: fontKey)
        if let hit = layouts[key] {
            body(hit.layout, (hit.width, hit.height))
            return
        }
        let font: OpaquePointer
        if let f = fonts[fontKey] {
            font = f
        } else {
            font = PangoText.fontDescription(style)
            fonts[fontKey] = font
        }
        if layouts.count >= capacity {
            for entry in layouts.values { g_object_unref(UnsafeMutableRawPointer(entry.layout)) }
            layouts.removeAll(keepingCapacity: true)
        }
        let l = pango_layout_new(context)!
        pango_layout_set_font_description(l, font)
        pango_layout_set_text(l, text, -1)
        let size = PangoText.size(l)
        layouts[key] = (l, size.width, size.height)
        body(l, size)
    }
}

/// Text set with Pango on a Cairo context: the single place fonts are chosen and measured.
enum PangoText {
    static let scale = 1024.0  // PANGO_SCALE

    /// A Pango font description string for a style.
    static func fontDescription(_ style: TextStyle) -> OpaquePointer {
        let desc = pango_font_description_new()!
        pango_font_description_set_family(desc, style.family)
        pango_font_description_set_weight(desc, style.weight == .bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        // Absolute size: one point of type is one unit of the surface (PDF points), whatever the DPI.
        pango_font_description_set_absolute_size(desc, style.size * scale)
        return desc
    }

    /// A layout of `text` in `style` on `cr`, wrapped at `width` when given. Caller unrefs.
    static func layout(_ cr: OpaquePointer, _ text: String, _ style: TextStyle, width: Double? = nil) -> OpaquePointer {
        let layout = pango_cairo_create_layout(cr)!
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        let context = pango_layout_get_context(layout)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_context_set_round_glyph_positions(context, 0)
        pango_layout_context_changed(layout)
        let desc = fontDescription(style)
        pango_layout_set_font_description(layout, desc)
        pango_font_description_free(desc)
        pango_layout_set_text(layout, text, -1)
        if let width {
            pango_layout_set_width(layout, Int32(width * scale))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        return layout
    }

    /// Logical size of a layout in surface units.
    static func size(_ layout: OpaquePointer) -> (width: Double, height: Double) {
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return (Double(w) / scale, Double(h) / scale)
    }

}

/// Measures text with Pango exactly as the Cairo renderer will draw it: through the same
/// cache of shaped text, so a label is shaped once for measuring and drawing.
public final class PangoTextMeasurer: TextMeasuring, Sendable {
    public init() {}

    public func size(of text: String, style: TextStyle) -> (width: Double, height: Double) {
        var size = (width: 0.0, height: 0.0)
        PangoLayoutCache.shared.with(text, style) { _, s in size = s }
        return size
    }
}
