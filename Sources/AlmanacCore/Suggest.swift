/// Finds the nearest valid name to a misspelt one, for "did you mean" hints.
public enum Suggest {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a
    /// plausible typo (between 2 and 4 edits, growing with the length of the name).
    public static func nearest<S: Sequence>(to name: String, in candidates: S) -> String?
    where S.Element == String {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased()))
            if best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) {
                best = (candidate, d)
            }
        }
        guard let (candidate, d) = best else { return nil }
        let allowed = max(2, min(4, target.count / 3 + 1))
        if d <= allowed { return candidate }
        // A prefix match ("contact" for "contacts") is also a good guess.
        if candidate.lowercased().hasPrefix(name.lowercased()) || name.lowercased().hasPrefix(candidate.lowercased()) {
            return candidate
        }
        return nil
    }

    /// A hint sentence: "did you mean `x`?" or the list of valid names when nothing is close.
    public static func hint<S: Sequence>(for name: String, in candidates: S, noun: String) -> String
    where S.Element == String {
        let all = Array(candidates)
        if let n = nearest(to: name, in: all) { return "did you mean `\(n)`?" }
        let shown = all.sorted().prefix(12).map { "`\($0)`" }.joined(separator: ", ")
        return "valid \(noun)s: \(shown)" + (all.count > 12 ? ", …" : "")
    }

    /// Levenshtein distance between two character arrays.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
