import AlmanacCore
import AlmanacRender
import CFileSwap
import Crypto
import Foundation

/// The published-output folder (`--out`): history that only grows.
///
/// Layout: `ROOT/NAME/PERIOD/` for a report or pack, `ROOT/NAME/AUDIENCE/PERIOD/MEMBER/` for
/// an audience's set, each publication folder with a `manifest.json`, and `ROOT/index.html`
/// built from the manifests. A publication is written to a staging folder beside its place
/// and swapped in with one rename, so readers see the old folder or the new one; another
/// period's folder is never touched; nothing is deleted that a manifest does not list; and a
/// folder holding anything Almanac did not write is refused.
public struct OutputStore {
    /// The output folder.
    public let root: String
    static let manifestName = "manifest.json"
    static let stagingPrefix = ".almanac-staging-"
    static let retiredPrefix = ".almanac-retired-"
    /// What marks an `index.html` as Almanac's.
    public static let generatorMeta = "<meta name=\"generator\" content=\"Almanac\">"

    /// Opens `root`, creating it if need be; refuses a folder holding files Almanac did not write.
    public init(root: String) throws {
        self.root = root
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Diagnostic(file: root, message: "the output folder is a file", hint: "choose a folder with --out")
        }
        do {
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic(file: root, message: "cannot create the output folder", hint: "check the path and its permissions")
        }
        guard fm.isWritableFile(atPath: root) else {
            throw Diagnostic(file: root, message: "the output folder is not writable", hint: "choose another --out folder")
        }
        let foreign = Self.foreignEntries(in: root)
        if !foreign.isEmpty {
            let shown = foreign.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (foreign.count > 5 ? " and \(foreign.count - 5) more" : "")
            throw Diagnostic(
                file: root, message: "the output folder holds files Almanac did not publish: \(shown)",
                hint: "Almanac only writes into an empty folder or one it published to before; choose another --out folder (e.g. --out out/published) or move those files")
        }
    }

    // MARK: - Whose files are these

    /// Entries under `root` that are not Almanac's: anything but `index.html` (Almanac's),
    /// staging folders, and publication folders with a manifest (directly under a name
    /// folder, or under an audience folder within it).
    static func foreignEntries(in root: String) -> [String] {
        var foreign: [String] = []
        for entry in contents(root) {
            let path = join(root, entry)
            if entry == "index.html", isOurIndex(path) { continue }
            guard isDirectory(path) else { foreign.append(entry); continue }
            for child in contents(path) {
                let childPath = join(path, child)
                if child.hasPrefix(stagingPrefix) || child.hasPrefix(retiredPrefix) { continue }
                if manifest(at: childPath) != nil { continue }
                // An audience folder: publication folders only.
                if isDirectory(childPath), !contents(childPath).isEmpty, contents(childPath).allSatisfy({ grand in
                    grand.hasPrefix(stagingPrefix) || grand.hasPrefix(retiredPrefix) || manifest(at: join(childPath, grand)) != nil
                }) { continue }
                foreign.append(entry + "/" + child)
            }
        }
        return foreign.sorted()
    }

    static func isOurIndex(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        return String(decoding: head ?? Data(), as: UTF8.self).contains(generatorMeta)
    }

    /// The parsed manifest of a publication folder, if it has one written by Almanac.
    static func manifest(at folder: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: join(folder, manifestName)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["generator"] as? String == "Almanac"
        else { return nil }
        return object
    }

    // MARK: - Places

    /// Where a publication lives: `NAME/PERIOD`, or `NAME/AUDIENCE/PERIOD` for an audience's set.
    public func folder(name: String, audience: String?, period: String) -> String {
        let base = Self.join(root, name)
        return audience.map { Self.join(Self.join(base, $0), period) } ?? Self.join(base, period)
    }

    /// Files under an existing publication folder that its manifest does not list (a
    /// republish would otherwise carry them away).
    func unlisted(in folder: String) -> [String] {
        guard Self.isDirectory(folder) else { return [] }
        let listed = Set(((Self.manifest(at: folder)?["files"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } + [Self.manifestName])
        return Self.files(under: folder).filter { !listed.contains($0) }
    }

    /// A new staging folder beside `folder`, after removing staging folders left by
    /// processes that are no longer running.
    func stage(for folder: String) throws -> String {
        let parent = (folder as NSString).deletingLastPathComponent
        let leaf = (folder as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        for entry in Self.contents(parent) where entry.hasPrefix(Self.stagingPrefix + leaf + "-") {
            if let pid = Int32(entry.split(separator: "-").last ?? ""), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(atPath: Self.join(parent, entry))
            }
        }
        let staging = Self.join(parent, "\(Self.stagingPrefix)\(leaf)-\(getpid())")
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        return staging
    }

    /// Puts a complete staging folder in place of `folder` in one step; the folder it
    /// replaces is then removed file by file, by its manifest.
    func commit(_ staging: String, to folder: String) throws {
        let fm = FileManager.default
        guard Self.isDirectory(folder) else {
            try fm.moveItem(atPath: staging, toPath: folder)
            return
        }
        if almanac_exchange_paths(staging, folder) != 0 {
            // No atomic exchange here: two renames, the old folder kept until the new one is in place.
            let retired = Self.join((folder as NSString).deletingLastPathComponent, "\(Self.retiredPrefix)\((folder as NSString).lastPathComponent)-\(getpid())")
            try fm.moveItem(atPath: folder, toPath: retired)
            try fm.moveItem(atPath: staging, toPath: folder)
            Self.removePublication(retired)
            return
        }
        Self.removePublication(staging)
    }

    /// Removes a folder Almanac published: the files its manifest (and its members'
    /// manifests) list, then the folders left empty. Anything else stays.
    static func removePublication(_ folder: String) {
        let fm = FileManager.default
        let listed = ((manifest(at: folder)?["files"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        for path in listed where !path.contains("..") { try? fm.removeItem(atPath: join(folder, path)) }
        try? fm.removeItem(atPath: join(folder, manifestName))
        // Folders bottom-up, each only if empty.
        let folders = directories(under: folder).sorted { $0.count > $1.count }
        for d in folders { rmdir(join(folder, d)) }
        rmdir(folder)
    }

    /// A publication folder found under the output folder.
    public struct Published: Sendable, Equatable {
        /// Relative to the output folder: `NAME/PERIOD` or `NAME/AUDIENCE/PERIOD`.
        public var folder: String
        public var name: String
        public var period: String
        /// Files its manifest lists, and their bytes.
        public var files: Int
        public var bytes: Int
    }

    /// Every publication under `root` whose manifest says Almanac wrote it, by folder.
    public static func publications(in root: String) -> [Published] {
        var out: [Published] = []
        func add(_ relative: String) {
            let folder = join(root, relative)
            guard let m = manifest(at: folder), m["generator"] as? String == "Almanac",
                let name = m["name"] as? String, let period = m["period"] as? String
            else { return }
            let files = (m["files"] as? [[String: Any]]) ?? []
            out.append(Published(folder: relative, name: name, period: period, files: files.count,
                                 bytes: files.compactMap { $0["bytes"] as? Int }.reduce(0, +)))
        }
        for name in contents(root) where isDirectory(join(root, name)) && !name.hasPrefix(".") {
            for child in contents(join(root, name)) where !child.hasPrefix(".") {
                let relative = name + "/" + child
                if manifest(at: join(root, relative)) != nil { add(relative); continue }
                guard isDirectory(join(root, relative)) else { continue }
                for period in contents(join(root, relative)) where !period.hasPrefix(".") { add(relative + "/" + period) }
            }
        }
        return out.sorted { $0.folder < $1.folder }
    }

    /// Deletes one publication (`folder` relative to `root`): only the files its manifest
    /// lists, then the folders left empty. Returns what it could not remove (files Almanac did
    /// not write stay where they are).
    public static func prune(root: String, folder: String) -> [String] {
        let path = join(root, folder)
        guard !folder.contains(".."), manifest(at: path) != nil else { return [folder] }
        removePublication(path)
        // The audience and name folders too, once empty.
        var parent = (path as NSString).deletingLastPathComponent
        while parent.count > root.count && rmdir(parent) == 0 { parent = (parent as NSString).deletingLastPathComponent }
        return isDirectory(path) ? files(under: path).map { folder + "/" + $0 } : []
    }

    /// Removes a staging folder this process made.
    func discard(_ staging: String) {
        try? FileManager.default.removeItem(atPath: staging)
        // The name (and audience) folders made for it, if nothing else is in them.
        let parent = (staging as NSString).deletingLastPathComponent
        rmdir(parent)
        rmdir((parent as NSString).deletingLastPathComponent)
    }

    // MARK: - Manifests

    /// A file's size and SHA-256.
    public static func digest(_ path: String) -> (bytes: Int, sha256: String)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return (data.count, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
    }

    /// Writes `folder/manifest.json`: `fields` (already JSON), then every file under the
    /// folder with its size and SHA-256, in path order.
    static func writeManifest(in folder: String, fields: [(String, String)]) throws {
        let q = JSONText.quote
        let entries = files(under: folder).filter { $0 != manifestName }.compactMap { path -> String? in
            guard let d = digest(join(folder, path)) else { return nil }
            return "    {\"path\": \(q(path)), \"bytes\": \(d.bytes), \"sha256\": \(q(d.sha256))}"
        }
        var text = "{\n  \"generator\": \"Almanac\",\n  \"almanac_version\": \(q(AlmanacVersion.current)),\n"
        for (k, v) in fields { text += "  \(q(k)): \(v),\n" }
        text += "  \"files\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}\n"
        try AtomicFile.write(join(folder, manifestName), [Array(text.utf8)])
    }

    /// Checks every file a manifest lists against its size and SHA-256; returns the paths that differ or are missing.
    public static func verify(folder: String) -> [String] {
        guard let m = manifest(at: folder), let files = m["files"] as? [[String: Any]] else { return [manifestName] }
        return files.compactMap { f in
            guard let path = f["path"] as? String else { return "?" }
            let d = digest(join(folder, path))
            return d?.sha256 == f["sha256"] as? String && d?.bytes == f["bytes"] as? Int ? nil : path
        }
    }

    // MARK: - File system

    static func join(_ a: String, _ b: String) -> String { (a as NSString).appendingPathComponent(b) }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    static func contents(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Regular files under `folder`, relative, sorted (symbolic links are not followed).
    static func files(under folder: String) -> [String] { walk(folder).files }

    /// Folders under `folder`, relative.
    static func directories(under folder: String) -> [String] { walk(folder).directories }

    /// Files and folders under `folder`, relative, at most 8 levels deep.
    static func walk(_ folder: String) -> (files: [String], directories: [String]) {
        var files: [String] = [], directories: [String] = []
        func visit(_ relative: String, depth: Int) {
            guard depth < 8 else { return }
            for entry in contents(relative.isEmpty ? folder : join(folder, relative)) {
                let rel = relative.isEmpty ? entry : relative + "/" + entry
                let attributes = try? FileManager.default.attributesOfItem(atPath: join(folder, rel))
                if attributes?[.type] as? FileAttributeType == .typeDirectory {
                    directories.append(rel)
                    visit(rel, depth: depth + 1)
                } else {
                    files.append(rel)
                }
            }
        }
        visit("", depth: 0)
        return (files.sorted(), directories)
    }
}
