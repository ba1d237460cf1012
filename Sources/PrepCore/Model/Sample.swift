import Foundation

/// One page (image) with its text instances: the only thing converters and writers share.
public struct Sample: Sendable {
    /// The image as stored on disk.
    public var image: ImageRef
    /// The annotation source this sample came from, relative to the dataset root as the output
    /// names it (COCO 0.x `segm_file`), if any.
    public var annotationName: String?
    public var instances: [TextInstance]
    /// The source's own image record (COCO-Text, TextOCR), written as the COCO image object in
    /// its key order with `segm_file` and `id` set, as the reference passes it through; nil for
    /// the usual `file_name, height, width, segm_file, id`.
    public var imageObject: JSONValue?

    public init(image: ImageRef, annotationName: String? = nil, instances: [TextInstance], imageObject: JSONValue? = nil) {
        self.image = image
        self.annotationName = annotationName
        self.instances = instances
        self.imageObject = imageObject
    }
}

/// A reference to an image file and what its header says.
public struct ImageRef: Sendable, Equatable {
    /// Where the file is read from, as a plain file-system path (a `URL` per image costs tens of
    /// thousands of instructions in Foundation; conversions handle thousands of images a second).
    public var path: String
    /// `path` as a file URL.
    public var url: URL {
        get { URL(fileURLWithPath: path, isDirectory: false) }
        set { path = newValue.plainPath }
    }
    /// The name outputs use for it (e.g. `training/img_1.jpg`, relative to the image root).
    public var name: String
    /// Stored (not EXIF-rotated) pixel size.
    public var width: Int
    public var height: Int
    public var format: ImageFormat
    /// EXIF Orientation tag (1–8), 1 when absent.
    public var exifOrientation: Int

    public init(url: URL, name: String, width: Int, height: Int, format: ImageFormat, exifOrientation: Int = 1) {
        self.init(path: url.plainPath, name: name, width: width, height: height, format: format, exifOrientation: exifOrientation)
    }

    public init(path: String, name: String, width: Int, height: Int, format: ImageFormat, exifOrientation: Int = 1) {
        self.path = path
        self.name = name
        self.width = width
        self.height = height
        self.format = format
        self.exifOrientation = exifOrientation
    }

    /// Orientations 5–8 swap width and height when applied.
    public var orientationSwapsAxes: Bool { (5...8).contains(exifOrientation) }

    /// The size under an EXIF policy: stored pixels, or the displayed (rotated) image.
    public func size(under policy: ExifPolicy) -> (width: Int, height: Int) {
        if policy == .apply && orientationSwapsAxes { return (height, width) }
        return (width, height)
    }
}

/// How EXIF orientation is treated, for sizes and crops alike (DESIGN.md §3).
public enum ExifPolicy: String, Sendable, CaseIterable, Codable {
    /// Coordinates refer to the stored pixel grid (how ICDAR-style annotations are made).
    case ignore
    /// Coordinates refer to the displayed image, rotated by its EXIF orientation.
    case apply
}

/// One text region on a page.
public struct TextInstance: Sendable, Equatable {
    /// Flat `[x1, y1, x2, y2, …]`, absolute pixels; at least 3 points for a real polygon.
    public var polygon: [Double]
    /// Whether the source wrote the coordinates as integers (outputs keep them as integers).
    public var integerCoordinates: Bool
    /// The transcription, if the source has one.
    public var text: String?
    /// Do-not-care region (`###`, illegible): kept for detection as `iscrowd`, not trained on.
    public var ignore: Bool
    /// Source-specific extras (script, language, …). Writers honour `bbox` and `area` here as
    /// overrides where a reference converter computes them its own way.
    public var attributes: [String: JSONValue]

    public init(polygon: [Double], integerCoordinates: Bool = false, text: String? = nil,
                ignore: Bool = false, attributes: [String: JSONValue] = [:]) {
        self.polygon = polygon
        self.integerCoordinates = integerCoordinates
        self.text = text
        self.ignore = ignore
        self.attributes = attributes
    }

    public var pointCount: Int { polygon.count / 2 }
}
