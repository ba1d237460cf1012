import PrepNN

/// `Resize` of the spatial axes of an (N, C, H, W) tensor on the engine's `Upsample`, in the
/// modes PyTorch's exporter writes for `F.interpolate` (lean-core.md §6.4):
/// - `nearest` with `asymmetric` + `floor`: src = ⌊dst · in/out⌋ (`mode='nearest'`);
/// - `linear` with `half_pixel` or `pytorch_half_pixel`: src = (dst + ½) · in/out − ½, clamped
///   (`mode='bilinear', align_corners=False`; the two differ only for an output length of 1,
///   which `pytorch_half_pixel` maps to 0 and is refused here).
/// Any other mode (cubic, align_corners, tf_crop_and_resize, ONNX's default nearest
/// `half_pixel` + `round_prefer_floor`, antialias, axes) is refused when the model is loaded,
/// naming the node. The output size comes from `sizes`, or `scales` when it gives whole sizes
/// with the same ratio (⌊in · scale⌋ = in · scale); N and C must keep their size.
final class ResizeKernel: ONNXKernel {
    let upsample: Upsample
    let pytorchHalfPixel: Bool

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside",
                                 "extrapolation_value", "antialias", "axes", "keep_aspect_ratio_policy"])
        let mode = try node.string("mode", default: "nearest")
        let ctm = try node.string("coordinate_transformation_mode", default: "half_pixel")
        let nearestMode = try node.string("nearest_mode", default: "round_prefer_floor")
        guard try node.int("antialias", default: 0) == 0 else { throw node.error("antialias 1 is not supported") }
        guard !node.has("axes") else { throw node.error("the axes attribute is not supported (give scales or sizes for all four axes)") }
        guard try node.string("keep_aspect_ratio_policy", default: "stretch") == "stretch" else {
            throw node.error("keep_aspect_ratio_policy \(try node.string("keep_aspect_ratio_policy", default: "")) is not supported (only stretch)")
        }
        let supported = "prep runs mode 'nearest' with coordinate_transformation_mode 'asymmetric' and nearest_mode 'floor' (PyTorch's F.interpolate(mode='nearest')), and mode 'linear' with 'half_pixel' or 'pytorch_half_pixel' (mode='bilinear', align_corners=False)"
        switch (mode, ctm) {
        case ("nearest", "asymmetric") where nearestMode == "floor":
            upsample = Upsample(mode: .nearest)
        case ("linear", "half_pixel"), ("linear", "pytorch_half_pixel"):
            upsample = Upsample(mode: .bilinear)
        case ("nearest", _):
            throw node.error("Resize mode 'nearest' with coordinate_transformation_mode '\(ctm)' and nearest_mode '\(nearestMode)' is not supported: \(supported)")
        default:
            throw node.error("Resize mode '\(mode)' with coordinate_transformation_mode '\(ctm)' is not supported: \(supported)")
        }
        pytorchHalfPixel = ctm == "pytorch_half_pixel"
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        guard x.shape.count == 4, x.shape.allSatisfy({ $0 > 0 }) else {
            throw KernelFailure("X has shape \(x.shape); prep resizes (N, C, H, W) tensors")
        }
        let target: [Int]
        if inputs.count > 3, let sizes = inputs[3], sizes.count > 0 {
            guard !sizes.isFloat, sizes.count == 4 else { throw KernelFailure("sizes must be 4 integers, got shape \(sizes.shape)") }
            target = sizes.ints.map { Int($0) }
        } else if inputs.count > 2, let scales = inputs[2], scales.count > 0 {
            guard scales.isFloat, scales.count == 4 else { throw KernelFailure("scales must be 4 floats, got shape \(scales.shape)") }
            let s = scales.floats
            target = try (0..<4).map { k in
                let exact = Float(x.shape[k]) * s[k]
                guard exact >= 1, exact == exact.rounded(.down) else {
                    throw KernelFailure("scales \(s) give a fractional output size \(exact) on axis \(k); prep resizes by scales that give whole sizes (or give sizes)")
                }
                return Int(exact)
            }
        } else {
            throw KernelFailure("neither scales nor sizes is given")
        }
        guard target.count == 4, target[0] == x.shape[0], target[1] == x.shape[1], target[2] > 0, target[3] > 0 else {
            throw KernelFailure("output size \(target) changes N or C or is empty; prep resizes H and W only")
        }
        if pytorchHalfPixel, (target[2] == 1 && x.shape[2] > 1) || (target[3] == 1 && x.shape[3] > 1) {
            throw KernelFailure("pytorch_half_pixel with an output length of 1 is not supported")
        }
        return [.float(upsample.forward(x, height: target[2], width: target[3]))]
    }
}
