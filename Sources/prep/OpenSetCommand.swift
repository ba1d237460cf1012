import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep closeset-to-openset IN OUT`: WildReceipt close-set KIE labels → open-set (key/value edges).
struct OpenSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closeset-to-openset",
        abstract: "Convert WildReceipt close-set KIE line-JSON to the open-set form (as MMOCR's kie/closeset_to_openset.py).",
        discussion: """
        Each line of IN is one receipt: file_name, height, width and annotations with a close-set \
        label 0–25 (0 Ignore, odd *_value, even *_key, 25 Others). OUT gets one line per receipt with \
        labels bg 0 / key 1 / value 2 / others 3 and an edge id shared by each key and its value. \
        Blank lines, invalid JSON and labels outside 0–25 are skipped and reported with their line.

        Examples:
          prep closeset-to-openset data/wildreceipt/train.txt data/wildreceipt/openset_train.txt
          prep closeset-to-openset test.txt openset_test.txt --merge --report kie.json
        """)

    @Argument(help: "Close-set annotation file (line JSON).")
    var input: String

    @Argument(help: "Open-set annotation file to write.")
    var output: String

    @Flag(name: .long, help: "Give 'others' nodes the background label (0).")
    var merge = false

    @Option(name: .customLong("n_proc"), help: .hidden)
    var legacyNProc: Int?

    @OptionGroup var common: RunOptions

    func run() throws {
        OutputGuard.shared.addInputs([input])
        let input = URL(fileURLWithPath: self.input).standardizedFileURL
        guard FileManager.default.fileExists(atPath: input.path) else {
            throw PrepError.io(path: input.path, reason: "no such file")
        }
        let job = OpenSetJob(input: input, output: URL(fileURLWithPath: output).standardizedFileURL,
                             mergeOthers: merge, strict: common.strict)
        try RunOptions.running("closeset-to-openset", common) { try job.run(report: $0) }
    }
}
