import Foundation
import PrepCore
import PrepConverters

/// One image of a split paired with its annotation file.
public struct GatheredPair: Sendable {
    public var image: URL
    /// The image's file name in its folder.
    public var imageName: String
    public var annotation: URL
    /// Names the outputs use (`file_name`, `segm_file`).
    public var outputName: String
    public var outputAnnotationName: String?
    /// Set when a whole-file converter already read the annotation (the `annotation` URL is then
    /// that shared file and is not parsed again).
    public var parsed: AnnotatedImage?
}

/// Pairs each image of a split with its annotation file **by name** (the recipe's templates),
/// images sorted by file name, so outputs never depend on directory order. Images without an
/// annotation file and annotation files without an image are reported, not paired by position.
///
/// Each folder is listed once (`FolderListings`) and partners are looked up in the listing: no
/// `stat` per file, and URLs are built with `isDirectory: false`, which spares Foundation its
/// own `lstat` per name.
public struct PairGatherer {
    public let root: URL
    public let layout: Recipe.Layout

    public init(root: URL, layout: Recipe.Layout) {
        self.root = root
        self.layout = layout
    }

    /// The pairs of `split`; missing partners go to `report`. Throws when the split's image
    /// folder is missing (a layout error that stops the run).
    public func gather(split: String, report: RunReport) throws -> [GatheredPair] {
        if layout.pairBy == "annotations" { return try gatherByAnnotation(split: split, report: report) }
        let fm = FileManager.default
        let imageDirRel = expandTemplate(layout.images, split: split)
        let imageDir = root.appendingPathComponent(imageDirRel)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: imageDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(imageDir.path): missing image folder for split '\(split)' (expected \(imageDirRel)/ under the dataset root)")
        }
        let extensions = Set(layout.imageExtensions ?? ["png", "PNG", "jpg", "JPG", "jpeg", "JPEG"])
        // Nested layouts (LV's <video>/<frame>/) list every sub-folder; names are then relative paths.
        let listed = layout.recursive == true
            ? (fm.enumerator(atPath: imageDir.path)?.compactMap { $0 as? String } ?? [])
            : try fm.contentsOfDirectory(atPath: imageDir.path)
        let names = listed
            .filter { !($0 as NSString).lastPathComponent.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var pairs: [GatheredPair] = []
        var expected = Set<String>()
        var listings = FolderListings(root: root)
        for name in names {
            // The recipe's annotation file, else the first of its alternatives that exists.
            let candidates = ([layout.annotation(for: split)] + (layout.annotationAlternatives ?? []))
                .map { expandTemplate($0, split: split, name: name) }
            expected.formUnion(candidates)
            guard let annRel = candidates.first(where: { listings.contains($0) }) else {
                let others = candidates.count > 1 ? " (or " + candidates.dropFirst().joined(separator: ", ") + ")" : ""
                report.skip(split: split, file: imageDir.appendingPathComponent(name).path,
                            reason: "image has no annotation file (expected \(candidates[0])\(others))")
                continue
            }
            let ann = root.appendingPathComponent(annRel, isDirectory: false)
            pairs.append(GatheredPair(image: imageDir.appendingPathComponent(name, isDirectory: false), imageName: name, annotation: ann,
                                      outputName: expandTemplate(layout.fileName, split: split, name: name),
                                      outputAnnotationName: layout.segmFile.map {
                                          expandTemplate($0.replacingOccurrences(of: "{annotation}", with: ann.lastPathComponent), split: split, name: name)
                                      }))
        }
        // Annotation files nobody claimed: their image is missing or has an unexpected extension.
        // Only where the annotation folder does not itself depend on the image name.
        let annDirRel = (expandTemplate(layout.annotation(for: split), split: split, name: "") as NSString).deletingLastPathComponent
        let annDirTemplate = (layout.annotation(for: split) as NSString).deletingLastPathComponent
        let nameFree = layout.reportOrphans ?? true && !annDirTemplate.contains("{name}") && !annDirTemplate.contains("{stem")
        if nameFree, let annFiles = listings.names(in: annDirRel) {
            for f in annFiles.sorted() where !f.hasPrefix(".") && !expected.contains(annDirRel + "/" + f) {
                report.skip(split: split, file: root.appendingPathComponent(annDirRel).appendingPathComponent(f).path,
                            reason: "annotation file has no image in \(imageDirRel)/")
            }
        }
        return pairs
    }

    /// Annotation-driven pairing: every file of the annotation folder that fits the template's
    /// `<prefix>{stem}<suffix>` name names its image `{stem}.<ext>` in the image folder (the first
    /// of the recipe's extensions that exists). Files sorted by name; an annotation without image
    /// is reported.
    func gatherByAnnotation(split: String, report: RunReport) throws -> [GatheredPair] {
        let fm = FileManager.default
        let annTemplate = expandTemplate(layout.annotation(for: split), split: split, name: "\u{0}")
        let annDirRel = (annTemplate as NSString).deletingLastPathComponent
        let last = (annTemplate as NSString).lastPathComponent
        guard let hole = last.range(of: "\u{0}") else {
            throw PrepError.failed("dataset layout: pair_by annotations needs {stem} in the annotation file name")
        }
        // `{stem}` was expanded from a name without extension: the NUL stands for the stem.
        let prefix = String(last[..<hole.lowerBound]), suffix = String(last[hole.upperBound...])
        let annDir = root.appendingPathComponent(annDirRel)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: annDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(annDir.path): missing annotation folder for split '\(split)' (expected \(annDirRel)/ under the dataset root)")
        }
        let imageDirRel = expandTemplate(layout.images, split: split)
        let imageDir = root.appendingPathComponent(imageDirRel)
        let extensions = layout.imageExtensions ?? ["png", "PNG", "jpg", "JPG", "jpeg", "JPEG"]
        var pairs: [GatheredPair] = []
        var listings = FolderListings(root: root)
        for f in try fm.contentsOfDirectory(atPath: annDir.path).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        where !f.hasPrefix(".") && f.hasPrefix(prefix) && f.hasSuffix(suffix) && f.count > prefix.count + suffix.count {
            let stem = String(f.dropFirst(prefix.count).dropLast(suffix.count))
            guard let name = extensions.map({ stem + "." + $0 }).first(where: { listings.contains(imageDirRel + "/" + $0) }) else {
                report.skip(split: split, file: annDir.appendingPathComponent(f).path,
                            reason: "annotation file has no image in \(imageDirRel)/ (expected \(stem).\(extensions[0]))")
                continue
            }
            pairs.append(GatheredPair(image: imageDir.appendingPathComponent(name, isDirectory: false), imageName: name,
                                      annotation: annDir.appendingPathComponent(f, isDirectory: false),
                                      outputName: expandTemplate(layout.fileName, split: split, name: name),
                                      outputAnnotationName: layout.segmFile.map { expandTemplate($0, split: split, name: name) }))
        }
        return pairs
    }
}
