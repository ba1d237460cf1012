import Foundation
import PrepCore

/// Runs a network in eval mode over a source, batch by batch on the loader's threads, and
/// gives each sample's prediction (greedy CTC, with scores) and — when the sample has a usable
/// label — its CTC loss (divided by the label length, as the batch mean weighs it).
public struct RecogPredictor {
    public struct Output: Sendable {
        public var index: Int
        public var name: String
        public var location: String
        public var label: String
        public var prediction: CTCGreedyDecoder.Prediction
        /// nil when the label is empty or cannot be encoded.
        public var loss: Float?
    }

    public let network: RecogNetwork
    public let charset: Charset
    public let spec: RecogInputSpec
    public var batchSize: Int
    public var workers: Int

    public init(network: RecogNetwork, charset: Charset, spec: RecogInputSpec, batchSize: Int = 64, workers: Int = 2) {
        self.network = network
        self.charset = charset
        self.spec = spec
        self.batchSize = batchSize
        self.workers = workers
    }

    /// Predictions for every sample of `source` in source order (`withLoss`: also the CTC loss
    /// of samples whose label the charset can encode). Images that cannot be read go to
    /// `failures`. `progress` is called with the number of samples done.
    public func run(_ source: any RecogSampleSource, withLoss: Bool, failures: inout [(name: String, reason: String)],
                    progress: ((Int) -> Void)? = nil) -> [Output] {
        let T = network.sequenceLength(inputWidth: spec.width)
        // Every sample is predicted; only encodable labels that fit get a loss target.
        var entries: [RecogLabelSet.Entry] = []
        var lossable = Set<Int>()
        for i in 0..<source.count {
            var target: [Int32] = []
            if withLoss, case let .classes(t) = charset.encode(source.item(at: i).text), !t.isEmpty, RecogLabelSet.stepsNeeded(t) <= T {
                target = t
                lossable.insert(i)
            }
            entries.append(.init(index: i, target: target))
        }
        // Width buckets: the samples sorted by width, each batch padded to its widest (as in
        // training); the outputs are put back in source order below.
        var order = Array(entries.indices)
        var buckets: RecogWidthBuckets?
        if spec.keepRatio && spec.widthBuckets {
            let b = RecogWidthBuckets(source: source, entries: entries, spec: spec, workers: workers)
            order.sort { b.widths[$0] != b.widths[$1] ? b.widths[$0] < b.widths[$1] : $0 < $1 }
            buckets = b
        }
        let loader = RecogBatchLoader(source: source, entries: entries, order: order,
                                      options: .init(spec: spec, batchSize: batchSize, workers: workers, buckets: buckets))
        defer { loader.cancel() }
        let decoder = CTCGreedyDecoder(charset: charset)
        network.setTraining(false)
        var out: [Output] = []
        while let batch = loader.next() {
            failures += batch.failures
            guard batch.count > 0 else { continue }
            let logits = network.forward(batch)
            // Every step, padding included (valid_ratio 1, as MMOCR's CRNN test pipeline, which
            // does not pad): training's CTC covers all T steps, and the model often emits a
            // padded word's last character just right of the image (README, differences).
            let preds = decoder.decode(logits: logits, count: batch.count, steps: network.sequenceLength(inputWidth: batch.width))
            var losses: [Float?] = Array(repeating: nil, count: batch.count)
            if withLoss, batch.indices.contains(where: lossable.contains) {
                // Samples without a target get a dummy one-class target; their loss is dropped.
                let targets = (0..<batch.count).map { k in lossable.contains(batch.indices[k]) ? batch.target(k).map(Int.init) : [1] }
                let per = network.loss(targets: targets, backward: false).perSample
                for k in 0..<batch.count where lossable.contains(batch.indices[k]) { losses[k] = per[k] }
            }
            for k in 0..<batch.count {
                let item = source.item(at: batch.indices[k])
                out.append(Output(index: batch.indices[k], name: item.name, location: item.location, label: item.text,
                                  prediction: preds[k], loss: losses[k]))
            }
            progress?(out.count)
        }
        if buckets != nil { out.sort { $0.index < $1.index } }
        return out
    }
}
