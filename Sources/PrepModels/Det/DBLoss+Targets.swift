import PrepNN

extension DBLoss {
    /// The db-api.md contract's entry point: the batch's per-image targets (`DBTargetGenerator`,
    /// each at the input's H × W) concatenated into the loss's maps.
    /// (Branch dettrain adds it: branch dbnet's DBLoss takes the maps directly; drop this file if
    /// dbnet lands the same signature.)
    public func compute(_ out: DBNetOutput, targets: [DBTargets]) -> (loss: Double, parts: [String: Double], grads: DBNetOutputGrad) {
        var maps = Maps(shrink: [], shrinkMask: [], thresh: [], threshMask: [])
        for t in targets {
            maps.shrink += t.probMap
            maps.shrinkMask += t.probMask
            maps.thresh += t.threshMap
            maps.threshMask += t.threshMask
        }
        return compute(out, maps: maps)
    }
}
