import Foundation
import PrepCore
import PrepFormats

/// One shard's side of a k-way merge: the positions of its records, in record order.
struct ShardRecords {
    let shard: Int
    let positions: PositionReader
}

/// Merges the records of N shards by their position in the unsharded enumeration (a streamed
/// k-way merge: one record per shard in memory, a binary heap of the shards' next positions). A
/// shard's records of one position are consecutive, and positions are disjoint across shards (an
/// image and its crops are in one shard), so the merged order is the unsharded order.
enum KWayMerge {
    /// Calls `take(s)` for the next record of shard `s`, in merged order, until every shard's
    /// positions are used up.
    static func run(_ shards: [ShardRecords], take: (Int) throws -> Void) throws {
        try run(count: shards.count, head: { shards[$0].positions.head }) { s in
            try take(s)
            try shards[s].positions.advance()
        }
    }

    /// The same over any sources: `head(s)` is the position of source `s`'s next record (nil when
    /// it has no more), and `next(s)` takes that record and moves on.
    static func run(count: Int, head: (Int) -> Int?, next: (Int) throws -> Void) throws {
        var heap: [(position: Int, shard: Int)] = []
        func less(_ a: Int, _ b: Int) -> Bool {
            heap[a].position < heap[b].position || (heap[a].position == heap[b].position && heap[a].shard < heap[b].shard)
        }
        func up(_ i: Int) {
            var i = i
            while i > 0, less(i, (i - 1) / 2) { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        }
        func down(_ i: Int) {
            var i = i
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, less(l, m) { m = l }
                if r < heap.count, less(r, m) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for k in 0..<count {
            if let p = head(k) { heap.append((p, k)); up(heap.count - 1) }
        }
        while let top = heap.first {
            try next(top.shard)
            if let p = head(top.shard) {
                heap[0] = (p, top.shard)
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { down(0) }
        }
    }
}

/// Merges one output file (or LMDB) of every shard into the staged output.
struct ShardOutputMerger {
    let name: String
    let kind: ShardOutputKind
    /// Each shard's copy of the output and its positions file.
    let inputs: [(output: URL, positions: URL)]
    let destination: URL
    /// Samples per LMDB write transaction, as the shards' run used (`prep lmdb --batch-size`).
    var lmdbBatch = 1000
    /// Each shard's record-lengths file, when every shard has one (COCO and MMOCR 1.x files
    /// written by a shard run): the records are then cut by length (`mergeCOCOByLengths`,
    /// `mergeListByLengths`), not scanned.
    var lengths: [ShardLengthsFile]?
    /// Bytes read at a time when cutting by length (small in tests, so records straddle reads).
    var spanChunk = 1 << 20

    func run() throws {
        switch kind {
        case .lines: try mergeLines()
        case .jsonList:
            if let lengths { try mergeListByLengths(lengths, key: "data_list") } else { try mergeJSON(keys: ["data_list"]) }
        case .coco0, .coco:
            let firstID = kind == .coco0 ? 0 : 1
            if let lengths { try mergeCOCOByLengths(lengths, firstID: firstID) } else {
                try mergeJSON(keys: ["images", "annotations"], firstID: firstID)
            }
        case .lmdb: try mergeLMDB()
        case .lineLMDB: try mergeLineLMDB()
        }
    }

    func shards() throws -> [ShardRecords] {
        try inputs.enumerated().map { ShardRecords(shard: $0.offset, positions: try PositionReader($0.element.positions)) }
    }

    private func mismatch(_ k: Int, _ what: String) -> PrepError {
        .input(file: inputs[k].output.path, line: nil, reason: "\(what) than its shard ledger lists (.prep-shard/positions); the shard folder was changed after its run")
    }

    private func mergeLines() throws {
        let streams = try inputs.map { try ByteStream($0.output) }
        let out = try BufferedFileWriter(url: destination)
        try KWayMerge.run(try shards()) { k in
            // Scanned straight into the output buffer: no array per line.
            var got = false
            try out.append { buffer in
                let before = buffer.count
                got = streams[k].scan(into: &buffer) { $0 == 0x0A } || buffer.count > before
            }
            guard got else { throw mismatch(k, "fewer lines") }
        }
        for (k, s) in streams.enumerated() where s.line() != nil { throw mismatch(k, "more lines") }
        try out.close()
    }

    /// JSON documents: the skeleton of the smallest shard's file, the arrays merged record by
    /// record. With `firstID`, the first array holds images (`id` renumbered in merged order) and
    /// the second their annotations (`image_id` follows, `id` renumbered), as COCO.
    private func mergeJSON(keys: [String], firstID: Int? = nil) throws {
        let smallest = inputs.min { size($0.output) < size($1.output) }!.output
        let skeleton = try JSONRecordScanner.skeleton(smallest, keys: keys)
        let out = try ChunkWriter(url: destination)
        try out.append(skeleton[0])
        // The records of the first array.
        var cursors = try inputs.map { try JSONArrayCursor($0.output, key: keys[0]) }
        var count = 0
        let imageID = JSONIntFields(["id"]), annotationIDs = JSONIntFields(["image_id", "id"])
        var record: [UInt8] = []
        var o = out  // (the renumbering writes through `inout`)
        try KWayMerge.run(try shards()) { k in
            guard try cursors[k].next(into: &record) else { throw mismatch(k, "fewer records") }
            if count > 0 { try out.appendSeparator() }
            if let firstID {
                try imageID.append(firstID + count, in: record, found: imageID.find(in: record), file: inputs[k].output, to: &o)
            } else {
                try out.append(record)
            }
            count += 1
        }
        for (k, c) in cursors.enumerated() where try c.next() != nil { throw mismatch(k, "more records") }
        try out.append(skeleton[1])
        if let firstID, keys.count == 2 {
            // Annotations, grouped by image: walk the images again in merged order.
            cursors = try inputs.map { try JSONArrayCursor($0.output, key: keys[1]) }
            // Each shard's next annotation, in a buffer reused for every record.
            var pending = [[UInt8]](repeating: [], count: inputs.count)
            var has = try cursors.indices.map { try cursors[$0].next(into: &pending[$0]) }
            var local = [Int](repeating: firstID, count: inputs.count)
            var image = firstID, annotation = firstID
            try KWayMerge.run(try shards()) { k in
                while has[k] {
                    let fields = annotationIDs.find(in: pending[k])
                    guard let owner = fields[0]?.value else {
                        throw PrepError.input(file: inputs[k].output.path, line: nil, reason: "an annotation has no integer 'image_id'")
                    }
                    if owner != local[k] { break }
                    if annotation != firstID { try out.appendSeparator() }
                    try annotationIDs.append(image, annotation, in: pending[k], found: fields, file: inputs[k].output, to: &o)
                    annotation += 1
                    has[k] = try cursors[k].next(into: &pending[k])
                }
                local[k] += 1
                image += 1
            }
            for k in has.indices where has[k] {
                throw PrepError.input(file: inputs[k].output.path, line: nil, reason: "an annotation names an image that is not in the file")
            }
            try out.append(skeleton[2])
        }
        try out.close()
    }

    private func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? Int) ?? Int.max
    }

    /// LMDBs: samples renumbered from 1 in merged order, `num-samples` their total; read in
    /// batches of `RecogLMDBShardReader.batch`, written with the writer every run uses (the
    /// same batches, so the same file). The values go from the shards' maps into the output's
    /// pages without a copy in between (`LMDBValue.borrowed`): the readers stay open until the
    /// writer has finished or been abandoned (both wait for the batches in flight).
    private func mergeLMDB() throws {
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let readers = try inputs.map { try RecogLMDBShardReader($0.output) }
        let writer = try RecogLMDBWriter(directory: destination, batchSize: lmdbBatch)
        // (Not released after their last use: a batch in flight may still read their maps.)
        try withExtendedLifetime(readers) {
            do {
                try KWayMerge.run(try shards()) { k in
                    guard let sample = try readers[k].next() else { throw mismatch(k, "fewer samples") }
                    try writer.append(borrowedImage: sample.image, label: sample.label)
                    // The values LMDB copied were read through the shards' maps: dropped after
                    // each batch, or they would stay resident until each reader's next batch.
                    if writer.written % writer.batchSize == 0 { for r in readers { r.dropMappedPages() } }
                }
                for (k, r) in readers.enumerated() where r.remaining > 0 { throw mismatch(k, "more samples") }
                try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
        }
    }
}

extension ShardOutputMerger {
    /// Line LMDBs (SynthText det): lines renumbered from 0 in merged order, `total_number`
    /// their total, written with `DetLineLMDBWriter` (the same batches, so the same file).
    /// (Lines are copied out of the shards' maps as they are read: handing LMDB views of the
    /// maps instead, as `mergeLMDB` does, saved ~6 % of the CPU here but raised the peak RSS of
    /// a 4-shard merge of 100k lines from 61 to 103 MiB.)
    func mergeLineLMDB() throws {
        let readers = try inputs.map { try LineLMDBShardReader($0.output) }
        let writer = try DetLineLMDBWriter(url: destination)
        try KWayMerge.run(try shards()) { k in
            guard let line = try readers[k].next() else { throw PrepError.input(file: inputs[k].output.path, line: nil, reason: "fewer lines than its shard ledger lists") }
            try writer.add(line: line)
        }
        for (k, r) in readers.enumerated() where try r.next() != nil {
            throw PrepError.input(file: inputs[k].output.path, line: nil, reason: "more lines than its shard ledger lists")
        }
        try writer.finish()
    }
}

/// Reads a shard's line LMDB (`0` … `total_number − 1`) in order, a batch per read transaction.
/// Keys of one number of digits sort as their numbers do, so each batch is read by walking a
/// cursor from its first key, stepping while the next key is the next number (most keys have the
/// most digits, with nothing between them) and jumping with one search where longer or shorter
/// keys lie between (`12` is followed by `120`…`129`, `1200`…); never stepping through other
/// keys keeps the pages touched to the batch's own (peak RSS flat). A missing key is named.
final class LineLMDBShardReader {
    private let environment: LMDBEnvironment
    private let count: Int
    private let batch: Int
    private var buffer: [[UInt8]] = []
    private var bufferIndex = 0
    private var nextKey = 0

    init(_ url: URL, batch: Int = RecogLMDBShardReader.batch) throws {
        self.batch = max(1, batch)
        environment = try LMDBEnvironment(readingAt: url)
        let path = url.path
        count = try environment.read { r in
            guard let v = try r.get("total_number"), let n = Int(String(decoding: v, as: UTF8.self)) else {
                throw PrepError.input(file: path, line: nil, reason: "no 'total_number' (not a line LMDB)")
            }
            return n
        }
    }

    func next() throws -> [UInt8]? {
        if bufferIndex == buffer.count {
            guard nextKey < count else { return nil }
            let last = min(count, nextKey + batch)
            let path = environment.path.path
            buffer.removeAll(keepingCapacity: true)
            try environment.read { r in
                var k = nextKey
                while k < last {
                    // The keys with as many digits as k: up to 10^digits - 1.
                    var digits = 1, limit = 10
                    while limit <= k { digits += 1; limit *= 10 }
                    let end = min(last, limit)
                    var expected = k, sought = true
                    try r.walk(from: Array(String(k).utf8)) { key, value in
                        let ours = key.count == digits && key.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && (digits == 1 || key[0] != 0x30)
                        var n = 0
                        if ours { for b in key { n = n * 10 + Int(b - 0x30) } }
                        guard ours && n == expected else {
                            // Right after a jump the key must be the one jumped to.
                            if sought { throw PrepError.input(file: path, line: nil, reason: "missing key '\(expected)'") }
                            // Longer keys (`k0`…`k9`, …) or a shorter one lie between k and k+1:
                            // jump over them rather than step through (their values untouched).
                            sought = true
                            return .seek(Array(String(expected).utf8))
                        }
                        sought = false
                        buffer.append(Array(value))
                        expected += 1
                        return expected < end ? .next : .stop
                    }
                    guard expected == end else { throw PrepError.input(file: path, line: nil, reason: "missing key '\(expected)'") }
                    k = end
                }
            }
            environment.dropMappedPages()
            bufferIndex = 0
            nextKey = last
        }
        defer { bufferIndex += 1 }
        return buffer[bufferIndex]
    }
}

/// Reads a shard's recognition LMDB in order, a batch of samples per read transaction. Samples
/// are handed out as views of the shard's map (`LMDBValue`): valid while the reader lives.
final class RecogLMDBShardReader {
    static let batch = 256
    private let reader: RecogLMDBReader
    private var buffer: [(image: UnsafeRawBufferPointer?, label: UnsafeRawBufferPointer)] = []
    private var nextIndex = 1
    private var bufferIndex = 0
    var remaining: Int { reader.count - nextIndex + 1 + buffer.count - bufferIndex }

    init(_ url: URL) throws { reader = try RecogLMDBReader(url: url) }

    /// Drops the shard's mapped pages from the resident set (the views stay valid).
    func dropMappedPages() { reader.environment.dropMappedPages() }

    func next() throws -> (image: UnsafeRawBufferPointer?, label: UnsafeRawBufferPointer)? {
        if bufferIndex == buffer.count {
            guard nextIndex <= reader.count else { return nil }
            let last = min(reader.count, nextIndex + Self.batch - 1)
            let path = reader.environment.path.path
            let labelOnly = reader.layout != .images
            // Each key run (`image-…`, then `label-…`) read with one cursor stepping from the
            // batch's first key, not a tree search per key: the keys are consecutive in key order.
            // Each key must be the next one, so a missing key is named.
            let first = nextIndex
            func run(_ key: (Int) -> [UInt8], _ r: LMDBEnvironment.Reader) throws -> [UnsafeRawBufferPointer] {
                var values: [UnsafeRawBufferPointer] = []
                values.reserveCapacity(last - first + 1)
                try r.walk(from: key(first)) { k, v in
                    let want = key(first + values.count)
                    guard k.elementsEqual(want) else { return .stop }
                    values.append(v)
                    return first + values.count <= last ? .next : .stop
                }
                if values.count < last - first + 1 {
                    throw PrepError.input(file: path, line: nil, reason: "missing key '\(String(decoding: key(first + values.count), as: UTF8.self))'")
                }
                return values
            }
            buffer = try reader.environment.read { r in
                let labels = try run(RecogLMDBKeys.label, r)
                if labelOnly { return labels.map { (nil, $0) } }
                let images = try run(RecogLMDBKeys.image, r)
                return zip(images, labels).map { ($0, $1) }
            }
            reader.environment.dropMappedPages()
            bufferIndex = 0
            nextIndex = last + 1
        }
        defer { bufferIndex += 1 }
        return buffer[bufferIndex]
    }
}
