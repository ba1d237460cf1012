import Foundation
import PrepCore

/// Writes docTR's custom-dataset `labels.json` (keys relative to the `images/` folder docTR's
/// training scripts pass as `img_folder`), streamed as one JSON object in input order:
/// - `detection` (`DetectionDataset`): `{name: {"img_dimensions": [w, h], "img_hash": sha256,
///   "polygons": [[[x, y] × 4], …]}}`, absolute pixels. docTR stacks the polygons of a page into
///   one array, so every polygon must have 4 points and the list must not be empty: a polygon
///   of more points is written as its minimum-area rectangle, a degenerate one is left out, a
///   page left without polygons is left out — each counted in `losses`. docTR has no ignore
///   flag: do-not-care regions are left out too (counted).
/// - `ocr` (`OCRDataset`): `{name: {"img_dimensions", "img_hash", "typed_words": [{"value",
///   "geometry": [xmin, ymin, xmax, ymax]}]}}`, absolute pixels (docTR reads the first four
///   numbers; do-not-care regions left out, counted). Empty pages are kept (OCRDataset loads them).
/// - `recognition` (`RecognitionDataset`): `{name: text}`.
/// `img_hash` is the SHA-256 of the image file under `imageRoot` (left out, counted, when the
/// file cannot be read). A name written twice is refused at its record (a JSON key is unique).
public final class DocTRWriter: AnnotationWriter {
    public enum Mode: String, Sendable { case detection, ocr, recognition }
    public let mode: Mode
    public var kind: AnnotationKind { mode == .recognition ? .recognition : .detection }
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: false)
    private let imageFile: (AnnotationRecord) -> URL?
    private var names = Set<String>()
    public private(set) var count = 0

    /// `imageRoot`: where `imagePath` is read for `img_hash`; `imageFile` overrides it per record.
    public init(url: URL, mode: Mode, imageRoot: URL? = nil, imageFile: ((AnnotationRecord) -> URL?)? = nil) throws {
        self.mode = mode
        self.imageFile = imageFile ?? { r in imageRoot?.appendingPathComponent(r.imagePath) }
        out = try BufferedFileWriter(url: url)
        try out.write("{")
    }

    public func add(_ record: AnnotationRecord) throws {
        guard !names.contains(record.imagePath) else {
            throw record.location.error("\(record.imagePath) is named twice; a docTR labels.json has one entry per image")
        }
        let value: JSONValue
        switch mode {
        case .recognition:
            guard let text = record.text else { throw record.location.error("no transcription") }
            if record.instances.first?.ignore == true { losses.note("ignore flags (docTR recognition labels have none)") }
            value = .string(text)
        case .detection:
            var polygons: [JSONValue] = []
            for inst in record.instances {
                if inst.ignore { losses.note("do-not-care regions left out (docTR has no ignore flag)"); continue }
                var p = inst.polygon
                if p.count != 8 {
                    guard let rect = MinAreaRect.corners(p) else { losses.note("degenerate polygons left out"); continue }
                    losses.note("polygons of other than 4 points written as their minimum-area rectangle (docTR needs 4 points everywhere)")
                    p = rect
                }
                polygons.append(.array(stride(from: 0, to: 8, by: 2).map { .array([.double(p[$0]), .double(p[$0 + 1])]) }))
                if inst.text != nil { losses.note("transcriptions (DetectionDataset has none; OCRDataset labels keep them: ocr_labels.json from a dataset command)") }
            }
            guard !polygons.isEmpty else {
                losses.note("pages without a polygon left out (docTR's DetectionDataset cannot load an empty list)")
                return
            }
            value = .object(header(record) + [("polygons", .array(polygons))])
        case .ocr:
            var words: [JSONValue] = []
            for inst in record.instances {
                if inst.ignore { losses.note("do-not-care regions left out (docTR has no ignore flag)"); continue }
                guard let text = inst.text else { throw record.location.error("an instance has no transcription (OCRDataset needs one)") }
                if inst.polygon.count != 8 { losses.note("polygons written as their axis-aligned box (OCRDataset reads [xmin, ymin, xmax, ymax])") }
                words.append(.object([("value", .string(text)), ("geometry", .array(Polygon.xyxy(inst.polygon).map { .double($0) }))]))
            }
            value = .object(header(record) + [("typed_words", .array(words))])
        }
        names.insert(record.imagePath)
        let first = count == 0
        try out.append { buf in
            if !first { buf.append(contentsOf: Array(", ".utf8)) }
            json.writeString(record.imagePath, to: &buf)
            buf.append(contentsOf: Array(": ".utf8))
            json.write(value, to: &buf)
        }
        count += 1
    }

    /// `img_dimensions` (width, height, as PIL's `Image.size` and docTR's labelling tools write
    /// it; docTR's loaders do not read it) and `img_hash`.
    private func header(_ record: AnnotationRecord) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = []
        if let w = record.width, let h = record.height {
            pairs.append(("img_dimensions", .array([.int(w), .int(h)])))
        } else {
            losses.note("image sizes (the source has none; img_dimensions left out)")
        }
        let bytes: [UInt8]?
        if let b = record.imageBytes {
            bytes = b
        } else if let file = imageFile(record), case let .success(b) = FileBytes.read(file.path) {
            bytes = b
        } else {
            bytes = nil
        }
        if let bytes {
            pairs.append(("img_hash", .string(SHA256.of(bytes).description)))
        } else {
            losses.note("image hashes (image not readable; img_hash left out)")
        }
        return pairs
    }

    public func finish() throws {
        try out.write("}")
        try out.close()
    }
}
