import Foundation
import PrepCore
import PrepFormats

/// Label files, read line by line: `txt` (`IMAGE TEXT`, split at the first space — or tab when
/// a tab comes first — so texts keep their spaces), and `jsonl` with one JSON object a line:
/// recognition `{"filename", "text"}` or MMOCR 0.x detection line-JSON
/// `{"file_name", "height", "width", "annotations": [{"bbox", "segmentation", "iscrowd", "text"}]}`.
public struct LabelFileValidationInput: ValidationInput {
    public static let formatName = "labels"
    let url: URL
    let imageRoot: URL

    public static func detect(_ url: URL) -> Bool {
        ["txt", "jsonl"].contains(url.pathExtension.lowercased())
    }

    public init(url: URL, images: URL?) throws {
        self.url = url
        imageRoot = images ?? url.deletingLastPathComponent()
    }

    public func forEach(_ body: (ValidationRecord) throws -> Void) throws {
        let reader = try LineReader(url: url)
        let file = url.path
        let json = url.pathExtension.lowercased() == "jsonl"
        while let line = reader.next() {
            let p = RecordPosition(file: file, line: line.number, item: "line \(line.number)")
            let text: String
            do { text = try reader.decode(line) } catch let e as PrepError {
                if case let .input(_, _, reason) = e { try body(.anomaly(.parseError, p, reason)); continue }
                throw e
            }
            if json { try jsonLine(text, p, body) } else { try txtLine(text, p, body) }
        }
    }

    private func txtLine(_ line: String, _ p: RecordPosition, _ body: (ValidationRecord) throws -> Void) throws {
        if line.unicodeScalars.allSatisfy({ PyString.isSpace($0) }) { try body(.anomaly(.parseError, p, "blank line")); return }
        let u = line.unicodeScalars
        guard let cut = u.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            try body(.anomaly(.parseError, p, "expected IMAGE TEXT, found one field")); return
        }
        let name = String(u[..<cut])
        let text = String(u[u.index(after: cut)...])
        var p = p
        p.item = name
        try body(.label(LabelRecord(imageName: name, text: text, position: p, image: ValidationInputs.resolve(name, under: imageRoot))))
    }

    private func jsonLine(_ line: String, _ p: RecordPosition, _ body: (ValidationRecord) throws -> Void) throws {
        let value: JSONValue
        do { value = try JSONReader.parse(line) } catch let f as JSONReader.Failure {
            try body(.anomaly(.parseError, p, line.allSatisfy(\.isWhitespace) ? "blank line" : "not JSON: \(f)")); return
        }
        guard case .object = value else { try body(.anomaly(.wrongType, p, "a line must hold a JSON object")); return }
        if try NonJSONNumbers.report(value, p, body) { return }
        if value["annotations"] != nil || value["file_name"] != nil { try detLine(value, p, body); return }
        guard let f = value["filename"] else { try body(.anomaly(.missingKey, p, "key \"filename\" is missing")); return }
        guard let name = f.string else { try body(.anomaly(.wrongType, p, "\"filename\" must be a string")); return }
        guard let t = value["text"] else { try body(.anomaly(.missingKey, p, "key \"text\" is missing")); return }
        guard let text = t.string else { try body(.anomaly(.wrongType, p, "\"text\" must be a string")); return }
        var p = p
        p.item = name
        try body(.label(LabelRecord(imageName: name, text: text, position: p, image: ValidationInputs.resolve(name, under: imageRoot))))
    }

    private func detLine(_ v: JSONValue, _ p: RecordPosition, _ body: (ValidationRecord) throws -> Void) throws {
        for key in ["file_name", "height", "width", "annotations"] where v[key] == nil {
            try body(.anomaly(.missingKey, p, "key \"\(key)\" is missing")); return
        }
        guard let name = v["file_name"]?.string else { try body(.anomaly(.wrongType, p, "\"file_name\" must be a string")); return }
        guard case let .int(h)? = v["height"], case let .int(w)? = v["width"] else {
            try body(.anomaly(.wrongType, p, "\"height\" and \"width\" must be integers")); return
        }
        guard let anns = v["annotations"]?.array else { try body(.anomaly(.wrongType, p, "\"annotations\" must be a list")); return }
        var page = p
        page.item = name
        let key = String(p.line ?? 0)
        try body(.page(PageRecord(key: key, name: name, width: w, height: h, position: page,
                                  image: ValidationInputs.resolve(name, under: imageRoot))))
        for (k, a) in anns.enumerated() {
            var ap = p
            ap.item = "\(name) annotations[\(k)]"
            guard case .object = a else { try body(.anomaly(.wrongType, ap, "an annotation must be an object")); continue }
            let nums: (JSONValue?) -> [Double]? = { x in
                guard let arr = x?.array else { return nil }
                let d = arr.compactMap(\.number)
                return d.count == arr.count ? d : nil
            }
            var polygon: [Double]
            var bbox = nums(a["bbox"])
            if let seg = a["segmentation"] {
                guard let first = seg.array?.first, let n = nums(first) else {
                    try body(.anomaly(.wrongType, ap, "\"segmentation\" must be a list of coordinate lists")); continue
                }
                polygon = n
            } else if let b = bbox, b.count == 4 {
                polygon = Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3]); bbox = nil
            } else {
                try body(.anomaly(.missingKey, ap, "neither \"segmentation\" nor \"bbox\" is present")); continue
            }
            if let b = bbox, b.count != 4 { try body(.anomaly(.wrongType, ap, "\"bbox\" must be a list of 4 numbers")); continue }
            let text = a["text"]?.string
            let ignore = (a["iscrowd"]?.number ?? 0) != 0
            try body(.instance(InstanceRecord(pageKey: key, instance: TextInstance(polygon: polygon, text: text, ignore: ignore),
                                              bbox: bbox, position: ap)))
        }
    }
}
