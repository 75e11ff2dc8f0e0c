import AlmanacCore

/// Finds the names a filter refers to without depending on the query layer's parser:
/// enough for the model to check the `where` of a filtered measure when it is loaded. The
/// planner parses the filter fully when a query uses the measure.
enum FilterReferenceCheck {
    /// The names (identifiers not inside quotes and not keywords) with their columns.
    static func names(in filter: String, field: String) throws -> [(String, Int)] {
        let keywords: Set<String> = ["and", "or", "not", "in"]
        var result: [(String, Int)] = []
        let chars = Array(filter)
        var i = 0
        var expectName = true
        var depth = 0, opened = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                i += 1
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" { i += 2; continue }
                        break
                    }
                    i += 1
                }
                guard i < chars.count else {
                    throw Diagnostic(field: field, message: "text in the filter `\(filter)` is never closed", hint: "end it with `'`")
                }
                i += 1
                expectName = false
                continue
            }
            if c.isLetter || c == "_" {
                let start = i
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                let word = String(chars[start..<i])
                if keywords.contains(word.lowercased()) {
                    expectName = true
                } else if expectName {
                    result.append((word, start + 1))
                    expectName = false
                }
                continue
            }
            if c == "(" {
                expectName = true
                depth += 1
                if depth == 1 { opened = i + 1 }
            }
            if c == ")" {
                depth -= 1
                if depth < 0 {
                    throw Diagnostic(field: field, message: "the filter `\(filter)` closes a bracket it never opened (column \(i + 1))", hint: "remove the `)` or add its `(`")
                }
            }
            i += 1
        }
        if depth > 0 {
            throw Diagnostic(field: field, message: "the filter `\(filter)` opens a bracket it never closes (column \(opened))", hint: "add the closing `)`")
        }
        return result
    }
}
