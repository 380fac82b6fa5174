import LoadTesting

/// Prints load progress on standard error: a live line rewritten twice a second on a terminal, a plain
/// line every five seconds otherwise. Ends when its task is cancelled.
enum LoadProgressPrinter {
    static func run(_ progress: LoadProgress, output: OutputSink) async {
        let live = output.isErrorTerminal
        let interval: Duration = live ? .milliseconds(500) : .seconds(5)
        var printed = false
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            let line = LoadConsoleRenderer.progressLine(progress.snapshot())
            if live {
                output.writeError("\r\u{1B}[2K" + line)
                printed = true
            } else {
                output.error(line)
            }
        }
        if printed { output.writeError("\r\u{1B}[2K") }
    }
}
