import PrepCore

/// Images with the same content (SHA-256): a duplicate in one split, or the same image in two
/// splits. Needs every image in enumeration order (the first one seen is the one named), so a
/// sharded run hands its digests to the merge (`ValidationShardFiles`), which runs this again.
///
/// Kept per distinct image, as compactly as a hash set allows (this is what grows with the
/// images, in one run and in the merge): the digest as 32 inline bytes, the split as a small
/// index, and the first image's name in one shared byte arena; no array or string per image.
struct DuplicateImages {
    /// A digest's 32 bytes as four words (hashable without a heap array).
    private struct Key: Hashable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64
        init(_ bytes: [UInt8]) {
            var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &w) { $0.copyBytes(from: bytes.prefix(32)) }
            (a, b, c, d) = w
        }
    }

    /// The first image with a content: its split (index into `splits`) and name (`names[start..<end]`).
    private struct First {
        let split: Int32
        let start: Int
        let end: Int
    }

    private var seen: [Key: First] = [:]
    private var splits: [String] = []
    private var names: [UInt8] = []

    /// The finding for an image with digest `d`, or nil when it is the first with that content.
    mutating func check(_ d: SHA256Digest, split: String, name: String) -> (AnomalyKind, String)? {
        let key = Key(d.bytes)
        guard let first = seen[key] else {
            let s = splits.lastIndex(of: split) ?? { splits.append(split); return splits.count - 1 }()
            let start = names.count
            names.append(contentsOf: name.utf8)
            seen[key] = First(split: Int32(s), start: start, end: names.count)
            return nil
        }
        let firstName = String(decoding: names[first.start..<first.end], as: UTF8.self)
        let firstSplit = splits[Int(first.split)]
        if firstSplit == split { return (.duplicateImage, "same content as \(firstName) (SHA-256 \(d))") }
        return (.imageInTwoSplits, "same content as \(firstName) in split \(firstSplit) (SHA-256 \(d))")
    }
}
