import Foundation
import PrepCore
import PrepFormats

/// The recognition task: images spread over the workers (each reads its file once, decodes
/// what its crops need, cuts and encodes), crops handed to the sink in input order, so outputs
/// are byte-identical for any worker count and memory is bounded by one batch of images.
public struct RecogPacker {
    /// One image to cut, as a worker loads it: the sample (header probed, annotation parsed) and
    /// the prefix its crops are named with. `load` returns nil for an image already reported.
    public typealias Loaded = Result<(sample: Sample, prefix: String), PrepError>

    public let engine: CropEngine
    public let workers: Int
    public let quiet: Bool
    /// Whether EXIF-tagged images are counted here (false when the det task already did).
    public let countsExif: Bool
    /// `--shard`: where the crops' records are noted, and each image's position in the unsharded split.
    public var ledger: ShardLedger? = nil
    public var positions: [Int]? = nil

    public init(engine: CropEngine, workers: Int, quiet: Bool, countsExif: Bool = true) {
        self.engine = engine
        self.workers = workers
        self.quiet = quiet
        self.countsExif = countsExif
    }

    /// Crop names come from image names: two images with the same prefix would overwrite each
    /// other's crops (the reference's `stem1` collisions, §9.9). Returns, for each later image
    /// of a clash, the index of the image that keeps the prefix; those are reported and left out.
    public static func prefixClashes(_ prefixes: [String]) -> [Int: Int] {
        var first: [String: Int] = [:]
        var clashes: [Int: Int] = [:]
        for (i, p) in prefixes.enumerated() {
            if let f = first[p] { clashes[i] = f } else { first[p] = i }
        }
        return clashes
    }

    /// Totals of one split, beyond what the report's split row shows.
    public struct Totals {
        public var crops = 0, diverted = 0, droppedVertical = 0, rotated = 0
    }

    /// Cuts `count` images of `split` (`load(i)` gives image i, nil to leave it out) into `sink`. `row` is the
    /// report row the counts go to. Returns the split's totals.
    @discardableResult
    public func run(split: String, row: String, count: Int, load: @escaping (Int) -> Loaded?,
                    sink: RecogSink, report: RunReport) throws -> Totals {
        var totals = Totals()
        try sink.begin(split: split)
        report.update(split: row) { _ in }
        let progress = Progress(label: row, total: count, quiet: quiet)
        var sinkError: Error?
        let storeErrors = FirstError()
        let engine = self.engine
        let ledger = self.ledger, positions = self.positions
        OrderedParallel.forEach(Array(0..<count), workers: workers, batchSize: 64, transform: { i -> Result<(Sample, CropEngine.Result), PrepError>? in
            switch load(i) {
            case nil: return nil
            case let .failure(e)?: return .failure(e)
            case let .success((sample, prefix))?:
                let bytes: [UInt8]
                switch FileBytes.read(sample.image.path) {
                case let .success(b): bytes = b
                case let .failure(e): return .failure(.image(path: sample.image.path, reason: e.missing ? "cannot read image" : e.reason))
                }
                var cut = engine.cut(sample, prefix: prefix, split: split, bytes: bytes)
                do {
                    for k in cut.crops.indices where try sink.storeConcurrently(cut.crops[k]) {
                        cut.crops[k].bytes = []
                        cut.crops[k].stored = true
                    }
                } catch {
                    storeErrors.set(error)
                }
                return .success((sample, cut))
            }
        }) { i, result in
            progress.advance()
            guard sinkError == nil, storeErrors.value == nil, let result else { return }
            ledger?.position = positions?[i] ?? i
            switch result {
            case let .failure(error):
                DatasetRunner.reportSkip(error, row: row, report: report)
            case let .success((sample, cut)):
                if countsExif && sample.image.exifOrientation != 1 { report.exifTagged(sample.image.path) }
                for s in cut.skipped { report.skip(split: row, file: s.file, reason: s.reason) }
                do { for crop in cut.crops { try sink.add(crop) } } catch { sinkError = error; return }
                totals.crops += cut.crops.count
                totals.diverted += cut.crops.filter(\.diverted).count
                totals.droppedVertical += cut.droppedVertical
                totals.rotated += cut.rotated
                report.update(split: row) {
                    $0.images += 1
                    $0.instances += cut.crops.count
                    $0.ignored += cut.ignored
                }
            }
        }
        if let e = storeErrors.value ?? sinkError { throw e }
        progress.finish()
        let outputs = try sink.end()
        report.update(split: row) { $0.outputs.append(contentsOf: outputs) }
        if let labels = sink as? LabelFileSink, let name = labels.droppedEmptyLabel {
            report.warn(split: row, file: name, reason: "no crops in this split: nothing written for it (an empty split does not load)")
        }
        if let labels = sink as? LabelFileSink, labels.spacedTexts > 0 {
            report.warn(split: row, file: outputs.first ?? "", reason: "\(labels.spacedTexts) × \(LabelFileWriter.spacedTextLoss)")
        }
        var parts: [String] = []
        if totals.diverted > 0 { parts.append("\(totals.diverted) vertical crop(s) in ignores/ with their own label file") }
        if totals.rotated > 0 { parts.append("\(totals.rotated) vertical crop(s) rotated 90°") }
        if totals.droppedVertical > 0 { parts.append("\(totals.droppedVertical) vertical crop(s) dropped") }
        if !parts.isEmpty { report.notes.append("\(row): " + parts.joined(separator: "; ")) }
        return totals
    }
}

/// The first error raised on any worker thread.
final class FirstError: @unchecked Sendable {
    private var error: Error?
    private let lock = NSLock()
    var value: Error? { lock.lock(); defer { lock.unlock() }; return error }
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
