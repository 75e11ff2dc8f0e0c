import AlmanacCore

/// Parses the filter language used by `--where` and report filters.
///
/// Grammar (keywords are case-insensitive):
///
///     expr       := term ("or" term)*
///     term       := factor ("and" factor)*
///     factor     := "not" factor | "(" expr ")" | comparison
///     comparison := name op value | name ["not"] "in" "(" value ("," value)* ")"
///     op         := "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
///     value      := 'text with '' for a quote' | number
///
/// Errors name the column of the mistake within the filter text.
public struct FilterParser {
    enum Token: Equatable {
        case name(String), string(String), number(String), op(String), lparen, rparen, comma, end
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0
    /// How deep `not` and parentheses nest here, and how many conditions have been read:
    /// both bounded, so no filter can exhaust the stack of this parser or of the planner and
    /// compiler that walk the expression it returns.
    private var depth = 0
    private var conditions = 0
    /// The deepest nesting of `not` and parentheses a filter may have.
    public static let maxDepth = 256
    /// The most conditions one filter may hold.
    public static let maxConditions = 1_000
    private let source: String
    private let field: String

    /// Parses `text`; `field` names where it came from in errors (`--where`, `file.yaml:12`).
    public static func parse(_ text: String, field: String = "--where") throws -> FilterExpression {
        var p = FilterParser(source: text, field: field)
        try p.tokenize()
        let e = try p.parseOr()
        guard case .end = p.current.0 else {
            throw p.error("unexpected \(p.describe(p.current.0))", at: p.current.1, hint: "join conditions with `and` or `or`")
        }
        return e
    }

    private init(source: String, field: String) {
        self.source = source
        self.field = field
    }

    private func error(_ message: String, at column: Int, hint: String? = nil) -> Diagnostic {
        Diagnostic(file: field == "--where" ? nil : field, line: nil, column: column, field: field,
                   message: "\(field) column \(column): \(message)", hint: hint)
    }

    private var current: (Token, Int) { tokens[position] }

    private mutating func tokenize() throws {
        let chars = Array(source)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let col = i + 1
            if c.isWhitespace { i += 1; continue }
            if c == "(" { tokens.append((.lparen, col)); i += 1; continue }
            if c == ")" { tokens.append((.rparen, col)); i += 1; continue }
            if c == "," { tokens.append((.comma, col)); i += 1; continue }
            if c == "'" {
                var s = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" { s.append("'"); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    s.append(chars[i])
                    i += 1
                }
                guard closed else {
                    throw error("text starting here is never closed", at: col, hint: "end it with `'`; write a quote inside text as `''`")
                }
                tokens.append((.string(s), col))
                continue
            }
            if c == "\"" {
                throw error("use single quotes for text", at: col, hint: "write 'Preston', not \"Preston\"")
            }
            if "=!<>".contains(c) {
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : ""
                var op = String(c)
                if ["==", "!=", "<>", "<=", ">="].contains(two) {
                    op = two == "==" ? "=" : two == "<>" ? "!=" : two
                } else if c == "!" {
                    throw error("`!` must be followed by `=`", at: col)
                }
                tokens.append((.op(op), col))
                i += two == "==" || two == "<>" || op.count == 2 ? 2 : 1
                continue
            }
            if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) || c == "." {
                var s = String(c)
                i += 1
                while i < chars.count, chars[i].isNumber || chars[i] == "." { s.append(chars[i]); i += 1 }
                tokens.append((.number(s), col))
                continue
            }
            if c.isLetter || c == "_" {
                var s = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "." {
                    s.append(chars[i])
                    i += 1
                }
                tokens.append((.name(s), col))
                continue
            }
            throw error("unexpected character `\(c)`", at: col,
                        hint: "filters look like: district = 'Preston' and channel != 'Web'")
        }
        tokens.append((.end, chars.count + 1))
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .name(let n): return "`\(n)`"
        case .string(let s): return "text '\(s)'"
        case .number(let n): return "number \(n)"
        case .op(let o): return "`\(o)`"
        case .lparen: return "`(`"
        case .rparen: return "`)`"
        case .comma: return "`,`"
        case .end: return "end of filter"
        }
    }

    private func isKeyword(_ t: Token, _ k: String) -> Bool {
        if case .name(let n) = t { return n.lowercased() == k }
        return false
    }

    private mutating func parseOr() throws -> FilterExpression {
        var e = try parseAnd()
        while isKeyword(current.0, "or") {
            position += 1
            e = .or(e, try parseAnd())
        }
        return e
    }

    private mutating func parseAnd() throws -> FilterExpression {
        var e = try parseFactor()
        while isKeyword(current.0, "and") {
            position += 1
            e = .and(e, try parseFactor())
        }
        return e
    }

    private mutating func parseFactor() throws -> FilterExpression {
        let (t, col) = current
        if isKeyword(t, "not") || t == .lparen {
            depth += 1
            guard depth <= Self.maxDepth else {
                throw error("`not` and parentheses nest more than \(Self.maxDepth) deep", at: col, hint: "simplify the filter")
            }
        }
        defer { if isKeyword(t, "not") || t == .lparen { depth -= 1 } }
        if isKeyword(t, "not") {
            position += 1
            return .not(try parseFactor())
        }
        if t == .lparen {
            position += 1
            let e = try parseOr()
            guard current.0 == .rparen else { throw error("expected `)` but found \(describe(current.0))", at: current.1) }
            position += 1
            return e
        }
        guard case .name(let name) = t, !["and", "or", "in"].contains(name.lowercased()) else {
            throw error("expected a dimension name but found \(describe(t))", at: col,
                        hint: "filters look like: district = 'Preston'")
        }
        conditions += 1
        guard conditions <= Self.maxConditions else {
            throw error("more than \(Self.maxConditions) conditions", at: col, hint: "use `in (...)` for a list of values")
        }
        position += 1
        var negated = false
        if isKeyword(current.0, "not") {
            negated = true
            position += 1
            guard isKeyword(current.0, "in") else { throw error("expected `in` after `not`", at: current.1) }
        }
        if isKeyword(current.0, "in") {
            position += 1
            guard current.0 == .lparen else { throw error("expected `(` after `in`", at: current.1, hint: "write in ('a', 'b')") }
            position += 1
            var values: [SQLValue] = []
            while true {
                values.append(try parseValue())
                if current.0 == .comma { position += 1; continue }
                guard current.0 == .rparen else { throw error("expected `,` or `)` but found \(describe(current.0))", at: current.1) }
                position += 1
                break
            }
            return .member(name: name, values: values, negated: negated, column: col)
        }
        guard case .op(let o) = current.0, let op = ComparisonOperator(rawValue: o) else {
            throw error("expected a comparison (=, !=, <, <=, >, >=, in) after `\(name)` but found \(describe(current.0))",
                        at: current.1)
        }
        position += 1
        return .compare(name: name, op: op, value: try parseValue(), column: col)
    }

    private mutating func parseValue() throws -> SQLValue {
        let (t, col) = current
        switch t {
        case .string(let s):
            position += 1
            return .text(s)
        case .number(let n):
            position += 1
            if let i = Int64(n) { return .integer(i) }
            if let d = Double(n) { return .real(d) }
            throw error("cannot read number `\(n)`", at: col)
        case .name(let n):
            throw error("expected a value but found `\(n)`", at: col, hint: "put text in single quotes: '\(n)'")
        default:
            throw error("expected a value but found \(describe(t))", at: col)
        }
    }
}
