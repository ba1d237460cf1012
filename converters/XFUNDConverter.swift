import Foundation
import PrepCore

/// XFUND (multilingual FUNSD): one JSON per language and split (`zh.train.json`) with
/// `{"documents": [{"id", "img": {"fname", "width", "height"}, "document": [entries as FUNSD's
/// form: box, text, label, words, linking, id]}]}`. Each document is an image (`img.fname` under the
/// recipe's image folder, sizes from the file); its instances are the words of every entry, boxed
/// as the FUNSD converter boxes them (`level: word`, the default), or the entries themselves with
/// their KIE label, id and links (`level: entity`, for `--task kie`). A document that is not such
/// an object is reported with its position and left out.
public struct XFUNDConverter: WholeFileConverter {
    public let level: PageJSONConverter.Level

    public init(options: ConverterOptions) throws {
        level = try options.choice("level", default: .word, converter: "xfund-json")
    }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        let root = try JSONFile.load(file)
        guard let documents = root["documents"]?.array else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected an XFUND object with a 'documents' list")
        }
        var images: [AnnotatedImage] = []
        for (k, doc) in documents.enumerated() {
            let location = "\(file.lastPathComponent): documents[\(k)]"
            func fail(_ reason: String) -> PrepError { .input(file: location, line: nil, reason: reason) }
            guard let img = doc["img"], case let .string(name)? = img["fname"] else { skip(location, "no img.fname"); continue }
            guard let entries = doc["document"]?.array else { skip(location, "no 'document' list"); continue }
            do {
                let instances = level == .entity ? try PageJSONConverter.entities(entries, fail: fail)
                    : try PageJSONConverter.words(entries, entry: "document", fail: fail)
                let width: Int?, height: Int?
                do {
                    width = try CheckedInt.make(img["width"], path: "img.width")
                    height = try CheckedInt.make(img["height"], path: "img.height")
                } catch { throw fail("\(error)") }
                images.append(AnnotatedImage(name: name, instances: instances, width: width, height: height, location: location))
            } catch let PrepError.input(_, _, reason) {
                skip(location, reason)
            }
        }
        return images
    }
}
