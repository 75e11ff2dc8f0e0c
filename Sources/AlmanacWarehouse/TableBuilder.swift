import AlmanacCore

/// Builds a table row by row with the same columns as another.
struct TableBuilder {
    private var columns: [DataColumn]
    private var text: [[String?]]
    private var numbers: [[Double?]]

    init(like table: DataTable) {
        columns = table.columns
        text = Array(repeating: [], count: table.columns.count)
        numbers = Array(repeating: [], count: table.columns.count)
    }

    mutating func append(from t: DataTable, row: Int, overrides: [String: String] = [:]) {
        for (i, c) in columns.enumerated() {
            let source = t.columns.first { $0.name == c.name }
            if c.role == .dimension {
                text[i].append(overrides[c.name] ?? source?.values.text(at: row))
            } else {
                numbers[i].append(source?.values.double(at: row))
            }
        }
    }

    mutating func appendEmpty(dimensions: [String: String?], zeroFor: [String: Bool]) {
        for (i, c) in columns.enumerated() {
            if c.role == .dimension {
                text[i].append(dimensions[c.name] ?? nil)
            } else {
                numbers[i].append(zeroFor[c.name] == true ? 0 : nil)
            }
        }
    }

    var table: DataTable {
        DataTable(columns: columns.enumerated().map { i, c in
            var col = c
            if c.role == .dimension {
                col.values = .text(text[i])
            } else if case .integer = c.values, numbers[i].allSatisfy({ $0 == nil || $0! == $0!.rounded() }) {
                col.values = .integer(numbers[i].map { $0.map { Int64($0) } })
            } else {
                col.values = .real(numbers[i])
            }
            return col
        })
    }
}
