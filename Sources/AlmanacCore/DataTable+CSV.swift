extension DataTable {
    /// The table as RFC 4180 CSV: one header row, plain numbers (no currency symbols or
    /// thousands separators; money to the penny), text made safe for spreadsheets.
    /// `header` names each column (its machine name, or a label with its unit).
    public func csv(header: (DataColumn) -> String = \.name) -> String {
        var w = CSVWriter(header: columns.map(header))
        for r in 0..<rowCount {
            w.writeRow(columns.map { c in
                if c.role == .measure {
                    guard let v = c.values.double(at: r) else { return "" }
                    let money = c.format == .currency || c.format == .currencyPence
                    return NumberFormat.trimmed(v, maxDecimals: money ? 2 : 6)
                }
                return c.values.text(at: r) ?? ""
            })
        }
        return w.text
    }
}
