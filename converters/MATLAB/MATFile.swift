import Foundation
import PrepCore

/// A MATLAB v5 `.mat` file (what MATLAB's default `-v7` and scipy.io.savemat write), read as a
/// stream. Opening it checks the header and lists the top-level variables from their tags (a
/// compressed variable's first bytes are inflated to learn its name); nothing else is read until
/// asked. `array(_:)` reads one variable whole; `cells(_:)` streams a cell array one cell at a
/// time with fixed buffers, so memory does not grow with the number of cells.
///
/// v7.3 files (HDF5), v4 files and anything else are refused with a message naming the file.
public final class MATFile {
    /// A top-level variable: where its element is and what its header says.
    public struct Variable: Sendable {
        public var name: String
        public var arrayClass: MATArray.Class
        public var dims: [Int]
        /// The element's data (after its 8-byte tag) and its length.
        let offset: Int
        let length: Int
        let compressed: Bool
    }

    public let url: URL
    public private(set) var variables: [Variable] = []
    let decoder: MATDecoder

    public init(url: URL) throws {
        self.url = url
        let path = url.path
        let opened = try FileBytes.openInput(url)
        close(opened.fd)
        let header = FileBytes.head(path, 128) ?? []
        let size = opened.size
        let text = String(decoding: header.prefix(116), as: UTF8.self)
        if header.starts(with: [0x89, 0x48, 0x44, 0x46]) || text.hasPrefix("MATLAB 7.3") {
            throw PrepError.input(file: path, line: nil, reason: "a MATLAB v7.3 file (HDF5), not a v5 .mat: save it with -v7 (MATLAB) or read it with h5py")
        }
        guard header.count == 128, text.hasPrefix("MATLAB") else {
            throw PrepError.input(file: path, line: nil, reason: "not a MATLAB v5 .mat file (no 'MATLAB 5.0 MAT-file' header)")
        }
        let endian = (header[126], header[127])
        let swap: Bool
        switch endian {
        case (0x49, 0x4D): swap = false  // "IM": little-endian
        case (0x4D, 0x49): swap = true   // "MI": big-endian
        default: throw PrepError.input(file: path, line: nil, reason: "not a MATLAB v5 .mat file (bad endian indicator)")
        }
        decoder = MATDecoder(path: path, swap: swap)
        let version = swap ? UInt16(header[124]) << 8 | UInt16(header[125]) : UInt16(header[125]) << 8 | UInt16(header[124])
        if version == 0x0200 {
            throw PrepError.input(file: path, line: nil, reason: "a MATLAB v7.3 file (HDF5), not a v5 .mat: save it with -v7 (MATLAB) or read it with h5py")
        }
        guard version == 0x0100 else {
            throw PrepError.input(file: path, line: nil, reason: "not a MATLAB v5 .mat file (version 0x\(String(version, radix: 16)))")
        }
        try scan(size: size)
    }

    /// Lists the top-level variables.
    private func scan(size: Int) throws {
        var offset = 128
        while offset + 8 <= size {
            let tagStream = try MATByteStream(path: url.path, offset: offset, length: 8, compressed: false)
            guard let tag = try decoder.tag(tagStream) else { break }
            let dataStart = offset + 8
            let length = tag.inline == nil ? tag.count : 0
            guard dataStart + length <= size else {
                throw decoder.fail("the variable at byte \(offset) claims \(length) bytes but the file ends at \(size) (cut short?)")
            }
            switch tag.type {
            case MATDecoder.miCOMPRESSED:
                let s = try MATByteStream(path: url.path, offset: dataStart, length: length, compressed: true)
                _ = try matrixTag(s, at: offset)
                let h = try decoder.header(s)
                variables.append(Variable(name: h.name, arrayClass: h.arrayClass, dims: h.dims, offset: dataStart, length: length, compressed: true))
                // Compressed elements are not padded.
                offset = dataStart + length
            case MATDecoder.miMATRIX:
                let s = try MATByteStream(path: url.path, offset: dataStart, length: length, compressed: false)
                guard length > 0 else { offset = dataStart; continue }
                let h = try decoder.header(s)
                variables.append(Variable(name: h.name, arrayClass: h.arrayClass, dims: h.dims, offset: dataStart, length: length, compressed: false))
                offset = dataStart + length + (8 - length % 8) % 8
            default:
                // Other top-level data (MATLAB writes none) is skipped.
                offset = dataStart + (tag.inline == nil ? length + (8 - length % 8) % 8 : 0)
            }
        }
    }

    /// The miMATRIX tag at the start of a compressed variable.
    private func matrixTag(_ s: MATByteStream, at offset: Int) throws -> (MATDecoder.Tag, Int) {
        guard let t = try decoder.tag(s), t.type == MATDecoder.miMATRIX else {
            throw decoder.fail("the compressed element at byte \(offset) does not hold an array")
        }
        return (t, t.count)
    }

    /// The variable called `name`.
    public func variable(_ name: String) -> Variable? { variables.first { $0.name == name } }

    /// The names of the variables, in file order.
    public var names: [String] { variables.map(\.name) }

    /// Opens the stream of a variable's miMATRIX body, positioned after its tag.
    private func open(_ v: Variable) throws -> (MATByteStream, Int) {
        let s = try MATByteStream(path: url.path, offset: v.offset, length: v.length, compressed: v.compressed)
        if v.compressed {
            let (_, length) = try matrixTag(s, at: v.offset - 8)
            return (s, length)
        }
        return (s, v.length)
    }

    private func lookup(_ name: String) throws -> Variable {
        guard let v = variable(name) else {
            throw PrepError.input(file: url.path, line: nil,
                                  reason: "no variable '\(name)' (the file holds: \(names.isEmpty ? "nothing" : names.joined(separator: ", ")))")
        }
        return v
    }

    /// Reads the variable `name` whole (for small files such as Total-Text's per-image `.mat`).
    public func array(_ name: String) throws -> MATArray {
        let v = try lookup(name)
        let (s, length) = try open(v)
        return try decoder.matrix(try s.read(length))
    }

    /// Streams the cells of the cell array `name`, in storage (column-major) order.
    public func cells(_ name: String) throws -> MATCellStream {
        let v = try lookup(name)
        guard v.arrayClass == .cell else {
            throw PrepError.input(file: url.path, line: nil, reason: "'\(name)' is a \(MATArray.className(v.arrayClass)) array, expected a cell array")
        }
        let (s, _) = try open(v)
        _ = try decoder.header(s)
        return MATCellStream(name: name, dims: v.dims, stream: s, decoder: decoder)
    }
}

/// The cells of one cell array, read one at a time from the file.
public final class MATCellStream {
    public let name: String
    public let dims: [Int]
    /// Number of cells.
    public let count: Int
    private let stream: MATByteStream
    private let decoder: MATDecoder
    /// Cells read so far.
    public private(set) var index = 0

    init(name: String, dims: [Int], stream: MATByteStream, decoder: MATDecoder) {
        self.name = name
        self.dims = dims
        count = dims.reduce(1, *)
        self.stream = stream
        self.decoder = decoder
    }

    /// The next cell, or nil after the last one.
    public func next() throws -> MATArray? {
        guard index < count else { return nil }
        let cell = try decoder.childMatrix(stream)
        index += 1
        return cell
    }

    /// Passes over the next cell without decoding it; false after the last one.
    @discardableResult
    public func skip() throws -> Bool {
        guard index < count else { return false }
        try decoder.skipChildMatrix(stream)
        index += 1
        return true
    }
}
