import Foundation
import PrepCore
import PrepFormats

/// Writes a detector's (or an end-to-end reader's) predictions, page by page, in an annotation
/// format prep writes — the instances' `score` attribute kept where the format has room (see
/// `InstanceScore`) — or as labelme JSON, one file per image, to correct by hand in labelme and
/// read back with `prep labelme` / `prep convert`.
///
/// Image paths: in annotation formats, relative to the output file's folder when the image is
/// inside it, else the page's name as the input gave it (an annotation's own image path, or
/// the image path as typed), so `prep eval det` pairs them with the ground truth and
/// `prep show … --images ROOT` / `prep convert` find them without climbing out of the data root;
/// in labelme JSON, relative to the JSON's folder (what labelme opens). Everything is staged
/// and moved into place at the end (`OutputStaging`).
public final class PredictionWriter {
    public enum Target: Equatable, Sendable {
        case annotation(AnnotationTarget)
        case labelme

        /// `coco`, `mmocr1`, `paddle`, `line-json`, `mmocr0` (COCO 0.x) or `labelme`.
        public init?(_ name: String) {
            if name == "labelme" { self = .labelme; return }
            guard let t = AnnotationTarget(rawValue: name), [.coco, .mmocr1, .paddle, .lineJSON, .mmocr0].contains(t) else { return nil }
            self = .annotation(t)
        }

        public static let names = "coco, mmocr1, paddle, line-json, mmocr0 or labelme"
    }

    public struct Page: Sendable {
        /// The image's name as the input gave it.
        public var name: String
        public var image: URL
        public var width: Int
        public var height: Int
        public var instances: [TextInstance]
        public init(name: String, image: URL, width: Int, height: Int, instances: [TextInstance]) {
            self.name = name
            self.image = image
            self.width = width
            self.height = height
            self.instances = instances
        }
    }

    public let target: Target
    public let output: URL
    public let hasText: Bool

    /// `output`: a file for annotation formats, a folder for labelme.
    public init(target: Target, output: URL, hasText: Bool) {
        self.target = target
        self.output = output.standardizedFileURL
        self.hasText = hasText
    }

    /// Writes every page; returns the files written.
    @discardableResult
    public func write(_ pages: [Page], report: RunReport) throws -> [URL] {
        switch target {
        case let .annotation(t):
            let folder = output.deletingLastPathComponent()
            var written: [URL] = []
            try OutputStaging.writing(into: folder, strict: false, report: report) { staging in
                let url = try staging.url(for: output.lastPathComponent)
                let writer = try t.writer(kind: .detection, url: url, hasText: hasText)
                for p in pages {
                    let inside = Self.path(p.image, from: folder)
                    try writer.add(AnnotationRecord(imagePath: inside.hasPrefix("../") ? p.name : inside, width: p.width, height: p.height,
                                                    instances: p.instances, location: RecordLocation(file: p.image.path)))
                }
                try writer.finish()
                for line in writer.losses.lines { report.warn(split: "infer", file: output.path, reason: "not held: \(line)") }
                written = staging.finalURLs
                report.update(split: "infer") { $0.outputs = [self.output.path] }
            }
            return written
        case .labelme:
            var written: [URL] = []
            try OutputStaging.writing(into: output, strict: false, report: report) { staging in
                var used = Set<String>()
                let json = PyJSON(ensureASCII: false)
                for p in pages {
                    var stem = p.image.deletingPathExtension().lastPathComponent
                    if used.contains(stem) {
                        var k = 2
                        while used.contains("\(stem)_\(k)") { k += 1 }
                        stem = "\(stem)_\(k)"
                    }
                    used.insert(stem)
                    let url = try staging.url(for: stem + ".json")
                    var bytes = json.encode(Self.labelme(p, imagePath: Self.path(p.image, from: output)))
                    bytes.append(0x0A)
                    do { try Data(bytes).write(to: url) } catch {
                        throw PrepError.io(path: url.path, reason: "cannot write (\(error.localizedDescription))")
                    }
                }
                written = staging.finalURLs
                report.update(split: "infer") { $0.outputs = [self.output.path] }
            }
            return written
        }
    }

    /// A labelme 5 document: polygons (`shape_type` polygon) whose label is the text (empty
    /// when there is none; `###` for do-not-care) and whose description holds the score.
    static func labelme(_ p: Page, imagePath: String) -> JSONValue {
        let shapes: [JSONValue] = p.instances.map { inst in
            var points: [JSONValue] = []
            var k = 0
            while k + 1 < inst.polygon.count {
                points.append(.array([.double(inst.polygon[k]), .double(inst.polygon[k + 1])]))
                k += 2
            }
            let score = inst.attributes["score"]?.number.map { String(format: "score %.4f", $0) } ?? ""
            return .object([("label", .string(inst.ignore ? "###" : (inst.text ?? ""))), ("points", .array(points)),
                             ("group_id", .null), ("description", .string(score)), ("shape_type", .string("polygon")),
                             ("flags", .object([]))])
        }
        return .object([("version", .string("5.2.1")), ("flags", .object([])), ("shapes", .array(shapes)),
                        ("imagePath", .string(imagePath)), ("imageData", .null),
                        ("imageHeight", .int(p.height)), ("imageWidth", .int(p.width))])
    }

    /// `image` relative to `folder` (both made absolute).
    static func path(_ image: URL, from folder: URL) -> String {
        ImageLinker.relative(image.standardizedFileURL.path, from: folder.standardizedFileURL.path)
    }
}
