import XCTest
@testable import PrepNN

/// `MaxPool2d`'s inference forward (no argmax) gives exactly the training forward's values, on
/// CRNN's two pool shapes (vectorised paths and their edges) and the generic one, odd sizes,
/// ties and NaN.
final class MaxPoolInferenceTests: XCTestCase {
    override func tearDown() { Threads.set(2) }

    func testInferenceForwardEqualsTrainingForward() {
        var rng = RNG(seed: 1616)
        let pools: [MaxPool2d] = [
            MaxPool2d(kernel: (2, 2), stride: (2, 2)),
            MaxPool2d(kernel: (2, 2), stride: (2, 1), padding: (0, 1)),
            MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)),
        ]
        let shapes = [[1, 64, 32, 100], [2, 3, 7, 19], [1, 5, 2, 9], [3, 16, 8, 25], [1, 512, 4, 26]]
        for threads in [1, 2] {
            Threads.set(threads)
            for (pi, pool) in pools.enumerated() {
                for shape in shapes {
                    let x = Tensor(shape: shape)
                    // coarse values: many ties; a few NaNs
                    for i in 0..<x.count { x[i] = Float(Int(rng.uniform(-4, 4))) }
                    for _ in 0..<3 { x[Int(rng.uniform(0, Float(x.count - 1)))] = .nan }
                    let train = pool.forward(x).values
                    let infer = pool.forward(x, keepsArgmax: false).values
                    XCTAssertEqual(train.count, infer.count)
                    let same = zip(train, infer).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                    XCTAssertTrue(same, "pool \(pi) shape \(shape) threads \(threads)")
                }
            }
        }
    }
}
