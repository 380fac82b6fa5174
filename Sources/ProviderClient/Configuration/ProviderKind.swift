import HTTPWire

/// The API family a provider speaks (`ollama`, `lmstudio`, `openaiCompatible`): the shared
/// vocabulary of HTTPWire, which the mocks use too.
public typealias ProviderKind = ProviderFamily
