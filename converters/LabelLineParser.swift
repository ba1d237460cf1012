import Foundation
import PrepCore

/// Recognition label lines shipped with word crops, read into (image name, text):
///
/// - `quoted-comma`: ICDAR 2011/2013 `word_1.png, "flying"` — split at the first `, "`; the text is
///   the rest without its closing quote (the reference removes `"\n` only, so a last line without
///   a newline keeps its quote; a text containing `, "` crashes it).
/// - `quoted-comma-escaped`: ICDAR 2015 `word_1.png, "Genaxis Theatre"` as `quoted-comma`, with
///   `\"` and `\\` inside the text unescaped (the official gt.txt escapes quotes).
/// - `space`: `train/1009_2.png You` (IIIT5K, SVTP, CUTE80 label files) — split at the first
///   space; the text keeps any further spaces.
/// - `lv`: `Crops/val/11/1/1.png weighted` (Lecture Video DB) — split after the first `png `
///   (the reference splits on every `png `, so a text containing it crashes).
/// - `mjsynth`: `./2697/6/466_MONIKER_49537.jpg 49537` (MJSynth's `annotation.txt`) — the text is
///   the word between the first two underscores of the file name (the number after the space
///   is a lexicon index, not the text); a leading `./` is dropped.
public struct LabelLineParser: Sendable {
    public enum Format: String, Sendable { case quotedComma = "quoted-comma", quotedCommaEscaped = "quoted-comma-escaped", space, mjsynth, lv }
    public let format: Format

    public init(format: Format) { self.format = format }

    /// Whether the closing `"` of `text` is itself escaped (an odd run of backslashes before it).
    static func escapedQuoteAtEnd(_ text: Substring) -> Bool {
        text.dropLast().reversed().prefix(while: { $0 == "\\" }).count % 2 == 1
    }

    /// `\"` → `"`, `\\` → `\`; any other backslash is kept.
    static func unescape(_ text: Substring) -> String {
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                if c != "\"" && c != "\\" { out.append("\\") }
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }

    /// Parses one line (without its newline); nil reason means a blank line.
    public func parse(_ line: String) -> Result<(name: String, text: String), LabelLineError> {
        switch format {
        case .quotedComma, .quotedCommaEscaped:
            guard let r = line.range(of: ", \"") else {
                return .failure(LabelLineError(reason: "expected `name, \"text\"`"))
            }
            var text = line[r.upperBound...]
            if format == .quotedCommaEscaped { text = Substring(TextTrim.strip(text)) }
            if text.last == "\"" && !(format == .quotedCommaEscaped && Self.escapedQuoteAtEnd(text)) { text = text.dropLast() }
            let name = String(TextTrim.strip(line[..<r.lowerBound]))
            guard !name.isEmpty else { return .failure(LabelLineError(reason: "no image name before `, \"`")) }
            return .success((name, format == .quotedCommaEscaped ? Self.unescape(text) : String(text)))
        case .lv:
            guard let r = line.range(of: "png ") else { return .failure(LabelLineError(reason: "expected `<path>.png <text>`")) }
            return .success((String(line[..<r.lowerBound]) + "png", String(line[r.upperBound...])))
        case .mjsynth:
            let trimmed = TextTrim.strip(line)
            var path = String(trimmed.split(separator: " ", maxSplits: 1).first ?? "")
            if path.hasPrefix("./") { path.removeFirst(2) }
            let parts = PathText.deletingExtension(PathText.lastComponent(path)).split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count >= 3, !parts[1].isEmpty else {
                return .failure(LabelLineError(reason: "expected `path/<n>_<WORD>_<n>.jpg <index>`"))
            }
            return .success((path, String(parts[1])))
        case .space:
            let trimmed = TextTrim.strip(line)
            guard let sp = trimmed.firstIndex(of: " ") else {
                return .failure(LabelLineError(reason: "expected `name text` separated by a space"))
            }
            return .success((String(trimmed[..<sp]), String(trimmed[trimmed.index(after: sp)...])))
        }
    }
}

/// Why a label line could not be read.
public struct LabelLineError: Error, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
