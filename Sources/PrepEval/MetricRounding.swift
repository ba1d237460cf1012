#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `float(f"{v:.4f}")`: how MMOCR rounds every recognition metric (correctly rounded decimal,
/// as C's printf does).
public enum MetricRounding {
    public static func round4(_ v: Double) -> Double {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([v]) { vsnprintf(&buf, 64, "%.4f", $0) }
        let end = buf.firstIndex(of: 0) ?? buf.count
        return Double(String(decoding: buf[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)) ?? v
    }
}
