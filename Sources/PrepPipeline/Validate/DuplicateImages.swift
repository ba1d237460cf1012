import PrepCore

/// Images with the same content (SHA-256): a duplicate in one split, or the same image in two
/// splits. Needs every image in enumeration order (the first one seen is the one named), so a
/// sharded run hands its digests to the merge (`ValidationShardFiles`), which runs this again.
struct DuplicateImages {
    private var seen: [SHA256Digest: (split: String, name: String)] = [:]

    /// The finding for an image with digest `d`, or nil when it is the first with that content.
    mutating func check(_ d: SHA256Digest, split: String, name: String) -> (AnomalyKind, String)? {
        guard let first = seen[d] else {
            seen[d] = (split, name)
            return nil
        }
        if first.split == split { return (.duplicateImage, "same content as \(first.name) (SHA-256 \(d))") }
        return (.imageInTwoSplits, "same content as \(first.name) in split \(first.split) (SHA-256 \(d))")
    }
}
