/// Turns DBNet's probability map into text regions as MMOCR 1.x `DBPostprocessor`
/// (`get_text_instances` then `rescale`):
/// 1. text mask = prob > `maskThreshold`; contours as OpenCV `findContours(RETR_LIST,
///    CHAIN_APPROX_SIMPLE)`, in OpenCV's order; contour i is processed while i ≤ `maxCandidates`;
/// 2. `approxPolyDP` with ε = 0.01 · arc length; fewer than 4 points → dropped;
/// 3. score = mean prob over the filled approximated polygon (inside its clipped integer box);
///    below `minTextScore` → dropped;
/// 4. unclip by D = area · `unclipRatio` / perimeter through Clipper (empty or split → dropped);
/// 5. `quad`: `minAreaRect` + `boxPoints` of the unclipped points, kept if its shorter side
///    ≥ `minTextWidth`; `poly`: the unclipped points (dropped under 4 points);
/// 6. coordinates × (scaleX, scaleY).
/// NaN in the map: never above the threshold (background) and counted as 0 in scores, so a
/// NaN map gives no text rather than NaN scores (OpenCV would propagate NaN into the mean).
public struct DBPostprocessor: Sendable {
    public enum TextRepr: Sendable { case quad, poly }
    public let textRepr: TextRepr
    public let maskThreshold: Double
    public let minTextScore: Double
    public let minTextWidth: Double
    public let unclipRatio: Double
    public let maxCandidates: Int

    public init(textRepr: TextRepr = .quad, maskThreshold: Double = 0.3, minTextScore: Double = 0.3,
                minTextWidth: Double = 5, unclipRatio: Double = 1.5, maxCandidates: Int = 3000) {
        self.textRepr = textRepr; self.maskThreshold = maskThreshold; self.minTextScore = minTextScore
        self.minTextWidth = minTextWidth; self.unclipRatio = unclipRatio; self.maxCandidates = maxCandidates
    }

    /// prob: one image's probability map; scaleX/scaleY map its pixels back to the original image
    /// (original = map coordinate * scale).
    public func process(prob: [Float], height: Int, width: Int, scaleX: Double, scaleY: Double) -> [DetectedText] {
        guard width > 0, height > 0, prob.count >= width * height else { return [] }
        // torch compares a float32 map with a Python float in float32
        let thr = Float(maskThreshold)
        var mask = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) where prob[i] > thr { mask[i] = 1 }
        let contours = ContourTracer.contours(mask: mask, width: width, height: height)
        var found: [DetectedText] = []
        for (i, contour) in contours.enumerated() {
            if i > maxCandidates { break }
            let eps = 0.01 * PolygonApprox.arcLength(contour)
            let approx = PolygonApprox.approximate(contour, epsilon: eps)
            if approx.count < 8 { continue }
            let score = meanScore(prob, width: width, height: height, polygon: approx)
            if score < minTextScore { continue }
            let poly = approx.map { Double($0) }
            let distance = PolygonMeasure.area(poly) * unclipRatio / PolygonMeasure.length(poly)
            guard let unclipped = PolygonOffset.mmocr(poly, delta: distance) else { continue }
            var out: [Double]
            switch textRepr {
            case .quad:
                let rect = MinAreaRect(points: unclipped.map { Float($0) })
                guard Double(min(rect.width, rect.height)) >= minTextWidth else { continue }
                out = rect.corners.map { Double($0) }
            case .poly:
                out = unclipped.map { Double($0) }
                if out.count < 8 { continue }
            }
            for k in stride(from: 0, to: out.count, by: 2) { out[k] *= scaleX; out[k + 1] *= scaleY }
            found.append(DetectedText(polygon: out, score: score))
        }
        return found
    }

    /// MMOCR's `_get_bbox_score`: `cv2.mean` of the map over the `fillPoly` mask of the polygon,
    /// inside the polygon's integer box clipped to the map (sum in double, as OpenCV).
    private func meanScore(_ prob: [Float], width: Int, height: Int, polygon: [Int32]) -> Double {
        var xmin = Int32.max, xmax = Int32.min, ymin = Int32.max, ymax = Int32.min
        for k in stride(from: 0, to: polygon.count, by: 2) {
            xmin = min(xmin, polygon[k]); xmax = max(xmax, polygon[k])
            ymin = min(ymin, polygon[k + 1]); ymax = max(ymax, polygon[k + 1])
        }
        let x0 = Int(min(max(xmin, 0), Int32(width - 1))), x1 = Int(min(max(xmax, 0), Int32(width - 1)))
        let y0 = Int(min(max(ymin, 0), Int32(height - 1))), y1 = Int(min(max(ymax, 0), Int32(height - 1)))
        let bw = x1 - x0 + 1, bh = y1 - y0 + 1
        var local = [Int64](repeating: 0, count: polygon.count)
        for k in stride(from: 0, to: polygon.count, by: 2) {
            local[k] = Int64(Int(polygon[k]) - x0); local[k + 1] = Int64(Int(polygon[k + 1]) - y0)
        }
        var covered = [UInt8](repeating: 0, count: bw * bh)
        covered.withUnsafeMutableBufferPointer { buf in
            PolygonRaster.spans(local, width: bw, height: bh) { y, a, b in
                for x in a...b { buf[y * bw + x] = 1 }
            }
        }
        var sum = 0.0
        var n = 0
        for y in 0..<bh {
            let row = (y + y0) * width + x0
            for x in 0..<bw where covered[y * bw + x] != 0 {
                let v = prob[row + x]
                if !v.isNaN { sum += Double(v) }
                n += 1
            }
        }
        return n > 0 ? sum / Double(n) : 0
    }
}
