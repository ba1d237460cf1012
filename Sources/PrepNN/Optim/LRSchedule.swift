import Foundation

/// A learning-rate schedule as a pure function of the optimizer step (0 = the first step), so a
/// resumed run gets the same rates without saved scheduler state.
/// `lr(step)` = base · warm-up factor · decay factor, where the warm-up factor rises linearly
/// from `warmupStartFactor` to 1 over `warmupSteps` (PyTorch `LinearLR`) and the decay is:
/// - `constant`
/// - `step(every:gamma:)`: gamma^⌊step/every⌋ (PyTorch `StepLR`)
/// - `multiStep(milestones:gamma:)`: gamma^(number of milestones ≤ step) (`MultiStepLR`)
/// - `cosine(totalSteps:minLR:)`: minLR + (base − minLR)(1 + cos(π·min(step,total)/total))/2
///   (`CosineAnnealingLR`'s closed form)
/// - `poly(totalSteps:power:minLR:)`: minLR + (base − minLR)(1 − min(step,total)/total)^power
///   (mmengine `PolyLR`'s closed form; MMOCR's DBNet schedule: power 0.9, minLR 1e-7)
public struct LRSchedule: Equatable {
    public enum Decay: Equatable {
        case constant
        case step(every: Int, gamma: Float)
        case multiStep(milestones: [Int], gamma: Float)
        case cosine(totalSteps: Int, minLR: Float)
        case poly(totalSteps: Int, power: Float, minLR: Float)
    }

    public var base: Float
    public var decay: Decay
    public var warmupSteps: Int
    public var warmupStartFactor: Float

    public init(base: Float, decay: Decay = .constant, warmupSteps: Int = 0, warmupStartFactor: Float = 0.001) {
        self.base = base
        self.decay = decay
        self.warmupSteps = warmupSteps
        self.warmupStartFactor = warmupStartFactor
    }

    public func lr(step: Int) -> Float {
        var lr: Double
        switch decay {
        case .constant:
            lr = Double(base)
        case .step(let every, let gamma):
            lr = Double(base) * pow(Double(gamma), Double(step / max(every, 1)))
        case .multiStep(let milestones, let gamma):
            lr = Double(base) * pow(Double(gamma), Double(milestones.filter { $0 <= step }.count))
        case .cosine(let total, let minLR):
            let t = Double(min(step, total)) / Double(max(total, 1))
            lr = Double(minLR) + (Double(base) - Double(minLR)) * (1 + cos(Double.pi * t)) / 2
        case .poly(let total, let power, let minLR):
            let t = Double(min(step, total)) / Double(max(total, 1))
            lr = Double(minLR) + (Double(base) - Double(minLR)) * pow(1 - t, Double(power))
        }
        if warmupSteps > 0 && step < warmupSteps {
            let f = Double(warmupStartFactor)
            lr *= f + (1 - f) * Double(step) / Double(warmupSteps)
        }
        return Float(lr)
    }
}
