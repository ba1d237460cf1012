import Foundation

/// The samples of a source that can be trained on, with their CTC targets; every other sample
/// is listed in `skipped` with its location and why — a character outside the dictionary
/// (named), an empty label, or a label the model's `T` time steps cannot align (CTC needs
/// T ≥ length + repeated neighbours; a longer label would give an infinite loss).
public struct RecogLabelSet: Sendable {
    public struct Entry: Sendable {
        /// Index into the source.
        public var index: Int
        public var target: [Int32]
    }

    public struct Skip: Sendable, Equatable {
        public var name: String
        public var location: String
        public var reason: String
    }

    public let entries: [Entry]
    public let skipped: [Skip]

    /// Checks every label of `source` against `charset` and the sequence length `T`.
    public init(source: any RecogSampleSource, charset: Charset, sequenceLength T: Int) {
        var entries: [Entry] = []
        var skipped: [Skip] = []
        for i in 0..<source.count {
            let item = source.item(at: i)
            switch charset.encode(item.text) {
            case let .unknown(chars):
                skipped.append(Skip(name: item.name, location: item.location,
                                    reason: "character\(chars.count == 1 ? "" : "s") outside the dictionary: \(chars.map(Charset.describe).joined(separator: " "))"))
            case let .classes(target):
                if target.isEmpty {
                    skipped.append(Skip(name: item.name, location: item.location, reason: "empty label"))
                    continue
                }
                let needed = Self.stepsNeeded(target)
                if needed > T {
                    skipped.append(Skip(name: item.name, location: item.location,
                                        reason: "label of \(target.count) characters needs \(needed) time steps; the model has \(T) (raise --max-width or shorten the label)"))
                    continue
                }
                entries.append(Entry(index: i, target: target))
            }
        }
        self.entries = entries
        self.skipped = skipped
    }

    /// CTC's minimum input length for `target`: its length plus one blank between each pair of
    /// equal neighbours.
    public static func stepsNeeded(_ target: [Int32]) -> Int {
        var n = target.count
        for k in target.indices.dropFirst() where target[k] == target[k - 1] { n += 1 }
        return n
    }
}
