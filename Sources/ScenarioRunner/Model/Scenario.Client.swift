// MARK: - Client

extension Scenario {
    /// The client driven against the mocks: llmcheck's real `ProviderClient`, a deliberately
    /// ill-behaved client that the verdicts must catch, or any program (``Kind/command``).
    public struct Client: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// llmcheck's real client (`ProviderClient`). Its behaviour must produce no findings.
            case providerClient = "provider-client"
            /// ``MisbehavingClient``, driven by ``misbehaviours``.
            case misbehaving
            /// Any program, run once per request with the contract's environment (docs/clients.md).
            case command
        }

        /// Which client. Default ``Kind/providerClient``.
        public var kind: Kind
        /// Flags of the misbehaving client (only with ``Kind/misbehaving``).
        public var misbehaviours: Set<Misbehaviour>
        /// API key sent to every provider that has no key of its own. Default none.
        public var apiKey: String?
        public var retry: Retry
        public var timeouts: Timeouts
        /// Failover order; default every server in the order listed.
        public var providers: [Provider]
        /// The program (only with ``Kind/command``); nil until `run --client` supplies one.
        public var command: Command?

        public init(
            kind: Kind = .providerClient, misbehaviours: Set<Misbehaviour> = [], apiKey: String? = nil,
            retry: Retry = Retry(), timeouts: Timeouts = Timeouts(), providers: [Provider] = [], command: Command? = nil
        ) {
            self.command = command
            self.kind = kind
            self.misbehaviours = misbehaviours
            self.apiKey = apiKey
            self.retry = retry
            self.timeouts = timeouts
            self.providers = providers
        }

        /// The API key the client uses for `server` (the provider's own key, else the client-wide key).
        public func apiKey(forServer server: String) -> String? {
            providers.first { $0.server == server }?.apiKey ?? apiKey
        }
    }

    /// One entry of the client's provider list (failover order).
    public struct Provider: Sendable, Hashable {
        /// Server name.
        public var server: String
        /// Key configured for this provider only; never to be sent anywhere else.
        public var apiKey: String?
        /// Model to request from this provider; default the step's model, else the server's first model.
        public var model: String?

        public init(server: String, apiKey: String? = nil, model: String? = nil) {
            self.server = server
            self.apiKey = apiKey
            self.model = model
        }
    }

    /// Retry policy, scaled to milliseconds so the suite stays fast.
    public struct Retry: Sendable, Hashable {
        /// Retries after the first attempt. Default 2 (openai-python).
        public var maxRetries: Int
        /// Backoff before the first retry in ms. Default 20 (openai-python uses 500).
        public var initialDelayMilliseconds: Int
        /// Backoff cap in ms. Default 200 (openai-python uses 8000).
        public var maxDelayMilliseconds: Int
        /// Longest `Retry-After` the client honours; longer hints mean "give up". Default 2000 (openai-python: 120 s).
        public var maxRetryAfterMilliseconds: Int

        public init(maxRetries: Int = 2, initialDelayMilliseconds: Int = 20, maxDelayMilliseconds: Int = 200, maxRetryAfterMilliseconds: Int = 2000) {
            self.maxRetries = maxRetries
            self.initialDelayMilliseconds = initialDelayMilliseconds
            self.maxDelayMilliseconds = maxDelayMilliseconds
            self.maxRetryAfterMilliseconds = maxRetryAfterMilliseconds
        }
    }

    /// Client timeouts in milliseconds.
    public struct Timeouts: Sendable, Hashable {
        /// TCP connect. Default 1000.
        public var connectMilliseconds: Int
        /// Request sent → response head. Default 2000.
        public var headersMilliseconds: Int
        /// Longest silence between body bytes (reset per chunk). Default 500.
        public var idleMilliseconds: Int
        /// Whole request, all attempts. Default 5000.
        public var totalMilliseconds: Int

        public init(connectMilliseconds: Int = 1000, headersMilliseconds: Int = 2000, idleMilliseconds: Int = 500, totalMilliseconds: Int = 5000) {
            self.connectMilliseconds = connectMilliseconds
            self.headersMilliseconds = headersMilliseconds
            self.idleMilliseconds = idleMilliseconds
            self.totalMilliseconds = totalMilliseconds
        }
    }
}

// MARK: - Misbehaviour

/// A deliberate flaw of ``MisbehavingClient``; each must be caught by a verdict.
public enum Misbehaviour: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Retries immediately after a 429/503 whatever `Retry-After` says.
    case ignoreRetryAfter = "ignore-retry-after"
    /// Retries 400/401/403/404/422.
    case retryNonRetryable = "retry-non-retryable"
    /// Retries without any backoff.
    case noBackoff = "no-backoff"
    /// Gives up after the first retryable failure although retries remain.
    case giveUpEarly = "give-up-early"
    /// Treats a stream that ends without its terminator as a success.
    case acceptTruncated = "accept-truncated"
    /// Skips chunks that do not parse and reports success.
    case ignoreMalformed = "ignore-malformed"
    /// Has no idle timeout: waits on a stalled stream until the server closes.
    case noIdleTimeout = "no-idle-timeout"
    /// Keeps reading a stream it was asked to cancel.
    case keepReadingAfterCancel = "keep-reading-after-cancel"
    /// Sends the first provider's API key to every provider during failover.
    case leakKeyOnFailover = "leak-key-on-failover"

    public static func < (lhs: Misbehaviour, rhs: Misbehaviour) -> Bool { lhs.rawValue < rhs.rawValue }
}
