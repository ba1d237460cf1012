import Foundation
import PrepCore

/// Reads an annotation file record by record, in file order.
///
/// Every format prep writes or the reference tools write has a reader (`AnnotationFormat.open`).
/// `next()` returns the next record or nil at the end. A record that cannot be read throws a
/// `PrepError.input` naming the file and line (line formats) or the JSON element / LMDB key
/// (`RecordLocation`); the reader can go on with `next()` after such an error (line formats
/// skip the line; JSON documents skip the element), so callers can report and continue —
/// except where the whole file is unreadable (not JSON at all), which `open` already throws.
/// Line formats stream; JSON documents are parsed once and their records handed out in order.
/// Every record carries its own `location`, so a check on its content can name where it is.
///
/// Typical use (what `prep convert`, `prep split` and `prep crops` do):
///
///     let found = try AnnotationFormat.detect(url)        // or a format the user named
///     let reader = try found.format.open(url)
///     try reader.forEach(skipped: { error in report(error) }) { record in
///         // record.imagePath, .width/.height, .instances, .location ("file:12", "file data_list[3]")
///     }
public protocol AnnotationReader: AnyObject {
    /// The format being read.
    var format: AnnotationFormat { get }
    /// Detection (pages with regions) or recognition (word images with labels).
    var kind: AnnotationKind { get }
    /// The next record, nil at the end; throws for a record that cannot be read (skip it and go on).
    func next() throws -> AnnotationRecord?
    /// How many records there are, where known without reading them (JSON documents, LMDBs);
    /// nil for line formats, which stream.
    var recordCount: Int? { get }
    /// Starts again from the first record (a second pass without parsing a document again).
    func restart() throws
}

/// A reader over records already in memory (JSON documents), with per-element errors.
final class ListReader: AnnotationReader {
    let format: AnnotationFormat
    let kind: AnnotationKind
    private let count: Int
    private let make: (Int) throws -> AnnotationRecord
    private var i = 0

    init(format: AnnotationFormat, kind: AnnotationKind, count: Int, make: @escaping (Int) throws -> AnnotationRecord) {
        self.format = format
        self.kind = kind
        self.count = count
        self.make = make
    }

    var recordCount: Int? { count }

    func restart() { i = 0 }

    func next() throws -> AnnotationRecord? {
        guard i < count else { return nil }
        i += 1
        return try make(i - 1)
    }
}

/// A reader over the lines of a text file (blank lines skipped), one record per line.
final class LineFileReader: AnnotationReader {
    let format: AnnotationFormat
    let kind: AnnotationKind
    private var reader: LineReader
    private let path: String   // url.path once, not per line (it is not free)
    private let parse: (String, RecordLocation) throws -> AnnotationRecord
    /// Whether the first non-blank line is a header to pass over (EasyOCR's `filename,words`).
    private let isHeader: ((String) -> Bool)?
    private var sawFirst = false

    init(url: URL, format: AnnotationFormat, kind: AnnotationKind, isHeader: ((String) -> Bool)? = nil,
         parse: @escaping (String, RecordLocation) throws -> AnnotationRecord) throws {
        reader = try LineReader(url: url)
        path = url.path
        self.format = format
        self.kind = kind
        self.isHeader = isHeader
        self.parse = parse
    }

    var recordCount: Int? { nil }

    func restart() throws {
        reader = try LineReader(url: reader.url)
        sawFirst = false
    }

    func next() throws -> AnnotationRecord? {
        while let line = reader.next() {
            let text = try reader.decode(line)
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if !sawFirst {
                sawFirst = true
                if isHeader?(text) == true { continue }
            }
            return try parse(text, RecordLocation(file: path, line: line.number))
        }
        return nil
    }
}

extension AnnotationReader {
    /// Calls `body` with every record in order; a record that cannot be read goes to `skipped`
    /// (with its location) and reading goes on.
    public func forEach(skipped: (PrepError) -> Void, _ body: (AnnotationRecord) throws -> Void) throws {
        while true {
            let next: AnnotationRecord?
            do { next = try self.next() } catch let e as PrepError {
                skipped(e)
                continue
            }
            guard let record = next else { return }
            try body(record)
        }
    }
}
