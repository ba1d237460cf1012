import Foundation
import PrepCore

/// One augmented training sample: the normalised `3 × size × size` image and the polygons in
/// its grid.
public struct DetSample: Sendable {
    public var image: [Float]
    public var polygons: [[Double]]
    public var ignored: [Bool]
    public var plan: DetAugment.Plan

    /// Decodes `page` and applies the augmentation drawn for (seed, epoch, index) — or, without
    /// augmentation, resizes it to fit `size` keeping the ratio (padded). Throws a `PrepError`
    /// naming the image when it cannot be read or decoded.
    public static func make(_ page: DetPage, size: Int, augment: DetAugment?, seed: UInt64, epoch: Int, index: Int) throws -> DetSample {
        let bytes: [UInt8]
        switch FileBytes.read(page.url.path) {
        case let .success(b): bytes = b
        case let .failure(f): throw PrepError.image(path: page.url.path, reason: f.reason)
        }
        let px = try ImageCodec.decode(bytes, name: page.url.path)
        guard px.width > 0, px.height > 0 else { throw PrepError.image(path: page.url.path, reason: "empty image") }
        var rng = RecogRandom(seed: seed, UInt64(epoch), UInt64(index))
        let plan: DetAugment.Plan
        if let augment {
            plan = augment.plan(width: px.width, height: px.height, polygons: page.polygons, size: size, rng: &rng)
        } else {
            let f = Double(size) / Double(max(px.width, px.height))
            let m = [f, 0, 0, 0, f, 0]
            plan = DetAugment.Plan(forward: m, inverse: DetAugment.invert(m), width: min(size, Int((Double(px.width) * f).rounded())),
                                   height: min(size, Int((Double(px.height) * f).rounded())), brightness: 1, saturation: 1, brightnessFirst: true)
        }
        let image = DetCanvas.render(px, inverse: plan.inverse, canvasWidth: size, canvasHeight: size,
                                     fillWidth: plan.width, fillHeight: plan.height, jitter: augment == nil ? nil : plan)
        var polygons: [[Double]] = [], ignored: [Bool] = []
        let W = Double(plan.width), H = Double(plan.height)
        for (p, ign) in zip(page.polygons, page.ignored) {
            var q = DetAugment.apply(plan.forward, p)
            let xs = stride(from: 0, to: q.count, by: 2).map { q[$0] }, ys = stride(from: 1, to: q.count, by: 2).map { q[$0] }
            // Entirely outside the image part of the canvas: not in this sample.
            if xs.max()! <= 0 || ys.max()! <= 0 || xs.min()! >= W || ys.min()! >= H { continue }
            for k in stride(from: 0, to: q.count, by: 2) { q[k] = min(max(q[k], 0), W); q[k + 1] = min(max(q[k + 1], 0), H) }
            polygons.append(q)
            ignored.append(ign)
        }
        return DetSample(image: image, polygons: polygons, ignored: ignored, plan: plan)
    }
}
