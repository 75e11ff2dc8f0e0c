/// A problem found in user input, with the place it was found and what to do about it.
///
/// Every error Almanac reports to a person is one of these: the command line prints it as
/// `file:line:col: error: message` followed by the hint, and exits non-zero.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the problem is in, as the user named it (relative paths stay relative).
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The field, column or option the problem concerns, when there is one.
    public var field: String?
    /// What is wrong, in one sentence.
    public var message: String
    /// What the user can do about it ("did you mean `customer_id`?").
    public var hint: String?

    /// Creates a diagnostic.
    public init(
        file: String? = nil, line: Int? = nil, column: Int? = nil, field: String? = nil,
        message: String, hint: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.hint = hint
    }

    /// `file:line:col` (as much of it as is known), or nil when there is no place.
    public var place: String? {
        guard let file else {
            if let line { return "line \(line)" + (column.map { ":\($0)" } ?? "") }
            return nil
        }
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        return s
    }

    /// The one-line form the command line prints, plus the hint on a second line. Control
    /// characters from data or arguments (terminal escape codes) are printed escaped.
    public var description: String {
        var s = ""
        if let place { s += Terminal.safe(place) + ": " }
        s += "error: " + Terminal.safe(message, keepNewlines: true)
        if let hint { s += "\n  hint: " + Terminal.safe(hint, keepNewlines: true) }
        return s
    }
}

/// Several diagnostics found in one pass (a model with three mistakes reports all three).
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order they were found.
    public var diagnostics: [Diagnostic]

    /// Creates a list; it should not be empty.
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// Each diagnostic on its own line(s).
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
