import Foundation

/// The largest input file read whole and the longest line prep accepts, so an input that never
/// ends (a huge or endless file, a line without end) is an error naming the limit instead of a
/// run that eats all memory. Both can be raised for a run with an environment variable
/// (`PREP_MAX_FILE_SIZE=16G`, `PREP_MAX_LINE_LENGTH=512M`; suffixes K, M, G, T).
public enum InputLimits {
    /// Bytes of one file read whole (annotation JSON, an image, a gzip's inflated content);
    /// default 4 GiB (TextOCR's largest annotation file is about 700 MB).
    public static let maxFileSize = limit("PREP_MAX_FILE_SIZE", default: 4 << 30)
    /// Bytes of one line of a line format; default 256 MiB.
    public static let maxLineLength = limit("PREP_MAX_LINE_LENGTH", default: 256 << 20)

    /// The reason for a file over `maxFileSize`.
    public static func fileTooLarge(_ size: Int) -> String {
        "the file is \(human(size)), over prep's limit of \(human(maxFileSize)) for one input file (set PREP_MAX_FILE_SIZE, e.g. PREP_MAX_FILE_SIZE=\(human(suggestion(size, maxFileSize), short: true)), to raise it)"
    }

    /// The reason for a line over `maxLineLength`.
    public static func lineTooLong(_ length: Int) -> String {
        "the line is longer than prep's limit of \(human(maxLineLength)) (\(human(length)) read; set PREP_MAX_LINE_LENGTH, e.g. PREP_MAX_LINE_LENGTH=\(human(suggestion(length, maxLineLength), short: true)), to raise it)"
    }

    /// A limit that would let `size` through: the next power of two above it, at least 4 × `limit`.
    static func suggestion(_ size: Int, _ limit: Int) -> Int {
        var v = limit * 4
        while v < size && v < Int.max / 2 { v *= 2 }
        return v
    }

    /// `NAME`'s value as bytes (`123`, `64K`, `512M`, `8G`), or `value` when unset or unreadable.
    static func limit(_ name: String, default value: Int) -> Int {
        guard let raw = ProcessInfo.processInfo.environment[name]?.trimmingCharacters(in: .whitespaces).uppercased(), !raw.isEmpty else { return value }
        let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(raw)
        var shift = 0
        if let last = digits.last, let s = units[last] { shift = s; digits = digits.dropLast() }
        if digits.last == "I" || digits.last == "B" { digits = digits.dropLast() }   // "16GiB"-ish leftovers
        guard let n = Int(digits), n > 0, n < Int.max >> shift else { return value }
        return n << shift
    }

    static func human(_ n: Int, short: Bool = false) -> String {
        for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where n >= 1 << shift {
            let v = Double(n) / Double(1 << shift)
            let text = v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
            return short ? "\(text)\(unit)" : "\(text) \(unit)iB"
        }
        return short ? "\(n)" : "\(n) bytes"
    }
}
