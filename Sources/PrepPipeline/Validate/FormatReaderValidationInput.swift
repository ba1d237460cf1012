import Foundation
import PrepCore
import PrepFormats

/// MMOCR 1.x JSON, PaddleOCR det/rec/KIE label files, docTR `labels.json`, imagefolder
/// `metadata.jsonl`, EasyOCR `labels.csv` and tesstrain folders, read through the format layer's readers
/// (`AnnotationFormat`), so `prep validate` and `prep show` check every format prep writes. The
/// other formats have dedicated inputs that also report JSON byte offsets and LMDB keys.
public struct FormatReaderValidationInput: ValidationInput {
    public static let formatName = "mmocr1/paddle"
    /// The formats this input takes; the others stay with their dedicated inputs.
    static let handled: Set<AnnotationFormat> = [.mmocr1, .paddleDet, .paddleRec, .paddleKIE, .doctr, .hf, .easyocr, .tesstrain]

    let url: URL
    let imageRoot: URL
    let format: AnnotationFormat

    public static func detect(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        // docTR / imagefolder / EasyOCR / tesstrain split folders, and their label files.
        guard folder || ["json", "txt", "jsonl", "csv"].contains(url.pathExtension.lowercased()),
              let found = try? AnnotationFormat.detect(url) else { return false }
        return handled.contains(found.format)
    }

    public init(url: URL, images: URL?) throws {
        self.url = url
        // MMOCR 1.x img_path is relative to data_root and PaddleOCR's to data_dir: the folder
        // the annotation file sits in, as prep writes them.
        format = try AnnotationFormat.detect(url).format
        // docTR names its images relative to images/ beside labels.json; a tesstrain folder holds them.
        var isDir: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        let base = folder ? url : url.deletingLastPathComponent()
        imageRoot = images ?? (format == .doctr ? base.appendingPathComponent("images") : base)
    }

    public func forEach(_ body: (ValidationRecord) throws -> Void) throws {
        if format == .mmocr1 {
            for t in NonJSONNumbers.tokens(in: try FileBytes.readInput(url)) {
                try body(.anomaly(.nonJSONNumber, RecordPosition(file: url.path, line: t.line, item: "line \(t.line), column \(t.column)"),
                                  NonJSONNumbers.message("a number", t.token)))
            }
        }
        let reader = try format.open(url)
        var index = 0
        var bodyError: Error?
        try reader.forEach(skipped: { error in
            guard bodyError == nil else { return }
            do { try body(.anomaly(.parseError, position(of: error), reason(of: error))) } catch { bodyError = error }
        }) { record in
            if let bodyError { throw bodyError }
            let p = position(record.location, index: index)
            index += 1
            switch reader.kind {
            case .recognition:
                try body(.label(LabelRecord(imageName: record.imagePath, text: record.instances.first?.text ?? "",
                                            position: p, image: ValidationInputs.resolve(record.imagePath, under: imageRoot))))
            case .detection:
                let key = "\(index)"
                try body(.page(PageRecord(key: key, name: record.imagePath, width: record.width, height: record.height,
                                          position: p, image: ValidationInputs.resolve(record.imagePath, under: imageRoot))))
                for instance in record.instances {
                    try body(.instance(InstanceRecord(pageKey: key, instance: instance, position: p)))
                }
            }
        }
        if let bodyError { throw bodyError }
    }

    private func position(_ location: RecordLocation, index: Int) -> RecordPosition {
        RecordPosition(file: location.file, line: location.line, item: location.element ?? location.line.map { "line \($0)" } ?? "record \(index)")
    }

    private func position(of error: PrepError) -> RecordPosition {
        if case let .input(file, line, _) = error {
            // JSON readers name the element after the path (`file data_list[3]`).
            if file.hasPrefix(url.path + " ") {
                return RecordPosition(file: url.path, line: line, item: String(file.dropFirst(url.path.count + 1)))
            }
            return RecordPosition(file: file, line: line, item: line.map { "line \($0)" } ?? file)
        }
        return RecordPosition(file: url.path, item: url.lastPathComponent)
    }

    private func reason(of error: PrepError) -> String {
        if case let .input(_, _, reason) = error { return reason }
        return error.description
    }
}
