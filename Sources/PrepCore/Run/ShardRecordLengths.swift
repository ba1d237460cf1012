import Foundation

/// The byte length of every record a shard run writes to one COCO-style JSON output, so that
/// `prep merge` can cut the shard's file into records by arithmetic instead of scanning its JSON
/// (the scan was most of a COCO merge's CPU). Written only under `--shard`, next to the
/// positions file (`.prep-shard/positions/<n>.len`, named by `ShardManifest.Output.lengths`).
///
/// Format (version 1): one byte `1`, then per record of the first array (COCO's images), in
/// the order of the positions file:
///
///     varint  the record's length in bytes, `{` … `}` (the `, ` before it not counted)
///     varint  how many records of the second array (its annotations) follow it
///     varint  each of those records' length, in file order, likewise without the `, `
///
/// A file with one array of records (MMOCR 1.x's `data_list`) lists each record with 0 parts.
///
/// A varint is unsigned LEB128: 7 bits a byte, the low ones first, the high bit set on every
/// byte but the last. The file says nothing of the document around the arrays: the merge reads
/// that part (a few dozen bytes) as JSON.
public final class ShardRecordLengths {
    public static let formatVersion: UInt8 = 1
    /// Bytes one varint of an `Int` takes at most.
    public static let maxVarintBytes = 10

    public let url: URL
    private let out: BufferedFileWriter

    init(url: URL) throws {
        self.url = url
        out = try BufferedFileWriter(url: url)
        try out.write([Self.formatVersion])
    }

    /// One record of `length` bytes and the lengths of its records in the second array.
    public func record(_ length: Int, parts: UnsafeBufferPointer<Int>) throws {
        try out.append { buf in
            buf.appendWritten(maxCount: (parts.count + 2) * Self.maxVarintBytes) { c in
                Self.put(length, to: &c)
                Self.put(parts.count, to: &c)
                for p in parts { Self.put(p, to: &c) }
            }
        }
    }

    func close() throws { try out.close() }

    @inline(__always) static func put(_ value: Int, to c: inout ByteCursor) {
        var v = UInt(bitPattern: value)
        while v >= 0x80 {
            c.put(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        c.put(UInt8(v))
    }
}

/// A writer that can note its records' lengths for the merge (the COCO and MMOCR 1.x writers,
/// whose records the merge would otherwise have to scan as JSON); `ShardLedger.keepRecordLengths`
/// sets it.
public protocol RecordLengthsKeeping: AnyObject {
    /// Set before the first record, under `--shard` only.
    var recordLengths: ShardRecordLengths? { get set }
}
