import Foundation

/// MMOCR's light augmentation set for recognition, seeded per sample: a small rotation
/// (bilinear, edges repeated), a 3×3 Gaussian blur, and colour jitter (brightness and contrast).
/// It works on the resized image (pixel-range floats, channel-major) before normalisation, so
/// its cost does not grow with the source image. Each transform fires with probability `p`.
public struct RecogAugment: Sendable, Equatable, Codable {
    public var probability: Double
    /// Largest rotation, degrees (either way).
    public var maxDegrees: Double
    /// Brightness shift up to ± this many pixel levels; contrast factor in 1 ± `contrast`.
    public var brightness: Double
    public var contrast: Double

    public init(probability: Double = 0.3, maxDegrees: Double = 4, brightness: Double = 32, contrast: Double = 0.3) {
        self.probability = probability
        self.maxDegrees = maxDegrees
        self.brightness = brightness
        self.contrast = contrast
    }

    /// Applies the transforms drawn from `rng` to `planes` (`channels × height × width`).
    public func apply(_ planes: inout [Float], channels: Int, height: Int, width: Int, rng: inout RecogRandom) {
        if rng.unit() < probability {
            rotate(&planes, channels: channels, height: height, width: width, degrees: rng.uniform(-maxDegrees, maxDegrees))
        }
        if rng.unit() < probability { blur(&planes, channels: channels, height: height, width: width) }
        if rng.unit() < probability {
            let b = Float(rng.uniform(-brightness, brightness)), c = Float(rng.uniform(1 - contrast, 1 + contrast))
            for k in 0..<channels {
                let plane = k * height * width
                var mean: Float = 0
                for i in 0..<(height * width) { mean += planes[plane + i] }
                mean /= Float(height * width)
                for i in 0..<(height * width) {
                    planes[plane + i] = min(255, max(0, (planes[plane + i] - mean) * c + mean + b))
                }
            }
        }
    }

    func rotate(_ planes: inout [Float], channels: Int, height: Int, width: Int, degrees: Double) {
        let a = degrees * .pi / 180, ca = Float(cos(a)), sa = Float(sin(a))
        let cx = Float(width - 1) / 2, cy = Float(height - 1) / 2
        let src = planes
        for k in 0..<channels {
            let plane = k * height * width
            for y in 0..<height {
                for x in 0..<width {
                    // Inverse map: where this output pixel comes from.
                    let dx = Float(x) - cx, dy = Float(y) - cy
                    let sx = min(max(ca * dx + sa * dy + cx, 0), Float(width - 1))
                    let sy = min(max(-sa * dx + ca * dy + cy, 0), Float(height - 1))
                    let x0 = Int(sx), y0 = Int(sy)
                    let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                    let fx = sx - Float(x0), fy = sy - Float(y0)
                    let top = src[plane + y0 * width + x0] * (1 - fx) + src[plane + y0 * width + x1] * fx
                    let bottom = src[plane + y1 * width + x0] * (1 - fx) + src[plane + y1 * width + x1] * fx
                    planes[plane + y * width + x] = top * (1 - fy) + bottom * fy
                }
            }
        }
    }

    func blur(_ planes: inout [Float], channels: Int, height: Int, width: Int) {
        let w: [Float] = [0.25, 0.5, 0.25]
        let src = planes
        for k in 0..<channels {
            let plane = k * height * width
            for y in 0..<height {
                for x in 0..<width {
                    var s: Float = 0
                    for j in -1...1 {
                        let yy = min(max(y + j, 0), height - 1)
                        for i in -1...1 {
                            let xx = min(max(x + i, 0), width - 1)
                            s += w[j + 1] * w[i + 1] * src[plane + yy * width + xx]
                        }
                    }
                    planes[plane + y * width + x] = s
                }
            }
        }
    }
}
