import Foundation

/// A whole JSON file read like `json.load`, with a UTF-8 BOM removed (the reference's `json.load`
/// fails on it) and errors that name the file and the byte position.
public enum JSONFile {
    public static func load(_ url: URL) throws -> JSONValue {
        var bytes = try FileBytes.readInput(url)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        do { return try JSONReader.parse(bytes) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "not valid JSON: \(e)")
        }
    }
}
