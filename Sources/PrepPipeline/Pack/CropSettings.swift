import Foundation
import PrepCore

/// How text instances become recognition crops: geometry, EXIF, vertical text, numbering.
/// Recipes (`recog:` in dataset.yml) and `prep crops` options fill it in.
public struct CropSettings: Sendable {
    /// How a crop's pixels are taken from the image.
    public enum Mode: Sendable, Equatable {
        /// MMOCR `crop_img` with long/short edge padding ratios (0, 0 for most converters).
        case box(longPad: Double, shortPad: Double)
        /// MMOCR `warp_img`: perspective warp of a quadrilateral to its longest edges; polygons
        /// with more points are warped from their minimum-area rectangle.
        case warp
        /// The direct numpy slice of the COCO-style xywh box (COCO-Text, TextOCR, HierText).
        case xywhSlice
        /// The direct slice of the clamped polygon bounds (LSVT).
        case boundsSlice
        /// PIL's `Image.crop` of the xywh box (`max(0, ⌊x⌋)`, `max(0, ⌊y⌋)`, `⌈w⌉`, `⌈h⌉`), black
        /// where the box runs past the image (OpenVINO).
        case xywhPadded
    }

    /// What happens to a tall crop (height / width above `verticalRatio`).
    public enum VerticalRule: String, Sendable, CaseIterable {
        /// Written to `ignores/` with its own label file (the reference without `--preserve-vertical`).
        case ignores
        /// Kept like any other crop (`--preserve-vertical`).
        case keep
        /// Rotated 90° counter-clockwise and kept (what PaddleOCR's tools do).
        case rotate
        /// Not written at all (counted in the summary).
        case drop
    }

    public var mode: Mode
    public var exif: ExifPolicy
    public var vertical: VerticalRule
    /// A crop is vertical when height / width exceeds this (the reference: 2).
    public var verticalRatio: Double
    /// Splits the vertical rule applies to; nil = all (DeText: training only).
    public var verticalSplits: Set<String>?
    /// Whether the crop index advances before the skip checks (the reference's numbering
    /// leaves gaps where a crop was skipped) or only for written crops.
    public var indexBeforeSkip: Bool
    /// Instances with an empty transcription are skipped (the reference's DeText rule).
    public var skipEmptyText: Bool
    /// Crop file type: `png` (the reference's crop family) or `jpg` (quality 95).
    public var imageExtension: String
    /// JPEG crops keep the source JPEG's quantisation tables (the reference's OpenVINO crops,
    /// saved by Pillow with `qtables=`) instead of quality 95.
    public var keepSourceTables = false
    /// Every crop resized to this size (`cv2.resize`, bilinear) after the vertical rule: SVT's `--resize`.
    public var resize: (width: Int, height: Int)? = nil
    /// The number of an image's first crop (1 in the crop family, 0 where the reference
    /// enumerates annotations: OpenVINO).
    public var firstIndex = 1
    /// Whether do-not-care instances take a number too (the reference's OpenVINO numbers every
    /// annotation of an image, NAF every field with a transcription).
    public var indexIgnored = false
    /// Decode only the rows and columns the crops need (pixels are identical either way).
    /// `PREP_FULL_DECODE=1` turns it off, so the benchmark can show what it gains.
    public var partialDecode: Bool = ProcessInfo.processInfo.environment["PREP_FULL_DECODE"] == nil

    public init(mode: Mode = .box(longPad: 0, shortPad: 0), exif: ExifPolicy = .ignore, vertical: VerticalRule = .ignores,
                verticalRatio: Double = 2, verticalSplits: Set<String>? = nil, indexBeforeSkip: Bool = true,
                skipEmptyText: Bool = true, imageExtension: String = "png") {
        self.mode = mode
        self.exif = exif
        self.vertical = vertical
        self.verticalRatio = verticalRatio
        self.verticalSplits = verticalSplits
        self.indexBeforeSkip = indexBeforeSkip
        self.skipEmptyText = skipEmptyText
        self.imageExtension = imageExtension
    }

    /// Whether the vertical rule applies on `split`.
    public func verticalApplies(on split: String) -> Bool { verticalSplits.map { $0.contains(split) } ?? true }
}
