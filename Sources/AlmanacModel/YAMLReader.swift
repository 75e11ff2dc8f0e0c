import AlmanacCore
import Foundation
import Yams

/// A YAML node with the file it came from, read field by field with errors that name
/// the file, line and column of the mistake. Shared by the model and report loaders.
public struct YAMLReader {
    /// The file, as the user named it.
    public let file: String
    /// The node being read.
    public let node: Node

    /// Parses YAML text; syntax errors come back as diagnostics with their place.
    public static func parse(_ text: String, file: String) throws -> YAMLReader {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw Diagnostic(file: file, line: 1, message: "the file is empty")
            }
            return YAMLReader(file: file, node: node)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw Diagnostic(file: file, line: mark.line, column: mark.column,
                                 message: "YAML syntax: \(problem)" + snippet(text, line: mark.line, column: mark.column),
                                 hint: "check the indentation and the brackets, quotes and commas on this line or the one before")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let key = duplicates.first ?? ""
                // Yams gives the mapping's start; the second use of the key is the mistake.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                var seen = 0, at = context.mark.line, column = 1
                for (i, l) in lines.enumerated() where i + 1 >= context.mark.line {
                    let trimmed = l.drop { $0 == " " || $0 == "-" }
                    if trimmed.hasPrefix(key + ":") || trimmed.hasPrefix("\"\(key)\":") {
                        seen += 1
                        if seen == 2 {
                            at = i + 1
                            column = l.count - trimmed.count + 1
                            break
                        }
                    }
                }
                throw Diagnostic(file: file, line: at, column: column,
                                 message: "the key `\(key)` appears twice in one mapping" + snippet(text, line: at, column: column),
                                 hint: "keep one of them; a later one would silently replace the first")
            default:
                throw Diagnostic(file: file, message: "YAML error: \(String(describing: error).split(separator: "\n").first ?? "")")
            }
        }
    }

    /// The line at `line` and a caret under `column`, to follow a message.
    static func snippet(_ text: String, line: Int, column: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return "" }
        let shown = String(lines[line - 1].prefix(200))
        return "\n  | " + shown + "\n  | " + String(repeating: " ", count: max(0, min(column - 1, shown.count))) + "^"
    }

    /// Reads and parses a file.
    public static func load(path: String, displayPath: String? = nil) throws -> YAMLReader {
        let name = displayPath ?? path
        // A regular file of sensible size: a device or a huge file is refused, never read forever.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let attributes, attributes[.type] as? FileAttributeType != .typeRegular {
            throw Diagnostic(file: name, message: "not a regular file", hint: "name a YAML file")
        }
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > 16 << 20 {
            throw Diagnostic(file: name, message: "the file is \(size >> 20) MB; a model or report is at most 16 MB", hint: "name the right YAML file")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: name, message: "cannot read file", hint: "check the path exists and is UTF-8 text")
        }
        return try parse(text, file: name)
    }

    /// Line of this node, 1-based.
    public var line: Int? { node.mark?.line }
    /// Column of this node, 1-based.
    public var column: Int? { node.mark?.column }

    /// A diagnostic placed at this node.
    public func error(_ message: String, field: String? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, field: field, message: message, hint: hint)
    }

    /// The keys of a mapping, in file order.
    public var keys: [String] { node.mapping?.keys.compactMap(\.string) ?? [] }

    /// The value under `key`, or nil.
    public func optional(_ key: String) -> YAMLReader? {
        guard let value = node.mapping?[key] else { return nil }
        if case .scalar(let s) = value, s.tag == Tag(.null) || (s.string == "~") { return nil }
        return YAMLReader(file: file, node: value)
    }

    /// The value under `key`; an error naming the missing key when absent.
    public func required(_ key: String, in what: String) throws -> YAMLReader {
        guard node.mapping != nil else { throw error("\(what) must be a mapping of keys to values") }
        guard let v = optional(key) else { throw error("\(what) has no `\(key)`", field: key, hint: "add `\(key):`") }
        return v
    }

    /// Rejects keys not in `allowed`, suggesting the nearest one.
    public func checkKeys(_ allowed: [String], in what: String) throws {
        guard let mapping = node.mapping else { throw error("\(what) must be a mapping of keys to values") }
        for (k, _) in mapping {
            guard let name = k.string else { continue }
            if !allowed.contains(name) {
                throw Diagnostic(
                    file: file, line: k.mark?.line, column: k.mark?.column, field: name,
                    message: "unknown key `\(name)` in \(what)",
                    hint: Suggest.hint(for: name, in: allowed, noun: "key"))
            }
        }
    }

    /// The node as a string scalar.
    public func string(_ what: String) throws -> String {
        guard case .scalar(let s) = node else { throw error("\(what) must be a single value") }
        return s.string
    }

    /// The node as an integer.
    public func int(_ what: String) throws -> Int {
        guard let v = node.int else { throw error("\(what) must be a whole number") }
        return v
    }

    /// The node as a boolean.
    public func bool(_ what: String) throws -> Bool {
        guard let v = node.bool else { throw error("\(what) must be true or false") }
        return v
    }

    /// The items of a sequence.
    public func items(_ what: String) throws -> [YAMLReader] {
        guard case .sequence(let seq) = node else { throw error("\(what) must be a list") }
        return seq.map { YAMLReader(file: file, node: $0) }
    }

    /// A list of names, written either as a YAML list or as `a, b, c`.
    public func names(_ what: String) throws -> [String] {
        if case .scalar(let s) = node {
            return s.string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return try items(what).map { try $0.string(what) }
    }
}
