import Foundation
import PrepCore

/// MMOCR 0.x COCO-style detection JSON (`instances_<split>.json`), checked key by key: every
/// image and annotation is parsed on its own and located by line and byte offset, so a
/// 100,000-image file streams through with only the image table (id → name, size) kept.
public struct COCOValidationInput: ValidationInput {
    public static let formatName = "coco"
    let url: URL
    let imageRoot: URL

    public static func detect(_ url: URL) -> Bool {
        guard url.pathExtension.lowercased() == "json", let head = FileBytes.head(url.path, 1 << 12) else { return false }
        return head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == 0x7B
    }

    public init(url: URL, images: URL?) throws {
        self.url = url
        imageRoot = images ?? url.deletingLastPathComponent()
    }

    public func forEach(_ body: (ValidationRecord) throws -> Void) throws { try forEach(shard: nil, body) }

    /// With a shard, an annotation of another shard's page that `AnnotationSkim` finds plain is
    /// `.elsewhere`, not parsed.
    public func forEach(shard: Shard?, _ body: (ValidationRecord) throws -> Void) throws {
        let file = url.path
        let walker = JSONWalker(bytes: try IndexedJSONFile.readAll(URL(fileURLWithPath: file)))
        var lines = JSONWalker.LineCounter(walker.bytes)
        func pos(_ offset: Int, _ item: String) -> RecordPosition {
            RecordPosition(file: file, line: lines.line(at: offset), offset: offset, item: item)
        }
        do {
            let members = try walker.members(lazy: ["images", "annotations"])
            guard let images = members.first(where: { $0.key == "images" }) else {
                try body(.anomaly(.missingKey, pos(0, "top"), "the COCO object has no \"images\" list"))
                return
            }
            var sizes: [Int: (name: String, w: Int?, h: Int?)] = [:]
            // Sharded: whether each image id's page is this shard's (as the Validator decides it).
            var owned: [Int: Bool] = [:]
            if try !walker.elements(at: images.offset, { k, at, v in
                guard let page = try image(k, v, pos(at, "images[\(k)]"), &sizes, body) else { return }
                if let shard, let id = Int(page.key) { owned[id] = shard.contains(page.name) }
                try body(.page(page))
            }) {
                try body(.anomaly(.wrongType, pos(images.offset, "images"), "\"images\" is not a list"))
            }
            guard let anns = members.first(where: { $0.key == "annotations" }) else { return }
            var ids = Set<Int>()
            func elsewhere(_ at: Int) throws -> Int? {
                guard shard != nil,
                      let s = walker.bytes.withUnsafeBufferPointer({ AnnotationSkim.scan($0, at: at) }),
                      owned[s.imageID] == false, !ids.contains(s.id) else { return nil }
                ids.insert(s.id)
                try body(.elsewhere(RecordPosition(file: file, offset: at, item: "")))
                return s.end
            }
            if try !walker.elements(at: anns.offset, quick: { _, at in try elsewhere(at) }, { k, at, v in
                if let rec = try annotation(k, v, pos(at, "annotations[\(k)]"), sizes, &ids, body) { try body(.instance(rec)) }
            }) {
                try body(.anomaly(.wrongType, pos(anns.offset, "annotations"), "\"annotations\" is not a list"))
            }
        } catch let e as JSONWalker.SyntaxError {
            // Lines restart from the top: the error may sit before the last element read.
            var fresh = JSONWalker.LineCounter(walker.bytes)
            let p = RecordPosition(file: file, line: fresh.line(at: e.offset), offset: e.offset, item: "byte \(e.offset + 1)")
            try body(.anomaly(.parseError, p, "not valid JSON: \(e.message) at byte \(e.offset + 1)"))
        }
    }

    private func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    private func image(_ k: Int, _ v: JSONValue, _ p: RecordPosition, _ sizes: inout [Int: (name: String, w: Int?, h: Int?)],
                       _ body: (ValidationRecord) throws -> Void) throws -> PageRecord? {
        guard case .object = v else {
            try body(.anomaly(.wrongType, p, "an image entry must be an object, not \(typeName(v))")); return nil
        }
        if try NonJSONNumbers.report(v, p, body) { return nil }
        var ok = true
        func field(_ key: String, _ want: String, _ test: (JSONValue) -> Bool) throws -> JSONValue? {
            guard let x = v[key] else {
                try body(.anomaly(.missingKey, p, "key \"\(key)\" is missing")); ok = false; return nil
            }
            guard test(x) else {
                try body(.anomaly(.wrongType, p, "\"\(key)\" must be \(want), not \(typeName(x))")); ok = false; return nil
            }
            return x
        }
        let isInt: (JSONValue) -> Bool = { if case .int = $0 { return true }; return false }
        let name = try field("file_name", "a string", { $0.string != nil })?.string
        let id = try field("id", "an integer", isInt)
        let w = try field("width", "an integer", isInt)
        let h = try field("height", "an integer", isInt)
        guard ok, let name, case let .int(idValue)? = id else { return nil }
        var p = p
        p.item = name
        if sizes[idValue] != nil {
            try body(.anomaly(.duplicateID, p, "image id \(idValue) is used twice (first by \(sizes[idValue]!.name))"))
            return nil
        }
        let width = try? CheckedInt.make(w, path: "width"), height = try? CheckedInt.make(h, path: "height")
        sizes[idValue] = (name, width, height)
        return PageRecord(key: String(idValue), name: name, width: width, height: height, position: p,
                          image: ValidationInputs.resolve(name, under: imageRoot))
    }

    private func annotation(_ k: Int, _ v: JSONValue, _ p: RecordPosition, _ sizes: [Int: (name: String, w: Int?, h: Int?)],
                            _ ids: inout Set<Int>, _ body: (ValidationRecord) throws -> Void) throws -> InstanceRecord? {
        guard case .object = v else {
            try body(.anomaly(.wrongType, p, "an annotation must be an object, not \(typeName(v))")); return nil
        }
        // The polygon's own non-finite values are `non-finite-coordinate`, from the geometry check.
        if case let .object(pairs) = v, try NonJSONNumbers.report(.object(pairs.filter { $0.0 != "segmentation" }), p, body) { return nil }
        guard let imageID = v["image_id"] else { try body(.anomaly(.missingKey, p, "key \"image_id\" is missing")); return nil }
        guard case let .int(iid) = imageID else {
            try body(.anomaly(.wrongType, p, "\"image_id\" must be an integer, not \(typeName(imageID))")); return nil
        }
        guard sizes[iid] != nil else { try body(.anomaly(.unknownImage, p, "image_id \(iid) names no image")); return nil }
        if let id = v["id"] {
            guard case let .int(n) = id else { try body(.anomaly(.wrongType, p, "\"id\" must be an integer, not \(typeName(id))")); return nil }
            if !ids.insert(n).inserted { try body(.anomaly(.duplicateID, p, "annotation id \(n) is used twice")); return nil }
        } else {
            try body(.anomaly(.missingKey, p, "key \"id\" is missing")); return nil
        }
        func numbers(_ x: JSONValue) -> [Double]? {
            guard let a = x.array else { return nil }
            var out: [Double] = []
            out.reserveCapacity(a.count)
            for e in a { guard let d = e.number else { return nil }; out.append(d) }
            return out
        }
        var bbox: [Double]?
        if let b = v["bbox"] {
            guard let n = numbers(b), n.count == 4 else {
                try body(.anomaly(.wrongType, p, "\"bbox\" must be a list of 4 numbers")); return nil
            }
            bbox = n
        }
        var polygon: [Double]
        var integers = true
        if let seg = v["segmentation"] {
            guard let rings = seg.array, let first = rings.first, let n = numbers(first) else {
                try body(.anomaly(.wrongType, p, "\"segmentation\" must be a list of coordinate lists")); return nil
            }
            polygon = n
            integers = first.array!.allSatisfy { if case .int = $0 { return true }; return false }
        } else if let b = bbox {
            polygon = Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3])
            bbox = nil
        } else {
            try body(.anomaly(.missingKey, p, "neither \"segmentation\" nor \"bbox\" is present")); return nil
        }
        var text: String?
        if let t = v["text"] {
            guard let s = t.string else { try body(.anomaly(.wrongType, p, "\"text\" must be a string, not \(typeName(t))")); return nil }
            text = s
        }
        let ignore = (v["iscrowd"]?.number ?? 0) != 0
        return InstanceRecord(pageKey: String(iid), instance: TextInstance(polygon: polygon, integerCoordinates: integers, text: text, ignore: ignore),
                              bbox: bbox, position: p)
    }
}
