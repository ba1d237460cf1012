import Foundation
import PrepCore

/// OpenVINO's text annotations of Open Images v5 (`text_spotting_openimages_v5_*.json`): COCO
/// lists `images` (`id`, `file_name` relative to the root) and `annotations` (`image_id`,
/// `bbox` xywh, `attributes: {transcription, legible, language}`), read as MMOCR 0.6.3's
/// `textrecog/openvino_converter.py` (§3.2): each image's annotations in file order; a word
/// that is not legible or not English is a do-not-care instance (the reference skips it but
/// its number is used up). The polygon is the bbox rectangle; the bbox itself is kept for the
/// crop (`xywh-padded`).
///
/// An image without annotations has no instances (the reference's lookup crashes on it); a kept
/// word without a 4-number bbox or without a transcription string is reported and its image
/// skipped (a dropped word needs neither). Annotations are parsed lazily, per image (see `AnnotatedImage.lazyInstances`).
public struct OpenVINOJSONConverter: WholeFileConverter {
    public init(options: ConverterOptions) throws {}

    struct EntryError: Error { var reason: String }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        // The train files hold hundreds of thousands of words: indexed, each annotation's
        // image_id read without parsing the rest; the annotations of an image are parsed when
        // the image is processed (on a worker), so memory stays near the file's size.
        let source = try IndexedJSONFile(file)
        let fileName = file.lastPathComponent
        guard let imagesRange = source.top["images"], let annsRange = source.top["annotations"] else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected a COCO object with 'images' and 'annotations' lists")
        }
        var byImage: [Int: [(index: Int, range: Range<Int>)]] = [:]
        for (k, range) in try source.elements(annsRange, "annotations").enumerated() {
            let location = "\(fileName): annotations[\(k)]"
            let members: [(key: String, value: Range<Int>)]
            do { members = try source.members(range, "annotations[\(k)]") } catch let e as PrepError { skip(location, e.description); continue }
            guard let idRange = members.last(where: { $0.key == "image_id" })?.value,
                  case let .int(imageID)? = try? source.value(idRange) else {
                skip(location, "no whole-number 'image_id'"); continue
            }
            byImage[imageID, default: []].append((k, range))
        }
        var images: [AnnotatedImage] = []
        for (k, range) in try source.elements(imagesRange, "images").enumerated() {
            let location = "\(fileName): images[\(k)]"
            let img: JSONValue
            do { img = try source.value(range) } catch let e as PrepError { skip(location, e.description); continue }
            guard case let .string(name)? = img["file_name"] else { skip(location, "no 'file_name' string"); continue }
            guard case let .int(id)? = img["id"] else { skip(location, "no whole-number 'id'"); continue }
            let anns = byImage[id] ?? []
            let converter = self
            var image = AnnotatedImage(name: name, instances: [], location: location, lazyInstances: {
                try anns.map { ann in
                    do { return try converter.instance(try source.value(ann.range)) } catch let e as EntryError {
                        throw PrepError.input(file: location, line: nil, reason: "annotations[\(ann.index)]: \(e.reason)")
                    }
                }
            })
            image.position = k
            images.append(image)
        }
        return images
    }

    func instance(_ ann: JSONValue) throws -> TextInstance {
        guard let attrs = ann["attributes"] else { throw EntryError(reason: "no 'attributes'") }
        // Python truthiness of `legible`, as the reference's `not attrs['legible']`.
        let legible: Bool
        switch attrs["legible"] {
        case let .bool(v)?: legible = v
        case let .int(v)?: legible = v != 0
        case let .double(v)?: legible = v != 0
        case let .string(s)?: legible = !s.isEmpty
        default: legible = false
        }
        let ignore = !legible || attrs["language"]?.string != "english"
        let text = attrs["transcription"]?.string
        let box = ann["bbox"]?.array ?? []
        let b = box.compactMap { $0.number.flatMap { $0.isFinite ? $0 : nil } }
        // A dropped word needs neither a box nor a text: it only takes its number.
        if ignore {
            return TextInstance(polygon: b.count == 4 ? Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3]) : [], text: text, ignore: true)
        }
        guard box.count == 4, b.count == 4 else { throw EntryError(reason: "no 'bbox' of 4 numbers") }
        guard let text else { throw EntryError(reason: "no 'attributes.transcription' string") }
        return TextInstance(polygon: Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3]), text: text, ignore: false,
                            attributes: ["bbox": .array(box)])
    }
}
