import Foundation
import PrepCore

/// MMOCR 1.x's DBNet training augmentation (`dbnet_resnet18_fpnc`'s train pipeline), seeded per
/// sample:
///
/// 1. `ColorJitter(brightness=32/255, saturation=0.5)` — brightness factor in 1 ± 0.125,
///    saturation factor in 0.5…1.5, in random order;
/// 2. `ImgAugWrapper`: `Fliplr(0.5)`, `Affine(rotate=(-10, 10))` about the centre keeping the
///    size, `Resize((0.5, 3.0))` (one factor for both sides);
/// 3. `RandomCrop(min_side_ratio=0.1)`: a box at least a tenth of each side that holds one
///    randomly chosen text polygon and whose edges fall between text (no text is cut where
///    that is possible); pages without polygons are not cropped;
/// 4. `Resize((crop, crop), keep_ratio=True)` and `Pad` to crop × crop (bottom and right, black).
///
/// Steps 2–4 are one affine map, so the output is sampled once (bilinear) from the decoded
/// image, whatever the scale: cost and memory follow the crop size, not the page. Polygons go
/// through the same map. Vertices that leave the crop are clamped to it and polygons entirely
/// outside it are dropped (MMOCR intersects them with the crop box; clamping keeps the point
/// count, which the target generator needs).
public struct DetAugment: Sendable, Equatable, Codable {
    public var brightness = 32.0 / 255
    public var saturation = 0.5
    public var flipProbability = 0.5
    public var maxDegrees = 10.0
    public var scaleRange = [0.5, 3.0]
    public var minSideRatio = 0.1

    public init() {}

    /// The geometry drawn for one sample: output pixel → source pixel is `inverse`; source →
    /// output is `forward` (both `[a, b, c, d, e, f]`: x' = a·x + b·y + c, y' = d·x + e·y + f,
    /// continuous coordinates where pixel i covers [i, i + 1)).
    public struct Plan: Sendable, Equatable {
        public var forward: [Double]
        public var inverse: [Double]
        /// The part of the canvas holding image (the rest is padding).
        public var width: Int
        public var height: Int
        public var brightness: Double
        public var saturation: Double
        public var brightnessFirst: Bool
    }

    /// Draws the plan for a `width` × `height` page with `polygons`, onto a `size` × `size` canvas.
    public func plan(width: Int, height: Int, polygons: [[Double]], size: Int, rng: inout RecogRandom) -> Plan {
        let b = rng.uniform(max(0, 1 - brightness), 1 + brightness)
        let s = rng.uniform(max(0, 1 - saturation), 1 + saturation)
        let brightnessFirst = rng.unit() < 0.5
        let flip = rng.unit() < flipProbability
        let angle = rng.uniform(-maxDegrees, maxDegrees) * .pi / 180
        let scale = rng.uniform(scaleRange[0], scaleRange[1])
        // Flip, rotate about the centre, scale: one affine map.
        let W = Double(width), H = Double(height)
        var m = flip ? [-1.0, 0, W, 0, 1, 0] : [1.0, 0, 0, 0, 1, 0]
        let c = cos(angle), sn = sin(angle), cx = W / 2, cy = H / 2
        m = Self.compose([c, -sn, cx - c * cx + sn * cy, sn, c, cy - sn * cx - c * cy], after: m)
        m = Self.compose([scale, 0, 0, 0, scale, 0], after: m)
        let w2 = max(1, Int((W * scale).rounded())), h2 = max(1, Int((H * scale).rounded()))
        let moved = polygons.map { Self.apply(m, $0) }
        let box = cropBox(width: w2, height: h2, polygons: moved, rng: &rng)
        let cw = Double(box.x1 - box.x0), ch = Double(box.y1 - box.y0)
        let f = Double(size) / max(cw, ch)
        m = Self.compose([f, 0, -Double(box.x0) * f, 0, f, -Double(box.y0) * f], after: m)
        let outW = min(size, max(1, Int((cw * f).rounded()))), outH = min(size, max(1, Int((ch * f).rounded())))
        return Plan(forward: m, inverse: Self.invert(m), width: outW, height: outH, brightness: b, saturation: s,
                    brightnessFirst: brightnessFirst)
    }

    /// MMOCR's `RandomCrop._sample_crop_box` on the integer grid of the scaled page.
    func cropBox(width w: Int, height h: Int, polygons: [[Double]], rng: inout RecogRandom) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        guard !polygons.isEmpty, w > 2, h > 2 else { return (0, 0, w, h) }
        var xValid = [Bool](repeating: true, count: w), yValid = [Bool](repeating: true, count: h)
        let chosen = polygons[rng.below(polygons.count)]
        let cxs = stride(from: 0, to: chosen.count, by: 2).map { Int(chosen[$0]) }
        let cys = stride(from: 1, to: chosen.count, by: 2).map { Int(chosen[$0]) }
        let maxXStart = max(cxs.min()! - 2, 0), minXEnd = min(cxs.max()! + 3, w - 1)
        let maxYStart = max(cys.min()! - 2, 0), minYEnd = min(cys.max()! + 3, h - 1)
        for p in polygons {
            let xs = stride(from: 0, to: p.count, by: 2).map { min(max(Int(p[$0]), 0), w - 1) }
            let ys = stride(from: 1, to: p.count, by: 2).map { min(max(Int(p[$0]), 0), h - 1) }
            for x in max(0, xs.min()! - 2)..<min(w, xs.max()! + 3) { xValid[x] = false }
            for y in max(0, ys.min()! - 2)..<min(h, ys.max()! + 3) { yValid[y] = false }
        }
        let (x0, x1) = Self.startEnd(xValid, minLength: Int(Double(w) * minSideRatio), maxStart: maxXStart, minEnd: minXEnd, rng: &rng)
        let (y0, y1) = Self.startEnd(yValid, minLength: Int(Double(h) * minSideRatio), maxStart: maxYStart, minEnd: minYEnd, rng: &rng)
        return (x0, y0, max(x1, x0 + 1), max(y1, y0 + 1))
    }

    /// MMOCR's `_sample_valid_start_end`: a start in a text-free run before `maxStart` (0 is
    /// always allowed), an end in a text-free run after `max(start + minLength, minEnd)` (the
    /// last index always allowed).
    static func startEnd(_ valid: [Bool], minLength: Int, maxStart: Int, minEnd: Int, rng: inout RecogRandom) -> (Int, Int) {
        let n = valid.count
        var starts = valid
        for i in max(0, min(n - minLength, maxStart))..<n { starts[i] = false }
        starts[0] = true
        let start = pick(starts, rng: &rng)
        var ends = valid
        for i in 0..<min(n, max(start + minLength, minEnd)) { ends[i] = false }
        ends[n - 1] = true
        let end = pick(ends, rng: &rng)
        return (start, max(end, start + 1))
    }

    /// A random run of `true`, then a random index in it, excluding the run's last index where
    /// the run is longer than 1 (numpy's `randint(start, end)` over the run's [start, end)).
    static func pick(_ mask: [Bool], rng: inout RecogRandom) -> Int {
        var runs: [(Int, Int)] = []
        var i = 0
        while i < mask.count {
            if mask[i] {
                var j = i
                while j < mask.count && mask[j] { j += 1 }
                runs.append((i, j))
                i = j
            } else { i += 1 }
        }
        guard !runs.isEmpty else { return 0 }
        let (lo, hi) = runs[rng.below(runs.count)]
        return lo + rng.below(max(1, hi - lo))
    }

    /// `outer ∘ inner` for affine maps.
    static func compose(_ outer: [Double], after inner: [Double]) -> [Double] {
        [outer[0] * inner[0] + outer[1] * inner[3], outer[0] * inner[1] + outer[1] * inner[4], outer[0] * inner[2] + outer[1] * inner[5] + outer[2],
         outer[3] * inner[0] + outer[4] * inner[3], outer[3] * inner[1] + outer[4] * inner[4], outer[3] * inner[2] + outer[4] * inner[5] + outer[5]]
    }

    static func invert(_ m: [Double]) -> [Double] {
        let det = m[0] * m[4] - m[1] * m[3]
        let a = m[4] / det, b = -m[1] / det, d = -m[3] / det, e = m[0] / det
        return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])]
    }

    /// A flat polygon through the map.
    public static func apply(_ m: [Double], _ p: [Double]) -> [Double] {
        var out = p
        for k in stride(from: 0, to: p.count - 1, by: 2) {
            out[k] = m[0] * p[k] + m[1] * p[k + 1] + m[2]
            out[k + 1] = m[3] * p[k] + m[4] * p[k + 1] + m[5]
        }
        return out
    }
}
