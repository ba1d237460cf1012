import Foundation
import PrepCore

/// Street View Text: one XML file per split (`train.xml`, `test.xml`) listing every image —
/// `<image><imageName>img/14_03.jpg</imageName><lex>A,B,…</lex><taggedRectangles>
/// <taggedRectangle x y width height><tag>TEXT</tag></taggedRectangle>…` — as MMOCR 0.6.3's
/// `svt_converter.py` and 1.x's SVT parser read it: boxes clamped at 0 (`max(0, x)`, `max(0, x +
/// w)`), words lower-cased (option `lowercase`, default true, as both do). The lexicon is kept as
/// the instance attribute `lexicon`.
public struct SVTConverter: WholeFileConverter {
    public let lowercase: Bool

    public init(options: ConverterOptions) throws { lowercase = options.bool("lowercase", default: true) }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        let root = try XMLTree.parse(file: file)
        var images: [AnnotatedImage] = []
        for (k, image) in root.all("image").enumerated() {
            let location = "\(file.lastPathComponent):\(image.line): image \(k)"
            guard let name = image.child("imageName").map({ String(TextTrim.strip($0.text)) }), !name.isEmpty else {
                skip(location, "no imageName"); continue
            }
            let lexicon = image.child("lex").map { String(TextTrim.strip($0.text)) } ?? ""
            var instances: [TextInstance] = []
            var bad: String?
            for rect in image.all("taggedRectangle") {
                let v: [Int?]
                do {
                    v = try ["x", "y", "width", "height"].map { k in
                        try rect.attribute(k).flatMap { try CheckedInt.parse(TextTrim.strip($0), path: k, file: location, line: rect.line) }
                    }
                } catch let PrepError.input(_, _, reason) { bad = "line \(rect.line): \(reason)"; break }
                guard v.allSatisfy({ $0 != nil }) else { bad = "line \(rect.line): taggedRectangle needs integer x, y, width, height"; break }
                let x0 = max(0, v[0]!), y0 = max(0, v[1]!), x1 = max(0, v[0]! + v[2]!), y1 = max(0, v[1]! + v[3]!)
                var text = rect.child("tag").map { String(TextTrim.strip($0.text)) } ?? ""
                if lowercase { text = text.lowercased() }
                instances.append(TextInstance(polygon: [x0, y0, x1, y0, x1, y1, x0, y1].map(Double.init), integerCoordinates: true,
                                              text: text, ignore: false,
                                              attributes: ["bbox": .array([.int(x0), .int(y0), .int(x1 - x0), .int(y1 - y0)]),
                                                           "area": .int((x1 - x0) * (y1 - y0)),
                                                           "lexicon": .string(lowercase ? lexicon.lowercased() : lexicon)]))
            }
            if let bad { skip(location, bad); continue }
            images.append(AnnotatedImage(name: name, instances: instances, location: location))
        }
        return images
    }
}
