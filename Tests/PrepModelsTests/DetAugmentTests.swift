import XCTest
import PrepCore
@testable import PrepModels

/// The detection data pipeline: the augmentation moves polygons with the pixels, is a function
/// of (seed, epoch, page), keeps the chosen text inside the crop; the test-time resize.
final class DetAugmentTests: XCTestCase {
    /// A dark 160 × 120 page with a bright 9 × 9 dot centred on (60.5, 40.5).
    func page() -> Pixels {
        var px = Pixels(width: 160, height: 120, channels: 3, order: .bgr, data: [UInt8](repeating: 20, count: 160 * 120 * 3))
        for y in 36...44 { for x in 56...64 { for c in 0..<3 { px.data[(y * 160 + x) * 3 + c] = 250 } } }
        return px
    }

    /// The red channel's value at canvas pixel (x, y), back in pixel levels.
    func red(_ image: [Float], size: Int, _ x: Int, _ y: Int) -> Float {
        image[y * size + x] * DetCanvas.std[0] + DetCanvas.mean[0]
    }

    func testPolygonVertexStaysOnItsPixelsUnderEveryAugmentation() {
        let polygon = [60.5, 40.5, 120, 40, 120, 90, 60, 90]
        let size = 96
        var bright = 0
        for seed in 0..<40 {
            var rng = RecogRandom(seed: UInt64(seed), 0, 0)
            let plan = DetAugment().plan(width: 160, height: 120, polygons: [polygon], size: size, rng: &rng)
            let image = DetCanvas.render(page(), inverse: plan.inverse, canvasWidth: size, canvasHeight: size,
                                         fillWidth: plan.width, fillHeight: plan.height)
            let moved = DetAugment.apply(plan.forward, polygon)
            let x = Int(moved[0]), y = Int(moved[1])
            // The crop holds the only polygon, so its first vertex is on the canvas…
            XCTAssertTrue(x >= 0 && y >= 0 && x < plan.width && y < plan.height, "seed \(seed): vertex \(moved[0]), \(moved[1]) off the \(plan.width)×\(plan.height) image")
            guard x >= 0, y >= 0, x < size, y < size else { continue }
            // …and on the dot's pixels (bright), wherever flip, rotation, scale and crop put it.
            if red(image, size: size, x, y) > 150 { bright += 1 }
            // A canvas corner far from the dot is dark or padding.
            XCTAssertLessThan(red(image, size: size, size - 1, size - 1), 60, "seed \(seed)")
        }
        XCTAssertEqual(bright, 40)
    }

    func testSamplesAreAFunctionOfSeedEpochAndPage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("det-aug-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("p.png")
        try Data(ImageCodec.encodePNG(page())).write(to: url)
        let p = DetPage(name: "p.png", url: url, polygons: [[56, 36, 65, 36, 65, 45, 56, 45]], ignored: [false], location: "test")
        let a = try DetSample.make(p, size: 64, augment: DetAugment(), seed: 3, epoch: 1, index: 0)
        let b = try DetSample.make(p, size: 64, augment: DetAugment(), seed: 3, epoch: 1, index: 0)
        let c = try DetSample.make(p, size: 64, augment: DetAugment(), seed: 3, epoch: 2, index: 0)
        XCTAssertEqual(a.image, b.image)
        XCTAssertEqual(a.polygons, b.polygons)
        XCTAssertNotEqual(a.plan, c.plan)
        // Batches do not depend on the number of workers.
        let pages = Array(repeating: p, count: 5)
        let one = DetBatchLoader(pages: pages, order: [4, 2, 0, 1, 3], options: .init(size: 64, batchSize: 2, workers: 1, seed: 7))
        let two = DetBatchLoader(pages: pages, order: [4, 2, 0, 1, 3], options: .init(size: 64, batchSize: 2, workers: 3, seed: 7))
        var n = 0
        while let x = one.next(), let y = two.next() {
            XCTAssertEqual(x.images, y.images)
            XCTAssertEqual(x.targets.map(\.probMap), y.targets.map(\.probMap))
            n += x.count
        }
        XCTAssertEqual(n, 5)
    }

    func testUndecodableImageIsAFailureNotACrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("det-bad-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.png")
        try Data("not an image".utf8).write(to: bad)
        let p = DetPage(name: "bad.png", url: bad, polygons: [], ignored: [], location: "test")
        let batch = DetBatchLoader(pages: [p], order: [0], options: .init(size: 64, batchSize: 1)).next()
        XCTAssertEqual(batch?.count, 0)
        XCTAssertEqual(batch?.failures.count, 1)
        XCTAssertTrue(batch?.failures.first?.reason.contains("bad.png") ?? false, "\(String(describing: batch?.failures))")
    }

    func testCropKeepsTextWholeAndRespectsMinimumSide() {
        let aug = DetAugment()
        let polygons = [[10.0, 10, 40, 10, 40, 20, 10, 20], [100, 50, 150, 50, 150, 70, 100, 70]]
        for seed in 0..<50 {
            var rng = RecogRandom(seed: UInt64(seed))
            let box = aug.cropBox(width: 200, height: 100, polygons: polygons, rng: &rng)
            XCTAssertGreaterThanOrEqual(box.x1 - box.x0, 20)
            XCTAssertGreaterThanOrEqual(box.y1 - box.y0, 10)
            // No polygon is cut by the crop's edges: each lies inside or outside in x.
            for p in polygons {
                let inside = box.x0 <= Int(p[0]) - 2 && Int(p[2]) + 2 <= box.x1
                let outside = box.x1 <= Int(p[0]) || Int(p[2]) <= box.x0
                XCTAssertTrue(inside || outside || box.x0 == 0 || box.x1 >= 199, "seed \(seed): \(box) cuts \(p)")
            }
        }
    }

    func testTestTimeResizeFollowsMMOCRsKeepRatioRule() {
        // mmcv rescale_size((4068, 1024)): factor min(4068 / long, 1024 / short).
        XCTAssertTrue(DetPredictor.resized(width: 1280, height: 720, scale: (4068, 1024)) == (1820, 1024))
        XCTAssertTrue(DetPredictor.resized(width: 640, height: 480, scale: (640, 640)) == (640, 480))
        XCTAssertTrue(DetPredictor.resized(width: 300, height: 5000, scale: (4068, 1024)) == (244, 4068))
    }
}
