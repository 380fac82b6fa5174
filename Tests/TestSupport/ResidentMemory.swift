import Foundation
import HTTPWire

/// This process's resident memory from `/proc/self/status` (Linux; nil elsewhere), for tests
/// that bound what the code under test holds.
///
/// Tests run in parallel in one process, so compare a sampled peak with a baseline taken just
/// before (``sampledPeak(during:)``) rather than using the process-wide high-water mark.
public enum ResidentMemory {
    /// `VmRSS` in bytes.
    public static func current() -> Int? { field("VmRSS:") }

    /// `VmHWM` (the process's peak resident set) in bytes.
    public static func highWaterMark() -> Int? { field("VmHWM:") }

    /// Runs `body` while sampling `VmRSS` every 10 ms; returns its result, the baseline taken
    /// before it started and the largest sample (both nil where `/proc` is unavailable).
    public static func sampledPeak<T: Sendable>(
        during body: () async throws -> T
    ) async rethrows -> (result: T, baseline: Int?, peak: Int?) {
        let baseline = current()
        let peak = LockedValue(baseline ?? 0)
        let sampler = Task.detached {
            while !Task.isCancelled {
                if let now = current() { peak.withLock { $0 = max($0, now) } }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        defer { sampler.cancel() }
        let result = try await body()
        if let now = current() { peak.withLock { $0 = max($0, now) } }
        return (result, baseline, baseline == nil ? nil : peak.current)
    }

    private static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true).first
            return digits.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
