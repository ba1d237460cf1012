/// The score thresholds the detection metrics sweep, computed the way `numpy.arange` does so
/// the values (0.6000000000000001 …) and their count are the reference's.
public enum ScoreThresholds {
    /// `np.arange(start, stop, step)`: length ⌈(stop − start)/step⌉, values start + i·Δ with
    /// Δ = (start + step) − start (numpy fills from its first two elements).
    public static func arange(start: Double, stop: Double, step: Double) -> [Double] {
        guard step > 0, stop > start else { return [] }
        let count = Int(((stop - start) / step).rounded(.up))
        let delta = (start + step) - start
        return (0..<count).map { i in i == 0 ? start : (i == 1 ? start + step : start + Double(i) * delta) }
    }

    /// MMOCR 0.6.3 `eval_hmean` defaults: `np.arange(0.3, min(0.9 + 0.1, 1.0), 0.1)`.
    public static let mmocr0Default = arange(start: 0.3, stop: min(0.9 + 0.1, 1.0), step: 0.1)
    /// MMOCR 1.x `HmeanIOUMetric` defaults: `np.arange(0.3, 0.9, 0.1)` (7 values by float error).
    public static let mmocr1Default = arange(start: 0.3, stop: 0.9, step: 0.1)
}
