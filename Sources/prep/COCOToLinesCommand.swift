import Foundation
import ArgumentParser
import PrepCore
import PrepFormats

/// `prep coco-to-lines IN.json OUT.txt`: COCO detection JSON → MMOCR line-JSON.
struct COCOToLinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coco-to-lines",
        abstract: "Convert COCO detection JSON to MMOCR line-JSON, one image per line (as MMOCR's textdet/coco_to_line_dict.py).",
        discussion: """
        Each line is {"file_name", "height", "width", "annotations"} with the annotations' iscrowd, \
        category_id, bbox and segmentation, images in file order. A file without 'annotations' gives \
        images with none; an entry missing a key is skipped and reported by its index.

        Examples:
          prep coco-to-lines data/icdar2015/instances_training.json data/icdar2015/instances_training.txt
          prep coco-to-lines --in-path instances_test.json --out-path instances_test.txt
        """)

    @Argument(help: "COCO JSON file.")
    var input: String?

    @Argument(help: "Line-JSON file to write.")
    var output: String?

    @Option(name: .customLong("in-path"), help: "The input, as the reference spells it.")
    var inPath: String?

    @Option(name: .customLong("out-path"), help: "The output, as the reference spells it.")
    var outPath: String?

    @OptionGroup var common: RunOptions

    func run() throws {
        OutputGuard.shared.addInputs([input ?? inPath])
        guard let inName = input ?? inPath, let outName = output ?? outPath else {
            throw PrepError.usage("coco-to-lines needs IN.json and OUT.txt")
        }
        let input = URL(fileURLWithPath: inName).standardizedFileURL
        let output = URL(fileURLWithPath: outName).standardizedFileURL
        try RunOptions.running("coco-to-lines", common) { report in
            let data = try FileBytes.readInput(input)
            let doc: JSONValue
            do { doc = try JSONReader.parse([UInt8](data)) } catch let e as JSONReader.Failure {
                throw PrepError.input(file: input.path, line: nil, reason: "not valid JSON: \(e)")
            }
            let lines = try COCOLineDict(document: doc, file: input.path)
            for s in lines.skipped { report.skip(split: "images", file: "\(input.path) \(s.position)", reason: s.reason) }
            if lines.droppedAnnotations > 0 {
                report.warn(split: nil, file: input.path, reason: "\(lines.droppedAnnotations) annotation(s) name an image_id not in 'images' (dropped, as the reference does)")
            }
            try OutputStaging.writing(into: output.deletingLastPathComponent(), strict: common.strict, report: report) { staging in
                // The reference's lines carry no transcriptions.
                let writer = try LineJSONWriter(url: try staging.url(for: output.lastPathComponent), keepText: false)
                for line in lines.lines {
                    try writer.addImage(fileName: line.fileName, height: line.height, width: line.width, annotations: line.annotations)
                    report.update(split: "images") { $0.images += 1; $0.instances += line.annotationCount }
                }
                try writer.finish()
            }
            report.update(split: "images") { $0.outputs.append(output.lastPathComponent) }
        }
    }
}
