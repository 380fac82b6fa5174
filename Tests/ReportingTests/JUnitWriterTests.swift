import Foundation
import Testing
@testable import Reporting
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Collects elements and attributes of a parsed XML document.
final class XMLCollector: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    var elements: [Element] = []
    private var stack: [Int] = []
    var error: (any Error)?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let top = stack.last { elements[top].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = parseError }

    static func parse(_ xml: String) -> (XMLCollector, Bool) {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        let ok = parser.parse()
        return (collector, ok)
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
}

@Suite("JUnit writer")
struct JUnitWriterTests {
    @Test("produces well-formed XML with counts that agree with the testcases")
    func wellFormedAndCounted() throws {
        let report = SampleReport.make()
        let xml = JUnitWriter().render(report)
        let (doc, ok) = XMLCollector.parse(xml)
        #expect(ok, "XMLParser error: \(String(describing: doc.error))")
        let root = try #require(doc.all("testsuites").first)
        let counts = report.counts
        #expect(root.attributes["tests"] == String(counts.total))
        #expect(root.attributes["failures"] == String(counts.failed))
        #expect(root.attributes["errors"] == String(counts.errors))
        #expect(root.attributes["skipped"] == String(counts.skipped))
        #expect(doc.all("testcase").count == counts.total)
        #expect(doc.all("failure").count == counts.failed)
        #expect(doc.all("error").count == counts.errors)
        #expect(doc.all("skipped").count == counts.skipped)
        for suite in doc.all("testsuite") {
            let name = try #require(suite.attributes["name"])
            #expect(name.hasPrefix("conformance."))
            #expect(name.split(separator: ".").count == 3)
            for key in ["id", "package", "timestamp", "hostname", "tests", "failures", "errors", "skipped", "time"] {
                #expect(suite.attributes[key] != nil, "testsuite \(name) lacks \(key)")
            }
            #expect(suite.attributes["timestamp"] == "2026-11-18T11:06:40")
        }
        // Identity classname+name is unique.
        let identities = doc.all("testcase").map { "\($0.attributes["classname"] ?? "")|\($0.attributes["name"] ?? "")" }
        #expect(Set(identities).count == identities.count)
        // Every time attribute uses '.' decimals.
        for element in doc.elements {
            if let time = element.attributes["time"] {
                #expect(time.range(of: #"^\d+\.\d{3}$"#, options: .regularExpression) != nil, "bad time '\(time)'")
            }
        }
        let properties = Dictionary(doc.all("property").map { ($0.attributes["name"] ?? "", $0.attributes["value"] ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(properties["run_id"] == "run-42")
        #expect(properties["harness_version"] == "0.1.0")
        #expect(properties["base_url"] == "https://api.example.test/v1")
    }

    @Test("hostile names and messages are escaped and control characters removed")
    func hostileText() throws {
        let hostile = "<\"&]]>\u{1B}[31mred\u{1B}[0m\u{00}\u{0B}"
        let result = ScenarioResult(
            id: "openai.\(hostile)", title: hostile, provider: "open<ai>", capability: "chat \"stream\"",
            filePath: "Scenarios/\(hostile).json",
            outcome: .failed("boom \(hostile)\nsecond line", kind: "kind\(hostile)"), durationSeconds: 1.25,
            findings: [Finding(id: "x", message: hostile, advice: hostile, evidence: [hostile])],
            transcript: "Authorization: Bearer sk-supersecretvalue1234\n\(hostile)")
        let report = RunReport(runID: "r\(hostile)", toolVersion: "0.1.0", startedAt: SampleReport.start,
                               finishedAt: SampleReport.start.addingTimeInterval(2), results: [result])
        let xml = JUnitWriter().render(report)
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!xml.contains("\u{1B}"))
        #expect(!xml.contains("]]>"))
        #expect(!xml.contains("supersecret"))
        let (doc, ok) = XMLCollector.parse(xml)
        #expect(ok, "XMLParser error: \(String(describing: doc.error))")
        let testcase = try #require(doc.all("testcase").first)
        #expect(testcase.attributes["name"] == "openai.<\"&]]>red")
        #expect(testcase.attributes["classname"] == "conformance.open-ai.chat--stream")
        let failure = try #require(doc.all("failure").first)
        #expect(failure.attributes["message"] == "boom <\"&]]>red")
        #expect(failure.attributes["type"] == "kind<\"&]]>red")
        #expect(failure.text.contains("second line"))
        let out = try #require(doc.all("system-out").first)
        #expect(out.text.contains("Bearer ***"))
    }

    @Test("output is stable regardless of result order, and duplicate ids stay unique")
    func stableOrdering() throws {
        let report = SampleReport.make()
        var shuffled = report
        shuffled.results.reverse()
        #expect(JUnitWriter().render(report) == JUnitWriter().render(shuffled))
        var dup = report
        dup.results.append(report.results[0])
        let (doc, ok) = XMLCollector.parse(JUnitWriter().render(dup))
        #expect(ok)
        let names = doc.all("testcase").map { "\($0.attributes["classname"] ?? "")|\($0.attributes["name"] ?? "")" }
        #expect(Set(names).count == names.count)
        #expect(names.contains { $0.hasSuffix("#2") })
    }

    @Test("system-out is capped")
    func cappedSystemOut() throws {
        let result = ScenarioResult(id: "a", title: "a", provider: "openai", capability: "chat", outcome: .error("x"), durationSeconds: 0,
                                    transcript: String(repeating: "0123456789", count: 100_000))
        let report = RunReport(runID: "r", toolVersion: "0", startedAt: SampleReport.start, finishedAt: SampleReport.start, results: [result])
        let xml = JUnitWriter(configuration: .init(maxSystemOutBytes: 4096)).render(report)
        #expect(xml.utf8.count < 8000)
        #expect(xml.contains("truncated"))
    }
}
