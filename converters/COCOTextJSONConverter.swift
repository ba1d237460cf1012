import Foundation
import PrepCore

/// COCO-Text v2 and TextOCR annotations: `{imgs: {id: image}, anns: {id: ann}, imgToAnns: {id:
/// [ann ids]}}`, read as MMOCR 0.6.3's `cocotext_converter.py` / `textocr_converter.py` (§2.6):
/// the image record is passed through (its own keys and size), bbox = `[max(0, ⌊x⌋), max(0, ⌊y⌋),
/// ⌈w⌉, ⌈h⌉]`, segmentation = `max(0, int(v))` of each polygon value, area copied from the source.
///
/// Options: `variant` — `cocotext` (one file for every split, images picked by their `set`
/// (`split` is that set's name); images without annotations dropped; ignore = not English or
/// illegible; polygon `mask`, replaced by the bbox rectangle when shorter than 8 values or odd)
/// or `textocr` (one file per split; every image kept; ignore = text `.`; polygon `points`: an odd
/// or too short one is reported and its image skipped, where the reference writes it as is).
public struct COCOTextJSONConverter: WholeFileConverter {
    public enum Variant: String, Sendable, CaseIterable { case cocotext, textocr }
    public let variant: Variant

    public init(options: ConverterOptions) throws {
        let v: Variant = try options.choice("variant", default: .cocotext, converter: "coco-text-json")
        variant = v
    }

    struct EntryError: Error { var reason: String }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        // Files reach several hundred MB (TextOCR train ~700 MB): the file is indexed, not parsed
        // whole; each image's annotations are parsed when the image is processed.
        let source = try IndexedJSONFile(file)
        let fileName = file.lastPathComponent
        guard let imgsRange = source.top["imgs"], let annsRange = source.top["anns"], let mapRange = source.top["imgToAnns"] else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected a JSON object with 'imgs', 'anns' and 'imgToAnns' objects")
        }
        let imgs = try source.members(imgsRange, "imgs")
        let anns = try source.index(annsRange, "anns"), imgToAnns = try source.index(mapRange, "imgToAnns")
        var images: [AnnotatedImage] = []
        for (key, range) in imgs {
            let location = "\(fileName): imgs[\(key)]"
            let img: JSONValue
            do { img = try source.value(range) } catch let e as PrepError { skip(location, e.description); continue }
            guard case .object = img else { skip(location, "not an object"); continue }
            if variant == .cocotext {
                guard case let .string(set)? = img["set"] else { skip(location, "no 'set' string"); continue }
                if set != split { continue }
            }
            guard case let .string(name)? = img["file_name"] else { skip(location, "no 'file_name' string"); continue }
            guard let id = img["id"] else { skip(location, "no 'id'"); continue }
            let idKey = id.string ?? PyJSON().string(id)
            guard let mapEntry = imgToAnns[idKey] else { skip(location, "imgToAnns has no entry \(idKey)"); continue }
            if variant == .cocotext && source.isEmptyList(mapEntry) { continue }
            let converter = self
            // The id list too is parsed on the worker: a million ids as values would cost more
            // than the index.
            let load: @Sendable () throws -> [TextInstance] = {
                guard let annIDs = try source.value(mapEntry).array else {
                    throw PrepError.input(file: location, line: nil, reason: "imgToAnns[\(idKey)] is not a list")
                }
                return try annIDs.map { annID -> TextInstance in
                    let annKey = annID.string ?? PyJSON().string(annID)
                    guard let range = anns[annKey] else {
                        throw PrepError.input(file: location, line: nil, reason: "annotation \(annKey) is not in 'anns'")
                    }
                    do { return try converter.instance(try source.value(range)) } catch let e as EntryError {
                        throw PrepError.input(file: location, line: nil, reason: "anns[\(annKey)]: \(e.reason)")
                    }
                }
            }
            images.append(AnnotatedImage(name: name, instances: [], width: img["width"].flatMap(Self.int),
                                         height: img["height"].flatMap(Self.int), location: location, imageObject: img,
                                         lazyInstances: load))
        }
        return images
    }

    static func int(_ v: JSONValue) -> Int? { if case let .int(i) = v { return i } else { return nil } }

    /// A coordinate as an integer; a value no integer can hold is an entry error naming its key.
    static func int(_ d: Double, _ rule: FloatingPointRoundingRule, _ path: String) throws -> Int {
        do { return try CheckedInt.make(d, rule, path: path) } catch let e as CheckedInt.OutOfRange {
            throw EntryError(reason: e.description)
        }
    }

    func instance(_ ann: JSONValue) throws -> TextInstance {
        guard let box = ann["bbox"]?.array, box.count == 4 else { throw EntryError(reason: "no 'bbox' of 4 numbers") }
        let b = try box.map { v -> Double in
            guard let d = v.number else { throw EntryError(reason: "'bbox' holds a non-number") }
            return d
        }
        let x = max(0, try Self.int(b[0], .down, "bbox[0]")), y = max(0, try Self.int(b[1], .down, "bbox[1]"))
        let w = try Self.int(b[2], .up, "bbox[2]"), h = try Self.int(b[3], .up, "bbox[3]")
        guard let area = ann["area"], area.number != nil else { throw EntryError(reason: "no numeric 'area'") }
        let text = ann["utf8_string"]?.string
        let ignore: Bool
        switch variant {
        case .cocotext:
            ignore = ann["language"]?.string == "not english" || ann["legibility"]?.string == "illegible"
        case .textocr:
            ignore = text == "."
        }
        let key = variant == .cocotext ? "mask" : "points"
        guard let raw = ann[key]?.array else { throw EntryError(reason: "no '\(key)' list") }
        var polygon = try raw.enumerated().map { k, v -> Double in
            guard let d = v.number else { throw EntryError(reason: "'\(key)' holds a non-number") }
            return Double(max(0, try Self.int(d, .towardZero, "\(key)[\(k)]")))   // int() truncates toward zero, then max(0, ·)
        }
        if polygon.count < 8 || polygon.count % 2 != 0 {
            switch variant {
            case .cocotext: polygon = Polygon.rectangle(x: Double(x), y: Double(y), w: Double(w), h: Double(h))
            case .textocr: throw EntryError(reason: "'points' has \(polygon.count) values (needs an even count, at least 8)")
            }
        }
        var attributes: [String: JSONValue] = [:]
        attributes["bbox"] = .array([.int(x), .int(y), .int(w), .int(h)])
        attributes["area"] = area
        return TextInstance(polygon: polygon, integerCoordinates: true, text: text, ignore: ignore, attributes: attributes)
    }
}
