import Foundation
import PrepCore

/// One image of SynthText's `gt.mat`: its name under `imgs/`, its word boxes (`2×4×W`, or `2×4`
/// when W = 1), character boxes (`2×4×C`) and text (a char matrix whose rows hold the lines,
/// padded with spaces).
public struct SynthTextEntry: Sendable {
    /// 0-based position in `gt.mat`.
    public var index: Int
    public var name: String
    public var wordBB: MATArray
    public var charBB: MATArray
    public var lines: [String]
    /// Why this entry cannot be used (an `imnames` or `txt` cell that is not text); the caller
    /// skips and reports it.
    public var problem: String?

    public init(index: Int, name: String, wordBB: MATArray, charBB: MATArray, lines: [String], problem: String? = nil) {
        self.problem = problem
        self.index = index
        self.name = name
        self.wordBB = wordBB
        self.charBB = charBB
        self.lines = lines
    }

    /// `image 12 (8/ballet_106_0.jpg)`, for messages.
    public var label: String { "image \(index) (\(name))" }
}

/// Reads SynthText's `gt.mat` (cell arrays `imnames`, `wordBB`, `charBB`, `txt`, each 1×N) as a
/// stream: the four variables are read side by side, one cell each per image, so memory does
/// not grow with the number of images (858,750 in the full set; the reference loads it whole).
public final class SynthTextGT {
    public static let keys = ["imnames", "wordBB", "charBB", "txt"]
    public let url: URL
    /// Number of images.
    public let count: Int
    private let streams: [MATCellStream]
    private var index = 0

    /// Opens `gt.mat`; a file that is not MATLAB v5, lacks one of the four cell arrays or whose
    /// arrays disagree in length is refused (the run cannot go on).
    public init(url: URL) throws {
        self.url = url
        let file = try MATFile(url: url)
        let missing = Self.keys.filter { file.variable($0) == nil }
        guard missing.isEmpty else {
            throw PrepError.input(file: url.path, line: nil,
                                  reason: "not a SynthText gt.mat: no \(missing.joined(separator: ", ")) (expected \(Self.keys.joined(separator: ", ")); the file holds: \(file.names.joined(separator: ", ")))")
        }
        streams = try Self.keys.map { try file.cells($0) }
        let counts = streams.map(\.count)
        guard Set(counts).count == 1 else {
            throw PrepError.input(file: url.path, line: nil,
                                  reason: "the cell arrays differ in length: " + zip(Self.keys, counts).map { "\($0) \($1)" }.joined(separator: ", "))
        }
        count = counts[0]
    }

    /// The next image, or nil after the last.
    public func next() throws -> SynthTextEntry? {
        guard index < count, let name = try streams[0].next() else { return nil }
        return try rest(of: name)
    }

    /// The next image whose name `keep` accepts, or nil after the last. The other images' boxes
    /// and text are passed over undecoded (`--shard`: a shard reads only its share of the
    /// 858,750 entries; their names alone decide). Entries keep their index in `gt.mat`.
    public func next(keeping keep: (String) -> Bool) throws -> SynthTextEntry? {
        while index < count, let name = try streams[0].next() {
            if keep(Self.imageName(name)) { return try rest(of: name) }
            for s in streams.dropFirst() { guard try s.skip() else { return nil } }
            index += 1
        }
        return nil
    }

    private static func imageName(_ cell: MATArray) -> String { cell.rows.first ?? "" }

    /// The entry whose `imnames` cell was just read: its other three cells.
    private func rest(of name: MATArray) throws -> SynthTextEntry? {
        guard let word = try streams[1].next(), let char = try streams[2].next(),
              let txt = try streams[3].next() else { return nil }
        defer { index += 1 }
        var problem: String? = nil
        for (what, a) in [("imnames", name), ("txt", txt)] where a.arrayClass != .char && !a.isEmpty {
            problem = "its \(what) cell is a \(a.summary) array, not text"
        }
        return SynthTextEntry(index: index, name: Self.imageName(name), wordBB: word, charBB: char, lines: txt.rows, problem: problem)
    }
}
