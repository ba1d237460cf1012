import Foundation
import PrepCore
import PrepConverters

/// The images of a split whose annotations sit in one file (the recipe's `annotation` template
/// names that file): the converter reads it, and each entry is paired with its image file under
/// the recipe's image folder. Entries whose image is absent are reported, not written; the
/// order is the annotation file's.
public struct WholeFileGatherer {
    public let root: URL
    public let layout: Recipe.Layout
    public let converter: any WholeFileConverter
    /// Keep only this shard's entries (`--shard`): the others are dropped before their image is
    /// looked for; positions are the entries' places in the file.
    public var shard: Shard?

    public init(root: URL, layout: Recipe.Layout, converter: any WholeFileConverter, shard: Shard? = nil) {
        self.root = root
        self.layout = layout
        self.converter = converter
        self.shard = shard
    }

    public func gather(split: String, report: RunReport) throws -> GatheredSplit {
        let set = layout.sets?[split] ?? split
        // The recipe's name first, then its gzipped form and the split's alternative names.
        let templates = [layout.annotation(for: split)] + (layout.alternatives?[split] ?? [])
        let candidates = templates.flatMap { t -> [String] in
            let rel = layout.expand(t, split: split)
            return [rel, rel + ".gz"]
        }
        guard let annRel = candidates.first(where: { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }) else {
            throw PrepError.layout("\(root.appendingPathComponent(candidates[0]).path): missing annotation file for split '\(split)' (expected \(candidates.joined(separator: " or ")) under the dataset root)")
        }
        let ann = root.appendingPathComponent(annRel)
        let imageDirRel = layout.expand(layout.images, split: split)
        let imageDir = root.appendingPathComponent(imageDirRel)
        let entries = try converter.read(file: ann, split: set) { location, reason in
            report.skip(split: split, file: location, reason: reason)
        }
        var pairs: [GatheredPair] = []
        pairs.reserveCapacity(entries.count)
        let fm = FileManager.default
        let folderKey = shard.map { _ in Shard.key(imageDir, root: root) }
        for (position, entry) in entries.enumerated() {
            if let shard, let folderKey, !shard.contains(entry.name, inFolder: folderKey) { continue }
            let image = imageDir.appendingPathComponent(entry.name)
            // A name that climbs out of the image folder would read (and crop) another file.
            if ContainedName.leavesFolder(entry.name) {
                report.skip(split: split, file: entry.location, reason: ContainedName.reason(entry.name))
                continue
            }
            guard fm.fileExists(atPath: image.path) else {
                report.skip(split: split, file: entry.location, reason: "image \(imageDirRel)/\(entry.name) is absent")
                continue
            }
            let base = (entry.name as NSString).lastPathComponent
            pairs.append(GatheredPair(image: image, imageName: base, annotation: ann,
                                      outputName: expandTemplate(layout.fileName, split: split, name: entry.name),
                                      outputAnnotationName: layout.segmFile.map {
                                          layout.expand($0.replacingOccurrences(of: "{annotation}", with: annRel), split: split, name: entry.name)
                                      },
                                      parsed: entry, position: shard == nil ? nil : position))
        }
        return GatheredSplit(pairs: pairs, total: entries.count)
    }
}
