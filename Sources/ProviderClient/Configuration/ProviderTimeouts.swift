import HTTPWire

/// The provider client's timeouts: HTTPWire's ``RequestTimeouts`` (connect 5 s, headers 300 s,
/// idle 120 s, total 600 s by default; ``RequestTimeouts/probe`` for discovery probes).
///
/// One type serves the raw HTTP client, the provider client and scenarios, so a value set in one
/// layer means the same in the next.
public typealias ProviderTimeouts = RequestTimeouts
