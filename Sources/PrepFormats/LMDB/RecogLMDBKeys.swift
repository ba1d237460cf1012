import PrepCore

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
    static func key(_ prefix: StaticString, _ n: Int) -> [UInt8] {
        precondition(n >= 0)
        var digits = 0, v = n
        repeat { digits += 1; v /= 10 } while v > 0
        let width = max(9, digits)
        let p = prefix.utf8Start
        let plen = prefix.utf8CodeUnitCount
        return [UInt8](unsafeUninitializedCapacity: plen + width) { buf, count in
            for i in 0..<plen { buf[i] = p[i] }
            var v = n
            for i in stride(from: plen + width - 1, through: plen, by: -1) { buf[i] = UInt8(48 + v % 10); v /= 10 }
            count = plen + width
        }
    }

    /// The value of a label-only sample: `json.dumps({"filename": …, "text": …},
    /// ensure_ascii=False)`, built straight from UTF-8 bytes. It equals
    /// `PyJSON(ensureASCII: false)` on the same object (a test checks this) but needs no String or
    /// JSONValue per line.
    public static func labelOnlyValue(filename: [UInt8], text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(filename.count + text.count + 32)
        out.append(contentsOf: labelOnlyPrefix)
        PyJSON.writeUTF8String(filename, to: &out)
        out.append(contentsOf: labelOnlyMiddle)
        PyJSON.writeUTF8String(text, to: &out)
        out.append(0x7D)
        return out
    }

    private static let labelOnlyPrefix = Array(#"{"filename": "#.utf8)
    private static let labelOnlyMiddle = Array(#", "text": "#.utf8)
}
