import Foundation
import PrepCore

/// Batches of similar width for keep-ratio inputs (`RecogInputSpec.widthBuckets`): each sample's
/// keep-ratio width is read from its image header once; an epoch's seeded order is cut into
/// pools of `poolBatches` batches, each pool sorted by width and cut into batches, and the
/// batches of a pool shuffled; a batch is padded only to its widest sample.
///
/// Why: with one padded width for every batch, the width must be small enough to be cheap
/// (MMOCR's 100–160), so long words are squeezed — on the synthetic benchmark 40 % of words are
/// wider than 128 px at height 32, and words of 13+ characters are read wrong four times as
/// often as short ones. With buckets a batch costs what its own words need: a 256-px limit
/// costs about what a fixed 128 does, and almost no word is squeezed. Samples keep their
/// augmentation and randomness (functions of seed, epoch and sample), and the order is a pure
/// function of (seed, epoch, widths), so runs stay reproducible and resumable.
public struct RecogWidthBuckets: Sendable {
    /// Padded width of each entry (indexed like the loader's `entries`): its keep-ratio width,
    /// at least what its label needs for CTC, at most the spec's width.
    public let widths: [Int]
    /// Batches per sorted pool: large enough for batches of near-equal width, small enough to
    /// keep an epoch's order random at the scale of a few thousand samples.
    public var poolBatches = 32

    public init(widths: [Int]) { self.widths = widths }

    /// Reads every entry's image header (not its pixels) on `workers` threads. An image whose
    /// header cannot be read gets the full width (the batch builder reports it).
    public init(source: any RecogSampleSource, entries: [RecogLabelSet.Entry], spec: RecogInputSpec, workers: Int) {
        var widths = [Int](repeating: spec.width, count: entries.count)
        let chunks = max(1, min(workers, entries.count / 256 + 1))
        widths.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in stride(from: c, to: entries.count, by: chunks) {
                    let e = entries[i]
                    guard let bytes = try? source.imageBytes(at: e.index),
                          let info = try? ImageProbe.probe(bytes: bytes, name: "", checkComplete: false) else { continue }
                    base[i] = Self.paddedWidth(imageWidth: info.width, imageHeight: info.height, targetLength: e.target, spec: spec)
                }
            }
        }
        self.widths = widths
    }

    /// A sample's padded width: its keep-ratio width (a multiple of 16), raised so that CTC has
    /// the steps its label needs, at most `spec.width`.
    public static func paddedWidth(imageWidth: Int, imageHeight: Int, targetLength target: [Int32], spec: RecogInputSpec) -> Int {
        var w = spec.keepRatioWidth(imageWidth: imageWidth, imageHeight: imageHeight)
        let steps = RecogLabelSet.stepsNeeded(target)
        // T = W/4 + 1 steps for width W (CRNNConfig.sequenceLength).
        w = max(w, (steps - 1) * 4)
        w = (w + 15) / 16 * 16
        return min(spec.width, max(spec.minWidth, w))
    }

    /// The epoch's order with `base` (a seeded permutation of entry indices) bucketed: pools of
    /// `poolBatches · batchSize` samples, each sorted by width (ties in `base` order) and cut
    /// into batches, which are then shuffled within the pool with `rng`.
    public func order(_ base: [Int], batchSize: Int, rng: inout RecogRandom) -> [Int] {
        let pool = max(1, poolBatches) * batchSize
        var out: [Int] = []
        out.reserveCapacity(base.count)
        var start = 0
        while start < base.count {
            let end = min(base.count, start + pool)
            let sorted = base[start..<end].enumerated().sorted {
                widths[$0.element] != widths[$1.element] ? widths[$0.element] < widths[$1.element] : $0.offset < $1.offset
            }.map(\.element)
            let batches = stride(from: 0, to: sorted.count, by: batchSize).map { sorted[$0..<min(sorted.count, $0 + batchSize)] }
            // The pool's last (possibly short) batch stays last only when it is the epoch's end,
            // so every batch but the epoch's final one is full.
            let full = end == base.count ? batches.filter { $0.count == batchSize } : batches
            let short = end == base.count ? batches.filter { $0.count < batchSize } : []
            for b in rng.permutation(full.count) { out += full[b] }
            for b in short { out += b }
            start = end
        }
        return out
    }

    /// The padded width of the batch made of `members` (entry indices).
    public func batchWidth<S: Sequence>(_ members: S) -> Int where S.Element == Int {
        members.reduce(0) { max($0, widths[$1]) }
    }
}
