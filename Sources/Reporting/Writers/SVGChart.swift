import Foundation

// MARK: - SVGChart

/// Inline SVG charts for `report.html`: histograms and the per-scenario timeline of attempts and chunks.
/// Pure string building; every label is escaped.
enum SVGChart {
    // MARK: - Histogram

    /// A histogram of `samples` (ms) with p50/p95/p99 markers, or a "no data" note.
    static func histogram(samples: [Double], title: String, unit: String, color: String, width: Int = 560, height: Int = 250) -> String {
        let values = samples.filter(\.isFinite)
        guard let stats = Statistics(samples: values) else {
            return "<div class=\"nodata\">No \(Escaping.xml(title)) samples in this run.</div>"
        }
        // Long tails (one 5 s stall among 15 ms gaps) would squash the body: draw up to a cut-off and count the rest.
        let cutoff = stats.max > stats.p99 * 3 && stats.p99 > stats.min ? stats.p99 * 1.5 : stats.max
        let drawn = values.filter { $0 <= cutoff }
        let overflow = values.count - drawn.count
        let bins = makeBins(drawn, lower: stats.min, upper: min(cutoff, drawn.max() ?? cutoff))
        let left = 48.0
        let right = 16.0
        let top = 34.0
        let bottom = 40.0
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let ticks = yTicks(bins.counts.max() ?? 1)
        let maxCount = max(1, ticks.last ?? 1)
        let lo = bins.start
        let hi = bins.start + bins.width * Double(bins.counts.count)
        func x(_ v: Double) -> Double { left + (min(max(v, lo), hi) - lo) / max(hi - lo, 1e-9) * plotW }
        func y(_ c: Int) -> Double { top + plotH - Double(c) / Double(maxCount) * plotH }

        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(Escaping.xmlAttribute(title))\">"
        svg += "<title>\(Escaping.xml(title)), n=\(values.count)</title>"
        for tick in ticks {
            let ty = f(y(tick))
            svg += "<line x1=\"\(f(left))\" y1=\"\(ty)\" x2=\"\(f(left + plotW))\" y2=\"\(ty)\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(ty)\" class=\"tick\" text-anchor=\"end\" dominant-baseline=\"middle\">\(tick)</text>"
        }
        let barW = plotW / Double(bins.counts.count)
        let decimals = axisDecimals(bins.width)
        for (i, count) in bins.counts.enumerated() where count > 0 {
            let from = bins.start + bins.width * Double(i)
            let to = from + bins.width
            let bx = left + Double(i) * barW
            svg += "<rect x=\"\(f(bx + 0.5))\" y=\"\(f(y(count)))\" width=\"\(f(max(1, barW - 1)))\" height=\"\(f(top + plotH - y(count)))\" fill=\"\(color)\" rx=\"1.5\">"
            svg += "<title>\(NumberText.fixed(from, digits: decimals))–\(NumberText.fixed(to, digits: decimals)) \(Escaping.xml(unit)): \(count)</title></rect>"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" class=\"axis\"/>"
        let labelStep = max(1, Int((Double(bins.counts.count) / 6).rounded(.up)))
        for i in stride(from: 0, through: bins.counts.count, by: labelStep) {
            let v = bins.start + bins.width * Double(i)
            svg += "<text x=\"\(f(x(v)))\" y=\"\(f(top + plotH + 16))\" class=\"tick\" text-anchor=\"middle\">\(NumberText.fixed(v, digits: decimals))</text>"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(Double(height) - 6))\" class=\"label\" text-anchor=\"middle\">\(Escaping.xml(unit)) (n=\(values.count))</text>"
        // Percentile markers: dashed lines, values in a legend line above the plot.
        let markers: [(String, Double)] = [("p50", stats.p50), ("p95", stats.p95), ("p99", stats.p99)]
        var legend: [String] = []
        for (name, value) in markers {
            legend.append("\(name) \(NumberText.compact(value))")
            guard value <= hi else { continue }
            let mx = f(x(value))
            svg += "<line x1=\"\(mx)\" y1=\"\(f(top))\" x2=\"\(mx)\" y2=\"\(f(top + plotH))\" class=\"marker\"><title>\(name) \(NumberText.compact(value)) \(Escaping.xml(unit))</title></line>"
            svg += "<text x=\"\(mx)\" y=\"\(f(top - 4))\" class=\"marker-label\" text-anchor=\"middle\">\(name)</text>"
        }
        svg += "<text x=\"\(f(left))\" y=\"12\" class=\"legend-text\">\(legend.joined(separator: "  ·  ")) \(Escaping.xml(unit))</text>"
        if overflow > 0 {
            svg += "<text x=\"\(f(left + plotW))\" y=\"12\" class=\"overflow\" text-anchor=\"end\">+\(overflow) above \(NumberText.compact(cutoff)) (max \(NumberText.compact(stats.max)))</text>"
        }
        svg += "</svg>"
        return svg
    }

    /// Decimals needed to label multiples of a bin width.
    static func axisDecimals(_ width: Double) -> Int {
        guard width > 0, width < 1 else { return 0 }
        return min(6, Int((-log10(width)).rounded(.up)))
    }

    struct Bins {
        var start: Double
        var width: Double
        var counts: [Int]
    }

    /// Bins of a "nice" width (1, 2 or 5 × 10^k), about √n of them, between 5 and 30.
    static func makeBins(_ values: [Double], lower: Double, upper: Double) -> Bins {
        let target = Double(min(30, max(5, Int(Double(values.count).squareRoot().rounded()))))
        let span = upper - lower
        guard span > 0 else {
            let width = max(abs(lower) * 0.1, 1)
            return Bins(start: lower - width / 2, width: width, counts: [values.count])
        }
        let raw = span / target
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let width = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = (lower / width).rounded(.down) * width
        let count = max(1, Int(((upper - start) / width).rounded(.down)) + 1)
        var counts = [Int](repeating: 0, count: count)
        for v in values {
            let index = min(count - 1, max(0, Int(((v - start) / width).rounded(.down))))
            counts[index] += 1
        }
        return Bins(start: start, width: width, counts: counts)
    }

    /// Y ticks at a nice step (1, 2 or 5 × 10^k), about four of them, ending at or above `maxCount`.
    static func yTicks(_ maxCount: Int) -> [Int] {
        let raw = max(1, Double(maxCount) / 4)
        let magnitude = pow(10, log10(raw).rounded(.down))
        let step = max(1, Int([1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude))
        let top = Int((Double(maxCount) / Double(step)).rounded(.up)) * step
        return Array(stride(from: 0, through: max(top, step), by: step))
    }

    // MARK: - Timeline

    /// One row per scenario with requests: attempts as bars (green completed, red failed), backoff as a dashed
    /// line, first token as a diamond and later content chunks as ticks. Each row is scaled to its own duration.
    static func timeline(_ results: [ScenarioResult], maxRows: Int = 120, width: Int = 1000) -> String {
        // Failures first (they are what the reader came for), then the rest; each group by id.
        let withRequests = results.filter { !$0.requests.isEmpty }
        let failing = withRequests.filter { $0.outcome.status == .failed || $0.outcome.status == .error }
        let rest = withRequests.filter { $0.outcome.status != .failed && $0.outcome.status != .error }
        let rows = (failing + rest).prefix(maxRows)
        guard !rows.isEmpty else { return "<div class=\"nodata\">No request traces to draw.</div>" }
        let labelW = 300.0
        let durW = 70.0
        let plotW = Double(width) - labelW - durW - 10
        let rowH = 24.0
        let top = 8.0
        let height = top + rowH * Double(rows.count) + 8
        var svg = "<svg class=\"timeline\" viewBox=\"0 0 \(width) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"Timeline of attempts and chunks per scenario\">"
        for (rowIndex, result) in rows.enumerated() {
            let y0 = top + Double(rowIndex) * rowH
            let mid = y0 + rowH / 2
            let end = rowEnd(result)
            func x(_ ns: Int64) -> Double { labelW + Double(max(0, ns)) / Double(max(end, 1)) * plotW }
            if rowIndex % 2 == 1 {
                svg += "<rect x=\"0\" y=\"\(f(y0))\" width=\"\(width)\" height=\"\(f(rowH))\" class=\"band\"/>"
            }
            let label = result.id.count > 40 ? String(result.id.prefix(39)) + "…" : result.id
            svg += "<a href=\"#\(anchor(result.id))\"><text x=\"6\" y=\"\(f(mid))\" dominant-baseline=\"middle\" class=\"row-label \(result.outcome.status.rawValue)\">"
            svg += "<title>\(Escaping.xml(result.id))</title>\(Escaping.xml(label))</text></a>"
            svg += "<line x1=\"\(f(labelW))\" y1=\"\(f(mid))\" x2=\"\(f(labelW + plotW))\" y2=\"\(f(mid))\" class=\"track\"/>"
            for request in result.requests {
                let attempts = request.attempts.isEmpty
                    ? [AttemptTrace(attempt: request.attempt, startNs: request.tSendNs, endNs: request.tEndNs ?? request.tLastTokenNs ?? request.tSendNs,
                                    status: request.status, errorCode: request.error?.code)]
                    : request.attempts
                var previousEnd: Int64?
                for (index, attempt) in attempts.enumerated() {
                    if let previousEnd, attempt.startNs > previousEnd {
                        svg += "<line x1=\"\(f(x(previousEnd)))\" y1=\"\(f(mid))\" x2=\"\(f(x(attempt.startNs)))\" y2=\"\(f(mid))\" class=\"backoff\">"
                        svg += "<title>backoff \(NumberText.compact(Double(attempt.startNs - previousEnd) / 1e6)) ms before attempt \(attempt.attempt)</title></line>"
                    }
                    let isLast = index == attempts.count - 1
                    let ok = attempt.errorCode == nil && (attempt.status.map { (200..<300).contains($0) } ?? false)
                        && !(isLast && request.error != nil)
                    let x0 = x(attempt.startNs)
                    let w = max(2, x(max(attempt.endNs, attempt.startNs)) - x0)
                    var tip = "\(request.requestID) attempt \(attempt.attempt): \(NumberText.compact(Double(attempt.startNs) / 1e6))–\(NumberText.compact(Double(attempt.endNs) / 1e6)) ms"
                    if let status = attempt.status { tip += ", HTTP \(status)" }
                    if let code = attempt.errorCode ?? (isLast ? request.error?.code : nil) { tip += ", \(code)" }
                    if attempt.delayBeforeMs > 0 { tip += ", waited \(NumberText.compact(attempt.delayBeforeMs)) ms before" }
                    svg += "<rect x=\"\(f(x0))\" y=\"\(f(mid - 6))\" width=\"\(f(w))\" height=\"12\" rx=\"2\" class=\"attempt \(ok ? "ok" : "bad")\"><title>\(Escaping.xml(tip))</title></rect>"
                    previousEnd = attempt.endNs
                }
                // Chunks: first token, then cumulative inter-chunk gaps.
                if let first = request.tFirstTokenNs ?? request.tFirstChunkNs {
                    let fx = x(first)
                    svg += "<path d=\"M\(f(fx)) \(f(mid - 9)) l4 4 l-4 4 l-4 -4 z\" class=\"first-token\"><title>first token at \(NumberText.compact(Double(first) / 1e6)) ms</title></path>"
                    // All ticks of a request in one path (compact: a few bytes per chunk).
                    var t = Double(first)
                    let gaps = request.chunkGapsMs
                    let stride = max(1, gaps.count / 300)
                    var d = ""
                    for (i, gap) in gaps.enumerated() {
                        t += gap * 1e6
                        guard i % stride == 0 else { continue }
                        d += "M\(f(x(Int64(t)))) \(f(mid - 8))v5"
                    }
                    if !d.isEmpty {
                        svg += "<path d=\"\(d)\" class=\"chunk\"><title>\(gaps.count + 1) content chunks</title></path>"
                    }
                }
            }
            svg += "<text x=\"\(f(Double(width) - 6))\" y=\"\(f(mid))\" dominant-baseline=\"middle\" text-anchor=\"end\" class=\"tick\">\(NumberText.compact(Double(end) / 1e6)) ms</text>"
        }
        svg += "</svg>"
        if results.filter({ !$0.requests.isEmpty }).count > maxRows {
            svg += "<p class=\"muted\">Only the first \(maxRows) scenarios with requests are drawn.</p>"
        }
        return svg
    }

    /// Latest timestamp of a scenario's requests (ns), at least 1.
    static func rowEnd(_ result: ScenarioResult) -> Int64 {
        var end: Int64 = 1
        for r in result.requests {
            end = max(end, r.tEndNs ?? 0, r.tLastTokenNs ?? 0, r.tFirstTokenNs ?? 0, r.tSendNs)
            for a in r.attempts { end = max(end, a.endNs) }
            if let first = r.tFirstTokenNs { end = max(end, first + Int64(r.chunkGapsMs.reduce(0, +) * 1e6)) }
        }
        return end
    }

    /// An HTML id for a scenario: `[A-Za-z0-9_-]` only, prefixed.
    static func anchor(_ id: String) -> String {
        "s-" + String(id.unicodeScalars.map { scalar -> Character in
            let v = scalar.value
            let ok = (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) || v == 0x5F || v == 0x2D
            return ok ? Character(scalar) : "_"
        })
    }

    /// Coordinates with one decimal, '.' separator.
    static func f(_ value: Double) -> String { NumberText.fixed(value, digits: 1) }
}
