import Foundation
import PrepCore
import PrepConverters

/// `prep closeset-to-openset`: converts a WildReceipt close-set line-JSON file to the open-set
/// form line by line (`CloseSetToOpenSet`). A line that is blank, not JSON or carries a label
/// outside 0–25 is skipped and reported with its line number; every other line is written in
/// input order, UTF-8 (`ensure_ascii=False`), each ending with a newline, as the reference does.
public struct OpenSetJob {
    public var input: URL
    public var output: URL
    public var converter: CloseSetToOpenSet
    public var strict: Bool

    public init(input: URL, output: URL, mergeOthers: Bool, strict: Bool = false) {
        self.input = input
        self.output = output
        self.converter = CloseSetToOpenSet(mergeOthers: mergeOthers)
        self.strict = strict
    }

    /// Runs the conversion; the output file appears only when the run succeeded.
    public func run(report: RunReport) throws {
        report.options["merge"] = converter.mergeOthers ? "true" : "false"
        try OutputStaging.writing(into: output.deletingLastPathComponent(), strict: strict, report: report) { staging in
            try Self.convert(input, to: try staging.url(for: output.lastPathComponent), converter: converter, row: "openset", report: report)
            report.update(split: "openset") { $0.outputs.append(output.lastPathComponent) }
        }
    }

    /// Converts one close-set file into `url`, line by line; bad lines are reported under `row`.
    static func convert(_ input: URL, to url: URL, converter: CloseSetToOpenSet, row: String, report: RunReport) throws {
        let reader = try LineReader(url: input)
        let writer = try BufferedFileWriter(url: url)
        let json = PyJSON(ensureASCII: false)
        while let line = reader.next() {
            let record: JSONValue
            do {
                let text = try reader.decode(line)
                if TextTrim.strip(text).isEmpty {
                    report.skip(split: row, file: input.path, line: line.number, reason: "blank line")
                    continue
                }
                record = try converter.convert(try JSONReader.parse(text))
            } catch let e as JSONReader.Failure {
                report.skip(split: row, file: input.path, line: line.number, reason: "not valid JSON: \(e)")
                continue
            } catch let e as CloseSetToOpenSet.Failure {
                report.skip(split: row, file: input.path, line: line.number, reason: e.reason)
                continue
            } catch let PrepError.input(_, _, reason) {
                report.skip(split: row, file: input.path, line: line.number, reason: reason)
                continue
            }
            try writer.append { json.write(record, to: &$0); $0.append(0x0A) }
            report.update(split: row) {
                $0.images += 1
                $0.instances += record["annotations"]?.array?.count ?? 0
            }
        }
        try writer.close()
    }
}
