import Foundation
import PrepCore

/// Draws the run's curves as a PNG with prep's own pixels (no plotting library): training loss
/// per step in blue (raw, light, and a moving average, dark) on a linear scale from 0 to the
/// largest smoothed loss (left axis), and validation word accuracy in red on a 0–100 % scale
/// (right axis). Light grey lines mark quarters of both scales; the axes are labelled (step,
/// loss, word accuracy) with their values at the quarters, and a legend names the three curves
/// (`PlotFont`; the exact numbers are in `metrics.jsonl`).
public struct LossCurvePlot {
    public var width = 800
    public var height = 400
    public init() {}

    static let rawColor: (UInt8, UInt8, UInt8) = (240, 200, 170)
    static let lossColor: (UInt8, UInt8, UInt8) = (180, 80, 20)
    static let accuracyColor: (UInt8, UInt8, UInt8) = (40, 40, 220)
    static let ink: (UInt8, UInt8, UInt8) = (0, 0, 0)

    /// `losses`: (step, loss); `accuracy`: (step, value in 0…1).
    public func png(losses: [(step: Int, loss: Double)], accuracy: [(step: Int, value: Double)]) throws -> [UInt8] {
        var px = Pixels(width: width, height: height, channels: 3, order: .bgr, data: [UInt8](repeating: 255, count: width * height * 3))
        let left = 60, right = width - 60, top = 40, bottom = height - 45
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
        line(&px, Double(left), Double(top), Double(left), Double(bottom), Self.ink)
        line(&px, Double(right), Double(top), Double(right), Double(bottom), Self.ink)
        line(&px, Double(left), Double(bottom), Double(right), Double(bottom), Self.ink)
        drawLabels(&px, left: left, right: right, top: top, bottom: bottom, maxStep: maxStep, maxLoss: maxLoss)
        for (a, b) in zip(finite, finite.dropFirst()) {
            line(&px, x(a.step), y(a.loss, maxLoss), x(b.step), y(b.loss, maxLoss), Self.rawColor)
        }
        for k in smooth.indices.dropFirst() {
            line(&px, x(finite[k - 1].step), y(smooth[k - 1], maxLoss), x(finite[k].step), y(smooth[k], maxLoss), Self.lossColor)
        }
        for (a, b) in zip(accuracy, accuracy.dropFirst()) {
            line(&px, x(a.step), y(a.value, 1), x(b.step), y(b.value, 1), Self.accuracyColor)
        }
        for a in accuracy {
            let cx = x(a.step), cy = y(a.value, 1)
            for d in -3...3 { line(&px, cx - 3, cy + Double(d), cx + 3, cy + Double(d), Self.accuracyColor) }
        }
        return try ImageCodec.encodePNG(px)
    }

    /// Axis titles, values at the quarters of each axis, and the legend above the plot.
    func drawLabels(_ px: inout Pixels, left: Int, right: Int, top: Int, bottom: Int, maxStep: Int, maxLoss: Double) {
        let h = PlotFont.glyphHeight
        for q in 0...4 {
            let yy = bottom - (bottom - top) * q / 4
            let loss = Self.compact(maxLoss * Double(q) / 4)
            PlotFont.draw(loss, into: &px, x: left - 6 - PlotFont.width(loss), y: yy - h / 2, color: Self.lossColor)
            PlotFont.draw("\(q * 25)%", into: &px, x: right + 6, y: yy - h / 2, color: Self.accuracyColor)
            let xx = left + (right - left) * q / 4
            let step = String(Int((Double(maxStep) * Double(q) / 4).rounded()))
            line(&px, Double(xx), Double(bottom), Double(xx), Double(bottom + 4), Self.ink)
            PlotFont.draw(step, into: &px, x: xx - PlotFont.width(step) / 2, y: bottom + 7, color: Self.ink)
        }
        PlotFont.draw("step", into: &px, x: (left + right - PlotFont.width("step", scale: 2)) / 2, y: bottom + 19, scale: 2, color: Self.ink)
        PlotFont.draw("loss", into: &px, x: left - PlotFont.width("loss", scale: 2) / 2, y: top - 2 * h - 10, scale: 2, color: Self.lossColor)
        let acc = "word acc."
        PlotFont.draw(acc, into: &px, x: right - PlotFont.width(acc, scale: 2) / 2, y: top - 2 * h - 10, scale: 2, color: Self.accuracyColor)
        // Legend: a short stroke of each curve's colour, then its name.
        let entries = [("training loss", Self.rawColor), ("smoothed", Self.lossColor), ("validation word accuracy", Self.accuracyColor)]
        let gap = 16, stroke = 18
        let total = entries.map { stroke + 4 + PlotFont.width($0.0) }.reduce(0, +) + gap * (entries.count - 1)
        var x = (left + right - total) / 2
        let y = top - h - 8
        for (name, color) in entries {
            for d in -1...1 { line(&px, Double(x), Double(y + h / 2 + d), Double(x + stroke), Double(y + h / 2 + d), color) }
            PlotFont.draw(name, into: &px, x: x + stroke + 4, y: y, color: Self.ink)
            x += stroke + 4 + PlotFont.width(name) + gap
        }
    }

    /// A loss value for an axis: 2 significant digits at most ("4.5", "12", "0.25").
    static func compact(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v >= 10 { return String(Int(v.rounded())) }
        let digits = v >= 1 ? 1 : 2
        var s = String(format: "%.\(digits)f", v)
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
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
