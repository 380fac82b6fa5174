/// The facts every part of llmcheck quotes about itself: one version, one default seed.
///
/// `llmcheck --version`, the reports (`tool_version`), the client's `User-Agent` and `diagnose --json`
/// read ``version``; `llmcheck run` and the reports use ``defaultSeed`` when no `--seed` is given.
public enum ToolIdentity {
    /// The llmcheck version.
    public static let version = "0.1.0"
    /// The run seed when none is given (`llmcheck run --seed`).
    public static let defaultSeed: UInt64 = 1
}
