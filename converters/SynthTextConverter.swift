import Foundation
import PrepCore

/// One SynthText word for recognition: its box rounded as the reference's textrecog converter
/// does, and its character boxes.
public struct SynthTextWord: Sendable, Equatable {
    public var text: String
    /// x1, y1, …, x4, y4: `max(round(v), 0)` with round-half-even.
    public var box: [Int]
    /// One 8-value box per character, rounded the same way.
    public var charBoxes: [[Int]]
}

/// Turns one `gt.mat` entry into words, as MMOCR 0.6.3's two SynthText converters do (§2.7, §3.4),
/// except that an image the reference crashes on is refused with a reason (the caller skips and
/// reports it):
///
/// - det (`textdet/synthtext_converter.py`): coordinates cast to int32 (truncation); per word the
///   quad, `bbox` = its bounds as floats (xywh), `segmentation` = the boundary traced through the
///   word's character boxes (top-left and top-right of each character left to right, then
///   bottom-right and bottom-left right to left). Words are the whitespace-split lines of `txt`;
///   the characters are `txt` without newlines and spaces, taken in order word by word.
/// - recog (`textrecog/synthtext_converter.py`): coordinates `max(round(v), 0)`; an image whose
///   word count differs from its box count, or whose character boxes run short, is skipped (the
///   reference skips it silently; a single character box, a 2-D `charBB`, crashes it and is
///   read here as one box).
public enum SynthTextConverter {
    /// A problem with one image: the caller skips it.
    public struct Refusal: Error, Equatable {
        public var reason: String
    }

    /// The boxes of a `2×4×N` (or `2×4`, N = 1) array: N lists of 8 values (x1, y1, …, x4, y4).
    static func boxes(_ a: MATArray, _ what: String) throws -> [[Double]] {
        if a.isEmpty { return [] }
        guard a.arrayClass != .cell, a.arrayClass != .char, a.arrayClass != .structure,
              a.size(0) == 2, a.size(1) == 4, a.numbers.count % 8 == 0 else {
            throw Refusal(reason: "\(what) is a \(a.summary) array (expected 2×4×N numbers)")
        }
        return stride(from: 0, to: a.numbers.count, by: 8).map { Array(a.numbers[$0..<$0 + 8]) }
    }

    /// The words of `txt`, line by line (Python's `str.split()` of each line).
    static func words(_ lines: [String]) -> [String] { lines.flatMap(TextTrim.pythonSplit) }

    /// numpy's `astype(np.int32)`: truncation toward zero; values it cannot represent refused.
    static func int32(_ v: Double, _ what: String) throws -> Int {
        guard v.isFinite, let i = Int32(exactly: v.rounded(.towardZero)) else {
            throw Refusal(reason: "\(what) has a coordinate \(v) that is not a 32-bit integer")
        }
        return Int(i)
    }

    /// The detection instances of one image (in word order).
    public static func detInstances(_ e: SynthTextEntry) throws -> [TextInstance] {
        let words = words(e.lines)
        let wordBoxes = try boxes(e.wordBB, "wordBB").map { try $0.map { try int32($0, "wordBB") } }
        let charBoxes = try boxes(e.charBB, "charBB").map { try $0.map { try int32($0, "charBB") } }
        guard words.count == wordBoxes.count else {
            throw Refusal(reason: "txt has \(words.count) words but wordBB has \(wordBoxes.count) boxes")
        }
        let needed = words.reduce(0) { $0 + $1.unicodeScalars.count }
        guard needed <= charBoxes.count else {
            throw Refusal(reason: "txt has \(needed) characters in words but charBB has \(charBoxes.count) boxes (a word without character boxes)")
        }
        var out: [TextInstance] = []
        var next = 0
        for (word, quad) in zip(words, wordBoxes) {
            let chars = charBoxes[next..<next + word.unicodeScalars.count]
            next += word.unicodeScalars.count
            // trace_boundary: points 0, 1 of each char left to right, then 2, 3 right to left.
            var boundary: [Int] = []
            for c in chars { boundary += c[0..<4] }
            for c in chars.reversed() { boundary += c[4..<8] }
            let polygon = quad.map(Double.init)
            let b = Polygon.bounds(polygon)
            let bbox: [JSONValue] = [.double(b.minX), .double(b.minY), .double(b.maxX - b.minX), .double(b.maxY - b.minY)]
            out.append(TextInstance(polygon: polygon, integerCoordinates: true, text: word, ignore: false,
                                    attributes: ["bbox": .array(bbox), "segmentation": .array(boundary.map { .int($0) })]))
        }
        return out
    }

    /// The recognition words of one image (in word order).
    public static func recogWords(_ e: SynthTextEntry) throws -> [SynthTextWord] {
        let words = words(e.lines)
        func rounded(_ box: [Double]) -> [Int] { box.map { v in max(Int(exactly: v.rounded(.toNearestOrEven)) ?? 0, 0) } }
        for v in e.wordBB.numbers + e.charBB.numbers where !v.isFinite {
            throw Refusal(reason: "a box has a coordinate \(v)")
        }
        let wordBoxes = try boxes(e.wordBB, "wordBB").map(rounded)
        guard !words.isEmpty else { throw Refusal(reason: "txt has no words") }
        guard words.count == wordBoxes.count else {
            throw Refusal(reason: "txt has \(words.count) words but wordBB has \(wordBoxes.count) boxes")
        }
        let charBoxes = try boxes(e.charBB, "charBB").map(rounded)
        var out: [SynthTextWord] = []
        var next = 0
        for (word, box) in zip(words, wordBoxes) {
            let n = word.unicodeScalars.count
            let group = Array(charBoxes[min(next, charBoxes.count)..<min(next + n, charBoxes.count)])
            next += n
            out.append(SynthTextWord(text: word, box: box, charBoxes: group))
        }
        // The reference checks the last word's group: if it is full, all are.
        if let last = out.last, last.charBoxes.count != last.text.unicodeScalars.count {
            throw Refusal(reason: "txt has \(next) characters in words but charBB has \(charBoxes.count) boxes")
        }
        return out
    }
}
