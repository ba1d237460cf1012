import Foundation
import PrepCore

/// A per-image format with one text instance per line: blank lines are skipped (the reference
/// crashes on them or drops them silently), header lines are left out, every other line is
/// parsed on its own and an unreadable one fails the file with its line number.
public protocol LineConverter: PerImageConverter {
    var encoding: TextEncoding { get }
    /// Parses one non-blank line (trimmed).
    func parseLine(_ line: Substring, file: String, number: Int) throws -> TextInstance
    /// Whether a raw line is a header to leave out (none by default).
    func isHeader(_ line: String) -> Bool
}

extension LineConverter {
    public func isHeader(_ line: String) -> Bool { false }

    public func parse(annotation url: URL) throws -> [TextInstance] { try parseByLines(annotation: url) }

    /// The general path: the file streamed by `LineReader`, each line decoded, trimmed and given
    /// to `parseLine` (`ICDARTxtConverter` takes a faster way to the same result).
    public func parseByLines(annotation url: URL) throws -> [TextInstance] {
        var instances: [TextInstance] = []
        let reader = try LineReader(url: url, encoding: encoding)
        let path = url.path
        while let raw = reader.next() {
            let line = try reader.decode(raw)
            let trimmed = TextTrim.strip(line)
            if trimmed.isEmpty || isHeader(line) { continue }
            instances.append(try parseLine(Substring(trimmed), file: path, number: raw.number))
        }
        return instances
    }
}
