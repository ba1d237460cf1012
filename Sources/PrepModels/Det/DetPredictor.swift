import Foundation
import PrepCore

/// Runs a detector over pages as MMOCR's DBNet test pipeline does: `Resize(scale=(long, short),
/// keep_ratio=True)` (factor min(long / long side, short / short side), sizes rounded), padded
/// at the bottom and right to a multiple of 32 (`pad_size_divisor=32`), normalised, forward in
/// eval mode, then `DBPostprocessor` with the polygons scaled back to the page. Pages are read,
/// decoded and resized on worker threads (bounded prefetch), one forward per page, results in
/// page order. Pages above `maxPixels` are decoded reduced (`ImageCodec`'s bounded decode: JPEG
/// DCT scaling) to no less than the network's input size; their `notice` says so.
public struct DetPredictor {
    public struct Output: Sendable {
        public var index: Int
        public var page: DetPage
        public var width: Int
        public var height: Int
        public var texts: [DetectedText]
        /// Set when the page was above the decoding bound (what was done instead of a full decode).
        public var notice: String?
    }

    public let detector: DetProbabilityModel
    public var postprocessor: DBPostprocessor
    public var scale: (long: Int, short: Int)
    public var workers: Int
    /// Pages above this many pixels are decoded reduced (memory bound).
    public var maxPixels: Int

    public init(detector: DetProbabilityModel, postprocessor: DBPostprocessor = DBPostprocessor(),
                scale: (long: Int, short: Int) = (4068, 1024), workers: Int = 2, maxPixels: Int = ImageCodec.pageMaxPixels) {
        self.detector = detector
        self.maxPixels = maxPixels
        self.postprocessor = postprocessor
        self.scale = scale
        self.workers = workers
    }

    /// The resized size of a `width` × `height` page (mmcv `rescale_size`, keep_ratio).
    public static func resized(width: Int, height: Int, scale: (long: Int, short: Int)) -> (width: Int, height: Int) {
        let f = min(Double(scale.long) / Double(max(width, height)), Double(scale.short) / Double(min(width, height)))
        return (max(1, Int(Double(width) * f + 0.5)), max(1, Int(Double(height) * f + 0.5)))
    }

    struct Prepared {
        var image: [Float] = []
        var width = 0, height = 0, paddedWidth = 0, paddedHeight = 0, resizedWidth = 0, resizedHeight = 0
        var failure: String?
        var notice: String?
    }

    /// Detections for every page in order; pages that cannot be read go to `failures`
    /// (path, reason). `progress` is called with the number of pages done. Throws the model's
    /// error when it cannot take a page (an ONNX model with a fixed input smaller than the page).
    public func run(_ pages: [DetPage], failures: inout [(path: String, reason: String)], progress: ((Int) -> Void)? = nil) throws -> [Output] {
        let scale = self.scale, maxPixels = self.maxPixels
        let queue = OrderedPrefetcher<Prepared>(count: pages.count, workers: max(1, workers), prefetch: 2) { i in
            Self.prepare(pages[i], scale: scale, maxPixels: maxPixels)
        }
        defer { queue.cancel() }
        detector.setTraining(false)
        var out: [Output] = []
        var done = 0
        while let p = queue.next() {
            let i = done
            done += 1
            if let f = p.failure { failures.append((pages[i].url.path, f)); progress?(done); continue }
            let prob = try detector.probabilities(p.image, count: 1, height: p.paddedHeight, width: p.paddedWidth)[0]
            let texts = postprocessor.process(prob: prob, height: p.paddedHeight, width: p.paddedWidth,
                                              scaleX: Double(p.width) / Double(p.resizedWidth), scaleY: Double(p.height) / Double(p.resizedHeight))
            out.append(Output(index: i, page: pages[i], width: p.width, height: p.height, texts: texts, notice: p.notice))
            progress?(done)
        }
        return out
    }

    static func prepare(_ page: DetPage, scale: (long: Int, short: Int), maxPixels: Int = ImageCodec.pageMaxPixels) -> Prepared {
        var p = Prepared()
        do {
            let bytes: [UInt8]
            switch FileBytes.read(page.url.path) {
            case let .success(b): bytes = b
            case let .failure(f): throw PrepError.image(path: page.url.path, reason: f.reason)
            }
            let d = try ImageCodec.decode(bytes, name: page.url.path, maxPixels: maxPixels) { resized(width: $0, height: $1, scale: scale) }
            let px = d.pixels
            guard px.width > 0, px.height > 0 else { throw PrepError.image(path: page.url.path, reason: "empty image") }
            // The network's input size comes from the stored size; a reduced decode only changes
            // where the resize samples from.
            let r = resized(width: d.storedWidth, height: d.storedHeight, scale: scale)
            p.width = d.storedWidth; p.height = d.storedHeight
            p.notice = d.notice
            p.resizedWidth = r.width; p.resizedHeight = r.height
            p.paddedWidth = (r.width + 31) / 32 * 32
            p.paddedHeight = (r.height + 31) / 32 * 32
            let m = [Double(r.width) / Double(px.width), 0, 0, 0, Double(r.height) / Double(px.height), 0]
            p.image = DetCanvas.render(px, inverse: DetAugment.invert(m), canvasWidth: p.paddedWidth, canvasHeight: p.paddedHeight,
                                       fillWidth: r.width, fillHeight: r.height, padWithZero: true)
        } catch {
            p.failure = (error as? PrepError).map(Self.reason) ?? "\(error)"
        }
        return p
    }

    static func reason(_ e: PrepError) -> String {
        switch e {
        case let .image(_, reason), let .io(_, reason), let .input(_, _, reason): return reason
        default: return e.description
        }
    }
}
