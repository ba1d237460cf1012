import Foundation
import PrepCore

/// Writes MMOCR 0.x's COCO-style detection JSON (`convert_annotations` + `mmcv.dump`, §1.1) byte
/// for byte: `{"images": […], "categories": [{"id": 1, "name": "text"}], "annotations": […]}`,
/// ids from 0 in input order, Python separators and float repr, ASCII escapes, no trailing
/// newline. It streams: images go straight to the file, annotations to a side file that is
/// appended at the end, so no split is ever held in memory.
///
/// One deliberate difference: a split without annotations keeps `"annotations": []` (the
/// reference drops the key, which breaks COCO readers; README differences table).
public final class COCOWriter: RecordLengthsKeeping {
    /// Keys of each annotation object, in order (`image_id`, `id` always follow).
    public enum AnnotationKey: String, Sendable, CaseIterable {
        case iscrowd, category_id, bbox, area, text, segmentation
    }

    /// Which keys each object carries, as the reference converter of a dataset writes them.
    public struct Layout: Sendable {
        public var annotationKeys: [AnnotationKey]
        /// Whether image objects carry `segm_file` (when the sample names its annotation).
        public var segmFile: Bool
        public init(annotationKeys: [AnnotationKey] = [.iscrowd, .category_id, .bbox, .area, .segmentation],
                    segmFile: Bool = true) {
            self.annotationKeys = annotationKeys
            self.segmFile = segmFile
        }
    }

    public let url: URL
    public let layout: Layout
    private let out: BufferedFileWriter
    private let annotationsPart: BufferedFileWriter
    private let json = PyJSON(ensureASCII: true)
    /// `"key": ` of each of the layout's annotation keys, after `, ` but for the first.
    private let keyPrefixes: [[UInt8]]
    public private(set) var imageCount = 0
    public private(set) var annotationCount = 0
    /// What the layout could not hold (see `AnnotationWriter`).
    public let losses = LossLog()
    /// Where a shard run keeps each image's and annotation's byte length (so `prep merge` need
    /// not scan this file); nil in an unsharded run, which then measures nothing. Set before the
    /// first image and only read after, so its reads go unchecked (a dynamic exclusivity check
    /// per image was most of what an unsharded run paid for it).
    @exclusivity(unchecked) public var recordLengths: ShardRecordLengths?

    public init(url: URL, layout: Layout = Layout()) throws {
        self.url = url
        self.layout = layout
        keyPrefixes = layout.annotationKeys.enumerated().map { Array((($0.offset > 0 ? ", " : "") + "\"\($0.element.rawValue)\": ").utf8) }
        out = try BufferedFileWriter(url: url)
        annotationsPart = try BufferedFileWriter(url: url.appendingPathExtension("annotations-part"))
        try out.write("{\"images\": [")
    }

    /// Adds one image with its instances; `width`/`height` are the sizes to record.
    public func add(_ sample: Sample, width: Int, height: Int) throws {
        try addImage(name: sample.image.name, segmFile: sample.annotationName, width: width, height: height,
                     instances: sample.instances, imageObject: sample.imageObject)
    }

    /// Adds one image by name (`file_name`), with its `segm_file` and instances; `imageObject` is
    /// the source's own image record where the reference passes it through (COCO-Text, TextOCR).
    func addImage(name: String, segmFile: String?, width: Int, height: Int, instances: [TextInstance],
                  imageObject: JSONValue? = nil) throws {
        let imageID = imageCount
        let isFirstImage = imageCount == 0
        // The image object's bytes, its separator left out (for `recordLengths`).
        var imageLength = 0
        if case let .object(source)? = imageObject {
            // Passed through as the reference does: source keys in order, segm_file and id
            // replaced in place or appended.
            var image = source
            if layout.segmFile, let segm = segmFile { Self.set(&image, "segm_file", .string(segm)) }
            Self.set(&image, "id", .int(imageID))
            try out.append { buf in
                if !isFirstImage { buf.append(0x2C); buf.append(0x20) }
                let start = buf.count
                json.write(.object(image), to: &buf)
                imageLength = buf.count - start
            }
        } else {
            // The same bytes as the JSONValue object {file_name, height, width[, segm_file], id},
            // written straight into the buffer.
            try out.append { buf in
                if !isFirstImage { buf.append(0x2C); buf.append(0x20) }
                let start = buf.count
                buf.append(contentsOf: Self.fileNameKey)
                json.writeString(name, to: &buf)
                buf.append(contentsOf: Self.heightKey)
                PyJSON.appendInt(height, to: &buf)
                buf.append(contentsOf: Self.widthKey)
                PyJSON.appendInt(width, to: &buf)
                if layout.segmFile, let segm = segmFile {
                    buf.append(contentsOf: Self.segmFileKey)
                    json.writeString(segm, to: &buf)
                }
                buf.append(contentsOf: Self.idKey)
                PyJSON.appendInt(imageID, to: &buf)
                buf.append(0x7D)
                imageLength = buf.count - start
            }
        }
        imageCount += 1
        let firstID = annotationCount
        if let recordLengths {
            // Each annotation's length, measured as it is written (a shard run only).
            try withUnsafeTemporaryAllocation(of: Int.self, capacity: instances.count) { lengths in
                if !instances.isEmpty {
                    try annotationsPart.append { buf in
                        writeAnnotations(instances, imageID: imageID, firstID: firstID, to: &buf, lengths: lengths.baseAddress)
                    }
                }
                try recordLengths.record(imageLength, parts: UnsafeBufferPointer(lengths))
            }
        } else if !instances.isEmpty {
            try annotationsPart.append { buf in writeAnnotations(instances, imageID: imageID, firstID: firstID, to: &buf) }
        }
        annotationCount += instances.count
    }

    /// One image's annotations, ids from `firstID`, each after `, ` but the file's first. A run
    /// of annotations whose fields are all computed (every ICDAR-style one) is written through
    /// one cursor: per annotation that was a closure, a buffer check and a copy of the instance.
    /// `lengths` (room for one per instance) gets each annotation's bytes, its `, ` left out.
    func writeAnnotations(_ instances: [TextInstance], imageID: Int, firstID: Int, to buf: inout [UInt8],
                          lengths: UnsafeMutablePointer<Int>? = nil) {
        // Through the buffer: an array subscript hands each instance over as a copy (a retain and
        // a release of each of its three arrays).
        instances.withUnsafeBufferPointer { insts in
            var i = 0
            while i < insts.count {
                var end = i, bound = 0
                while end < insts.count, Self.allComputed(insts[end]) {
                    bound += computedBound(insts[end])
                    end += 1
                }
                if end > i {
                    buf.appendWritten(maxCount: bound) { c in
                        for k in i..<end {
                            if firstID + k > 0 { c.put(0x2C, 0x20) }
                            let start = c.position
                            writeComputedAnnotation(insts[k], imageID: imageID, id: firstID + k, to: &c)
                            lengths?[k] = c.position - start
                        }
                    }
                    i = end
                } else {
                    if firstID + i > 0 { buf.append(0x2C); buf.append(0x20) }
                    let start = buf.count
                    writeAnnotation(insts[i], imageID: imageID, id: firstID + i, to: &buf)
                    lengths?[i] = buf.count - start
                    i += 1
                }
            }
        }
    }

    /// Bytes `writeComputedAnnotation` writes at most for `inst`.
    private func computedBound(_ inst: TextInstance) -> Int {
        let text = layout.annotationKeys.contains(.text) ? inst.text : nil
        return 160 + 24 * layout.annotationKeys.count + ByteCursor.maxDoubleBytes * (inst.polygon.count + 5)
            + ByteCursor.maxIntBytes * 2 + ByteCursor.maxJSONStringBytes(utf8Count: text?.utf8.count ?? 0)
    }

    /// Whether none of the instance's `bbox`, `area`, `segmentation` comes from its source.
    @inline(__always) static func allComputed(_ inst: TextInstance) -> Bool {
        inst.attributes.isEmpty || (inst.attributes["bbox"] == nil && inst.attributes["area"] == nil && inst.attributes["segmentation"] == nil)
    }

    private static let fileNameKey = Array("{\"file_name\": ".utf8)
    private static let heightKey = Array(", \"height\": ".utf8)
    private static let widthKey = Array(", \"width\": ".utf8)
    private static let segmFileKey = Array(", \"segm_file\": ".utf8)
    private static let idKey = Array(", \"id\": ".utf8)
    private static let imageIDKey = Array(", \"image_id\": ".utf8)

    /// `annotationObject(…)` serialised, written straight into `buf` without building the
    /// `JSONValue` (the bytes are the same; `COCOWriterTests` compares the two). Computed
    /// fields go through one `ByteCursor` write; a source's own `bbox`, `area` or `segmentation`
    /// (COCO-Text, ArT) is written from its `JSONValue`.
    func writeAnnotation(_ inst: TextInstance, imageID: Int, id: Int, to buf: inout [UInt8]) {
        if Self.allComputed(inst) {
            buf.appendWritten(maxCount: computedBound(inst)) { writeComputedAnnotation(inst, imageID: imageID, id: id, to: &$0) }
            return
        }
        let attributes = inst.attributes
        buf.append(0x7B)
        for (k, key) in layout.annotationKeys.enumerated() {
            buf.append(contentsOf: keyPrefixes[k])
            switch key {
            case .iscrowd: buf.append(inst.ignore ? 0x31 : 0x30)
            case .category_id: buf.append(0x31)
            case .bbox:
                if let given = attributes["bbox"] { json.write(given, to: &buf); break }
                inst.polygon.withUnsafeBufferPointer { p in buf.appendWritten(maxCount: 4 * ByteCursor.maxDoubleBytes + 16) { Self.putBBox(p, to: &$0) } }
            case .area:
                if let given = attributes["area"] { json.write(given, to: &buf) } else { PyJSON.appendDouble(Polygon.area(inst.polygon), to: &buf) }
            case .text:
                if let text = inst.text { json.writeString(text, to: &buf) } else { buf.append(contentsOf: "null".utf8) }
            case .segmentation:
                buf.append(0x5B)
                if let given = attributes["segmentation"] {
                    json.write(given, to: &buf)
                } else {
                    inst.polygon.withUnsafeBufferPointer { p in
                        buf.appendWritten(maxCount: ByteCursor.maxDoubleBytes * (p.count + 1) + 8) { Self.putPolygon(p, integers: inst.integerCoordinates, to: &$0) }
                    }
                }
                buf.append(0x5D)
            }
        }
        buf.append(contentsOf: layout.annotationKeys.isEmpty ? Self.imageIDKey.dropFirst(2) : Self.imageIDKey[...])
        PyJSON.appendInt(imageID, to: &buf)
        buf.append(contentsOf: Self.idKey)
        PyJSON.appendInt(id, to: &buf)
        buf.append(0x7D)
    }

    /// An annotation whose fields are all computed from the instance, through one cursor (its
    /// polygon read through one buffer: passing the array to `area`, `bounds` and the writer was
    /// a retain and a release each).
    private func writeComputedAnnotation(_ inst: TextInstance, imageID: Int, id: Int, to c: inout ByteCursor) {
        inst.polygon.withUnsafeBufferPointer { polygon in
            c.put(0x7B)
            for (k, key) in layout.annotationKeys.enumerated() {
                if k > 0 { c.put(0x2C, 0x20) }
                switch key {
                case .iscrowd: c.put("\"iscrowd\": "); c.put(inst.ignore ? 0x31 : 0x30)
                case .category_id: c.put("\"category_id\": 1")
                case .bbox: c.put("\"bbox\": "); Self.putBBox(polygon, to: &c)
                case .area: c.put("\"area\": "); c.putDouble(Polygon.area(polygon))
                case .text:
                    c.put("\"text\": ")
                    if let text = inst.text { c.putJSONString(text, ensureASCII: true) } else { c.put("null") }
                case .segmentation:
                    c.put("\"segmentation\": ["); Self.putPolygon(polygon, integers: inst.integerCoordinates, to: &c); c.put(0x5D)
                }
            }
            if layout.annotationKeys.isEmpty { c.put("\"image_id\": ") } else { c.put(", \"image_id\": ") }
            c.putInt(imageID)
            c.put(", \"id\": ")
            c.putInt(id)
            c.put(0x7D)
        }
    }

    /// `[x, y, w, h]` of the polygon's bounds (`Polygon.xywh`), as doubles.
    private static func putBBox(_ p: UnsafeBufferPointer<Double>, to c: inout ByteCursor) {
        let b = Polygon.bounds(p)
        c.put(0x5B)
        c.putDouble(b.minX); c.put(0x2C, 0x20)
        c.putDouble(b.minY); c.put(0x2C, 0x20)
        c.putDouble(b.maxX - b.minX); c.put(0x2C, 0x20)
        c.putDouble(b.maxY - b.minY)
        c.put(0x5D)
    }

    /// The polygon as one list (`JSONValue.numbers`: one type for the whole polygon).
    private static func putPolygon(_ polygon: UnsafeBufferPointer<Double>, integers: Bool, to c: inout ByteCursor) {
        c.put(0x5B)
        for i in 0..<polygon.count {
            let v = polygon[i]
            if i > 0 { c.put(0x2C, 0x20) }
            // `v.rounded() == v` without the libm call (the conversion is exact below 9e15).
            if integers && abs(v) < 9e15 && Double(Int(v)) == v {
                c.putInt(Int(v))
            } else {
                c.putDouble(v)
            }
        }
        c.put(0x5D)
    }

    /// A Python dict assignment: replace in place, or append.
    static func set(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: JSONValue) {
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
    }

    func annotationObject(_ inst: TextInstance, imageID: Int, id: Int) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        for key in layout.annotationKeys {
            switch key {
            case .iscrowd: pairs.append(("iscrowd", .int(inst.ignore ? 1 : 0)))
            case .category_id: pairs.append(("category_id", .int(1)))
            case .bbox:
                pairs.append(("bbox", inst.attributes["bbox"] ?? .array(Polygon.xywh(inst.polygon).map { .double($0) })))
            case .area:
                pairs.append(("area", inst.attributes["area"] ?? .double(Polygon.area(inst.polygon))))
            case .text:
                pairs.append(("text", inst.text.map { .string($0) } ?? .null))
            case .segmentation:
                // A converter that must keep each number's JSON type (ArT mixes ints and floats in one
                // polygon) passes the exact list; otherwise one type for the whole polygon.
                pairs.append(("segmentation", .array([inst.attributes["segmentation"] ?? JSONValue.numbers(inst.polygon, integers: inst.integerCoordinates)])))
            }
        }
        pairs.append(("image_id", .int(imageID)))
        pairs.append(("id", .int(id)))
        return .object(pairs)
    }

    /// Completes the document and closes the file.
    public func finish() throws {
        try out.write("], \"categories\": [{\"id\": 1, \"name\": \"text\"}], \"annotations\": [")
        try annotationsPart.close()
        try out.append(contentsOf: annotationsPart.url)
        try? FileManager.default.removeItem(at: annotationsPart.url)
        try out.write("]}")
        try out.close()
    }
}
