/// DBNet's training targets for one image (MMOCR 1.x `DBModuleLoss.get_targets`), maps of
/// `height * width`, row-major.
public struct DBTargets: Sendable {
    public let height: Int, width: Int
    /// `gt_shrink`: 1 inside a kept polygon shrunk by the Vatti offset, else 0.
    public var probMap: [Float]
    /// `gt_shrink_mask`: 0 inside ignored (`###`, invalid, failed-shrink) polygons, else 1.
    public var probMask: [Float]
    /// `gt_thr`: 0.3 background, rising to 0.7 on the borders of kept polygons.
    public var threshMap: [Float]
    /// `gt_thr_mask`: 1 inside the dilated kept polygons, else 0.
    public var threshMask: [Float]

    public init(height: Int, width: Int, probMap: [Float], probMask: [Float], threshMap: [Float], threshMask: [Float]) {
        self.height = height; self.width = width
        self.probMap = probMap; self.probMask = probMask; self.threshMap = threshMap; self.threshMask = threshMask
    }
}
