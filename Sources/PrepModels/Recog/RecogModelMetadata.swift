import Foundation
import PrepCore

/// The string metadata a recognizer carries (safetensors `__metadata__` of a prep checkpoint,
/// `metadata_props` of a prep ONNX export): `charset` (MMOCR dictionary file text), `lowercase`,
/// `input` (the `RecogInputSpec` as JSON). One reading for `prep infer` and `prep export`.
public enum RecogModelMetadata {
    /// The charset: the metadata's, unless `dict` (DICT36, DICT90 or a file) is given; without
    /// either, DICT36 (MMOCR's CRNN).
    public static func charset(_ meta: [String: String], dict: String?, source: String) throws -> Charset {
        if let chars = meta["charset"], dict == nil {
            return try Charset.parse(dictionaryFile: chars, source: "\(source) metadata").lowercasing(meta["lowercase"] == "true")
        }
        return try Charset.load(dict ?? "DICT36")
    }

    /// The input recipe from the metadata, else MMOCR's CRNN recipe (32×100 stretch, (x−127)/127).
    public static func inputSpec(_ meta: [String: String], channels: Int) -> RecogInputSpec {
        if let s = meta["input"], let decoded = try? JSONDecoder().decode(RecogInputSpec.self, from: Data(s.utf8)) { return decoded }
        return RecogInputSpec(channels: channels)
    }

    /// `input` as JSON (keys sorted, so exports are byte-for-byte reproducible).
    public static func encode(_ spec: RecogInputSpec) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return (try? String(decoding: e.encode(spec), as: UTF8.self)) ?? ""
    }

    /// Checks that the charset gives the network's class count; `where` names what holds the
    /// classes ("tensor 'decoder.decoder.1.embedding.weight'", its `unit` "rows").
    public static func requireClasses(_ charset: Charset, classes: Int, source: String, where place: String, unit: String) throws {
        guard charset.classCount == classes else {
            throw PrepError.input(file: source, line: nil, reason: "\(place) has \(classes) \(unit) but the dictionary gives \(charset.classCount) classes (blank + \(charset.characters.count) characters)")
        }
    }
}
