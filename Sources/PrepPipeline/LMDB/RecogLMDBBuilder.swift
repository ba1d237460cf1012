import Foundation
import PrepCore
import PrepFormats

/// Builds a recognition LMDB from a label file (txt `NAME TEXT` or jsonl `{"filename", "text"}`),
/// with the reference's keys and values, and without its defects: a txt line splits at its first
/// separator (texts keep their spaces), a BOM is removed, blank, malformed and non-UTF-8 lines are
/// skipped and reported with file:line, every image is read and decoded once (in parallel) and a
/// missing, truncated or undecodable one is skipped with its reason, `num-samples` counts what was
/// written, and the database is built in a staging folder and renamed into place.
public final class RecogLMDBBuilder {
    public let job: RecogLMDBJob

    public init(job: RecogLMDBJob) { self.job = job }

    /// One label line: parsed (UTF-8 bytes of the image name and the text), or the reason it is
    /// skipped (kept in the chunk so the report lists skipped lines in file order).
    struct Entry {
        var line: Int
        var name: [UInt8] = []
        var text: [UInt8] = []
        var problem: String?
    }

    /// Parses one label line (raw bytes, BOM and line end removed) into image name and text, or
    /// says why it is skipped. Works on bytes: this loop runs once per line of files with
    /// millions of lines.
    static func parse(_ bytes: [UInt8], format: RecogLMDBJob.LabelFormat, separator: [UInt8],
                      file: String, line: Int) -> Result<([UInt8], [UInt8]), AnnParseError> {
        var ascii = true
        var blank = true
        for b in bytes {
            if b >= 0x80 { ascii = false; break }
            if blank && !(b == 0x20 || (0x09...0x0D).contains(b) || (0x1C...0x1F).contains(b)) { blank = false }
        }
        var decoded: String?
        if !ascii {
            do { decoded = try TextEncoding.utf8.decode(bytes, file: file, line: line) } catch let PrepError.input(_, _, reason) {
                return .failure(AnnParseError(reason))
            } catch { return .failure(AnnParseError("\(error)")) }
            blank = decoded!.unicodeScalars.allSatisfy(PyString.isSpace)
        }
        if blank { return .failure(AnnParseError("blank line")) }
        switch format {
        case .txt:
            guard let at = firstIndex(of: separator, in: bytes) else {
                let sep = PyJSON().string(.string(String(decoding: separator, as: UTF8.self)))
                return .failure(AnnParseError("no \(sep) separator (expected IMAGE, separator, TEXT)"))
            }
            guard at > 0 else { return .failure(AnnParseError("empty image name")) }
            return .success((Array(bytes[..<at]), Array(bytes[(at + separator.count)...])))
        case .jsonl:
            let v: JSONValue
            do { v = try JSONReader.parse(bytes) } catch { return .failure(AnnParseError("not JSON: \(error)")) }
            guard case .object = v else { return .failure(AnnParseError("not a JSON object")) }
            guard let name = v["filename"] else { return .failure(AnnParseError("key \"filename\" is missing")) }
            guard let text = v["text"] else { return .failure(AnnParseError("key \"text\" is missing")) }
            guard let n = name.string, !n.isEmpty else { return .failure(AnnParseError("\"filename\" is not a non-empty string")) }
            guard let t = text.string else { return .failure(AnnParseError("\"text\" is not a string")) }
            return .success((Array(n.utf8), Array(t.utf8)))
        }
    }

    /// The first occurrence of `needle` in `hay` (valid UTF-8 matches only at code point starts).
    static func firstIndex(of needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard let first = needle.first, hay.count >= needle.count else { return nil }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Runs the conversion; per-line and per-image problems go to `report`, anything that stops
    /// the run is thrown (and nothing is left at the output path).
    public func run(report: RunReport) throws {
        let fm = FileManager.default
        let out = job.output
        let splitName = out.lastPathComponent
        report.options = [
            "label_file": job.labelFile.path, "output": out.path, "format": job.format.rawValue,
            "label_only": String(job.labelOnly), "batch_size": String(job.batchSize),
        ]
        if let root = job.imageRoot { report.options["img_root"] = root.path }
        if job.format == .txt { report.options["separator"] = job.separator }
        guard fm.fileExists(atPath: job.labelFile.path) else {
            throw PrepError.io(path: job.labelFile.path, reason: "no such label file")
        }
        if let root = job.imageRoot, !job.labelOnly {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
                throw PrepError.layout("\(root.path): no such image folder (-i)")
            }
        }
        if fm.fileExists(atPath: out.path) && !job.force {
            throw PrepError.io(path: out.path, reason: "already exists; use --force to replace it")
        }
        let staging = try OutputStaging(directory: out.deletingLastPathComponent())
        let temp = try staging.url(for: out.lastPathComponent)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        let writer = try RecogLMDBWriter(directory: temp, batchSize: job.batchSize)
        let ledger = try job.shard.map { try ShardLedger(shard: $0, staging: staging) }
        ledger?.declare(splitName, kind: .lmdb)
        func noteWritten(_ e: Entry) { ledger?.position = e.line; ledger?.record(splitName, kind: .lmdb) }
        var finished = false
        defer { if !finished { writer.abandon(); staging.discard() } }

        let reader = try LineReader(url: job.labelFile)
        let labelPath = job.labelFile.path
        let total = (try? LMDBEnvironment.fileSize(job.labelFile)) ?? 0
        let progress = Progress(label: "lmdb", total: total, quiet: job.quiet)
        let separator = Array(job.separator.utf8)
        var lastOffset = 0
        var chunk: [Entry] = []
        var pending: ([Entry], Verification)?
        defer { _ = pending?.1.wait() }  // never leave workers reading after an early exit
        let chunkSize = job.labelOnly ? 4096 : 2048

        func flushChunk() throws {
            if job.labelOnly {
                for e in chunk {
                    if let problem = e.problem {
                        report.skip(split: splitName, file: labelPath, line: e.line, reason: problem)
                        continue
                    }
                    try writer.append(image: nil, label: RecogLMDBKeys.labelOnlyValue(filename: e.name, text: e.text))
                    noteWritten(e)
                }
            } else {
                // Verification of this chunk runs on the workers while the previous chunk is
                // written: the LMDB writes are serial and would otherwise leave them idle.
                let verifying = startVerification(chunk)
                try writeVerified()
                pending = (chunk, verifying)
            }
            chunk.removeAll(keepingCapacity: true)
        }

        func writeVerified() throws {
            guard let (entries, verifying) = pending else { return }
            pending = nil
            for (e, r) in zip(entries, verifying.wait()) {
                switch r {
                case let .success(bytes): try writer.append(image: bytes, label: e.text); noteWritten(e)
                case let .failure(why): report.skip(split: splitName, file: labelPath, line: e.line, reason: why.reason)
                }
            }
        }

        var lines = 0
        while let line = reader.next() {
            lines = line.number
            if line.overLimit {
                // Under --shard, an over-long line is reported by the shard its number falls to.
                if job.shard?.contains("line:\(line.number)") ?? true {
                    chunk.append(Entry(line: line.number, problem: InputLimits.lineTooLong(line.length)))
                    if chunk.count == chunkSize { try flushChunk() }
                }
                continue
            }
            let parsed = RecogLMDBBuilder.parse(line.bytes, format: job.format, separator: separator, file: labelPath, line: line.number)
            // Under --shard, a line is this shard's when its image is (a bad line: by its number).
            if let shard = job.shard, !shard.contains((try? parsed.get()).map { String(decoding: $0.0, as: UTF8.self) } ?? "line:\(line.number)") {
                continue
            }
            switch parsed {
            case let .success((name, _)) where !job.labelOnly && name.contains(0):
                // A C path ends at the first NUL: the name would open a different file.
                chunk.append(Entry(line: line.number, problem: "image name contains a NUL byte"))
            case let .success((name, _)) where !job.labelOnly && ContainedName.leavesFolder(String(decoding: name, as: UTF8.self)):
                // As every other reader: a name outside -i would pack a file from elsewhere.
                chunk.append(Entry(line: line.number, problem: ContainedName.reason(String(decoding: name, as: UTF8.self))))
            case let .success((name, t)): chunk.append(Entry(line: line.number, name: name, text: t))
            case let .failure(why): chunk.append(Entry(line: line.number, problem: why.reason))
            }
            if chunk.count == chunkSize {
                try flushChunk()
                progress.advance(line.offset - lastOffset)
                lastOffset = line.offset
            }
        }
        try flushChunk()
        try writeVerified()
        progress.finish()
        if reader.hadBOM { report.notes.append("\(labelPath): a UTF-8 byte-order mark was removed") }

        let skipped = report.skippedCount
        report.update(split: splitName) {
            if !job.labelOnly { $0.images = writer.written }
            $0.instances = writer.written
        }
        if job.strict && skipped > 0 {
            throw PrepError.failed("\(skipped) line(s) skipped under --strict; nothing written")
        }
        try writer.finish()
        ledger?.enumerated("lines", total: lines)
        try ledger?.finish(report: report)
        try report.requireWritten()
        try staging.commit()
        finished = true
        report.update(split: splitName) { $0.outputs.append(out.path) }
    }

    /// Starts reading and decoding (grayscale, as the reference verifies) every image of
    /// `entries` on the workers; `wait()` gives the results in input order.
    private func startVerification(_ entries: [Entry]) -> Verification {
        Verification(entries, rootPath: (job.imageRoot ?? URL(fileURLWithPath: ".")).path,
                     workers: job.workers > 1 ? min(job.workers, entries.count) : 0)
    }

    /// The bytes of image `name` (relative to the image folder `rootFD` unless absolute, as
    /// `os.path.join`), after a decode proved them sound.
    static func loadVerified(_ name: String, rootFD: Int32) -> Result<[UInt8], AnnParseError> {
        let bytes: [UInt8]
        switch FileBytes.read(name, relativeTo: rootFD) {
        case let .success(b): bytes = b
        case let .failure(e): return .failure(AnnParseError("\(name): \(e.reason)"))
        }
        do {
            let size = try ImageCodec.verify(bytes, name: name)
            // The reference skips an image only when it decodes to zero pixels.
            if size.width * size.height == 0 { return .failure(AnnParseError("\(name): empty image (0 pixels)")) }
        } catch let e as PrepError {
            if case let .image(_, reason) = e { return .failure(AnnParseError("\(name): \(reason)")) }
            return .failure(AnnParseError("\(name): \(e)"))
        } catch {
            return .failure(AnnParseError("\(name): \(error)"))
        }
        return .success(bytes)
    }
}

/// One chunk's verification: `workers` threads take the next image as they become free (not a
/// fixed stripe: on a busy machine a descheduled worker would otherwise hold the chunk back),
/// and the writer thread joins in when it calls `wait()`, once it has written the previous chunk.
/// With no workers, `wait()` does all the work on the calling thread (`--nproc 1`).
final class Verification: @unchecked Sendable {
    private let entries: [RecogLMDBBuilder.Entry]
    private let results: UnsafeMutableBufferPointer<Result<[UInt8], AnnParseError>>
    private let next = NextIndex()
    private let running = DispatchGroup()
    /// Names are opened relative to the root folder's descriptor: the kernel then walks one
    /// path component per image instead of the whole absolute path.
    private let rootFD: Int32
    private var waited = false

    init(_ entries: [RecogLMDBBuilder.Entry], rootPath: String, workers: Int) {
        self.entries = entries
        rootFD = open(rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        results = .allocate(capacity: entries.count)
        for (i, e) in entries.enumerated() {
            (results.baseAddress! + i).initialize(to: .failure(AnnParseError(e.problem ?? "")))
        }
        for _ in 0..<workers {
            running.enter()
            DispatchQueue.global().async { self.work(); self.running.leave() }
        }
    }

    deinit {
        results.baseAddress!.deinitialize(count: entries.count)
        results.deallocate()
        if rootFD >= 0 { close(rootFD) }
    }

    private func work() {
        while let i = next.take(below: entries.count) {
            if entries[i].problem == nil {
                results[i] = RecogLMDBBuilder.loadVerified(String(decoding: entries[i].name, as: UTF8.self), rootFD: rootFD)
            }
        }
    }

    /// Helps with what is left, waits for the workers, and returns the results in input order.
    func wait() -> [Result<[UInt8], AnnParseError>] {
        if !waited {
            work()
            running.wait()
            waited = true
        }
        return Array(results)
    }
}

/// A shared counter handing out indices 0, 1, 2, … to worker threads.
private final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
