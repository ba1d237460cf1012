import Foundation
import PrepCore

/// How formats whose image paths are relative to the output folder (MMOCR 1.x `textdet_imgs/`,
/// PaddleOCR `images/`) reach the raw images: `--images link|copy|none`.
public enum ImagePlacement: String, Sendable, CaseIterable {
    /// A relative symlink to the raw image folder (the default: nothing copied; moving the output
    /// folder without the raw data breaks it).
    case link
    /// The images copied into the output folder (self-contained, uses the space).
    case copy
    /// No images in the output: paths are the dataset's own names, relative to its image folder
    /// (set the trainer's data root to it).
    case none
}

/// Makes image paths relative to the output folder (a format's data root) without copying or
/// moving the user's images: MMOCR 1.x wants `textdet_imgs/<split>/<name>`, which its preparer
/// makes by moving the raw images; prep instead links `textdet_imgs/<split>` to the raw image
/// folder (a relative symlink, staged like every output), so the raw data stays untouched and
/// `img_path` is what MMOCR 1.x writes.
final class ImageLinker {
    let staging: OutputStaging
    /// The folder links go in, relative to the output folder (`textdet_imgs`).
    let prefix: String
    /// The folder name a split gets under `prefix` (MMOCR 1.x: `training` → `train`).
    let splitName: (String) -> String
    let placement: ImagePlacement
    private var links: [String: String] = [:]

    init(staging: OutputStaging, prefix: String, splitName: @escaping (String) -> String = { $0 }, placement: ImagePlacement = .link) {
        self.staging = staging
        self.prefix = prefix
        self.splitName = splitName
        self.placement = placement
    }

    /// The path of `image` relative to the output folder: `<prefix>/<name>` (the first folder of
    /// the name, or the split when the name has none, linked to where the files are). A link
    /// name that would have to point at two folders is refused.
    func path(for image: ImageRef, split: String) throws -> String {
        let name = image.name
        if placement == .none { return name }
        let file = image.url.standardizedFileURL.path
        var linkName: String
        var target: String
        var rel: String
        if let slash = name.firstIndex(of: "/"), file.hasSuffix("/" + name) {
            let first = String(name[..<slash])
            // A name under the split's own folder (`training/img_1.jpg`) takes the format's split name.
            linkName = first == split ? splitName(split) : first
            target = String(file.dropLast(name.count)) + first
            rel = linkName + name[slash...]
        } else {
            linkName = splitName(split)
            target = (file as NSString).deletingLastPathComponent
            rel = linkName + "/" + (name as NSString).lastPathComponent
        }
        // Images staged by this run (an archive extracted into the outputs) are linked where they will be.
        let stagedRoot = staging.stagingDirectory.standardizedFileURL.path
        if target == stagedRoot || target.hasPrefix(stagedRoot + "/") {
            target = staging.directory.standardizedFileURL.path + target.dropFirst(stagedRoot.count)
        }
        if let existing = links[linkName] {
            // Copies go file by file, so one folder may gather files from several places.
            guard existing == target || existing == Self.userFolder || placement == .copy else {
                throw PrepError.failed("\(prefix)/\(linkName) would have to link both \(existing) and \(target)")
            }
        } else if let kind = try? FileManager.default.attributesOfItem(atPath: staging.directory.appendingPathComponent(prefix + "/" + linkName).path)[.type] as? FileAttributeType,
                  kind != .typeSymbolicLink {
            // A real folder of the user's (MMOCR 1.x's preparer moves images there) is never
            // replaced by a link: use it if it holds the images, else stop.
            let final = staging.directory.appendingPathComponent(prefix + "/" + rel).path
            guard FileManager.default.fileExists(atPath: final) else {
                throw PrepError.failed("\(prefix)/\(linkName) exists in the output folder and is not prep's link, and \(final) is not there; move it away or choose another -o")
            }
            links[linkName] = Self.userFolder
        } else if placement == .copy {
            let url = try staging.url(for: prefix + "/" + linkName)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            links[linkName] = target
        } else {
            let url = try staging.url(for: prefix + "/" + linkName)
            let from = staging.directory.appendingPathComponent(prefix).standardizedFileURL.path
            let destination = Self.relative(target, from: from)
            // Another linker of this run (a later split) may have made the same link already.
            if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
                guard existing == destination else {
                    throw PrepError.failed("\(prefix)/\(linkName) would have to link both \(existing) and \(destination)")
                }
            } else {
                try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: destination)
            }
            links[linkName] = target
        }
        if placement == .copy && links[linkName] != Self.userFolder {
            let dest = staging.stagingDirectory.appendingPathComponent(prefix + "/" + rel)
            do {
                try FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: dest.path) { try FileManager.default.copyItem(at: image.url, to: dest) }
            } catch {
                throw PrepError.io(path: dest.path, reason: "cannot copy the image (\(error.localizedDescription))")
            }
        }
        return prefix + "/" + rel
    }

    /// Marks a link name whose folder already exists in the output (not prep's).
    static let userFolder = "(the user's folder)"

    /// `target` relative to the folder `from` (both absolute).
    static func relative(_ target: String, from: String) -> String {
        let t = target.split(separator: "/"), f = from.split(separator: "/")
        var k = 0
        while k < t.count && k < f.count && t[k] == f[k] { k += 1 }
        let ups = Array(repeating: "..", count: f.count - k)
        let rest = t[k...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
