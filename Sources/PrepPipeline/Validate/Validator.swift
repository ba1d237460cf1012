import Foundation
import PrepCore

/// Runs every check over any number of inputs (each in a split) and keeps the findings and
/// statistics. Records stream through: what is kept is per page (size, instance count), per
/// image content hash, and per character, never per label.
///
/// With `Options.shard` (`prep validate --shard I/N`) only that shard's records are checked:
/// a page (and its instances) by its image name, a label by its image name, structure problems
/// of the files by shard 0. The checks that need every image (duplicate content, crop sources)
/// are left to `prep merge`, which gets each checked image's digest and the crop names
/// (`startShard`, `writeShard`) and finishes them as one run would (`ValidationShardMerge`).
public final class Validator {
    public struct Options: Sendable {
        /// Folder image names are relative to (default: each input's folder).
        public var images: URL?
        public var text = TextCheck()
        public var geometry = GeometryCheck()
        public var image = ImageCheck()
        /// Do not open images at all (labels and geometry only).
        public var skipImages = false
        public var workers = 1
        /// Anomalies kept per kind for the listing (counts stay exact).
        public var keepPerKind = 1000
        /// Check only this shard's records (`--shard I/N`).
        public var shard: Shard?
        public init() {}
    }

    public let options: Options
    /// The listed anomalies (the first `keepPerKind` per kind), set by `finish`.
    public private(set) var anomalies: [Anomaly] = []
    public var counts: [AnomalyKind: Int] { list.counts }
    public internal(set) var splits: [SplitStatistics] = []
    public internal(set) var characters: [Unicode.Scalar: Int] = [:]

    var list: AnomalyList
    private var duplicates = DuplicateImages()
    private var cropSources = CropSources()
    /// A shard's image digests, for the merge's duplicate check.
    private var digestFile: ValidationShardFiles.Writer?
    /// Records read so far over all inputs (every shard counts every record alike).
    private var record = 0
    /// The record at which each file first appeared (anomalies sort by file in that order).
    private var fileSeq: [String: Int] = [:]
    private var lastFile = ""
    private var seq = 0

    public init(options: Options) {
        self.options = options
        list = AnomalyList(keep: options.keepPerKind)
    }

    public var errorCount: Int { counts.filter { $0.key.severity == .error }.reduce(0) { $0 + $1.value } }
    public var warningCount: Int { counts.filter { $0.key.severity == .warning }.reduce(0) { $0 + $1.value } }

    private let cwd = FileManager.default.currentDirectoryPath + "/"

    /// Paths as a person (and GitHub's annotations) give them: relative to where prep runs.
    private func relative(_ p: RecordPosition) -> RecordPosition {
        var p = p
        if p.file.hasPrefix(cwd) { p.file.removeFirst(cwd.count) }
        return p
    }

    /// Where a record's anomalies sort (phase and seq filled in by `add`).
    private func key(_ p: RecordPosition, record r: Int) -> AnomalyKey {
        AnomalyKey(file: fileSeq[p.file] ?? r, line: p.line ?? 0, offset: p.offset ?? 0, record: r, phase: 0, seq: 0)
    }

    func add(_ kind: AnomalyKind, _ split: String, _ p: RecordPosition, image: String? = nil, _ message: String, key: AnomalyKey, phase: Int) {
        var k = key
        k.phase = phase
        seq += 1
        k.seq = seq
        list.add(KeyedAnomaly(key: k, anomaly: Anomaly(kind, split: split, at: relative(p), image: image, message)))
    }

    private func statsIndex(_ split: String) -> Int {
        if let i = splits.firstIndex(where: { $0.split == split }) { return i }
        splits.append(SplitStatistics(split: split))
        return splits.count - 1
    }

    private struct ImageJob {
        var source: ValidationImageSource
        var expected: (width: Int, height: Int)?
        var position: RecordPosition
        var key: AnomalyKey
        var name: String
    }

    /// Validates one input as part of `split`; returns the number of records it holds (all
    /// shards count all of them).
    @discardableResult
    public func validate(_ input: ValidationInput, path: String, split: String) throws -> Int {
        let first = record
        let s = statsIndex(split)
        splits[s].inputs.append((path, type(of: input).formatName))
        var pages: [String: (name: String, width: Int?, height: Int?, instances: Int)] = [:]
        var pageOrder: [String] = []
        var jobs: [ImageJob] = []
        // Sharded: which page keys are this shard's (decided by the key's first page's name).
        var pageOwned: [String: Bool] = [:]
        let shard = options.shard
        func flush() {
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            OrderedParallel.forEach(batch, workers: options.workers, batchSize: batch.count,
                                    transform: { [options] job in options.image.check(job.source, expected: job.expected) },
                                    consume: { i, result in self.imageResult(batch[i], result, split) })
        }
        func text(_ t: String, ignore: Bool, _ p: RecordPosition, _ k: AnomalyKey, image: String?) {
            splits[s].textLength.add(Double(t.unicodeScalars.count))
            if !ignore { for c in t.unicodeScalars { characters[c, default: 0] += 1 } }
            for (kind, m) in options.text.check(t, ignore: ignore) { add(kind, split, p, image: image, m, key: k, phase: 0) }
        }
        try input.forEach(shard: shard) { item in
            let r = record
            record += 1
            let position: RecordPosition
            switch item {
            case let .anomaly(_, p, _): position = p
            case let .page(page): position = page.position
            case let .instance(rec): position = rec.position
            case let .label(label): position = label.position
            case let .elsewhere(p): position = p
            }
            if position.file != lastFile {
                if fileSeq[position.file] == nil { fileSeq[position.file] = r }
                lastFile = position.file
            }
            if let shard {
                let mine: Bool
                switch item {
                case .anomaly: mine = shard.index == 0
                case let .page(page):
                    if let owned = pageOwned[page.key] { mine = owned } else {
                        mine = shard.contains(page.name)
                        pageOwned[page.key] = mine
                    }
                case let .instance(rec): mine = pageOwned[rec.pageKey] ?? shard.contains(rec.pageKey)
                case let .label(label): mine = shard.contains(label.imageName)
                case .elsewhere: mine = false
                }
                guard mine else { return }
            }
            let k = key(position, record: r)
            switch item {
            case let .anomaly(kind, p, message):
                add(kind, split, p, message, key: k, phase: 0)
            case let .page(page):
                splits[s].images += 1
                if pages[page.key] == nil { pageOrder.append(page.key) }
                pages[page.key] = (page.name, page.width, page.height, 0)
                cropSources.page(split: split, stem: String(Validator.stem(page.name)))
                if !options.skipImages {
                    let expected = page.width.flatMap { w in page.height.map { (w, $0) } }
                    jobs.append(ImageJob(source: page.image, expected: expected, position: page.position, key: k, name: page.name))
                }
            case let .instance(rec):
                let page = pages[rec.pageKey]
                pages[rec.pageKey]?.instances += 1
                splits[s].instances += 1
                if rec.instance.ignore { splits[s].ignored += 1 }
                let findings = options.geometry.check(rec.instance.polygon, width: page?.width, height: page?.height, bbox: rec.bbox)
                for (kind, m) in findings { add(kind, split, rec.position, image: page?.name, m, key: k, phase: 0) }
                if Polygon.defect(rec.instance.polygon) == nil { splits[s].addBox(rec.instance.polygon) }
                if let t = rec.instance.text { text(t, ignore: rec.instance.ignore, rec.position, k, image: page?.name) }
            case let .label(label):
                splits[s].labels += 1
                text(label.text, ignore: false, label.position, k, image: label.imageName)
                cropSources.crop(split: split, .init(stem: Validator.cropSourceStem(label.imageName), name: label.imageName,
                                                     position: relative(label.position), key: k))
                if !options.skipImages {
                    jobs.append(ImageJob(source: label.image, expected: nil, position: label.position, key: k, name: label.imageName))
                }
            case .elsewhere:
                break
            }
            if jobs.count >= 256 { flush() }
        }
        flush()
        for key in pageOrder { splits[s].instancesPerImage.add(Double(pages[key]!.instances)) }
        return record - first
    }

    private var digestError: Error?

    private func imageResult(_ job: ImageJob, _ r: ImageCheck.Result, _ split: String) {
        for (kind, m) in r.findings { add(kind, split, job.position, image: job.name, m, key: job.key, phase: 1) }
        guard let d = r.digest else { return }
        if let digestFile {
            do {
                try digestFile.digest(.init(key: job.key, split: split, name: job.name, position: relative(job.position), digest: d))
            } catch { digestError = digestError ?? error }
        } else {
            addDuplicate(d, split: split, name: job.name, position: job.position, key: job.key)
        }
    }

    func addDuplicate(_ d: SHA256Digest, split: String, name: String, position: RecordPosition, key: AnomalyKey) {
        if let (kind, message) = duplicates.check(d, split: split, name: name) {
            add(kind, split, position, image: name, message, key: key, phase: 2)
        }
    }

    /// Adds the crop-source findings of `sources` (every page and crop of the run).
    func addCropFindings(_ sources: CropSources) {
        for f in sources.findings() {
            add(.cropSourceInOtherSplit, f.split, f.crop.position, image: f.crop.name, f.message, key: f.crop.key, phase: 3)
        }
    }

    /// Cross-split checks that need every input (crop sources; a shard leaves them to the
    /// merge), then the listing: the first `keepPerKind` per kind, by file, line and record.
    public func finish() {
        if options.shard == nil { addCropFindings(cropSources) }
        anomalies = list.listed().map(\.anomaly)
    }

    /// Sharded: opens `.prep-shard/digests.bin` in `directory` (before the first `validate`).
    public func startShard(in directory: URL) throws {
        digestFile = try ValidationShardFiles.Writer(directory.appendingPathComponent(ValidationShardFiles.digests))
    }

    /// Sharded, after `finish`: writes what the merge needs besides the digests (crop names,
    /// statistics, counts, the listed anomalies) into `directory`.
    public func writeShard(to directory: URL, seconds: Double, strict: Bool) throws {
        if let digestError { throw digestError }
        try digestFile?.close()
        let crops = try ValidationShardFiles.Writer(directory.appendingPathComponent(ValidationShardFiles.crops))
        for (split, stems) in cropSources.pageStems.sorted(by: { $0.key < $1.key }) {
            for stem in stems.sorted() { try crops.page(split: split, stem: stem) }
        }
        for (split, list) in cropSources.crops.sorted(by: { $0.key < $1.key }) {
            for c in list { try crops.crop(split: split, c) }
        }
        try crops.close()
        let state = ValidationShardState(keepPerKind: options.keepPerKind, seconds: seconds, strict: strict, splits: splits,
                                         characters: characters.map { [Int($0.key.value), $0.value] }.sorted { $0[0] < $1[0] },
                                         counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
                                         anomalies: list.listed())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try encoder.encode(state).write(to: directory.appendingPathComponent(ValidationShardFiles.state)) } catch {
            throw PrepError.io(path: directory.path, reason: "cannot write the shard state")
        }
    }

    /// The last path component without its extension (string work: no URL per label).
    static func stem(_ name: String) -> Substring {
        let base = name.lastIndex(of: "/").map { name[name.index(after: $0)...] } ?? name[...]
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { return base[..<dot] }
        return base
    }

    /// `training/img_12_3.png` → `img_12` (prep's and MMOCR's crop naming).
    static func cropSourceStem(_ name: String) -> String {
        let s = stem(name)
        guard let u = s.lastIndex(of: "_"), s.index(after: u) < s.endIndex,
              s[s.index(after: u)...].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return String(s) }
        return String(s[..<u])
    }
}

/// What a shard of `prep validate` found that the merge sums (`.prep-shard/state.json`).
struct ValidationShardState: Codable {
    var keepPerKind: Int
    var seconds: Double
    var strict: Bool
    var splits: [SplitStatistics]
    /// [scalar value, count] pairs.
    var characters: [[Int]]
    /// Findings per kind (raw names), all of them, listed or not.
    var counts: [String: Int]
    /// The shard's first `keepPerKind` per kind.
    var anomalies: [KeyedAnomaly]
}
