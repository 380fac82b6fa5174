// MARK: - Standard drivers

extension ClientDrivers {
    /// The drivers `llmcheck run` uses: the real `ProviderClient` and ``MisbehavingClient``.
    public static var standard: ClientDrivers {
        ClientDrivers(providerClient: nil, misbehaving: MisbehavingClient())
    }
}
