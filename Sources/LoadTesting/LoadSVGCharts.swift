import HTTPWire
import Reporting

/// The load-specific SVG charts of `load.html` (histograms come from Reporting's ``SVGChart``):
/// metrics versus load level for a sweep, and a timeline of requests.
enum LoadSVGCharts {
    /// One line per series over the sweep levels; points labelled with their values.
    static func lines(title: String, xLabel: String, unit: String, levels: [Double], series: [(name: String, color: String, values: [Double?])],
                      width: Int = 560, height: Int = 260) -> String {
        let left = 56.0, right = 16.0, top = 34.0, bottom = 40.0
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let all = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        guard !levels.isEmpty, let maxY = all.max() else { return "<div class=\"nodata\">No \(Escaping.xml(title)) data.</div>" }
        let yMax = maxY > 0 ? maxY * 1.1 : 1
        func x(_ i: Int) -> Double { levels.count == 1 ? left + plotW / 2 : left + Double(i) / Double(levels.count - 1) * plotW }
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(Escaping.xmlAttribute(title))\">"
        svg += "<text x=\"\(f(left))\" y=\"16\" class=\"label\">\(Escaping.xml(title))</text>"
        for k in 0...4 {
            let v = yMax * Double(k) / 4
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(v)))\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v)))\" class=\"tick\" text-anchor=\"end\" dominant-baseline=\"middle\">\(LoadFormat.number((v * 10).rounded() / 10))</text>"
        }
        for (i, level) in levels.enumerated() {
            svg += "<text x=\"\(f(x(i)))\" y=\"\(f(top + plotH + 16))\" class=\"tick\" text-anchor=\"middle\">\(LoadFormat.number(level))</text>"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 6)\" class=\"label\" text-anchor=\"middle\">\(Escaping.xml(xLabel)) (\(Escaping.xml(unit)))</text>"
        var legendX = left + 160
        for s in series {
            let points = s.values.enumerated().compactMap { i, v in v.map { "\(f(x(i))),\(f(y($0)))" } }
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            for (i, v) in s.values.enumerated() {
                guard let v else { continue }
                svg += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"3\" fill=\"\(s.color)\"><title>\(Escaping.xml(s.name)) at \(LoadFormat.number(levels[i])): \(LoadFormat.number(v))</title></circle>"
            }
            svg += "<text x=\"\(f(legendX))\" y=\"16\" class=\"tick\" fill=\"\(s.color)\">■ \(Escaping.xml(s.name))</text>"
            legendX += 110
        }
        return svg + "</svg>"
    }

    /// Requests as horizontal bars from send to end (TTFT marked), at most `maxRows`, evenly sampled.
    static func timeline(_ samples: [LoadSample], maxRows: Int = 300, width: Int = 1000) -> String {
        guard !samples.isEmpty else { return "<div class=\"nodata\">No requests.</div>" }
        let sorted = samples.sorted { $0.trace.tSendNs < $1.trace.tSendNs }
        let step = max(1, (sorted.count + maxRows - 1) / maxRows)
        let rows = stride(from: 0, to: sorted.count, by: step).map { sorted[$0] }
        let start = sorted.first?.trace.tSendNs ?? 0
        let end = max(start + 1, sorted.compactMap { $0.trace.tEndNs ?? $0.trace.tLastTokenNs }.max() ?? start + 1)
        let left = 10.0, right = 10.0, top = 20.0
        let rowH = 3.0
        let plotW = Double(width) - left - right
        let height = Int(top + Double(rows.count) * rowH + 30)
        func x(_ ns: Int64) -> Double { left + Double(ns - start) / Double(end - start) * plotW }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"request timeline\">"
        svg += "<text x=\"\(f(left))\" y=\"14\" class=\"label\">\(rows.count) of \(sorted.count) requests; grey: waiting for the first token, blue: streaming, red: failed</text>"
        for (i, sample) in rows.enumerated() {
            let t = sample.trace
            let y = top + Double(i) * rowH
            let stop = t.tEndNs ?? t.tLastTokenNs ?? t.tSendNs
            let first = t.tFirstTokenNs ?? stop
            let failed = !sample.isCompleted
            svg += "<rect x=\"\(f(x(t.tSendNs)))\" y=\"\(f(y))\" width=\"\(f(max(0.5, x(first) - x(t.tSendNs))))\" height=\"\(f(rowH - 0.6))\" fill=\"\(failed ? "#d64545" : "#b8c2cc")\"><title>\(Escaping.xml(t.requestID))\(failed ? " " + Escaping.xml(sample.errorClass ?? "failed") : "")</title></rect>"
            if !failed, stop > first {
                svg += "<rect x=\"\(f(x(first)))\" y=\"\(f(y))\" width=\"\(f(max(0.5, x(stop) - x(first))))\" height=\"\(f(rowH - 0.6))\" fill=\"#3b82c4\"/>"
            }
        }
        let seconds = Double(end - start) / 1e9
        svg += "<text x=\"\(f(left))\" y=\"\(height - 8)\" class=\"tick\">0 s</text>"
        svg += "<text x=\"\(f(left + plotW))\" y=\"\(height - 8)\" class=\"tick\" text-anchor=\"end\">\(LoadFormat.number((seconds * 100).rounded() / 100)) s</text>"
        return svg + "</svg>"
    }

    static func f(_ value: Double) -> String { NumberText.fixed(value, digits: 1) }
}
