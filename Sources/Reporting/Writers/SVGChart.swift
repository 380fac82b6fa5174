import Foundation
import HTTPWire

// MARK: - SVGChart

/// Inline SVG charts for `report.html`: histograms and the per-scenario timeline of attempts and chunks.
/// Pure string building; every label is escaped.
public enum SVGChart {
    // MARK: - Histogram

    /// Fewest samples a histogram is drawn for (default 10).
    static let minimumHistogramSamples = 10

    /// A histogram of `samples` (ms) with p50/p95/p99 markers, or a "no data" note.
    ///
    /// Uses a log-scaled axis (4 bins per decade) when the positive samples span two decades or more between p1
    /// and p99 (a mock answering in 1 ms next to an injected 80 ms delay); otherwise linear bins of a nice width,
    /// with a long tail beyond 3 × p99 counted instead of drawn.
    public static func histogram(samples: [Double], title: String, unit: String, color: String, width: Int = 560, height: Int = 250) -> String {
        let values = samples.filter(\.isFinite)
        guard let stats = Statistics(samples: values) else {
            return "<div class=\"nodata\">No \(Escaping.xml(title)) samples in this run.</div>"
        }
        // A distribution of a handful of samples says nothing; the latency table still lists them.
        guard values.count >= minimumHistogramSamples else {
            return "<div class=\"nodata\">Too few \(Escaping.xml(title)) samples to draw a distribution (n=\(values.count), at least \(minimumHistogramSamples) needed).</div>"
        }
        let layout = HistogramLayout(values: values, stats: stats)
        let left = 48.0
        let right = 16.0
        let top = 34.0
        let bottom = 40.0
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let ticks = yTicks(layout.counts.max() ?? 1)
        let maxCount = max(1, ticks.last ?? 1)
        func x(_ v: Double) -> Double { left + layout.position(v) * plotW }
        func y(_ c: Int) -> Double { top + plotH - Double(c) / Double(maxCount) * plotH }

        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(Escaping.xmlAttribute(title))\">"
        svg += "<title>\(Escaping.xml(title)), n=\(values.count)</title>"
        for tick in ticks {
            let ty = f(y(tick))
            svg += "<line x1=\"\(f(left))\" y1=\"\(ty)\" x2=\"\(f(left + plotW))\" y2=\"\(ty)\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(ty)\" class=\"tick\" text-anchor=\"end\" dominant-baseline=\"middle\">\(tick)</text>"
        }
        for (i, count) in layout.counts.enumerated() where count > 0 {
            let from = layout.edges[i]
            let to = layout.edges[i + 1]
            let x0 = x(from)
            let x1 = x(to)
            let range = i == 0 && layout.isLog ? "≤ \(layout.label(to))" : "\(layout.label(from))–\(layout.label(to))"
            svg += "<rect x=\"\(f(x0 + 0.5))\" y=\"\(f(y(count)))\" width=\"\(f(max(1, x1 - x0 - 1)))\" height=\"\(f(top + plotH - y(count)))\" fill=\"\(color)\" rx=\"1.5\">"
            svg += "<title>\(range) \(Escaping.xml(unit)): \(count)</title></rect>"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" class=\"axis\"/>"
        let tickValues = layout.tickValues
        for (index, value) in tickValues.enumerated() {
            let anchor = index == tickValues.count - 1 && layout.position(value) > 0.97 ? "end" : "middle"
            svg += "<text x=\"\(f(x(value)))\" y=\"\(f(top + plotH + 16))\" class=\"tick\" text-anchor=\"\(anchor)\">\(layout.tickLabel(value))</text>"
        }
        let scale = layout.isLog ? ", log scale" : ""
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(Double(height) - 6))\" class=\"label\" text-anchor=\"middle\">\(Escaping.xml(unit)) (n=\(values.count)\(scale))</text>"
        // Percentile markers: dashed lines, values in a legend line above the plot.
        let markers: [(String, Double)] = [("p50", stats.p50), ("p95", stats.p95), ("p99", stats.p99)]
        var legend: [String] = []
        var lastLabelX = -100.0
        for (name, value) in markers {
            legend.append("\(name) \(NumberText.compact(value))")
            guard value <= layout.upper else { continue }
            let mx = x(value)
            svg += "<line x1=\"\(f(mx))\" y1=\"\(f(top))\" x2=\"\(f(mx))\" y2=\"\(f(top + plotH))\" class=\"marker\"><title>\(name) \(NumberText.compact(value)) \(Escaping.xml(unit))</title></line>"
            if mx - lastLabelX >= 24 {  // skip a label that would overprint the previous one
                svg += "<text x=\"\(f(mx))\" y=\"\(f(top - 4))\" class=\"marker-label\" text-anchor=\"middle\">\(name)</text>"
                lastLabelX = mx
            }
        }
        svg += "<text x=\"\(f(left))\" y=\"12\" class=\"legend-text\">\(legend.joined(separator: "  ·  ")) \(Escaping.xml(unit))</text>"
        if layout.overflow > 0 {
            svg += "<text x=\"\(f(left + plotW))\" y=\"12\" class=\"overflow\" text-anchor=\"end\">+\(layout.overflow) above \(NumberText.compact(layout.upper)) (max \(NumberText.compact(stats.max)))</text>"
        }
        svg += "</svg>"
        return svg
    }

    /// Bin edges, counts and axis mapping of one histogram.
    struct HistogramLayout {
        var edges: [Double]
        var counts: [Int]
        var isLog: Bool
        /// Samples beyond the last edge (linear layout only).
        var overflow: Int
        var decimals: Int

        var lower: Double { edges.first ?? 0 }
        var upper: Double { edges.last ?? 1 }

        init(values: [Double], stats: Statistics) {
            let positives = values.filter { $0 > 0 }.sorted()
            let spansDecades: Bool = {
                guard positives.count >= 10 else { return false }
                let p1 = Statistics.percentile(sorted: positives, 1)
                let p99 = Statistics.percentile(sorted: positives, 99)
                return p1 > 0 && p99 / p1 >= 100
            }()
            if spansDecades, let smallest = positives.first, let largest = positives.last {
                let lowExponent = (log10(smallest)).rounded(.down)
                let highExponent = max(lowExponent + 1, (log10(largest)).rounded(.up))
                let binsPerDecade = 4.0
                let count = Int((highExponent - lowExponent) * binsPerDecade)
                edges = (0...count).map { pow(10, lowExponent + Double($0) / binsPerDecade) }
                var counts = [Int](repeating: 0, count: count)
                for v in values {
                    let position = v > 0 ? (log10(v) - lowExponent) * binsPerDecade : 0
                    counts[min(count - 1, max(0, Int(position.rounded(.down))))] += 1
                }
                self.counts = counts
                isLog = true
                overflow = 0
                decimals = max(0, Int(-lowExponent))
            } else {
                // Long tails (one 5 s stall among 15 ms gaps) would squash the body: draw up to a cut-off, count the rest.
                let cutoff = stats.max > stats.p99 * 3 && stats.p99 > stats.min ? stats.p99 * 1.5 : stats.max
                let drawn = values.filter { $0 <= cutoff }
                let bins = SVGChart.makeBins(drawn, lower: stats.min, upper: min(cutoff, drawn.max() ?? cutoff))
                edges = (0...bins.counts.count).map { bins.start + bins.width * Double($0) }
                counts = bins.counts
                isLog = false
                overflow = values.count - drawn.count
                decimals = SVGChart.axisDecimals(bins.width)
            }
        }

        /// 0…1 along the axis.
        func position(_ value: Double) -> Double {
            if isLog {
                let lo = log10(lower)
                let hi = log10(upper)
                let v = value > 0 ? log10(value) : lo
                return (min(max(v, lo), hi) - lo) / max(hi - lo, 1e-9)
            }
            return (min(max(value, lower), upper) - lower) / max(upper - lower, 1e-9)
        }

        /// Axis labels: every decade (log) or about six evenly spaced edges (linear).
        var tickValues: [Double] {
            if isLog { return edges.enumerated().filter { $0.offset % 4 == 0 }.map(\.element) }
            let step = max(1, Int((Double(counts.count) / 6).rounded(.up)))
            return stride(from: 0, through: counts.count, by: step).map { edges[$0] }
        }

        /// An axis label: decades as `0.01`, `1`, `100`, `10k`; linear edges with the bin width's decimals.
        func tickLabel(_ value: Double) -> String {
            guard isLog else { return label(value) }
            let exponent = Int(log10(value).rounded())
            if exponent < 0 { return NumberText.fixed(value, digits: -exponent) }
            if exponent >= 3 { return NumberText.fixed(value / 1000, digits: 0) + "k" }
            return NumberText.fixed(value, digits: 0)
        }

        func label(_ value: Double) -> String {
            if isLog { return value >= 1 ? NumberText.compact(value) : NumberText.fixed(value, digits: max(decimals, 1)) }
            return NumberText.fixed(value, digits: decimals)
        }
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

    /// One row per scenario with requests: attempts as bars (green completed, amber failed as the scenario
    /// expected — an injected fault the client handled — red failed unexpectedly), backoff as a dashed line,
    /// first token as a diamond and later content chunks as ticks. Each row is scaled to its own duration.
    ///
    /// Every scenario is drawn: the first `pageSize` rows openly, the others in collapsed pages of the same size.
    static func timeline(_ results: [ScenarioResult], pageSize: Int = 100, width: Int = 1000) -> String {
        // Failures first (they are what the reader came for), then the rest; each group by id.
        let withRequests = results.filter { !$0.requests.isEmpty }
        let failing = withRequests.filter { $0.outcome.status == .failed || $0.outcome.status == .error }
        let rest = withRequests.filter { $0.outcome.status != .failed && $0.outcome.status != .error }
        let rows = failing + rest
        guard !rows.isEmpty else { return "<div class=\"nodata\">No request traces to draw.</div>" }
        let size = max(1, pageSize)
        var html = timelineRows(rows.prefix(size), width: width)
        var start = size
        while start < rows.count {
            let end = min(rows.count, start + size)
            html += "<details class=\"timeline-page\"><summary>Scenarios \(start + 1)–\(end) of \(rows.count)</summary>"
            html += timelineRows(rows[start..<end], width: width) + "</details>"
            start = end
        }
        return html
    }

    static func timelineRows(_ rows: ArraySlice<ScenarioResult>, width: Int) -> String {
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
                    // The final attempt carries the stream: draw it to the request's end even when the runner
                    // recorded the attempt's end at the response head.
                    let streamEnd = isLast ? max(request.tEndNs ?? 0, request.tLastTokenNs ?? 0) : 0
                    let end = max(attempt.endNs, attempt.startNs, streamEnd)
                    let x0 = x(attempt.startNs)
                    let w = max(2, x(end) - x0)
                    var tip = "\(request.requestID) attempt \(attempt.attempt): \(NumberText.compact(Double(attempt.startNs) / 1e6))–\(NumberText.compact(Double(end) / 1e6)) ms"
                    if let status = attempt.status { tip += ", HTTP \(status)" }
                    if let code = attempt.errorCode ?? (isLast ? request.error?.code : nil) { tip += ", \(code)" }
                    if attempt.delayBeforeMs > 0 { tip += ", waited \(NumberText.compact(attempt.delayBeforeMs)) ms before" }
                    let tone = ok ? "ok" : result.errorsAreExpected ? "expected" : "bad"
                    if tone == "expected" { tip += " (expected: injected fault, handled)" }
                    svg += "<rect x=\"\(f(x0))\" y=\"\(f(mid - 6))\" width=\"\(f(w))\" height=\"12\" rx=\"2\" class=\"attempt \(tone)\"><title>\(Escaping.xml(tip))</title></rect>"
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
