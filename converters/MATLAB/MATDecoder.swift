import Foundation
import PrepCore

/// Something MAT data elements are read from: a file region (plain or inflated) or the bytes
/// of one element already in memory.
protocol MATSource: AnyObject {
    func read(_ count: Int) throws -> [UInt8]
    func skip(_ count: Int) throws
    func atEnd() throws -> Bool
}

extension MATByteStream: MATSource {}

/// The bytes of one element, read from memory.
final class MATBuffer: MATSource {
    let bytes: [UInt8]
    private(set) var position = 0
    let path: String

    init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    func read(_ count: Int) throws -> [UInt8] {
        guard count <= bytes.count - position else {
            throw PrepError.input(file: path, line: nil, reason: "an array element claims \(count) bytes but only \(bytes.count - position) remain")
        }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    func skip(_ count: Int) throws { _ = try read(count) }
    func atEnd() throws -> Bool { position >= bytes.count }
}

/// Reads MATLAB v5 data elements (the file format's "Level 5" part): tags in both the normal and
/// the compact small-element form, 8-byte padding, and `miMATRIX` arrays of every class prep
/// needs. `swap` is set for files written big-endian.
struct MATDecoder {
    let path: String
    let swap: Bool

    // Data types (miXXX).
    static let miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6
    static let miSINGLE = 7, miDOUBLE = 9, miINT64 = 12, miUINT64 = 13, miMATRIX = 14
    static let miCOMPRESSED = 15, miUTF8 = 16, miUTF16 = 17, miUTF32 = 18

    /// One data element's tag; `inline` holds the data of a small element.
    struct Tag {
        var type: Int
        var count: Int
        var inline: [UInt8]?
    }

    func fail(_ reason: String) -> PrepError { .input(file: path, line: nil, reason: reason) }

    func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        let v = UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
        return swap ? v.byteSwapped : v
    }

    /// The next tag, or nil at the end of the source.
    func tag(_ src: MATSource) throws -> Tag? {
        if try src.atEnd() { return nil }
        let b = try src.read(8)
        let first = u32(b, 0)
        if first >> 16 != 0 {
            // Small element: 2-byte count and type packed in the first word, data in the second.
            let n = Int(first >> 16)
            guard n <= 4 else { throw fail("bad small data element (\(n) bytes)") }
            return Tag(type: Int(first & 0xFFFF), count: n, inline: Array(b[4..<4 + n]))
        }
        return Tag(type: Int(first), count: Int(u32(b, 4)), inline: nil)
    }

    /// The data of an element with tag `t` (reads the padding after it).
    func data(_ t: Tag, _ src: MATSource) throws -> [UInt8] {
        if let inline = t.inline { return inline }
        let d = try src.read(t.count)
        try skipPadding(t, src)
        return d
    }

    /// Passes over the data of an element with tag `t` and its padding without copying it.
    func skipData(_ t: Tag, _ src: MATSource) throws {
        guard t.inline == nil else { return }
        try src.skip(t.count)
        try skipPadding(t, src)
    }

    private func skipPadding(_ t: Tag, _ src: MATSource) throws {
        let pad = (8 - t.count % 8) % 8
        // The last element of a compressed stream or of a cell body may lack its padding.
        if pad > 0, try !src.atEnd() { try src.skip(pad) }
    }

    /// The next element's type and data; `what` names it in errors.
    func element(_ src: MATSource, _ what: String) throws -> (type: Int, bytes: [UInt8]) {
        guard let t = try tag(src) else { throw fail("an array ends before its \(what)") }
        return (t.type, try data(t, src))
    }

    /// Flags, dimensions and name of an miMATRIX (the first three sub-elements).
    func header(_ src: MATSource) throws -> (arrayClass: MATArray.Class, complex: Bool, dims: [Int], name: String) {
        let flags = try element(src, "array flags")
        guard flags.type == Self.miUINT32, flags.bytes.count >= 8 else { throw fail("bad array flags (type \(flags.type))") }
        let word = u32(flags.bytes, 0)
        guard let cls = MATArray.Class(rawValue: Int(word & 0xFF)) else { throw fail("unknown array class \(word & 0xFF)") }
        let complex = word & 0x0800 != 0
        let d = try element(src, "dimensions")
        guard d.type == Self.miINT32, d.bytes.count % 4 == 0, d.bytes.count >= 8 else { throw fail("bad dimensions element") }
        let dims = stride(from: 0, to: d.bytes.count, by: 4).map { Int(Int32(bitPattern: u32(d.bytes, $0))) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw fail("negative array dimension \(dims)") }
        // Element counts are multiplied later: refuse products a real array cannot have.
        var product = 1
        for d in dims {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            guard !overflow, p <= 1 << 40 else { throw fail("array dimensions \(dims) are too large (damaged file?)") }
            product = p
        }
        let n = try element(src, "name")
        let name = String(decoding: n.bytes.prefix { $0 != 0 }, as: UTF8.self)
        return (cls, complex, dims, name)
    }

    /// A whole miMATRIX whose body is `bytes` (an empty body is an empty cell).
    func matrix(_ bytes: [UInt8]) throws -> MATArray {
        if bytes.isEmpty { return .empty() }
        let src = MATBuffer(bytes, path: path)
        let h = try header(src)
        return try body(src, arrayClass: h.arrayClass, complex: h.complex, dims: h.dims, name: h.name)
    }

    /// The next miMATRIX element of `src` (a cell or a struct field).
    func childMatrix(_ src: MATSource) throws -> MATArray {
        try matrix(try data(try childTag(src), src))
    }

    /// Passes over the next miMATRIX element of `src` undecoded (a cell nobody reads: another
    /// shard's image); its contents are not checked.
    func skipChildMatrix(_ src: MATSource) throws {
        try skipData(try childTag(src), src)
    }

    private func childTag(_ src: MATSource) throws -> Tag {
        guard let t = try tag(src) else { throw fail("a cell array ends before its last cell") }
        guard t.type == Self.miMATRIX else { throw fail("expected an array element inside a cell, found data type \(t.type)") }
        return t
    }

    /// The rest of an miMATRIX after its header.
    func body(_ src: MATSource, arrayClass cls: MATArray.Class, complex: Bool, dims: [Int], name: String) throws -> MATArray {
        var a = MATArray(name: name, arrayClass: cls, dims: dims)
        let count = a.count
        switch cls {
        case .cell:
            a.cells.reserveCapacity(min(count, 1 << 16))
            for _ in 0..<count { a.cells.append(try childMatrix(src)) }
        case .structure:
            let lengthElement = try element(src, "field name length")
            guard lengthElement.bytes.count >= 4 else { throw fail("bad field name length") }
            let length = Int(u32(lengthElement.bytes, 0))
            let names = try element(src, "field names").bytes
            guard length > 0, names.count % length == 0 else { throw fail("bad struct field names") }
            a.fieldNames = stride(from: 0, to: names.count, by: length).map {
                String(decoding: names[$0..<$0 + length].prefix { $0 != 0 }, as: UTF8.self)
            }
            // A struct without fields holds no data to read, whatever its size says.
            for _ in 0..<(a.fieldNames.isEmpty ? 0 : count) {
                a.fieldValues.append(try a.fieldNames.map { _ in try childMatrix(src) })
            }
        case .char:
            guard count > 0 else { break }
            let d = try element(src, "characters")
            a.characters = try characters(type: d.type, d.bytes)
            guard a.characters.count == count else {
                throw fail("char array '\(name)' is \(a.summary) but holds \(a.characters.count) characters")
            }
        case .object, .sparse:
            throw fail("\(MATArray.className(cls)) arrays are not supported ('\(name)')")
        default:
            guard count > 0 else { break }
            let d = try element(src, "numbers")
            a.numbers = try numbers(type: d.type, d.bytes)
            guard a.numbers.count == count else {
                throw fail("numeric array '\(name)' is \(a.summary) but holds \(a.numbers.count) values")
            }
            // The imaginary part (if any) follows and is not needed.
            _ = complex
        }
        return a
    }

    /// Numbers stored as data type `type`, widened to Double (MATLAB may store a double array
    /// as a small integer type when every value fits).
    func numbers(type: Int, _ b: [UInt8]) throws -> [Double] {
        func each<T>(_ size: Int, _ load: (UnsafeRawBufferPointer, Int) -> T, _ widen: (T) -> Double) -> [Double] {
            let n = b.count / size
            var out = [Double]()
            out.reserveCapacity(n)
            b.withUnsafeBytes { raw in
                for k in 0..<n { out.append(widen(load(raw, k * size))) }
            }
            return out
        }
        let s = swap
        switch type {
        case Self.miINT8: return b.map { Double(Int8(bitPattern: $0)) }
        case Self.miUINT8: return b.map { Double($0) }
        case Self.miINT16: return each(2, { $0.loadUnaligned(fromByteOffset: $1, as: Int16.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miUINT16: return each(2, { $0.loadUnaligned(fromByteOffset: $1, as: UInt16.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miINT32: return each(4, { $0.loadUnaligned(fromByteOffset: $1, as: Int32.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miUINT32: return each(4, { $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miINT64: return each(8, { $0.loadUnaligned(fromByteOffset: $1, as: Int64.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miUINT64: return each(8, { $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self) }) { Double(s ? $0.byteSwapped : $0) }
        case Self.miSINGLE:
            return each(4, { $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self) }) { Double(Float(bitPattern: s ? $0.byteSwapped : $0)) }
        case Self.miDOUBLE:
            return each(8, { $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self) }) { Double(bitPattern: s ? $0.byteSwapped : $0) }
        default: throw fail("numeric data of unexpected data type \(type)")
        }
    }

    /// Characters stored as `type`: miUTF8 (scipy), miUTF16 / miUINT16 (MATLAB), 8-bit or UTF-32.
    func characters(type: Int, _ b: [UInt8]) throws -> [Unicode.Scalar] {
        let replacement = Unicode.Scalar(0xFFFD)!
        switch type {
        case Self.miUTF8:
            return Array(String(decoding: b, as: UTF8.self).unicodeScalars)
        case Self.miUTF16, Self.miUINT16, Self.miINT16:
            return stride(from: 0, to: b.count - 1, by: 2).map { k in
                let v = UInt16(b[k]) | UInt16(b[k + 1]) << 8
                return Unicode.Scalar(swap ? v.byteSwapped : v) ?? replacement
            }
        case Self.miUINT8, Self.miINT8:
            return b.map { Unicode.Scalar($0) }
        case Self.miUTF32, Self.miUINT32, Self.miINT32:
            return stride(from: 0, to: b.count - 3, by: 4).map { Unicode.Scalar(u32(b, $0)) ?? replacement }
        default: throw fail("character data of unexpected data type \(type)")
        }
    }
}
