import Foundation
import PrepCore

/// The fast way through an ICDAR gt file: read whole with one `open`/`fstat`/`read`/`close`, cut
/// into lines in place (`ByteLines`) and parsed byte by byte — integers without `Int(String)`,
/// the transcription as one `String` made from its bytes, no `split` and no `Substring`s — so a
/// gt line costs a few hundred instructions instead of tens of thousands.
///
/// It produces exactly what `parseLine` does, because it only ever takes lines it is sure of:
/// ASCII whitespace around the line (also before a last non-ASCII character that is no Unicode
/// space, `unicodeTrimAgrees`), ASCII integer coordinates below 2³¹, valid UTF-8 elsewhere,
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
        // One allocation for the instances: about one per line.
        var newlines = 1
        for byte in bytes where byte == 0x0A { newlines += 1 }
        instances.reserveCapacity(min(newlines, 4096))
        var lines = ByteLines(bytes)
        let maxLineLength = InputLimits.maxLineLength
        while let line = lines.next() {
            if line.range.count > maxLineLength { return nil }
            var lo = line.range.lowerBound, hi = line.range.upperBound
            while lo < hi, Self.isASCIISpace(bytes[lo]) { lo += 1 }
            while hi > lo, Self.isASCIISpace(bytes[hi - 1]) { hi -= 1 }
            // TextTrim.strip's own fast case (or its Unicode case, where that cuts the same
            // bytes): the trimmed line is bytes[lo..<hi].
            if lo < hi, bytes[lo] < 0x80, bytes[hi - 1] < 0x80 || Self.unicodeTrimAgrees(bytes, line.range, lo, hi),
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
        if let end = Self.plainCoordinates(b, into: &polygon) {
            pos = end
        } else {
            polygon.removeAll(keepingCapacity: true)
            for _ in 0..<8 {
                guard let (value, comma) = Self.integerField(b, from: pos) else { return nil }
                polygon.append(Double(value))
                pos = comma + 1
            }
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
        if !stripText && !unquote, let marker = asciiIgnoreBytes, Self.isASCII(b, pos..<markerEnd) {
            // ASCII against ASCII: String equality is byte equality.
            ignore = marker.count == markerEnd - pos
                && marker.withUnsafeBufferPointer { m in m.isEmpty || memcmp(m.baseAddress!, b.baseAddress! + pos, m.count) == 0 }
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

    /// Whether `TextTrim.strip`'s Unicode case (taken when the line ends in a non-ASCII
    /// character, such as `Café`) trims `line` to `lo..<hi` as the ASCII trimming did: every byte
    /// trimmed is Unicode whitespace too (0x1C–0x1F are not), and the last character is not
    /// Unicode whitespace (U+00A0, U+3000…). The first byte is ASCII and no space (the caller's).
    static func unicodeTrimAgrees(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ lo: Int, _ hi: Int) -> Bool {
        @inline(__always) func unicodeSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        var i = line.lowerBound
        while i < lo { if !unicodeSpace(b[i]) { return false }; i += 1 }
        i = hi
        while i < line.upperBound { if !unicodeSpace(b[i]) { return false }; i += 1 }
        // The last scalar: up to three continuation bytes after its lead byte.
        var start = hi - 1
        while start > lo, hi - start < 4, b[start] & 0xC0 == 0x80 { start -= 1 }
        let lead = b[start], length = hi - start
        let value: UInt32
        switch (lead, length) {
        case (0xC2...0xDF, 2): value = UInt32(lead & 0x1F) << 6 | UInt32(b[start + 1] & 0x3F)
        case (0xE0...0xEF, 3): value = UInt32(lead & 0x0F) << 12 | UInt32(b[start + 1] & 0x3F) << 6 | UInt32(b[start + 2] & 0x3F)
        case (0xF0...0xF4, 4):
            value = UInt32(lead & 0x07) << 18 | UInt32(b[start + 1] & 0x3F) << 12 | UInt32(b[start + 2] & 0x3F) << 6 | UInt32(b[start + 3] & 0x3F)
        default: return false   // not a whole UTF-8 character: the original path reports it
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        return !scalar.properties.isWhitespace
    }

    @inline(__always) static func isASCII(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound { if b[i] >= 0x80 { return false }; i += 1 }
        return true
    }

    /// One pass over a coordinate field from `start`: ASCII spaces, an optional sign, decimal
    /// digits (magnitude below 2³¹), ASCII spaces, then a separating comma (`separates`: the
    /// byte before it is a digit or a space here, so only the byte after it needs checking).
    /// The value and the comma's index: `CheckedInt.parse(TextTrim.strip(field))` for the plain
    /// case. Nil for anything else (the original path then reads the line: a float, or throws:
    /// out of range, not a number).
    @inline(__always) static func integerField(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int)? {
        let n = b.count
        var i = start
        while i < n, isASCIISpace(b[i]) { i += 1 }
        guard i < n else { return nil }
        var negative = false
        if b[i] == 0x2D || b[i] == 0x2B { negative = b[i] == 0x2D; i += 1 }
        let digits = i
        var value = 0
        while i < n {
            let d = Int(b[i]) &- 0x30
            guard d >= 0 && d <= 9 else { break }
            value = value &* 10 &+ d
            guard value < Int(CheckedInt.limit) else { return nil }
            i += 1
        }
        guard i > digits else { return nil }
        while i < n, isASCIISpace(b[i]) { i += 1 }
        guard i < n, b[i] == 0x2C, i + 1 == n || b[i + 1] < 0x80 else { return nil }
        return (negative ? -value : value, i)
    }

    /// The eight coordinates when each is bare digits (at most 9, so below 2³¹) and a comma, as
    /// nearly every ICDAR line has them: one pass over the bytes, a few instructions each, and
    /// the index after the eighth comma. Nil for anything else (spaces, a sign, a longer number,
    /// a non-ASCII byte after the last comma): `integerField` then reads the fields one by one,
    /// which gives the same values wherever both apply.
    @inline(__always) static func plainCoordinates(_ b: UnsafeBufferPointer<UInt8>, into polygon: inout [Double]) -> Int? {
        let n = b.count
        var i = 0
        for _ in 0..<8 {
            let start = i
            var value = 0
            while i < n {
                let d = b[i] &- 0x30
                if d > 9 { break }
                value = value &* 10 &+ Int(d)
                i += 1
            }
            guard i > start, i - start <= 9, i < n, b[i] == 0x2C else { return nil }
            polygon.append(Double(value))
            i += 1
        }
        guard i == n || b[i] < 0x80 else { return nil }
        return i
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
