import Foundation
import PrepCore

/// One shard's COCO file (or MMOCR 1.x `data_list`, `copyNextRecord`) read as byte ranges by its
/// record lengths (`ShardRecordLengths`), one array per reader, each record copied renumbered
/// into the merged file: no JSON scan of the
/// records, no copy of them but the one into the output (each is a view of the read buffer).
/// Only the document around the arrays (a few dozen bytes) is read as JSON.
///
/// The lengths are trusted only as far as cheap checks confirm them, so that a shard folder
/// edited after its run is refused, never merged into a wrong file: the file has the size the
/// run recorded (checked by the caller); every record starts with `{` and ends with `}`;
/// records are separated by exactly `, `; each array ends where its lengths do; and every
/// record carries its own shard-local ids (an image's `id`; an annotation's `image_id` and
/// `id`), which a cut in the wrong place would not.
///
/// The ids are where prep's COCO writer puts them, at the record's end
/// (`…, "image_id": 3, "id": 17}`): that tail is compared with the expected one as bytes and
/// written anew from the merged counters (`DecimalCounter`). A record with its ids elsewhere (an
/// image object passed through from its source) is renumbered by `JSONIntFields`.
final class COCOShardSpans {
    let output: URL
    /// The lengths file and the output's size at the end of its run.
    let ledger: ShardLengthsFile
    private var lengthsURL: URL { ledger.url }
    private let file: ByteStream
    private let lengths: ByteStream
    /// The shard-local id of the next record of the array, and (annotation pass) of the image
    /// whose annotations are being read.
    private let local: DecimalCounter
    private let localImage: DecimalCounter
    private let firstID: Int
    /// Annotations left to read of the current image.
    private var pending = 0
    /// The lexer of the document around the arrays.
    private var lexer = JSONLexer()

    private static let imageIDKey: StaticString = #", "image_id": "#
    private static let idKey: StaticString = #", "id": "#
    /// Standard COCO's records begin with their ids (`{"id": 17, "image_id": 3, …`).
    private static let idFirst: StaticString = #"{"id": "#
    private static let imageFields = JSONIntFields(["id"]), annotationFields = JSONIntFields(["image_id", "id"])

    /// Opens the shard's `output` with its lengths file, at `offset` (0, or where an array's
    /// records begin, as `skipToArray` left `offset`), checking that the output has the size its
    /// run recorded. `firstID`: the id of a file's first record.
    init(output: URL, ledger: ShardLengthsFile, at offset: Int = 0, firstID: Int, chunk: Int) throws {
        self.output = output
        self.ledger = ledger
        self.firstID = firstID
        local = DecimalCounter(firstID)
        // Before the first image: `nextImageAnnotations` moves it to the first.
        localImage = DecimalCounter(firstID)
        file = try ByteStream(output, at: offset, chunk: chunk)
        guard file.size == ledger.bytes else {
            throw PrepError.input(file: output.path, line: nil, reason: "has \(file.size) bytes, its shard run wrote \(ledger.bytes) (.prep-shard/manifest.json); the shard folder was changed after its run")
        }
        lengths = try ByteStream(ledger.url, chunk: min(chunk, 1 << 16))
        guard lengths.next() == ShardRecordLengths.formatVersion else {
            throw PrepError.input(file: ledger.url.path, line: nil, reason: "not a shard ledger's record-lengths file (format \(ShardRecordLengths.formatVersion)); the shard folder was changed after its run, or another prep made it")
        }
    }

    /// The shard folder no longer matches its ledger.
    func changed(_ what: String) -> PrepError {
        .input(file: output.path, line: nil, reason: "\(what) (shard ledger: .prep-shard/positions/\(lengthsURL.lastPathComponent)); the shard folder was changed after its run")
    }

    private func lengthsEnded() -> PrepError {
        .input(file: lengthsURL.path, line: nil, reason: "ends before the records of its positions file (or holds a bad number); the shard folder was changed after its run")
    }

    /// The document's bytes up to and including the `[` that opens the top-level array `key`
    /// (the reader then stands on its records); read as JSON.
    func skipToArray(_ key: String) throws -> [UInt8] {
        let wanted = Array(key.utf8)
        var bytes: [UInt8] = []
        while let b = file.next() {
            bytes.append(b)
            if lexer.feed(b) == .open && b == 0x5B && lexer.depth == 2 && lexer.lastKey == wanted { return bytes }
        }
        throw changed("no top-level array '\(key)' where expected")
    }

    /// The byte offset of the reader in the file.
    var offset: Int { file.offset }

    /// Ends an array whose records were all read: the next byte must close it.
    func closeArray() throws -> [UInt8] {
        guard file.next() == 0x5D else { throw changed("more records (or other bytes) after the last one its shard ledger lists") }
        _ = lexer.feed(0x5D)
        return [0x5D]
    }

    /// The rest of the file after the last array (its end), with the check that every length
    /// was used.
    func rest() throws -> [UInt8] {
        guard lengths.next() == nil else {
            throw PrepError.input(file: lengthsURL.path, line: nil, reason: "lists more records than its positions file; the shard folder was changed after its run")
        }
        guard let tail = file.take(file.remaining) else { throw changed("the file ended early") }
        return Array(tail)
    }

    /// The next record of the array, `length` bytes, with its separator checked (none before
    /// the file's first).
    @inline(__always)
    private func record(_ length: Int, image: Bool) throws -> UnsafeBufferPointer<UInt8> {
        let first = local.value == firstID, sep = first ? 0 : 2
        guard length >= 2, let span = file.take(sep + length),
              first || (span[0] == 0x2C && span[1] == 0x20), span[sep] == 0x7B, span[sep + length - 1] == 0x7D else {
            throw changed("\(image ? "image record" : "annotation") \(local.value - firstID) does not have the length and separator its shard ledger lists")
        }
        return UnsafeBufferPointer(rebasing: span[sep...])
    }

    /// Copies the next image record to `out` with the id `id` (its own checked to be its
    /// shard-local one); its annotations' lengths are skipped (they are for the annotation pass).
    @inline(__always)
    func copyNextImage(to out: ChunkWriter, id: DecimalCounter) throws {
        guard let length = lengths.varint(), let parts = lengths.varint(), lengths.skipVarints(parts) else { throw lengthsEnded() }
        let record = try record(length, image: true)
        // `…, "id": N}`: the tail compared and written as bytes.
        let tail = Self.idKey.utf8CodeUnitCount + local.count + 1
        if record.count > tail, case let at = record.baseAddress! + (record.count - tail),
           memcmp(at, Self.idKey.utf8Start, Self.idKey.utf8CodeUnitCount) == 0, local.isText(at: at + Self.idKey.utf8CodeUnitCount) {
            let keep = record.count - tail
            try out.reserve(keep + Self.idKey.utf8CodeUnitCount + id.count + 1)
            out.put(UnsafeBufferPointer(rebasing: record[..<keep]))
            out.put(Self.idKey)
            out.put(id.text)
            out.put(byte: 0x7D)
        } else if let rest = Self.afterIDs(record, local, nil) {
            // `{"id": N, …`: the head compared and written as bytes.
            try out.reserve(Self.idFirst.utf8CodeUnitCount + id.count + rest.count)
            out.put(Self.idFirst)
            out.put(id.text)
            out.put(rest)
        } else {
            let found = Self.imageFields.find(in: record)
            guard found[0]?.value == local.value else { throw changed("image record \(local.value - firstID), where its shard ledger's lengths put it, does not have the id \(local.value)") }
            var o = out
            try Self.imageFields.append(id.value, in: record, found: found, file: output, to: &o)
        }
        local.increment()
    }

    /// The rest of `record` after its leading `{"id": <id>` (and `, "image_id": <image>` when
    /// given), from the `, ` that follows them; nil when it does not begin so. Sound as the tail
    /// check is: the key right after the opening brace, and the one right after its number, are
    /// the record's own top-level keys.
    @inline(__always)
    private static func afterIDs(_ record: UnsafeBufferPointer<UInt8>, _ id: DecimalCounter, _ image: DecimalCounter?) -> UnsafeBufferPointer<UInt8>? {
        let head = idFirst.utf8CodeUnitCount, imageKey = imageIDKey.utf8CodeUnitCount
        let need = head + id.count + (image.map { imageKey + $0.count } ?? 0) + 2
        guard record.count > need, let p = record.baseAddress,
              memcmp(p, idFirst.utf8Start, head) == 0, id.isText(at: p + head) else { return nil }
        var at = head + id.count
        if let image {
            guard memcmp(p + at, imageIDKey.utf8Start, imageKey) == 0, image.isText(at: p + at + imageKey) else { return nil }
            at += imageKey + image.count
        }
        // The number must end there: a `,` follows (not another digit).
        guard p[at] == 0x2C, p[at + 1] == 0x20 else { return nil }
        return UnsafeBufferPointer(rebasing: record[at...])
    }

    /// Copies the next record of a list without ids (MMOCR 1.x's `data_list`) to `out` as it is.
    @inline(__always)
    func copyNextRecord(to out: ChunkWriter) throws {
        guard let length = lengths.varint(), lengths.varint() == 0 else { throw lengthsEnded() }
        let record = try record(length, image: true)
        try out.append(bytes: record)
        local.increment()
    }

    /// Moves to the next image's annotations: how many it has.
    @inline(__always)
    func nextImageAnnotations() throws -> Int {
        guard lengths.varint() != nil, let parts = lengths.varint() else { throw lengthsEnded() }
        if started { localImage.increment() }
        started = true
        pending = parts
        return parts
    }
    /// Whether `localImage` names an image yet (the annotation pass).
    private var started = false

    /// Copies the next annotation of the current image to `out` with `imageID` and `id` (its
    /// own checked to be the shard-local ones).
    @inline(__always)
    func copyNextAnnotation(to out: ChunkWriter, imageID: DecimalCounter, id: DecimalCounter) throws {
        guard pending > 0, let length = lengths.varint() else { throw lengthsEnded() }
        let record = try record(length, image: false)
        // `…, "image_id": I, "id": N}`: the tail compared and written as bytes.
        let imageKey = Self.imageIDKey.utf8CodeUnitCount, idKey = Self.idKey.utf8CodeUnitCount
        let tail = imageKey + localImage.count + idKey + local.count + 1
        if record.count > tail, case let at = record.baseAddress! + (record.count - tail),
           memcmp(at, Self.imageIDKey.utf8Start, imageKey) == 0, localImage.isText(at: at + imageKey),
           memcmp(at + imageKey + localImage.count, Self.idKey.utf8Start, idKey) == 0, local.isText(at: at + tail - 1 - local.count) {
            let keep = record.count - tail
            try out.reserve(keep + imageKey + imageID.count + idKey + id.count + 1)
            out.put(UnsafeBufferPointer(rebasing: record[..<keep]))
            out.put(Self.imageIDKey)
            out.put(imageID.text)
            out.put(Self.idKey)
            out.put(id.text)
            out.put(byte: 0x7D)
        } else if let rest = Self.afterIDs(record, local, localImage) {
            // `{"id": N, "image_id": I, …`: the head compared and written as bytes.
            try out.reserve(Self.idFirst.utf8CodeUnitCount + id.count + imageKey + imageID.count + rest.count)
            out.put(Self.idFirst)
            out.put(id.text)
            out.put(Self.imageIDKey)
            out.put(imageID.text)
            out.put(rest)
        } else {
            let found = Self.annotationFields.find(in: record)
            guard found[0]?.value == localImage.value, found[1]?.value == local.value else {
                throw changed("annotation \(local.value - firstID), where its shard ledger's lengths put it, does not have the image_id \(localImage.value) and id \(local.value)")
            }
            var o = out
            try Self.annotationFields.append(imageID.value, id.value, in: record, found: found, file: output, to: &o)
        }
        pending -= 1
        local.increment()
    }
}
