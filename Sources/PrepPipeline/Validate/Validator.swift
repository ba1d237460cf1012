import Foundation
import PrepCore

/// Runs every check over any number of inputs (each in a split) and keeps the findings and
/// statistics. Records stream through: what is kept is per page (size, instance count), per
/// image content hash, and per character, never per label.
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
        public init() {}
    }

    public let options: Options
    public private(set) var anomalies: [Anomaly] = []
    public private(set) var counts: [AnomalyKind: Int] = [:]
    public private(set) var splits: [SplitStatistics] = []
    public private(set) var characters: [Unicode.Scalar: Int] = [:]

    private var seen: [SHA256Digest: (split: String, name: String)] = [:]
    private var pageStems: [String: Set<String>] = [:]
    private var cropStems: [String: [(stem: String, position: RecordPosition, name: String)]] = [:]
    private var cropStemSeen: [String: Set<String>] = [:]

    public init(options: Options) { self.options = options }

    public var errorCount: Int { counts.filter { $0.key.severity == .error }.reduce(0) { $0 + $1.value } }
    public var warningCount: Int { counts.filter { $0.key.severity == .warning }.reduce(0) { $0 + $1.value } }

    private let cwd = FileManager.default.currentDirectoryPath + "/"
    private var fileOrder: [String: Int] = [:]

    func add(_ kind: AnomalyKind, _ split: String, _ p: RecordPosition, image: String? = nil, _ message: String) {
        var p = p
        // Paths as a person (and GitHub's annotations) give them: relative to where prep runs.
        if p.file.hasPrefix(cwd) { p.file.removeFirst(cwd.count) }
        if fileOrder[p.file] == nil { fileOrder[p.file] = fileOrder.count }
        counts[kind, default: 0] += 1
        if counts[kind]! <= options.keepPerKind { anomalies.append(Anomaly(kind, split: split, at: p, image: image, message)) }
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
        var name: String
    }

    /// Validates one input as part of `split`.
    public func validate(_ input: ValidationInput, path: String, split: String) throws {
        let s = statsIndex(split)
        splits[s].inputs.append((path, type(of: input).formatName))
        var pages: [String: (name: String, width: Int?, height: Int?, instances: Int)] = [:]
        var pageOrder: [String] = []
        var jobs: [ImageJob] = []
        func flush() {
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            OrderedParallel.forEach(batch, workers: options.workers, batchSize: batch.count,
                                    transform: { [options] job in options.image.check(job.source, expected: job.expected) },
                                    consume: { i, result in self.imageResult(batch[i], result, split) })
        }
        func text(_ t: String, ignore: Bool, _ p: RecordPosition, image: String?) {
            splits[s].textLength.add(Double(t.unicodeScalars.count))
            if !ignore { for c in t.unicodeScalars { characters[c, default: 0] += 1 } }
            for (k, m) in options.text.check(t, ignore: ignore) { add(k, split, p, image: image, m) }
        }
        try input.forEach { record in
            switch record {
            case let .anomaly(kind, p, message):
                add(kind, split, p, message)
            case let .page(page):
                splits[s].images += 1
                if pages[page.key] == nil { pageOrder.append(page.key) }
                pages[page.key] = (page.name, page.width, page.height, 0)
                pageStems[split, default: []].insert(String(Validator.stem(page.name)))
                if !options.skipImages {
                    let expected = page.width.flatMap { w in page.height.map { (w, $0) } }
                    jobs.append(ImageJob(source: page.image, expected: expected, position: page.position, name: page.name))
                }
            case let .instance(rec):
                let page = pages[rec.pageKey]
                pages[rec.pageKey]?.instances += 1
                splits[s].instances += 1
                if rec.instance.ignore { splits[s].ignored += 1 }
                let findings = options.geometry.check(rec.instance.polygon, width: page?.width, height: page?.height, bbox: rec.bbox)
                for (k, m) in findings { add(k, split, rec.position, image: page?.name, m) }
                if Polygon.defect(rec.instance.polygon) == nil { splits[s].addBox(rec.instance.polygon) }
                if let t = rec.instance.text { text(t, ignore: rec.instance.ignore, rec.position, image: page?.name) }
            case let .label(label):
                splits[s].labels += 1
                text(label.text, ignore: false, label.position, image: label.imageName)
                let stem = Validator.cropSourceStem(label.imageName)
                if cropStemSeen[split, default: []].insert(stem).inserted {
                    cropStems[split, default: []].append((stem, label.position, label.imageName))
                }
                if !options.skipImages {
                    jobs.append(ImageJob(source: label.image, expected: nil, position: label.position, name: label.imageName))
                }
            }
            if jobs.count >= 256 { flush() }
        }
        flush()
        for key in pageOrder { splits[s].instancesPerImage.add(Double(pages[key]!.instances)) }
    }

    private func imageResult(_ job: ImageJob, _ r: ImageCheck.Result, _ split: String) {
        for (k, m) in r.findings { add(k, split, job.position, image: job.name, m) }
        guard let d = r.digest else { return }
        if let first = seen[d] {
            if first.split == split {
                add(.duplicateImage, split, job.position, image: job.name, "same content as \(first.name) (SHA-256 \(d))")
            } else {
                add(.imageInTwoSplits, split, job.position, image: job.name,
                    "same content as \(first.name) in split \(first.split) (SHA-256 \(d))")
            }
        } else {
            seen[d] = (split, job.name)
        }
    }

    /// Cross-split checks that need every input: crops whose source page (by the crop naming
    /// `<page stem>_<n>.<ext>`) is a page of another split and not of their own. Splits without
    /// page inputs are not judged (a name alone cannot tell which page a crop came from).
    public func finish() {
        defer {
            // File order, then line (image checks run in batches after the records they follow).
            let order = fileOrder
            anomalies = anomalies.enumerated().sorted { a, b in
                let ka = (order[a.element.position.file] ?? 0, a.element.position.line ?? 0, a.element.position.offset ?? 0, a.offset)
                let kb = (order[b.element.position.file] ?? 0, b.element.position.line ?? 0, b.element.position.offset ?? 0, b.offset)
                return ka < kb
            }.map(\.element)
        }
        for (split, crops) in cropStems.sorted(by: { $0.key < $1.key }) {
            guard let own = pageStems[split] else { continue }
            for c in crops where !own.contains(c.stem) {
                if let other = pageStems.keys.sorted().first(where: { $0 != split && pageStems[$0]!.contains(c.stem) }) {
                    add(.cropSourceInOtherSplit, split, c.position, image: c.name,
                        "crop \(c.name) comes from page \(c.stem), which is in split \(other)")
                }
            }
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
