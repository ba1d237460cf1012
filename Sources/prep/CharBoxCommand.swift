import Foundation
import ArgumentParser
import PrepCore
import PrepConverters

/// `prep synthtext-char DATA_ROOT IN_PATH OUT_PATH`: SynthText character boxes → line JSON.
struct CharBoxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthtext-char",
        abstract: "SynthText word crops with character boxes → line JSON (as MMOCR's textrecog/seg_synthtext_converter.py).",
        discussion: """
        IN_PATH lists `image ann_file` pairs (relative to DATA_ROOT); each annotation file holds the \
        word on its first line and one character box per further line. OUT_PATH gets one line per \
        pair: {"file_name", "text", "annotations": [{"char_box", "char_text"}]}. Pairs whose image or \
        annotation is missing, and annotations with more boxes than characters, are skipped and \
        reported with their line.

        Examples:
          prep synthtext-char data/synthtext_char train_list.txt data/synthtext_char/train.txt
          prep synthtext-char --data-root data/st --in-path list.txt --out-path out.txt
        """)

    @Argument(help: "Folder the listed paths are relative to.") var dataRoot: String?
    @Argument(help: "The list of `image ann_file` lines.") var inPath: String?
    @Argument(help: "Line-JSON file to write.") var outPath: String?
    @Option(name: .customLong("data-root"), help: .hidden) var dataRootOption: String?
    @Option(name: .customLong("in-path"), help: .hidden) var inPathOption: String?
    @Option(name: .customLong("out-path"), help: .hidden) var outPathOption: String?
    @OptionGroup var common: RunOptions

    func run() throws {
        OutputGuard.shared.addInputs([inPath ?? inPathOption])
        OutputGuard.shared.addInputs([dataRoot ?? dataRootOption], kind: .root)
        guard let rootName = dataRootOption ?? dataRoot, let inName = inPathOption ?? inPath, let outName = outPathOption ?? outPath else {
            throw PrepError.usage("synthtext-char needs DATA_ROOT, IN_PATH and OUT_PATH")
        }
        let root = URL(fileURLWithPath: rootName).standardizedFileURL
        let list = URL(fileURLWithPath: inName).standardizedFileURL
        let output = URL(fileURLWithPath: outName).standardizedFileURL
        guard FileManager.default.fileExists(atPath: list.path) else { throw PrepError.io(path: list.path, reason: "no such file") }
        try RunOptions.running("synthtext-char", common) { report in
            let row = "words"
            try OutputStaging.writing(into: output.deletingLastPathComponent(), strict: common.strict, report: report) { staging in
                let writer = try BufferedFileWriter(url: try staging.url(for: output.lastPathComponent))
                let json = PyJSON(ensureASCII: true)
                for (number, line) in try LineReader.readAll(list) {
                    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                    if fields.isEmpty { continue }
                    guard fields.count >= 2 else {
                        report.skip(split: row, file: list.path, line: number, reason: "expected `image ann_file`"); continue
                    }
                    let fm = FileManager.default
                    guard fm.fileExists(atPath: root.appendingPathComponent(fields[0]).path) else {
                        report.skip(split: row, file: list.path, line: number, reason: "image \(fields[0]) is absent"); continue
                    }
                    guard fm.fileExists(atPath: root.appendingPathComponent(fields[1]).path) else {
                        report.skip(split: row, file: list.path, line: number, reason: "annotation \(fields[1]) is absent"); continue
                    }
                    do {
                        let record = try CharBoxLabels.record(image: fields[0], annotation: root.appendingPathComponent(fields[1]))
                        try writer.append { json.write(record, to: &$0); $0.append(0x0A) }
                        report.update(split: row) { $0.images += 1; $0.instances += record["annotations"]?.array?.count ?? 0 }
                    } catch let PrepError.input(file, line, reason) {
                        report.skip(split: row, file: file, line: line, reason: reason)
                    }
                }
                try writer.close()
                report.update(split: row) { $0.outputs.append(output.lastPathComponent) }
            }
        }
    }
}
