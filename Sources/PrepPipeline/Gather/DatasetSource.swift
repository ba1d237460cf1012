import Foundation
import PrepCore
import PrepConverters

/// Where a recipe's samples come from: per-image annotation files paired by name
/// (`PairGatherer`), or one annotation file for many images (`WholeFileGatherer`). The runner
/// consumes both the same way.
public struct DatasetSource {
    /// The per-image converter (nil for whole-file formats, whose pairs carry their parse).
    public let perImage: (any PerImageConverter)?
    let gatherSplit: (String, RunReport) throws -> GatheredSplit

    /// `overrides`: converter options the command line sets (`--level`); `shard`: gather only
    /// that shard's pairs (`GatheredPair.position` set).
    public init(recipe: Recipe, root: URL, overrides: [String: String] = [:], shard: Shard? = nil) throws {
        let options = ConverterOptions((recipe.options ?? [:]).merging(overrides) { _, new in new })
        if let factory = ConverterRegistry.perImage[recipe.converter] {
            let converter = try factory(options)
            let gatherer = PairGatherer(root: root, layout: recipe.layout, shard: shard)
            perImage = converter
            gatherSplit = { try gatherer.gather(split: $0, report: $1) }
        } else if let factory = ConverterRegistry.wholeFile[recipe.converter] {
            let gatherer = WholeFileGatherer(root: root, layout: recipe.layout, converter: try factory(options), shard: shard)
            perImage = nil
            gatherSplit = { try gatherer.gather(split: $0, report: $1) }
        } else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): unknown converter '\(recipe.converter)' (known: \(ConverterRegistry.names.joined(separator: ", ")))")
        }
    }

    public func gather(split: String, report: RunReport) throws -> [GatheredPair] { try gatherSplit(split, report).pairs }

    /// The pairs of `split` with the size of its unsharded enumeration.
    public func gatherShare(split: String, report: RunReport) throws -> GatheredSplit { try gatherSplit(split, report) }
}
