import Foundation
import PrepCore

/// Records of a COCO file, MMOCR 0.x's or standard: images in file order, each with its
/// annotations in file order; `iscrowd` → ignore; a `text` key → the transcription; a polygon
/// from `segmentation[0]`, else from `bbox`. An annotation whose `image_id` names no image is
/// reported once (with the count) after the last image.
enum COCOFileReader {
    static func open(_ url: URL, format: AnnotationFormat) throws -> AnnotationReader {
        let path = url.path
        // prep's own json.loads-compatible parser: faster and leaner than JSONSerialization on
        // Linux, and it keeps integers apart from floats.
        let root = try JSONDocument.load(url)
        guard let images = root["images"]?.array else {
            throw PrepError.input(file: path, line: nil, reason: "expected a COCO object with an 'images' list")
        }
        var index: [Int: Int] = [:]
        index.reserveCapacity(images.count)
        for (k, im) in images.enumerated() {
            guard case let .int(id)? = im["id"] else { continue }
            if index[id] == nil { index[id] = k }
        }
        // Annotations grouped by image, in file order (indices into the list).
        var byImage = [[Int]](repeating: [], count: images.count)
        var orphans: [Int] = []
        let anns = root["annotations"]?.array ?? []
        for (j, a) in anns.enumerated() {
            if case let .int(id)? = a["image_id"], let k = index[id] { byImage[k].append(j) } else { orphans.append(j) }
        }
        // Orphan annotations are reported once, as one extra failing record after the images.
        return ListReader(format: format, kind: .detection, count: images.count + (orphans.isEmpty ? 0 : 1)) { k in
            if k == images.count {
                throw RecordLocation(file: path, element: "annotations[\(orphans[0])]").error("refers to no image (\(orphans.count) annotation(s) like it left out)")
            }
            let loc = RecordLocation(file: path, element: "images[\(k)]")
            let im = images[k]
            guard let name = im["file_name"]?.string, case .int? = im["id"] else { throw loc.error("no file_name or id") }
            var instances: [TextInstance] = []
            for j in byImage[k] {
                let a = anns[j]
                var polygon: [Double] = []
                var integers = true
                if let seg = a["segmentation"]?.array?.first?.array {
                    polygon = seg.compactMap(\.number)
                    integers = !seg.contains { if case .double = $0 { return true }; return false }
                } else if let b = a["bbox"]?.array?.compactMap(\.number), b.count == 4 {
                    polygon = Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3])
                    integers = false
                }
                guard polygon.count >= 6, polygon.count % 2 == 0 else {
                    throw RecordLocation(file: path, element: "annotations[\(j)]").error("no polygon (segmentation) or bbox")
                }
                instances.append(TextInstance(polygon: polygon, integerCoordinates: integers, text: a["text"]?.string,
                                              ignore: (a["iscrowd"]?.number ?? 0) != 0, attributes: TextInstance.scoreAttributes(a["score"])))
            }
            let w = try loc.int(im["width"], "width"), h = try loc.int(im["height"], "height")
            return AnnotationRecord(imagePath: name, width: w == 0 ? nil : w, height: h == 0 ? nil : h, instances: instances,
                                    segmFile: im["segm_file"]?.string, location: loc)
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
