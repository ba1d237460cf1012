import Foundation
import PrepCore

/// A raw format with one annotation file per image (ICDAR txt and its relatives, per-image XML).
/// A converter only turns one raw file into canonical text instances; pairing files, image
/// sizes and writing outputs belong to the pipeline.
public protocol PerImageConverter: Sendable {
    /// Parses one annotation file. Throws `PrepError.input` naming the file and line for content
    /// it cannot read; the pipeline then skips that image and reports why.
    func parse(annotation url: URL) throws -> [TextInstance]
    /// `parse(annotation:)` of a plain file-system path (the pipeline gathers paths: a `URL` per
    /// file is costly); converters that read bytes directly implement it without a `URL`.
    func parse(annotationPath path: String) throws -> [TextInstance]
}

extension PerImageConverter {
    public func parse(annotationPath path: String) throws -> [TextInstance] {
        try parse(annotation: URL(fileURLWithPath: path, isDirectory: false))
    }
}
