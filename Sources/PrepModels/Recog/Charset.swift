import Foundation
import PrepCore

/// The characters a recognizer reads and their class indices, in MMOCR 0.6.3's CTC layout
/// (`CTCConvertor`, lean-core.md §4.4): class 0 is the blank `<BLK>`, classes 1…N the characters
/// in dictionary order. That is also PaddleOCR's layout and the row order of the PyTorch CRNN's
/// last `Linear` (`decoder.decoder.1.embedding`), so a checkpoint's rows are (blank, dict…).
///
/// A character is one Unicode scalar (a Python `str` of length 1), as in MMOCR's dictionary
/// files. Nothing outside the dictionary is ever dropped silently: `encode` names every
/// unknown character so the caller can report and skip the sample.
public struct Charset: Sendable, Equatable {
    /// The characters in class order (index k is class k + 1).
    public let characters: [Unicode.Scalar]
    /// Whether labels are lower-cased before encoding (MMOCR's `lower=True` for DICT36).
    public let lowercase: Bool
    private let index: [Unicode.Scalar: Int]

    /// The blank class (CTC).
    public static let blank = 0

    /// `characters` in this order; duplicates are an error naming the character and both lines.
    public init(characters: [Unicode.Scalar], lowercase: Bool = false, source: String = "dictionary") throws {
        var index: [Unicode.Scalar: Int] = [:]
        for (k, c) in characters.enumerated() {
            if let first = index[c] {
                throw PrepError.input(file: source, line: k + 1,
                                      reason: "character \(Charset.describe(c)) is listed twice (first on line \(first))")
            }
            index[c] = k + 1
        }
        guard !characters.isEmpty else { throw PrepError.input(file: source, line: nil, reason: "the dictionary holds no characters") }
        self.characters = characters
        self.lowercase = lowercase
        self.index = index
    }

    /// The same characters, with labels lower-cased before encoding (or not).
    public func lowercasing(_ on: Bool) -> Charset {
        (try? Charset(characters: characters, lowercase: on)) ?? self
    }

    /// Number of classes including the blank (the model's output size).
    public var classCount: Int { characters.count + 1 }

    /// MMOCR's `DICT36`: digits and lower-case letters; labels are lower-cased (0.6.3's
    /// `CTCConvertor(dict_type='DICT36', lower=True)`, the CRNN recipe).
    public static let dict36 = try! Charset(characters: Array("0123456789abcdefghijklmnopqrstuvwxyz".unicodeScalars), lowercase: true, source: "DICT36")

    /// MMOCR's `DICT90`: digits, a–z, A–Z and 28 symbols (no caret, braces or vertical bar).
    public static let dict90 = try! Charset(characters: Array(
        ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + "!\"#$%&'()*+,-./:;<=>?@[\\]_`~").unicodeScalars), source: "DICT90")

    /// A built-in dictionary by name (`DICT36`, `DICT90`), nil for any other name.
    public static func builtIn(_ name: String) -> Charset? {
        switch name.uppercased() {
        case "DICT36": return dict36
        case "DICT90": return dict90
        default: return nil
        }
    }

    /// Parses MMOCR's dictionary file format (0.x `BaseConvertor`, 1.x `Dictionary`): one
    /// character per line, `\r\n` stripped, empty lines skipped; a line with more than one
    /// character is an error naming the line. A UTF-8 BOM at the start is ignored.
    public static func parse(dictionaryFile text: String, source: String, lowercase: Bool = false) throws -> Charset {
        var chars: [Unicode.Scalar] = []
        var lineNumber = 0
        var all = Array(text.unicodeScalars)
        if all.first == "\u{FEFF}" { all.removeFirst() }
        // Split on \n (code points: Swift would see "\r\n" as one Character); the \r of a
        // Windows line end is stripped below, as `strip('\r\n')` does.
        for raw in all.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var scalars = Array(raw)
            while let last = scalars.last, last == "\r" || last == "\n" { scalars.removeLast() }
            if scalars.isEmpty { continue }
            guard scalars.count == 1 else {
                throw PrepError.input(file: source, line: lineNumber,
                                      reason: "expected one character per line, found \(scalars.count) (\(PyJSON(ensureASCII: false).string(.string(String(String.UnicodeScalarView(scalars))))))")
            }
            chars.append(scalars[0])
        }
        return try Charset(characters: chars, lowercase: lowercase, source: source)
    }

    /// Reads a dictionary file, or a built-in name (`DICT36`, `DICT90`).
    public static func load(_ nameOrPath: String) throws -> Charset {
        if let b = builtIn(nameOrPath), !FileManager.default.fileExists(atPath: nameOrPath) { return b }
        switch FileBytes.read(nameOrPath) {
        case let .success(bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw PrepError.input(file: nameOrPath, line: nil, reason: "the dictionary is not UTF-8")
            }
            return try parse(dictionaryFile: text, source: nameOrPath)
        case let .failure(f):
            throw PrepError.io(path: nameOrPath, reason: f.missing ? "no such dictionary file (built-in: DICT36, DICT90)" : f.reason)
        }
    }

    /// The charset of a set of labels: every character that occurs, sorted by code point (so the
    /// same labels give the same class order whatever their order).
    public static func fromLabels<S: Sequence>(_ labels: S) throws -> Charset where S.Element == String {
        var seen = Set<Unicode.Scalar>()
        for l in labels { for c in l.unicodeScalars { seen.insert(c) } }
        return try Charset(characters: seen.sorted { $0.value < $1.value }, source: "training labels")
    }

    /// What `encode` gives: class indices, or the characters the dictionary lacks.
    public enum Encoded: Equatable, Sendable {
        case classes([Int32])
        case unknown([Unicode.Scalar])
    }

    /// The class indices of `text` (lower-cased first when `lowercase`), or every distinct
    /// character outside the dictionary, in order of first appearance.
    public func encode(_ text: String) -> Encoded {
        let t = lowercase ? text.lowercased() : text
        var out: [Int32] = []
        var unknown: [Unicode.Scalar] = []
        for c in t.unicodeScalars {
            if let k = index[c] { out.append(Int32(k)) } else if !unknown.contains(c) { unknown.append(c) }
        }
        return unknown.isEmpty ? .classes(out) : .unknown(unknown)
    }

    /// The text of class indices (blank and out-of-range classes give nothing).
    public func decode<S: Sequence>(_ classes: S) -> String where S.Element == Int {
        var v = String.UnicodeScalarView()
        for k in classes where k >= 1 && k <= characters.count { v.append(characters[k - 1]) }
        return String(v)
    }

    /// The dictionary file (one character per line), what `parse` reads back.
    public var dictionaryFile: String {
        characters.map { String($0) + "\n" }.joined()
    }

    /// `'x'` or, for an invisible character, `U+0009`.
    public static func describe(_ c: Unicode.Scalar) -> String {
        c.properties.isWhitespace || c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.properties.generalCategory == .format
            ? String(format: "U+%04X", c.value) : "'\(c)'"
    }
}
