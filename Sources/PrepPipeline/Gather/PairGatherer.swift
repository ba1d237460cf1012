import Foundation
import PrepCore
import PrepConverters

/// One image of a split paired with its annotation file.
///
/// Files are held as plain paths, not `URL`s: building and reading back two URLs per image was
/// a tenth of a det conversion's instructions.
public struct GatheredPair: Sendable {
    /// The image file (a plain file-system path).
    public var imagePath: String
    /// The image's file name in its folder.
    public var imageName: String
    /// The annotation file (a plain file-system path).
    public var annotationPath: String
    /// Names the outputs use (`file_name`, `segm_file`).
    public var outputName: String
    public var outputAnnotationName: String?
    /// Set when a whole-file converter already read the annotation (the `annotation` URL is then
    /// that shared file and is not parsed again).
    public var parsed: AnnotatedImage?
    /// Under a gatherer's `shard`: the item's place in the split's unsharded enumeration (the
    /// sorted image listing, or the annotation file's entries), which `prep merge` orders by.
    public var position: Int?

    public init(imagePath: String, imageName: String, annotationPath: String, outputName: String,
                outputAnnotationName: String?, parsed: AnnotatedImage? = nil, position: Int? = nil) {
        self.imagePath = imagePath; self.imageName = imageName; self.annotationPath = annotationPath
        self.outputName = outputName; self.outputAnnotationName = outputAnnotationName
        self.parsed = parsed; self.position = position
    }

    public init(image: URL, imageName: String, annotation: URL, outputName: String,
                outputAnnotationName: String?, parsed: AnnotatedImage? = nil, position: Int? = nil) {
        self.init(imagePath: image.plainPath, imageName: imageName, annotationPath: annotation.plainPath, outputName: outputName,
                  outputAnnotationName: outputAnnotationName, parsed: parsed, position: position)
    }

    /// `imagePath` as a file URL.
    public var image: URL { URL(fileURLWithPath: imagePath, isDirectory: false) }
    /// `annotationPath` as a file URL.
    public var annotation: URL { URL(fileURLWithPath: annotationPath, isDirectory: false) }
}

/// A split's pairs as a gatherer hands them over: all of them, or under `--shard` only the
/// shard's (each with its `position`); `total` counts the unsharded enumeration either way.
public struct GatheredSplit: Sendable {
    public var pairs: [GatheredPair]
    public var total: Int
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
    /// Keep only this shard's images (`--shard`): the others are dropped right after the
    /// listing, before any per-image work (URLs, annotation names); their positions still count.
    public var shard: Shard?

    public init(root: URL, layout: Recipe.Layout, shard: Shard? = nil) {
        self.root = root
        self.layout = layout
        self.shard = shard
    }

    /// The pairs of `split`; missing partners go to `report`. Throws when the split's image
    /// folder is missing (a layout error that stops the run).
    public func gather(split: String, report: RunReport) throws -> GatheredSplit {
        if layout.pairBy == "annotations" { return try gatherByAnnotation(split: split, report: report) }
        let fm = FileManager.default
        let imageDirRel = expandTemplate(layout.images, split: split)
        let imageDir = root.appendingPathComponent(imageDirRel)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: imageDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(imageDir.path): missing image folder for split '\(split)' (expected \(imageDirRel)/ under the dataset root)")
        }
        let extensions = ImageExtensions(layout.imageExtensions ?? ImageExtensions.defaults)
        // Nested layouts (LV's <video>/<frame>/) list every sub-folder; names are then relative paths.
        // The listing stays bytes (`NameTable`): under `--shard` most names are another shard's,
        // and they are filtered, sorted, hashed and looked up without a String each.
        let listed = layout.recursive == true
            ? NameTable(fm.enumerator(atPath: imageDir.path)?.compactMap { $0 as? String } ?? [])
            : try FolderNames.list(imageDir.path)
        var pairs: [GatheredPair] = []
        // Annotation files nobody claims are reported at the end (their image is missing or has
        // an unexpected extension), only where the annotation folder does not itself depend on
        // the image name. A file of that folder is claimed when some image's candidate is
        // `<folder>/<file>`: marked by its index in the folder's listing.
        let annDirRel = (expandTemplate(layout.annotation(for: split), split: split, name: "") as NSString).deletingLastPathComponent
        let annDirTemplate = (layout.annotation(for: split) as NSString).deletingLastPathComponent
        let nameFree = layout.reportOrphans ?? true && !annDirTemplate.contains("{name}") && !annDirTemplate.contains("{stem")
        var listings = FolderListings(root: root)
        let annFiles = nameFree ? listings.names(in: annDirRel) : nil
        // (Unwrapped once: binding the optional table inside the loop copied it, three
        // retains and releases per name.)
        let claimable = annFiles ?? NameTable()
        var claimed = [Bool](repeating: false, count: claimable.count)
        let annDirBytes = Array(annDirRel.utf8)
        let templates = ([layout.annotation(for: split)] + (layout.annotationAlternatives ?? [])).map { LayoutTemplate($0, split: split) }
        let fileNameTemplate = LayoutTemplate(layout.fileName, split: split)
        let segmNamesAnnotation = layout.segmFile?.range(of: "{annotation}") != nil
        let segmTemplate = segmNamesAnnotation ? nil : layout.segmFile.map { LayoutTemplate($0, split: split) }
        let rootPath = root.plainPath, imageDirPath = imageDir.plainPath
        // One pass over the listing: which names are images, the annotation files they claim,
        // which are this shard's.
        var images: [Int] = [], own: [Int] = []
        // (Everything the loop asks is borrowed once, not bound or copied per name: optional
        // bindings and array subscripts of structs copied them, three retains and releases per
        // name.)
        let owner = shard ?? (try! Shard(index: 0, count: 1))
        let ownerFolder = Shard.Folder(key: shard == nil ? "" : Shard.key(imageDir, root: root))
        listed.withNames { v in
            annDirBytes.withUnsafeBufferPointer { folderBytes in
                claimable.withLookup { lookup in
                    templates.withUnsafeBufferPointer { templates in
                        for index in 0..<v.count where extensions.matches(name: v[index]) {
                            let nameBytes = v[index]
                            images.append(index)
                            // (Another shard's image still claims its annotation file: it is no orphan.)
                            if !claimed.isEmpty {
                                for t in templates.indices {
                                    templates[t].withExpansion(name: nameBytes) { candidate in
                                        if let f = FolderListings.name(of: candidate, inFolder: folderBytes), let k = lookup.firstIndex(of: f) { claimed[k] = true }
                                    }
                                }
                            }
                            if owner.count > 1 && !owner.contains(nameBytes, inFolder: ownerFolder) { continue }
                            own.append(index)
                        }
                    }
                }
            }
        }
        // This shard's images in name order, each with its place among all the images' (the
        // unsharded enumeration) without sorting the others'.
        own = listed.sorted(own)
        let positions = shard == nil ? nil : listed.ranks(of: own, among: images)
        listed.withNames { v in
            for (k, index) in own.enumerated() {
                let nameBytes = v[index]
                let name = String(decoding: nameBytes, as: UTF8.self)
                // The recipe's annotation file, else the first of its alternatives that exists (a
                // recipe nearly never has any: then no array is made per name).
                let primary = templates[0].expand(name: name)
                let alternatives = templates.dropFirst().map { $0.expand(name: name) }
                guard let annRel = listings.contains(primary) ? primary : alternatives.first(where: { listings.contains($0) }) else {
                    let others = alternatives.isEmpty ? "" : " (or " + alternatives.joined(separator: ", ") + ")"
                    report.skip(split: split, file: imageDir.appendingPathComponent(name).path,
                                reason: "image has no annotation file (expected \(primary)\(others))")
                    continue
                }
                let annPath = Self.join(rootPath, annRel) ?? root.appendingPathComponent(annRel, isDirectory: false).plainPath
                let imagePath = Self.join(imageDirPath, name) ?? imageDir.appendingPathComponent(name, isDirectory: false).plainPath
                pairs.append(GatheredPair(imagePath: imagePath, imageName: name, annotationPath: annPath,
                                          outputName: fileNameTemplate.expand(name: name),
                                          outputAnnotationName: segmTemplate.map { $0.expand(name: name) } ?? layout.segmFile.map {
                                              expandTemplate($0.replacingOccurrences(of: "{annotation}", with: (annPath as NSString).lastPathComponent),
                                                             split: split, name: name)
                                          }, position: positions?[k]))
            }
        }
        if let annFiles {
            // Only the unclaimed names become Strings (usually none), sorted as Strings were.
            let orphans = annFiles.withNames { v in
                (0..<v.count).filter { !claimed[$0] && v[$0].first != 0x2E }.map { annFiles.string($0) }
            }
            var previous: String?
            for f in orphans.sorted() where f != previous {
                previous = f
                report.skip(split: split, file: root.appendingPathComponent(annDirRel).appendingPathComponent(f).path,
                            reason: "annotation file has no image in \(imageDirRel)/")
            }
        }
        return GatheredSplit(pairs: pairs, total: images.count)
    }

    /// `folder + "/" + name` when `name` is a plain relative path (no empty, `.` or `..`
    /// component), which is then the path `URL.appendingPathComponent` gives; nil otherwise
    /// (the caller builds the URL).
    static func join(_ folder: String, _ name: String) -> String? {
        var name = name
        let plain = name.withUTF8 { u -> Bool in
            var previous: UInt8 = 0x2F, dots = 0
            for b in u {
                if b == 0x2F {
                    if previous == 0x2F || (dots > 0 && dots < 3) { return false }
                    dots = 0
                } else if b == 0x2E {
                    if previous == 0x2F || dots > 0 { dots += 1 }
                } else {
                    dots = 3  // the component is more than dots
                }
                previous = b
            }
            return previous != 0x2F && !(dots > 0 && dots < 3)
        }
        guard plain else { return nil }
        // One String made from the bytes (two `append`s cost a few thousand instructions).
        var folder = folder
        return folder.withUTF8 { f in
            name.withUTF8 { n in
                let slash = f.last == 0x2F ? 0 : 1
                return String(unsafeUninitializedCapacity: f.count + slash + n.count) { out in
                    let o = out.baseAddress!
                    if let base = f.baseAddress { o.update(from: base, count: f.count) }
                    if slash == 1 { o[f.count] = 0x2F }
                    if let base = n.baseAddress { (o + f.count + slash).update(from: base, count: n.count) }
                    return f.count + slash + n.count
                }
            }
        }
    }

    /// Annotation-driven pairing: every file of the annotation folder that fits the template's
    /// `<prefix>{stem}<suffix>` name names its image `{stem}.<ext>` in the image folder (the first
    /// of the recipe's extensions that exists). Files sorted by name; an annotation without image
    /// is reported.
    func gatherByAnnotation(split: String, report: RunReport) throws -> GatheredSplit {
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
        let extensions = layout.imageExtensions ?? ImageExtensions.defaults
        var pairs: [GatheredPair] = []
        var listings = FolderListings(root: root)
        let folderKey = shard.map { _ in Shard.key(imageDir, root: root) }
        let imageDirPath = imageDir.plainPath, annDirPath = annDir.plainPath
        let listing = try FolderNames.list(annDir.path)
        let files = listing.sorted(Array(0..<listing.count)).map(listing.string)
            .filter { f in !f.hasPrefix(".") && f.hasPrefix(prefix) && f.hasSuffix(suffix) && f.count > prefix.count + suffix.count }
        for (position, f) in files.enumerated() {
            let stem = String(f.dropFirst(prefix.count).dropLast(suffix.count))
            guard let name = extensions.map({ stem + "." + $0 }).first(where: { listings.contains(imageDirRel + "/" + $0) }) else {
                // Reported by the shard the image would be in (by its first expected name).
                if let shard, let folderKey, !shard.contains(stem + "." + extensions[0], inFolder: folderKey) { continue }
                report.skip(split: split, file: annDir.appendingPathComponent(f).path,
                            reason: "annotation file has no image in \(imageDirRel)/ (expected \(stem).\(extensions[0]))")
                continue
            }
            if let shard, let folderKey, !shard.contains(name, inFolder: folderKey) { continue }
            pairs.append(GatheredPair(imagePath: Self.join(imageDirPath, name) ?? imageDir.appendingPathComponent(name, isDirectory: false).plainPath,
                                      imageName: name,
                                      annotationPath: Self.join(annDirPath, f) ?? annDir.appendingPathComponent(f, isDirectory: false).plainPath,
                                      outputName: expandTemplate(layout.fileName, split: split, name: name),
                                      outputAnnotationName: layout.segmFile.map { expandTemplate($0, split: split, name: name) },
                                      position: shard == nil ? nil : position))
        }
        return GatheredSplit(pairs: pairs, total: files.count)
    }
}
