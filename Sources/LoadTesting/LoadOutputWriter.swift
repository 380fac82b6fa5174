import Foundation
import Reporting

/// Writes `--out DIR`: `load.json` (with every sample), `requests.csv` and `load.html`.
public enum LoadOutputWriter {
    public static let fileNames = ["load.json", "requests.csv", "load.html"]

    /// - Returns: the paths written.
    /// - Throws: the file system's error when the directory or a file cannot be written.
    public static func write(_ report: LoadReport, to directory: String, comparisons: [BaselineComparison] = []) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = URL(fileURLWithPath: directory)
        let json = base.appendingPathComponent("load.json")
        try report.jsonData(pretty: false).write(to: json, options: .atomic)
        let csv = base.appendingPathComponent("requests.csv")
        try Data(LoadCSVWriter.render(report).utf8).write(to: csv, options: .atomic)
        let html = base.appendingPathComponent("load.html")
        try Data(LoadHTMLWriter.render(report, comparisons: comparisons).utf8).write(to: html, options: .atomic)
        return [json.path, csv.path, html.path]
    }
}
