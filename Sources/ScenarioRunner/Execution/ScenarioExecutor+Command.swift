import HTTPWire

// MARK: - Command clients

extension ScenarioExecutor {
    /// Why a scenario cannot be run with a command client (then it is skipped), or nil.
    static func commandUnsupported(_ scenario: Scenario) -> String? {
        if let step = scenario.steps.first(where: { CommandContract.Operation($0.operation) == nil }) {
            return "a command client performs chat, list_models and embed; \(step.name) is \(step.operation.rawValue)"
        }
        if let step = scenario.steps.first(where: { $0.cancelAfterChunks != nil }) {
            return "\(step.name) cancels mid-stream, which a command cannot be asked to do"
        }
        if scenario.client.command?.argv.isEmpty ?? true {
            return "no command to run: give client.argv or run --client"
        }
        return nil
    }

    /// Links the journal entries of a command client's step to its requests, for a client that sends no llmcheck
    /// headers: an `X-Test-Id` equal to the request's `LLMCHECK_TEST_ID` names it; otherwise, in a step with one
    /// request, every entry of the step belongs to it. Entries of a step with several requests and no test id
    /// stay unlinked (grouped by the verdicts by server, path, client request id and time order).
    /// The outcome's status becomes that of the last linked entry.
    static func attribute(_ exchanges: inout [ObservedExchange], to outcomes: inout [RequestOutcome], scenarioID: String) {
        let byTestID = Dictionary(outcomes.map { ("\(scenarioID).\($0.requestID)", $0.requestID) }, uniquingKeysWith: { a, _ in a })
        for i in exchanges.indices where exchanges[i].requestID == nil {
            if let test = exchanges[i].testID, let id = byTestID[test] {
                exchanges[i].requestID = id
            } else if outcomes.count == 1 {
                exchanges[i].requestID = outcomes[0].requestID
            }
        }
        for i in outcomes.indices {
            let linked = exchanges.filter { $0.requestID == outcomes[i].requestID }
            if let last = linked.max(by: { $0.receivedAt < $1.receivedAt }) { outcomes[i].status = last.status }
            if outcomes[i].servedBy == nil, let last = linked.last { outcomes[i].servedBy = last.server }
        }
    }
}

extension ScenarioRecord {
    /// Transcript lines of a program's run: exit status, wall time, and the tails of its output.
    static func describe(_ run: ProcessRun) -> [String] {
        var lines = ["    app: \(run.ending) after \(String(format2: run.milliseconds)) ms"
            + (run.leftChildrenRunning ? "; it left child processes running (killed with its process group)" : "")]
        for (name, capture) in [("stdout", run.standardOutput), ("stderr", run.standardError)] where capture.totalBytes > 0 {
            lines.append("    app \(name) (\(capture.totalBytes) bytes), tail:")
            lines += capture.tail(600).split(separator: "\n", omittingEmptySubsequences: false).suffix(12).map { "      | " + $0 }
        }
        return lines
    }
}
