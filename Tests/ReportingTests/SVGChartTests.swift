import Foundation
import Testing
@testable import Reporting

@Suite("SVG charts")
struct SVGChartTests {
    @Test("narrow distributions get linear bins; every sample is counted once")
    func linear() throws {
        let values = (0..<200).map { 10 + Double($0 % 37) * 0.5 }
        let stats = try #require(Statistics(samples: values))
        let layout = SVGChart.HistogramLayout(values: values, stats: stats)
        #expect(!layout.isLog)
        #expect(layout.counts.reduce(0, +) + layout.overflow == values.count)
        #expect(zip(layout.edges, layout.edges.dropFirst()).allSatisfy { $0 < $1 })
        #expect(layout.lower <= stats.min && layout.upper >= stats.max)
    }

    @Test("a long tail is counted, not drawn, on a linear axis")
    func tail() throws {
        let values = (0..<300).map { 15 + Double($0 % 10) } + [5000]
        let layout = SVGChart.HistogramLayout(values: values, stats: try #require(Statistics(samples: values)))
        #expect(!layout.isLog)
        #expect(layout.overflow == 1)
        #expect(layout.upper < 100)
    }

    @Test("distributions spanning decades get a log axis; zeros land in the first bin")
    func logarithmic() throws {
        let fast: [Double] = (0..<100).map { Double($0 % 10) * 0.1 + 0.5 }
        let slow: [Double] = (0..<20).map { 60 + Double($0) }
        let values: [Double] = fast + slow + [0, 0]
        let layout = SVGChart.HistogramLayout(values: values, stats: try #require(Statistics(samples: values)))
        #expect(layout.isLog)
        #expect(layout.counts.reduce(0, +) == values.count)
        #expect(layout.overflow == 0)
        #expect(layout.tickValues.map(layout.tickLabel) == ["0.1", "1", "10", "100"])
        #expect(layout.position(0) == 0)
        #expect(layout.position(1e9) == 1)
    }

    @Test("the histogram SVG is well-formed XML and states its scale")
    func wellFormed() throws {
        let values = (1...500).map { Double($0) * 0.37 }
        let svg = SVGChart.histogram(samples: values, title: "TTFT <distribution>", unit: "ms", color: "#000")
        let (_, ok) = XMLCollector.parse(svg)
        #expect(ok)
        #expect(svg.contains("n=500"))
        #expect(svg.contains("TTFT &lt;distribution&gt;"))
        let timeline = SVGChart.timeline(SampleReport.make().results)
        let (_, timelineOK) = XMLCollector.parse(timeline)
        #expect(timelineOK)
    }
}
