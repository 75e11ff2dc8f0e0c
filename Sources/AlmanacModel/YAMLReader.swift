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
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                throw Diagnostic(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
            default:
                throw Diagnostic(file: file, message: "YAML error: \(error)")
            }
        }
    }

    /// Reads and parses a file.
    public static func load(path: String, displayPath: String? = nil) throws -> YAMLReader {
        let name = displayPath ?? path
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
