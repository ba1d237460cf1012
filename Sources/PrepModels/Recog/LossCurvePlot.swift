import Foundation
import PrepCore

/// Draws the run's curves as a PNG with prep's own pixels (no plotting library): training loss
/// per step in blue (raw, light, and a moving average, dark) on a linear scale from 0 to the
/// largest smoothed loss, and validation word accuracy per epoch in red on a 0–1 scale (same
/// height). Light grey lines mark quarters of both scales; no text is drawn (the numbers are in
/// `metrics.jsonl`).
public struct LossCurvePlot {
    public var width = 800
    public var height = 400
    public init() {}

    /// `losses`: (step, loss); `accuracy`: (step, value in 0…1).
    public func png(losses: [(step: Int, loss: Double)], accuracy: [(step: Int, value: Double)]) throws -> [UInt8] {
        var px = Pixels(width: width, height: height, channels: 3, order: .bgr, data: [UInt8](repeating: 255, count: width * height * 3))
        let left = 40, right = width - 20, top = 20, bottom = height - 30
        let finite = losses.filter { $0.loss.isFinite }
        let smooth = Self.movingAverage(finite.map(\.loss), window: max(1, finite.count / 50))
        let maxStep = max(1, (finite.map(\.step) + accuracy.map(\.step)).max() ?? 1)
        let maxLoss = max(1e-6, smooth.max() ?? 1)
        func x(_ step: Int) -> Double { Double(left) + Double(right - left) * Double(step) / Double(maxStep) }
        func y(_ v: Double, _ scale: Double) -> Double { Double(bottom) - Double(bottom - top) * min(1.05, max(0, v / scale)) }
        for q in 1...4 {
            let yy = Double(bottom) - Double(bottom - top) * Double(q) / 4
            line(&px, Double(left), yy, Double(right), yy, (225, 225, 225))
        }
        line(&px, Double(left), Double(top), Double(left), Double(bottom), (0, 0, 0))
        line(&px, Double(left), Double(bottom), Double(right), Double(bottom), (0, 0, 0))
        for (a, b) in zip(finite, finite.dropFirst()) {
            line(&px, x(a.step), y(a.loss, maxLoss), x(b.step), y(b.loss, maxLoss), (240, 200, 170))
        }
        for k in smooth.indices.dropFirst() {
            line(&px, x(finite[k - 1].step), y(smooth[k - 1], maxLoss), x(finite[k].step), y(smooth[k], maxLoss), (180, 80, 20))
        }
        for (a, b) in zip(accuracy, accuracy.dropFirst()) {
            line(&px, x(a.step), y(a.value, 1), x(b.step), y(b.value, 1), (40, 40, 220))
        }
        for a in accuracy {
            let cx = x(a.step), cy = y(a.value, 1)
            for d in -3...3 { line(&px, cx - 3, cy + Double(d), cx + 3, cy + Double(d), (40, 40, 220)) }
        }
        return try ImageCodec.encodePNG(px)
    }

    static func movingAverage(_ v: [Double], window: Int) -> [Double] {
        var out: [Double] = [], sum = 0.0
        for (i, e) in v.enumerated() {
            sum += e
            if i >= window { sum -= v[i - window] }
            out.append(sum / Double(min(i + 1, window)))
        }
        return out
    }

    /// A one-pixel line (DDA), clipped to the image.
    func line(_ p: inout Pixels, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: (UInt8, UInt8, UInt8)) {
        let n = max(1, Int(max(abs(x1 - x0), abs(y1 - y0)).rounded(.up)))
        for k in 0...n {
            let t = Double(k) / Double(n)
            let xi = Int((x0 + (x1 - x0) * t).rounded()), yi = Int((y0 + (y1 - y0) * t).rounded())
            guard xi >= 0, yi >= 0, xi < p.width, yi < p.height else { continue }
            let o = (yi * p.width + xi) * 3
            p.data[o] = c.0; p.data[o + 1] = c.1; p.data[o + 2] = c.2
        }
    }
}
