import Foundation
import PrepCore
import PrepFormats

/// `prep split`: divides any annotation file prep reads into splits by ratio, writing one file
/// per split in the same format (or `target`). Assignment is by group — the page by default:
/// a detection record is a page; a recognition crop belongs to the page its name comes from
/// (`img_12_3.png` → `img_12`), so crops of one page never land in two splits. Groups are sorted,
/// shuffled with a seeded generator (`SeededShuffle`), and cut by the ratios (largest remainder
/// for the rounding), so the same input, ratios and seed give the same splits. The seed and the
/// whole assignment (group → split) are recorded in the report.
public struct SplitJob {
    /// How records are grouped before assignment.
    public enum Grouping: String, Sendable, CaseIterable {
        /// The source page (crops of one page stay together).
        case page
        /// Each record on its own.
        case record
    }

    public var input: URL
    public var outputDirectory: URL
    public var ratios: [(name: String, ratio: Double)]
    public var seed: UInt64
    public var grouping: Grouping
    public var from: AnnotationFormat?
    public var target: AnnotationTarget?
    public var images: URL?
    /// Replace split files that exist.
    public var force = false

    public init(input: URL, outputDirectory: URL, ratios: [(name: String, ratio: Double)], seed: UInt64 = 0,
                grouping: Grouping = .page, from: AnnotationFormat? = nil, target: AnnotationTarget? = nil, images: URL? = nil) {
        self.input = input
        self.outputDirectory = outputDirectory
        self.ratios = ratios
        self.seed = seed
        self.grouping = grouping
        self.from = from
        self.target = target
        self.images = images
    }

    /// Parses `train=0.8,val=0.1,test=0.1` (ratios are normalised by their sum).
    public static func parseRatios(_ s: String) throws -> [(name: String, ratio: Double)] {
        var out: [(String, Double)] = []
        for part in s.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, !kv[0].isEmpty, let r = Double(kv[1]), r >= 0, r.isFinite else {
                throw PrepError.usage("--ratios takes name=ratio pairs separated by commas, e.g. train=0.8,val=0.1,test=0.1 (got '\(part)')")
            }
            if out.contains(where: { $0.0 == kv[0] }) { throw PrepError.usage("--ratios names split '\(kv[0])' twice") }
            out.append((kv[0], r))
        }
        let sum = out.reduce(0) { $0 + $1.1 }
        guard out.count >= 2, sum > 0 else { throw PrepError.usage("--ratios needs at least two splits with a positive total") }
        return out.map { ($0.0, $0.1 / sum) }
    }

    /// The page a record belongs to: its image path, or for a crop `<dir>/<stem>_<n>.<ext>` the
    /// path up to `_<n>`.
    public static func pageKey(_ record: AnnotationRecord, kind: AnnotationKind) -> String {
        guard kind == .recognition else { return record.imagePath }
        var stem = (record.imagePath as NSString).deletingPathExtension
        if let us = stem.lastIndex(of: "_"), stem.index(after: us) < stem.endIndex,
           stem[stem.index(after: us)...].allSatisfy(\.isASCII), stem[stem.index(after: us)...].allSatisfy(\.isNumber) {
            stem = String(stem[..<us])
        }
        return stem
    }

    /// Group counts per split: `floor(ratio × n)`, the rest to the largest remainders (ties to
    /// the split named first).
    public static func counts(_ ratios: [Double], total n: Int) -> [Int] {
        var c = ratios.map { Int(($0 * Double(n)).rounded(.down)) }
        let rest = n - c.reduce(0, +)
        let order = ratios.indices.sorted { a, b in
            let ra = ratios[a] * Double(n) - Double(c[a]), rb = ratios[b] * Double(n) - Double(c[b])
            return ra != rb ? ra > rb : a < b
        }
        for k in 0..<rest { c[order[k % order.count]] += 1 }
        return c
    }

    public func run(report: RunReport) throws {
        let format: AnnotationFormat
        if let from { format = from } else {
            let d = try AnnotationFormat.detect(input)
            format = d.format
            report.notes.append("detected \(format.rawValue): \(d.reason)")
        }
        // Pass 1: groups (and whether there is text), streaming.
        let reader = try format.open(input)
        let kind = reader.kind
        var groupOf: [String] = []
        var seen = Set<String>()
        var groups: [String] = []
        var hasText = false
        var noPage = 0
        try reader.forEach(skipped: { DatasetRunner.reportSkip($0, row: "split", report: report) }) { r in
            var key = grouping == .page ? Self.pageKey(r, kind: kind) : r.imagePath
            if grouping == .record || (r.imageBytes != nil) { key = r.imagePath; if grouping == .page { noPage += 1 } }
            if kind == .detection && r.instances.contains(where: { $0.text != nil }) { hasText = true }
            groupOf.append(key)
            if seen.insert(key).inserted { groups.append(key) }
        }
        if noPage > 0 { report.notes.append("\(noPage) LMDB record(s) have no page name; each is its own group") }
        groups.sort()
        var rng = SeededShuffle(seed: seed)
        rng.shuffle(&groups)
        let counts = Self.counts(ratios.map(\.ratio), total: groups.count)
        var splitOfGroup: [String: Int] = [:]
        var k = 0
        for (s, c) in counts.enumerated() { for _ in 0..<c { splitOfGroup[groups[k]] = s; k += 1 } }

        let target = self.target ?? Self.family(format)
        let syntax: LabelFileWriter.Syntax = format == .labelTxt ? .txt : .jsonl
        let written = target.format(kind: kind, labelSyntax: syntax)
        // The input's extension when the format stays, else the target's usual one.
        let ext = written == format && !input.pathExtension.isEmpty ? "." + input.pathExtension : written.fileExtension
        let stem = (input.lastPathComponent as NSString).deletingPathExtension
        report.options["seed"] = String(seed)
        report.options["group_by"] = grouping.rawValue
        report.options["ratios"] = ratios.map { "\($0.name)=\($0.ratio)" }.joined(separator: ",")
        report.options["format"] = written.rawValue

        let fileNames = ratios.map { "\(stem)_\($0.name)\(ext)" }
        if !force, let existing = fileNames.first(where: { FileManager.default.fileExists(atPath: outputDirectory.appendingPathComponent($0).path) }) {
            throw PrepError.usage("\(outputDirectory.appendingPathComponent(existing).path) exists; give --force to replace the split files")
        }
        let staging = try OutputStaging(directory: outputDirectory)
        do {
            var writers: [AnnotationWriter] = []
            var names: [String] = []
            for file in fileNames {
                names.append(file)
                writers.append(try target.writer(kind: kind, url: try staging.url(for: file), hasText: hasText, labelSyntax: syntax,
                                                 imageRoot: images ?? input.deletingLastPathComponent()))
            }
            for (name, _) in ratios { report.update(split: name) { _ in } }  // rows in ratio order
            // Pass 2: each record to its group's split, in input order.
            try reader.restart()
            var i = 0
            while true {
                let next: AnnotationRecord?
                do { next = try reader.next() } catch { continue }  // reported in pass 1
                guard let r = next else { break }
                let s = splitOfGroup[groupOf[i]]!
                i += 1
                let row = ratios[s].name
                do { try writers[s].add(r) } catch let e as PrepError {
                    DatasetRunner.reportSkip(e, row: row, report: report)
                    continue
                }
                report.update(split: row) {
                    $0.images += 1
                    $0.instances += r.instances.count
                    $0.ignored += r.instances.filter(\.ignore).count
                }
            }
            for (s, w) in writers.enumerated() {
                try w.finish()
                report.update(split: ratios[s].name) { $0.outputs.append(names[s]) }
                for line in w.losses.lines { report.warn(split: ratios[s].name, file: names[s], reason: "not held by \(written.rawValue): \(line)") }
            }
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
        report.notes.append("\(groups.count) group(s) by \(grouping.rawValue), seed \(seed): " +
                            zip(ratios, counts).map { "\($0.name) \($1)" }.joined(separator: ", "))
        let assignment: [(String, JSONValue)] = groups.sorted().map { ($0, .string(ratios[splitOfGroup[$0]!].name)) }
        report.extra.append(("split", .object([
            ("seed", .int(Int(truncatingIfNeeded: seed))), ("group_by", .string(grouping.rawValue)),
            ("ratios", .object(ratios.map { ($0.name, .double($0.ratio)) })),
            ("groups", .object(zip(ratios, counts).map { ($0.name, .int($1)) })),
            ("assignment", .object(assignment)),
        ])))
    }

    /// The target that writes `format` again.
    static func family(_ format: AnnotationFormat) -> AnnotationTarget {
        switch format {
        case .mmocr0COCO, .labelTxt, .labelJsonl: return .mmocr0
        case .lineJSON: return .lineJSON
        case .mmocr1: return .mmocr1
        case .coco: return .coco
        case .paddleDet, .paddleRec: return .paddle
        case .lmdb: return .lmdb
        case .doctr: return .doctr
        case .hf: return .hf
        case .easyocr: return .easyocr
        case .tesstrain: return .tesstrain
        case .paddleKIE: return .paddleKIE
        }
    }
}

/// SplitMix64 and a Fisher–Yates shuffle: a small, documented generator, so a seed gives the
/// same order on every platform and Swift version (the standard library's generator is not
/// seedable).
public struct SeededShuffle {
    private var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { rng.next() }

    /// Fisher–Yates from the end; index j = next() mod (i + 1).
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }
}
