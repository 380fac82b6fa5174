import Foundation
import HTTPWire

/// One check of the ladder and what it needs first.
struct CheckNode: Sendable {
    /// Unique key in the schedule, e.g. `t0.connect` or `environment`.
    var key: String
    var id: String
    var target: Int?
    var title: String
    /// Keys of checks that must finish first.
    var dependsOn: [String]
    /// Whether this check runs only when every dependency passed (pass/warn/info).
    /// When false it runs once they finished, whatever their status.
    var requiresSuccess: Bool = true
    var run: @Sendable () async -> CheckResult
}

/// Runs checks as soon as their dependencies finish; independent checks run concurrently
/// in a task group. A check whose dependency failed or was skipped is skipped with the reason.
enum CheckScheduler {
    static func run(_ nodes: [CheckNode]) async -> [String: CheckResult] {
        var results: [String: CheckResult] = [:]
        var pending = nodes
        let titles = Dictionary(nodes.map { ($0.key, $0.title) }, uniquingKeysWith: { a, _ in a })
        await withTaskGroup(of: (String, CheckResult).self) { group in
            var running = 0
            while !pending.isEmpty || running > 0 {
                var progressed = true
                while progressed {
                    progressed = false
                    var index = 0
                    while index < pending.count {
                        let node = pending[index]
                        let depsDone = node.dependsOn.allSatisfy { results[$0] != nil || titles[$0] == nil }
                        guard depsDone else {
                            index += 1
                            continue
                        }
                        pending.remove(at: index)
                        if node.requiresSuccess,
                            let blocker = node.dependsOn.first(where: { key in
                                guard let r = results[key] else { return false }
                                return r.status == .fail || r.status == .skip
                            })
                        {
                            // A skipped blocker passes its own reason on, so the root cause shows.
                            let summary = results[blocker]?.status == .fail
                                ? "skipped: \(titles[blocker] ?? blocker) failed" : results[blocker]?.summary ?? "skipped"
                            results[node.key] = CheckResult(
                                id: node.id, target: node.target, title: node.title, status: .skip, summary: summary
                            )
                            progressed = true
                            continue
                        }
                        running += 1
                        group.addTask {
                            let start = MonotonicInstant.now()
                            var result = await node.run()
                            result.durationMilliseconds = start.elapsed.milliseconds
                            return (node.key, result)
                        }
                    }
                }
                guard running > 0 else { break }
                if let (key, result) = await group.next() {
                    running -= 1
                    results[key] = result
                }
            }
        }
        return results
    }
}
