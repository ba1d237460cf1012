import Foundation
import PrepCore

/// One image of a whole-file annotation (JSON dicts, COCO-like files, `.mat`, XML with every
/// image): its name relative to the recipe's image folder, its instances, and its size when the
/// annotation records it.
public struct AnnotatedImage: Sendable {
    public var name: String
    public var instances: [TextInstance]
    public var width: Int?
    public var height: Int?
    /// Where the entry sits in the annotation, for messages (`train_labels.json: gt_12`).
    public var location: String
    /// The source's image record, passed through to the COCO output (see `Sample.imageObject`).
    public var imageObject: JSONValue?
    /// For large files: the instances are read when the image is processed (on a worker), so
    /// only the file's bytes and an index stay in memory, not every parsed annotation.
    public var lazyInstances: (@Sendable () throws -> [TextInstance])?
    /// The entry's position in the annotation's image list, where crops are numbered by it
    /// (OpenVINO's `img_<i>`), so names do not shift when another image is absent.
    public var position: Int?

    public init(name: String, instances: [TextInstance], width: Int? = nil, height: Int? = nil, location: String,
                imageObject: JSONValue? = nil, lazyInstances: (@Sendable () throws -> [TextInstance])? = nil) {
        self.lazyInstances = lazyInstances
        self.name = name
        self.instances = instances
        self.width = width
        self.height = height
        self.location = location
        self.imageObject = imageObject
    }

    /// The instances, read now if they were left for later.
    public func loadInstances() throws -> [TextInstance] { try lazyInstances?() ?? instances }
}

/// A raw format with one annotation file for many images. The converter turns the file into
/// canonical images with their instances, in file order; finding the image files, probing sizes
/// and writing outputs belong to the pipeline.
public protocol WholeFileConverter: Sendable {
    /// Reads the annotation file of `split`. Structural problems (not JSON, wrong top-level
    /// shape) throw and stop the run; an entry that cannot be read is passed to `skip` with its
    /// location and reason and left out.
    func read(file: URL, split: String, skip: (_ location: String, _ reason: String) -> Void) throws -> [AnnotatedImage]
}
