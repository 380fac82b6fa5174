/// Runs blocking work on a fresh dedicated thread and awaits its result, keeping blocking
/// syscalls off the cooperative pool.
///
/// ```swift
/// let addresses = try await runOnDedicatedThread { try NameResolver.resolve(host: "localhost", port: 80) }
/// ```
/// - Note: Cancelling the awaiting task does not interrupt `body`; make `body` observe a
///   deadline or shut its socket from a cancellation handler.
public func runOnDedicatedThread<T: Sendable>(
    name: String = "llmcheck-blocking", _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        do {
            try Syscalls.spawnDetachedThread(name: name) {
                continuation.resume(with: Result { try body() })
            }
        } catch {
            continuation.resume(throwing: error)
        }
    }
}
