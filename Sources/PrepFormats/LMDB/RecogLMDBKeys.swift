/// The key layout MMOCR, PaddleOCR and the clovaai benchmark share for recognition LMDBs:
/// `image-%09d` (the image file's bytes), `label-%09d` (UTF-8 text, or a JSON line in a
/// label-only database), both counted from 1, and `num-samples` (decimal count). The deprecated
/// txt2lmdb layout instead stores `total_number` and lines under `0`, `1`, ….
public enum RecogLMDBKeys {
    public static let numSamples = "num-samples"
    public static let totalNumber = "total_number"

    /// `image-000000001` for sample 1.
    public static func image(_ n: Int) -> [UInt8] { key("image-", n) }
    /// `label-000000001` for sample 1.
    public static func label(_ n: Int) -> [UInt8] { key("label-", n) }

    /// `prefix` followed by `n` zero-padded to nine digits (more digits when n needs them, as
    /// `%09d` does).
    static func key(_ prefix: String, _ n: Int) -> [UInt8] {
        var out = Array(prefix.utf8)
        let digits = Array(String(n).utf8)
        if digits.count < 9 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 9 - digits.count)) }
        out.append(contentsOf: digits)
        return out
    }
}
