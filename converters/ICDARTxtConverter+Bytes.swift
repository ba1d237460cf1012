import Foundation
import PrepCore

/// The fast way through an ICDAR gt file: read whole with one `open`/`fstat`/`read`/`close`, cut
/// into lines in place (`ByteLines`) and parsed byte by byte — integers without `Int(String)`,
/// the transcription as one `String` made from its bytes, no `split` and no `Substring`s — so a
/// gt line costs a few hundred instructions instead of tens of thousands.
///
/// It produces exactly what `parseLine` does, because it only ever takes lines it is sure of:
/// ASCII whitespace around the line, ASCII integer coordinates below 2³¹, valid UTF-8 elsewhere,
/// separating commas with ASCII neighbours (`parseLine` splits Characters, and a comma followed
/// by a combining mark is no separator there). Any other line (a float, a non-ASCII character at
/// an end of the line or of a coordinate or beside a separating comma, an
/// invalid byte, too few fields, a coordinate out of range) goes through the original path —
/// decode, `TextTrim.strip`, `parseLine` — which reads it or throws its own error with the file
/// and line. Latin-1 files, files over `wholeReadLimit` or with a line over
/// `InputLimits.maxLineLength`, and files that cannot be opened are read the original way too.
extension ICDARTxtConverter {
    /// Files up to this size are read whole (an ICDAR gt file is a few kB).
    static let wholeReadLimit = 1 << 20

    public func parse(annotation url: URL) throws -> [TextInstance] {
        try parse(annotationPath: url.plainPath)
    }

    public func parse(annotationPath path: String) throws -> [TextInstance] {
        guard encoding == .utf8, let bytes = FileBytes.readSmall(path, upTo: Self.wholeReadLimit) else {
            return try parseByLines(annotation: URL(fileURLWithPath: path, isDirectory: false))
        }
        let parsed = try bytes.withUnsafeBufferPointer { try parse(bytes: $0, file: path) }
        return try parsed ?? parseByLines(annotation: URL(fileURLWithPath: path, isDirectory: false))
    }

    /// The instances of a whole gt file held in memory; nil when a line is over the line limit
    /// (the caller then streams the file, which reports it).
    func parse(bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> [TextInstance]? {
        var instances: [TextInstance] = []
        var lines = ByteLines(bytes)
        while let line = lines.next() {
            if line.range.count > InputLimits.maxLineLength { return nil }
            var lo = line.range.lowerBound, hi = line.range.upperBound
            while lo < hi, Self.isASCIISpace(bytes[lo]) { lo += 1 }
            while hi > lo, Self.isASCIISpace(bytes[hi - 1]) { hi -= 1 }
            // TextTrim.strip's own fast case: the trimmed line is bytes[lo..<hi].
            if lo < hi, bytes[lo] < 0x80, bytes[hi - 1] < 0x80,
               let instance = try fastLine(UnsafeBufferPointer(rebasing: bytes[lo..<hi])) {
                instances.append(instance)
                continue
            }
            if lo == hi && Self.isPlainBlank(bytes[line.range]) { continue }
            // The original path, in its order: decode the whole line, trim it, parse it.
            let text = try encoding.decode(Array(bytes[line.range]), file: file, line: line.number)
            let trimmed = TextTrim.strip(text)
            if trimmed.isEmpty { continue }
            var copy = String(trimmed)
            if let instance = try copy.withUTF8({ try fastLine($0) }) {
                instances.append(instance)
            } else {
                instances.append(try parseLine(trimmed, file: file, number: line.number))
            }
        }
        return instances
    }

    /// One trimmed line, or nil when it is not the plain case (see the type's comment).
    func fastLine(_ b: UnsafeBufferPointer<UInt8>) throws -> TextInstance? {
        var polygon = [Double]()
        polygon.reserveCapacity(8)
        var pos = 0
        let n = b.count
        for _ in 0..<8 {
            guard let comma = Self.nextComma(b, from: pos), Self.separates(b, comma),
                  let value = Self.integer(b, pos..<comma) else { return nil }
            polygon.append(Double(value))
            pos = comma + 1
        }
        var script: String? = nil
        if hasScriptField || hasDifficultField {
            guard let comma = Self.nextComma(b, from: pos), Self.separates(b, comma),
                  let field = TextEncoding.utf8String(UnsafeBufferPointer(rebasing: b[pos..<comma])) else { return nil }
            script = field
            pos = comma + 1
        }
        guard let decoded = TextEncoding.utf8String(UnsafeBufferPointer(rebasing: b[pos..<n])) else { return nil }
        let markerEnd = Self.nextComma(b, from: pos) ?? n
        if markerEnd < n && !Self.separates(b, markerEnd) { return nil }
        var text = decoded
        var ignore: Bool
        if !stripText && !unquote && b[pos..<markerEnd].allSatisfy({ $0 < 0x80 }) && ignoreText.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII against ASCII: String equality is byte equality.
            ignore = ignoreText.utf8.elementsEqual(b[pos..<markerEnd])
        } else {
            let marker: String
            (text, marker) = cleaned(text, marker: String(decoding: UnsafeBufferPointer(rebasing: b[pos..<markerEnd]), as: UTF8.self))
            ignore = marker == ignoreText
        }
        var attributes: [String: JSONValue] = [:]
        if hasScriptField, let script { attributes["script"] = .string(script) }
        if hasDifficultField, let script {
            let difficult = script != "0"
            attributes["difficult"] = .bool(difficult)
            ignore = ignore || difficult
        }
        return TextInstance(polygon: polygon, integerCoordinates: true, text: text, ignore: ignore, attributes: attributes)
    }

    /// Whether the `,` at `i` is surely a field separator to `parseLine`, which splits the line
    /// into Characters: a comma with a non-ASCII neighbour may be part of a grapheme cluster (a
    /// combining mark after it, a prepended mark before it) and then splits nothing there.
    @inline(__always) static func separates(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        (i == 0 || b[i - 1] < 0x80) && (i + 1 == b.count || b[i + 1] < 0x80)
    }

    /// The index of the next `,` at or after `from`.
    @inline(__always) static func nextComma(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < b.count {
            if b[i] == 0x2C { return i }
            i += 1
        }
        return nil
    }

    /// `CheckedInt.parse(TextTrim.strip(field))` for the plain case: ASCII whitespace around an
    /// optional sign and decimal digits, magnitude below 2³¹. Nil for anything else (the original
    /// path then reads it: a float, or throws: out of range, not a number).
    @inline(__always) static func integer(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, isASCIISpace(b[lo]) { lo += 1 }
        while hi > lo, isASCIISpace(b[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        var negative = false
        if b[lo] == 0x2D || b[lo] == 0x2B {
            negative = b[lo] == 0x2D
            lo += 1
            guard lo < hi else { return nil }
        }
        var value = 0
        while lo < hi {
            let d = Int(b[lo]) &- 0x30
            guard d >= 0 && d <= 9 else { return nil }
            value = value &* 10 &+ d
            guard value < Int(CheckedInt.limit) else { return nil }
            lo += 1
        }
        return negative ? -value : value
    }

    /// `TextTrim`'s ASCII whitespace.
    @inline(__always) static func isASCIISpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F)
    }

    /// A line `TextTrim.strip` empties: nothing, or only whitespace that is also Unicode
    /// whitespace (0x1C–0x1F are ASCII spaces to `TextTrim`'s fast case but not to its Unicode
    /// case, which an all-space line falls into).
    static func isPlainBlank(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }
}
