import Foundation
import PrepCore

/// The per-image data a `prep validate --shard I/N` run leaves for the merge in `.prep-shard/`,
/// as length-prefixed binary records (millions of them: JSON coding would cost more than the
/// checks): `digests.bin`, each checked image's content digest in record order (for
/// `DuplicateImages`), and `crops.bin`, the shard's page stems and first crop per stem (for
/// `CropSources`). Everything else a shard found is small and goes in `state.json`.
enum ValidationShardFiles {
    static let digests = "digests.bin"
    static let crops = "crops.bin"
    static let state = "state.json"

    /// One checked image: where it is, its split and name, its content digest.
    struct Digest {
        var key: AnomalyKey
        var split: String
        var name: String
        var position: RecordPosition
        var digest: SHA256Digest
    }

    final class Writer {
        private let out: BufferedFileWriter
        init(_ url: URL) throws { out = try BufferedFileWriter(url: url) }

        func int(_ v: Int) throws {
            try out.append { b in withUnsafeBytes(of: Int64(v).littleEndian) { b.append(contentsOf: $0) } }
        }
        func string(_ s: String) throws {
            try int(s.utf8.count)
            try out.append { $0.append(contentsOf: s.utf8) }
        }
        func optional(_ v: Int?) throws { try int(v.map { $0 + 1 } ?? 0) }  // values are ≥ 0
        func position(_ p: RecordPosition, _ key: AnomalyKey) throws {
            for v in [key.file, key.line, key.offset, key.record] { try int(v) }
            try string(p.file); try optional(p.line); try optional(p.offset); try string(p.item)
        }
        func digest(_ d: Digest) throws {
            try position(d.position, d.key)
            try string(d.split); try string(d.name)
            try out.append { $0.append(contentsOf: d.digest.bytes) }
        }
        func page(split: String, stem: String) throws { try int(0); try string(split); try string(stem) }
        func crop(split: String, _ c: CropSources.Crop) throws {
            try int(1); try string(split); try string(c.stem); try string(c.name)
            try position(c.position, c.key)
        }
        func close() throws { try out.close() }
    }

    final class Reader {
        private let stream: ByteStream
        init(_ url: URL) throws { stream = try ByteStream(url) }

        private func bad() -> PrepError {
            .input(file: stream.url.path, line: nil, reason: "truncated or damaged shard file (run the shard again)")
        }
        func int() throws -> Int {
            guard let v = try head() else { throw bad() }
            return v
        }
        /// The next record's first integer, or nil at the end of the file.
        func head() throws -> Int? {
            guard let b = stream.take(8) else { return nil }
            return Int(Int64(littleEndian: UnsafeRawBufferPointer(b).loadUnaligned(as: Int64.self)))
        }
        func string() throws -> String {
            let n = try int()
            guard n >= 0, let b = stream.take(n) else { throw bad() }
            return String(decoding: b, as: UTF8.self)
        }
        func optional() throws -> Int? { let v = try int(); return v == 0 ? nil : v - 1 }
        func position(file keyFile: Int) throws -> (RecordPosition, AnomalyKey) {
            let line = try int(), offset = try int(), record = try int()
            let key = AnomalyKey(file: keyFile, line: line, offset: offset, record: record, phase: 0, seq: 0)
            let p = RecordPosition(file: try string(), line: try optional(), offset: try optional(), item: try string())
            return (p, key)
        }
        /// The next image digest, nil at the end.
        func digest() throws -> Digest? {
            guard let file = try head() else { return nil }
            let (p, key) = try position(file: file)
            let split = try string(), name = try string()
            guard let d = stream.take(32) else { throw bad() }
            return Digest(key: key, split: split, name: name, position: p, digest: SHA256Digest(bytes: Array(d)))
        }
        /// Every page stem and crop of the file.
        func cropSources() throws -> CropSources {
            var out = CropSources()
            while let tag = try head() {
                let split = try string(), stem = try string()
                if tag == 0 { out.page(split: split, stem: stem); continue }
                guard tag == 1 else { throw bad() }
                let name = try string()
                let (p, key) = try position(file: try int())
                out.crop(split: split, .init(stem: stem, name: name, position: p, key: key))
            }
            return out
        }
    }
}
