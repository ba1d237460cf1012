import Foundation
import PrepCore

/// Walks a JSON document held in memory without building it whole: the members of the top
/// object, then the elements of one array at a time, each parsed on its own with `JSONReader`
/// and located by byte offset and line. A syntax error anywhere is reported at the exact byte
/// where `json.loads` would stop.
struct JSONWalker {
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// A syntax error: where the whole document fails to parse.
    struct SyntaxError: Error { var offset: Int; var message: String }

    /// Line numbers of byte offsets, counted incrementally (cheap when offsets grow).
    struct LineCounter {
        let bytes: [UInt8]
        private var lineOffset = 0
        private var lineNumber = 1
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        /// The 1-based line of `offset`.
        mutating func line(at offset: Int) -> Int {
            if offset < lineOffset { lineOffset = 0; lineNumber = 1 }
            let end = min(offset, bytes.count)
            if lineOffset < end {
                // memchr: a dataset JSON is often one line of tens of megabytes.
                var count = 0
                bytes.withUnsafeBufferPointer { b in
                    var p = UnsafeRawPointer(b.baseAddress! + lineOffset)
                    let stop = UnsafeRawPointer(b.baseAddress! + end)
                    while p < stop, let nl = memchr(p, 0x0A, stop - p) {
                        count += 1
                        p = UnsafeRawPointer(nl) + 1
                    }
                }
                lineNumber += count
            }
            lineOffset = offset
            return lineNumber
        }
    }

    func skipSpace(_ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    /// The precise failure of the document (called once something looked wrong).
    func syntaxError(near offset: Int) -> SyntaxError {
        do { _ = try JSONReader.parse(bytes) } catch let f as JSONReader.Failure {
            return SyntaxError(offset: f.offset, message: f.message)
        } catch {}
        return SyntaxError(offset: offset, message: "malformed JSON")
    }

    /// Skips one value quickly (strings and nesting only; the caller parses what it keeps).
    func skipValue(_ i: inout Int) throws {
        let start = i
        let done: Bool = bytes.withUnsafeBufferPointer { b in
            var k = i, depth = 0
            defer { i = k }
            while k < b.count {
                let c = b[k]
                // Inside brackets only quotes and brackets matter ('[' '{' and ']' '}' differ by 0x20).
                if depth > 0 && c != 0x22 && (c | 0x20) != 0x7B && (c | 0x20) != 0x7D { k += 1; continue }
                if c == 0x22 {
                    k += 1
                    while k < b.count && b[k] != 0x22 { k += b[k] == 0x5C ? 2 : 1 }
                    k += 1
                    if depth == 0 { return true }
                    continue
                }
                if c == 0x7B || c == 0x5B { depth += 1 }
                else if c == 0x7D || c == 0x5D {
                    if depth == 0 { return true }   // a scalar ends at its container's bracket
                    depth -= 1
                    if depth == 0 { k += 1; return true }
                } else if depth == 0 && (c == 0x2C || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09) {
                    if k > start { return true }
                }
                k += 1
            }
            return false
        }
        if !done { throw syntaxError(near: start) }
    }

    /// The top object's members: key → offset of its value. Values of `lazy` keys are skipped,
    /// others parsed.
    func members(lazy: Set<String>) throws -> [(key: String, offset: Int, value: JSONValue?)] {
        var i = 0
        skipSpace(&i)
        guard i < bytes.count, bytes[i] == 0x7B else {
            let e = syntaxError(near: i)
            throw e.message == "malformed JSON" ? SyntaxError(offset: i, message: "expected a JSON object at the top") : e
        }
        i += 1
        var out: [(String, Int, JSONValue?)] = []
        skipSpace(&i)
        if i < bytes.count, bytes[i] == 0x7D { return [] }
        while true {
            skipSpace(&i)
            let key: JSONValue
            do { (key, i) = try JSONReader.parsePrefix(bytes, at: i) } catch { throw syntaxError(near: i) }
            guard case let .string(k) = key else { throw syntaxError(near: i) }
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == 0x3A else { throw syntaxError(near: i) }
            i += 1
            skipSpace(&i)
            let at = i
            if lazy.contains(k) {
                try skipValue(&i)
                out.append((k, at, nil))
            } else {
                let v: JSONValue
                do { (v, i) = try JSONReader.parsePrefix(bytes, at: i) } catch { throw syntaxError(near: i) }
                out.append((k, at, v))
            }
            skipSpace(&i)
            guard i < bytes.count else { throw syntaxError(near: i) }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D {
                i += 1
                skipSpace(&i)
                if i < bytes.count { throw syntaxError(near: i) }
                return out
            }
            throw syntaxError(near: i)
        }
    }

    /// Calls `body(index, offset, element)` for each element of the array at `offset`; false
    /// when the value there is not an array. `quick(index, offset)` is asked first: the index
    /// just past an element it has dealt with from the bytes alone, which is then not parsed.
    func elements(at offset: Int, quick: (Int, Int) throws -> Int? = { _, _ in nil },
                  _ body: (Int, Int, JSONValue) throws -> Void) throws -> Bool {
        var i = offset
        guard i < bytes.count, bytes[i] == 0x5B else { return false }
        i += 1
        skipSpace(&i)
        if i < bytes.count, bytes[i] == 0x5D { return true }
        var k = 0
        while true {
            skipSpace(&i)
            let at = i
            if let end = try quick(k, at) {
                i = end
            } else {
                let v: JSONValue
                do { (v, i) = try JSONReader.parsePrefix(bytes, at: i) } catch { throw syntaxError(near: i) }
                try body(k, at, v)
            }
            k += 1
            skipSpace(&i)
            guard i < bytes.count else { throw syntaxError(near: i) }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { return true }
            throw syntaxError(near: i)
        }
    }
}
