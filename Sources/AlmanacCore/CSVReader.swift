import Foundation

/// One record of a CSV file: its fields and where each one starts.
public struct CSVRecord: Sendable {
    /// 1-based line on which the record starts.
    public var line: Int
    /// The fields, unquoted.
    public var fields: [String]
    /// 1-based column at which each field starts (its opening quote, if quoted).
    public var columns: [Int]
}

/// A streaming RFC 4180 reader that knows where it is.
///
/// Written here rather than taken from a package because loading needs the exact line and
/// column of every field for its error messages, a byte offset for progress on files of
/// millions of rows, and strict rejection (stray quotes, invalid UTF-8) rather than repair.
/// It handles what RFC 4180 allows: quoted fields with embedded commas, quotes (`""`) and
/// line breaks; CRLF or LF endings; a UTF-8 byte order mark; a missing final newline.
public struct CSVReader {
    /// The path as the user gave it, for diagnostics.
    public let path: String
    private let data: Data
    /// Whether `data` is a mapping of the file (so pages read can be released).
    private let mapped: Bool

    /// Opens (memory-maps) a file; throws a diagnostic if it cannot be read.
    public init(path: String) throws {
        self.path = path
        // Mapped by hand (not Data's .alwaysMapped, which may read small files into memory
        // instead), so that pages already read can be handed back with madvise.
        let fd = open(path, O_RDONLY)
        var info = stat()
        guard fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            if fd >= 0 { close(fd) }
            throw Diagnostic(file: path, message: "cannot read file", hint: "check the path exists and is readable")
        }
        defer { close(fd) }
        let size = Int(info.st_size)
        guard size > 0 else {
            self.data = Data()
            self.mapped = false
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw Diagnostic(file: path, message: "cannot read file", hint: "check the path exists and is readable")
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        self.data = Data(bytesNoCopy: base, count: size, deallocator: .custom { p, n in munmap(p, n) })
        self.mapped = true
    }

    /// Reads from bytes already in memory (tests, small inputs); `path` names it in errors.
    public init(path: String, bytes: Data) {
        self.path = path
        self.data = bytes
        self.mapped = false
    }

    /// Size of the input in bytes, for progress.
    public var byteCount: Int { data.count }

    /// Calls `body` with each record in order, and `progress` with the byte offset every
    /// 64 MiB or so. Throws a diagnostic at the first malformed record.
    public func forEachRecord(
        progress: ((Int) -> Void)? = nil, _ body: (CSVRecord) throws -> Void
    ) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            var i = 0
            if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
            var line = 1
            var lineStart = i
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            var fields: [String] = []
            var columns: [Int] = []
            var buffer: [UInt8] = []
            var nextProgress = 64 << 20
            var releasedUpTo = 0
            // Characters counted so far on the current line, up to byte `countedTo`: each byte is counted once.
            var countedLine = -1, countedTo = 0, countedChars = 0
            func column(at k: Int) -> Int {
                if countedLine != lineStart || k < countedTo {
                    countedLine = lineStart
                    countedTo = lineStart
                    countedChars = 0
                }
                countedChars += characters(from: countedTo, to: k)
                countedTo = k
                return countedChars + 1
            }
            // Columns count characters, not bytes: "é" is one column.
            func characters(from start: Int, to end: Int) -> Int {
                var count = 0
                var k = start
                while k < end {
                    if b[k] & 0xC0 != 0x80 { count += 1 }
                    k += 1
                }
                return count
            }
            func makeString(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, column: Int) throws -> String {
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    throw Diagnostic(file: path, line: line, column: column, message: "field is not valid UTF-8",
                                     hint: "save the file as UTF-8")
                }
                return s
            }
            while i < n {
                // One record.
                let recordLine = line
                fields.removeAll(keepingCapacity: true)
                columns.removeAll(keepingCapacity: true)
                var endOfRecord = false
                while !endOfRecord {
                    let column = column(at: i)
                    let fieldLine = line
                    columns.append(column)
                    if i < n && b[i] == quote {
                        buffer.removeAll(keepingCapacity: true)
                        i += 1
                        var closed = false
                        while i < n {
                            let c = b[i]
                            if c == quote {
                                if i + 1 < n && b[i + 1] == quote {
                                    buffer.append(quote)
                                    i += 2
                                    continue
                                }
                                i += 1
                                closed = true
                                break
                            }
                            if c == lf { line += 1; lineStart = i + 1 }
                            buffer.append(c)
                            i += 1
                        }
                        guard closed else {
                            throw Diagnostic(file: path, line: fieldLine, column: column,
                                             message: "quoted field is never closed",
                                             hint: "add the closing `\"`, and write a quote inside a field as `\"\"`")
                        }
                        fields.append(try buffer.withUnsafeBufferPointer { try makeString($0, line: fieldLine, column: column) })
                        if i < n, b[i] != comma, b[i] != lf, b[i] != cr {
                            throw Diagnostic(file: path, line: line, column: characters(from: lineStart, to: i) + 1,
                                             message: "unexpected character after a closing quote",
                                             hint: "put the whole field in quotes, and write a quote inside it as `\"\"`")
                        }
                    } else {
                        let start = i
                        while i < n {
                            let c = b[i]
                            if c == comma || c == lf || c == cr { break }
                            if c == quote {
                                throw Diagnostic(file: path, line: line, column: characters(from: lineStart, to: i) + 1,
                                                 message: "stray quote in an unquoted field",
                                                 hint: "put the whole field in quotes, and write a quote inside it as `\"\"`")
                            }
                            i += 1
                        }
                        fields.append(try makeString(UnsafeBufferPointer(rebasing: b[start..<i]), line: line, column: column))
                    }
                    if i >= n {
                        endOfRecord = true
                    } else if b[i] == comma {
                        i += 1
                    } else {
                        if b[i] == cr { i += 1 }
                        if i < n && b[i] == lf { i += 1 }
                        line += 1
                        lineStart = i
                        endOfRecord = true
                    }
                }
                // A blank line (one empty field) is skipped rather than read as a record.
                if fields.count == 1 && fields[0].isEmpty && columns[0] == 1 { continue }
                try body(CSVRecord(line: recordLine, fields: fields, columns: columns))
                if i >= nextProgress {
                    progress?(i)
                    nextProgress = i + (64 << 20)
                    // Pages already read are never read again: handing them back keeps a
                    // load's memory flat however large the file (they count as resident
                    // otherwise, 600 MB for 10 million rows).
                    if mapped, let base = raw.baseAddress {
                        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                        let upTo = (i / page) * page
                        if upTo > releasedUpTo {
                            _ = madvise(UnsafeMutableRawPointer(mutating: base + releasedUpTo), upTo - releasedUpTo, MADV_DONTNEED)
                            releasedUpTo = upTo
                        }
                    }
                }
            }
            progress?(n)
        }
    }
}
