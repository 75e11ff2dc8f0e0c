import AlmanacCore
import AlmanacRender
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One runner at a time per warehouse: an advisory lock (flock) on `WAREHOUSE.run-lock`,
/// released by the kernel when the process ends, however it ends, so a killed run never
/// leaves a stale lock behind.
public final class RunLock {
    let fd: Int32
    public let path: String

    /// Takes the lock, or returns nil with what holds it when another runner has it.
    public static func acquire(path: String, now: Int) throws -> Result<RunLock, Problem> {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Diagnostic(file: path, message: "cannot open the run lock: \(String(cString: strerror(errno)))",
                             hint: "check the warehouse's folder is writable")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            return .failure(Problem(holder.isEmpty ? "another almanac run" : holder))
        }
        let text = "almanac run (process \(getpid()), started \(LondonTime.describe(now)))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return .success(RunLock(fd: fd, path: path))
    }

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Fault injection for the tests: `ALMANAC_FAULT=STAGE[:N]` makes the runner stop dead
/// (SIGKILL, no clean-up) the Nth time (default the first) it reaches STAGE: after-queries,
/// after-render, after-send (the mail command succeeded, the ledger not yet updated) or
/// between-recipients (one delivery recorded, the next not begun).
public enum Fault {
    nonisolated(unsafe) static var counts: [String: Int] = [:]

    public static func point(_ stage: String) {
        guard let spec = ProcessInfo.processInfo.environment["ALMANAC_FAULT"], !spec.isEmpty else { return }
        let parts = spec.split(separator: ":")
        guard parts.first.map(String.init) == stage else { return }
        let nth = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        counts[stage, default: 0] += 1
        guard counts[stage] == nth else { return }
        FileHandle.standardError.write(Data("almanac: ALMANAC_FAULT=\(spec): stopping dead at \(stage)\n".utf8))
        kill(getpid(), SIGKILL)
    }
}

/// Writes `data` whole or not at all (`AtomicFile`), making its folder first.
func writeWhole(_ data: Data, to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    try AtomicFile.write(path) { try data.write(to: URL(fileURLWithPath: $0)) }
}

/// An ASCII token for message ids and outbox file names (lower-case letters, digits and
/// single hyphens): `South Ribble` → `south-ribble`. Folders are matched with the publisher's
/// own `ReportPublisher.slug`.
func token(_ s: String) -> String {
    var out = ""
    for ch in s.lowercased() {
        if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) } else if !out.hasSuffix("-") && !out.isEmpty { out.append("-") }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "x" : String(out.prefix(60))
}
