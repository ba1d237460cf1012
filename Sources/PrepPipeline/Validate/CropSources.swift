import PrepCore

/// Crops whose source page (by the crop naming `<page stem>_<n>.<ext>`) is a page of another
/// split and not of their own. Needs every page and crop name: a shard keeps its own (pages'
/// stems, each stem's first crop) and the merge joins them (`merged`) before judging.
struct CropSources {
    /// A split's first crop with a given source stem.
    struct Crop {
        var stem: String
        var name: String
        var position: RecordPosition
        /// Where the crop's record sorts (phase and seq are set when a finding is made).
        var key: AnomalyKey
    }

    private(set) var pageStems: [String: Set<String>] = [:]
    private(set) var crops: [String: [Crop]] = [:]
    private var cropSeen: [String: Set<String>] = [:]

    mutating func page(split: String, stem: String) { pageStems[split, default: []].insert(stem) }

    /// Keeps the crop if it is its split's first with that stem (crops arrive in record order).
    mutating func crop(split: String, _ c: Crop) {
        if cropSeen[split, default: []].insert(c.stem).inserted { crops[split, default: []].append(c) }
    }

    /// The parts of several shards as one: page stems joined, each stem's first crop by record.
    static func merged(_ parts: [CropSources]) -> CropSources {
        var out = CropSources()
        for p in parts { for (split, stems) in p.pageStems { out.pageStems[split, default: []].formUnion(stems) } }
        let splits = Set(parts.flatMap { $0.crops.keys })
        for split in splits {
            for c in parts.flatMap({ $0.crops[split] ?? [] }).sorted(by: { $0.key.record < $1.key.record }) { out.crop(split: split, c) }
        }
        return out
    }

    /// The findings, per split in name order, crops in record order. Splits without page inputs
    /// are not judged (a name alone cannot tell which page a crop came from).
    func findings() -> [(split: String, crop: Crop, message: String)] {
        var out: [(String, Crop, String)] = []
        let pageSplits = pageStems.keys.sorted()
        for (split, list) in crops.sorted(by: { $0.key < $1.key }) {
            guard let own = pageStems[split] else { continue }
            for c in list where !own.contains(c.stem) {
                if let other = pageSplits.first(where: { $0 != split && pageStems[$0]!.contains(c.stem) }) {
                    out.append((split, c, "crop \(c.name) comes from page \(c.stem), which is in split \(other)"))
                }
            }
        }
        return out
    }
}
