import Foundation
import PrepCore

/// Cuts the words a detector found out of their page with `prep crops`' engine, for
/// recognition: quadrilaterals are perspective-warped to their longest edges, polygons of more
/// points are warped from their minimum-area rectangle (`CropSettings.Mode.warp`, MMOCR's
/// `warp_img`), tall crops kept. The page is read once and decoded only where the words are.
public struct DetectionCropper: Sendable {
    public struct Crop: Sendable {
        /// Index of the polygon in the list given.
        public var index: Int
        /// PNG bytes.
        public var bytes: [UInt8]
    }

    public let engine: CropEngine

    public init(exif: ExifPolicy = .ignore) {
        engine = CropEngine(settings: CropSettings(mode: .warp, exif: exif, vertical: .keep, indexBeforeSkip: true,
                                                   skipEmptyText: false, imageExtension: "png"))
    }

    /// The crops of `polygons` on the image at `url`, and the polygons left out with why.
    public func cut(image url: URL, polygons: [[Double]]) throws -> (crops: [Crop], skipped: [(file: String, reason: String)]) {
        let bytes: [UInt8]
        switch FileBytes.read(url.path) {
        case let .success(b): bytes = b
        case let .failure(f): throw PrepError.image(path: url.path, reason: f.reason)
        }
        let info = try ImageProbe.probe(bytes: bytes, name: url.path)
        let ref = ImageRef(url: url, name: url.lastPathComponent, width: info.width, height: info.height,
                           format: info.format, exifOrientation: info.exifOrientation)
        let sample = Sample(image: ref, instances: polygons.map { TextInstance(polygon: $0, text: "") })
        let result = engine.cut(sample, prefix: "w", split: "test", bytes: bytes)
        // Crop k (1-based, numbered before the skip checks) is polygon k − 1.
        let crops = result.crops.compactMap { c -> Crop? in
            guard let k = Int(c.name.dropFirst(2).dropLast(4)) else { return nil }
            return Crop(index: k - 1, bytes: c.bytes)
        }
        return (crops, result.skipped)
    }
}
