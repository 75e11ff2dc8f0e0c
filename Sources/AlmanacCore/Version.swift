/// Almanac's version, printed by `almanac --version` and written into every manifest.
public enum AlmanacVersion {
    /// The release this build is.
    public static let current = "0.3.0"
}
