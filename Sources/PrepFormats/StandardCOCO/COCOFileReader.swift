import Foundation
import PrepCore

/// Records of a COCO file, MMOCR 0.x's or standard (`COCOReader` parses both): images in file
/// order, each with its annotations; `iscrowd` → ignore; a `text` key → the transcription.
enum COCOFileReader {
    static func open(_ url: URL, format: AnnotationFormat) throws -> AnnotationReader {
        let coco = try COCOReader(url: url)
        let path = url.path
        return ListReader(format: format, kind: .detection, count: coco.images.count) { k in
            let im = coco.images[k]
            var instances = im.instances
            // The bbox COCOReader keeps as a writer override is derived data here.
            for j in instances.indices { instances[j].attributes["bbox"] = nil }
            return AnnotationRecord(imagePath: im.fileName, width: im.width == 0 ? nil : im.width,
                                    height: im.height == 0 ? nil : im.height, instances: instances,
                                    segmFile: im.segmFile, location: RecordLocation(file: path, element: "images[\(k)]"))
        }
    }
}

extension COCOWriter: AnnotationWriter {
    public var kind: AnnotationKind { .detection }

    /// Adds one record (MMOCR 0.x COCO; a missing size is written as 0).
    public func add(_ record: AnnotationRecord) throws {
        try addImage(name: record.imagePath, segmFile: record.segmFile, width: record.width ?? 0,
                     height: record.height ?? 0, instances: record.instances)
        if record.width == nil { losses.note("image sizes (the source has none; written as 0)") }
        if !layout.annotationKeys.contains(.text) {
            let n = record.instances.filter { $0.text != nil }.count
            losses.note("instance transcriptions (this COCO 0.x layout has no text key)", n)
        }
    }
}

extension COCOReader.Image {
    /// A page of any detection format, as `prep crops` reads pages.
    public init(record: AnnotationRecord) {
        self.init(fileName: record.imagePath, width: record.width ?? 0, height: record.height ?? 0, segmFile: record.segmFile,
                  instances: record.instances, hasText: record.instances.allSatisfy { $0.text != nil })
    }
}
