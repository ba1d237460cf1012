import Foundation
import PrepCore

/// The format family a user asks for with `--to`, resolved to a writer by what is being
/// written (detection or recognition) and whether the instances carry text.
public enum AnnotationTarget: String, Sendable, CaseIterable {
    /// MMOCR 0.x: COCO-style JSON (det), txt/jsonl labels (recog) — the reference's outputs.
    case mmocr0
    /// MMOCR 1.x: textdet / textspotting / textrecog JSON.
    case mmocr1
    /// PaddleOCR det / rec label files.
    case paddle
    /// Standard COCO detection JSON.
    case coco
    /// MMOCR 0.x line-JSON detection.
    case lineJSON = "line-json"
    /// Recognition LMDB (images + labels).
    case lmdb
    /// docTR `labels.json` (detection: DetectionDataset, or OCRDataset with text; recognition).
    case doctr
    /// Hugging Face imagefolder `metadata.jsonl`.
    case hf
    /// tesstrain `<name>.gt.txt` beside each line image (recognition).
    case tesstrain
    /// EasyOCR trainer `labels.csv` (recognition).
    case easyocr
    /// PaddleOCR KIE (SER/RE) label lines (detection records with KIE attributes).
    case paddleKIE = "paddle-kie"

    /// Opens the writer for `kind` at `url`. `hasText`: whether detection instances carry
    /// transcriptions (MMOCR 1.x then writes textspotting, 0.x COCO a `text` key), `labelSyntax`
    /// for 0.x labels, `imageRoot` for LMDB images (decoded to check them unless `verifyImages` is off). Impossible pairs are usage errors.
    public func writer(kind: AnnotationKind, url: URL, hasText: Bool, labelSyntax: LabelFileWriter.Syntax = .jsonl,
                       imageRoot: URL? = nil, verifyImages: Bool = true) throws -> AnnotationWriter {
        switch (self, kind) {
        case (.mmocr0, .detection):
            var layout = COCOWriter.Layout()
            if hasText { layout.annotationKeys = [.iscrowd, .category_id, .bbox, .area, .text, .segmentation] }
            return try COCOWriter(url: url, layout: layout)
        case (.mmocr0, .recognition): return try LabelFileWriter(url: url, syntax: labelSyntax)
        case (.mmocr1, .detection): return try MMOCR1Writer(url: url, task: hasText ? .textspotting : .textdet)
        case (.mmocr1, .recognition): return try MMOCR1Writer(url: url, task: .textrecog)
        case (.paddle, .detection): return try PaddleDetWriter(url: url)
        case (.paddle, .recognition): return try PaddleRecWriter(url: url)
        case (.coco, .detection): return try StandardCOCOWriter(url: url)
        case (.lineJSON, .detection): return try LineJSONWriter(url: url)
        case (.lmdb, .recognition): return try LMDBRecordWriter(directory: url, imageRoot: imageRoot, verify: verifyImages)
        case (.doctr, .detection): return try DocTRWriter(url: url, mode: hasText ? .ocr : .detection, imageRoot: imageRoot)
        case (.doctr, .recognition): return try DocTRWriter(url: url, mode: .recognition)
        case (.hf, _): return try HFImageFolderWriter(url: url, kind: kind)
        case (.easyocr, .recognition): return try EasyOCRLabelsWriter(url: url)
        case (.tesstrain, .recognition): return try TesstrainWriter(directory: url)
        case (.paddleKIE, .detection): return try PaddleKIEWriter(url: url)
        case (.paddleKIE, .recognition):
            throw PrepError.usage("--to paddle-kie holds KIE pages (boxes with labels); the input is recognition data")
        case (.easyocr, .detection), (.tesstrain, .detection):
            throw PrepError.usage("--to \(rawValue) holds recognition data (word or line images); the input is detection data (cut crops first: prep crops … --to \(rawValue))")
        case (.coco, .recognition), (.lineJSON, .recognition):
            throw PrepError.usage("--to \(rawValue) holds detection annotations; the input is recognition data (try mmocr0, mmocr1, paddle or lmdb)")
        case (.lmdb, .detection):
            throw PrepError.usage("--to lmdb holds recognition data; the input is detection data (cut word crops first: prep crops … --format lmdb)")
        }
    }

    /// The format a file written for `kind` is read back with.
    public func format(kind: AnnotationKind, labelSyntax: LabelFileWriter.Syntax = .jsonl) -> AnnotationFormat {
        switch (self, kind) {
        case (.mmocr0, .detection): return .mmocr0COCO
        case (.mmocr0, .recognition): return labelSyntax == .txt ? .labelTxt : .labelJsonl
        case (.mmocr1, _): return .mmocr1
        case (.paddle, .detection): return .paddleDet
        case (.paddle, .recognition): return .paddleRec
        case (.coco, _): return .coco
        case (.lineJSON, _): return .lineJSON
        case (.lmdb, _): return .lmdb
        case (.doctr, _): return .doctr
        case (.hf, _): return .hf
        case (.easyocr, _): return .easyocr
        case (.tesstrain, _): return .tesstrain
        case (.paddleKIE, _): return .paddleKIE
        }
    }
}
