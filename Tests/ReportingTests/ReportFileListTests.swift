import Foundation
import Testing
@testable import Reporting

/// One list of report files (issue 11 item 8, issue 9 item 7): what is written, what the docs list.
@Suite struct ReportFileListTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func theListIsWhatIsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmcheck-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = RunReport(runID: "r", toolVersion: "t", startedAt: Date(), finishedAt: Date(), results: [])
        let written = try ReportSet.write(report, to: directory).map(\.lastPathComponent)
        #expect(written == ReportSet.files.map(\.name))
        let present = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(present == ReportSet.files.map(\.name).sorted())
    }

    @Test func theDocsListEveryFile() throws {
        let docs = try String(contentsOfFile: Self.repositoryRoot + "/docs/reports.md", encoding: .utf8)
        let readme = try String(contentsOfFile: Self.repositoryRoot + "/Reports/README.md", encoding: .utf8)
        for file in ReportSet.files {
            #expect(docs.contains("| `\(file.name)` |"), "docs/reports.md lists \(file.name)")
            #expect(readme.contains("| `\(file.name)` |"), "Reports/README.md lists \(file.name)")
        }
    }
}
