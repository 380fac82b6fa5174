import ProviderClient

// MARK: - Standard drivers

extension ClientDrivers {
    /// The drivers `llmcheck run` uses: the real `ProviderClient` and ``MisbehavingClient``.
    public static var standard: ClientDrivers {
        ClientDrivers(providerClient: ProviderClientDriver(), misbehaving: MisbehavingClient())
    }
}

extension ScenarioParser.Validation {
    /// Every `ProviderError.Code` (also `cancelled`), and the codes of a command client's failed runs
    /// (`commandHung` …): the codes `expect.error_code` may name.
    public static var providerErrorCodes: Set<String> { Set(ProviderError.Code.allCases.map(\.rawValue)).union(CommandClientDriver.errorCodes) }
}
