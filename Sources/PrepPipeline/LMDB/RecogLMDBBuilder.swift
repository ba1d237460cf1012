import Foundation
import PrepCore
import PrepFormats

/// What `prep lmdb` is asked to do: the options of MMOCR 0.6.3's `lmdb_converter.py` plus the
/// separator, `--force` and the run options.
public struct RecogLMDBJob: Sendable {
    public enum LabelFormat: String, Sendable, CaseIterable { case txt, jsonl }

    public var labelFile: URL
    public var output: URL
    public var imageRoot: URL?
    public var format: LabelFormat
    /// Where a txt line splits into file name and text (its first occurrence).
    public var separator: String
    public var labelOnly: Bool
    public var batchSize: Int
    public var force: Bool
    public var workers: Int
    public var strict: Bool
    public var quiet: Bool

    public init(labelFile: URL, output: URL, imageRoot: URL?, format: LabelFormat, separator: String = " ",
                labelOnly: Bool, batchSize: Int = 1000, force: Bool = false, workers: Int = 1,
                strict: Bool = false, quiet: Bool = true) {
        self.labelFile = labelFile
        self.output = output
        self.imageRoot = imageRoot
        self.format = format
        self.separator = separator
        self.labelOnly = labelOnly
        self.batchSize = batchSize
        self.force = force
        self.workers = workers
        self.strict = strict
        self.quiet = quiet
    }
}

/// Builds a recognition LMDB from a label file (txt `NAME TEXT` or jsonl `{"filename", "text"}`),
/// with the reference's keys and values, and without its defects: a txt line splits at its first
/// separator (texts keep their spaces), a BOM is removed, blank, malformed and non-UTF-8 lines are
/// skipped and reported with file:line, every image is read and decoded once (in parallel) and a
/// missing, truncated or undecodable one is skipped with its reason, `num-samples` counts what was
/// written, and the database is built in a staging folder and renamed into place.
public final class RecogLMDBBuilder {
    public let job: RecogLMDBJob

    public init(job: RecogLMDBJob) { self.job = job }

    /// One parsed label line.
    struct Entry {
        var line: Int
        var filename: String
        var text: String
    }

    /// Parses one label line (already decoded) or says why it is skipped.
    static func parse(_ line: String, format: RecogLMDBJob.LabelFormat, separator: String) -> Result<(String, String), AnnParseError> {
        if line.unicodeScalars.allSatisfy(PyString.isSpace) { return .failure(AnnParseError("blank line")) }
        switch format {
        case .txt:
            let parts = PyString.split(line, separator: separator, maxSplits: 1)
            guard parts.count == 2 else {
                return .failure(AnnParseError("no \(PyJSON().string(.string(separator))) separator (expected IMAGE\(separator == " " ? " " : separator)TEXT)"))
            }
            guard !parts[0].isEmpty else { return .failure(AnnParseError("empty image name")) }
            return .success((parts[0], parts[1]))
        case .jsonl:
            let v: JSONValue
            do { v = try JSONReader.parse(line) } catch { return .failure(AnnParseError("not JSON: \(error)")) }
            guard case .object = v else { return .failure(AnnParseError("not a JSON object")) }
            guard let name = v["filename"] else { return .failure(AnnParseError("key \"filename\" is missing")) }
            guard let text = v["text"] else { return .failure(AnnParseError("key \"text\" is missing")) }
            guard let n = name.string, !n.isEmpty else { return .failure(AnnParseError("\"filename\" is not a non-empty string")) }
            guard let t = text.string else { return .failure(AnnParseError("\"text\" is not a string")) }
            return .success((n, t))
        }
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
        if fm.fileExists(atPath: out.path) && !job.force {
            throw PrepError.io(path: out.path, reason: "already exists; use --force to replace it")
        }
        let staging = try OutputStaging(directory: out.deletingLastPathComponent())
        let temp = try staging.url(for: out.lastPathComponent)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        let writer = try RecogLMDBWriter(directory: temp, batchSize: job.batchSize)
        var finished = false
        defer { if !finished { writer.abandon(); staging.discard() } }

        let reader = try LineReader(url: job.labelFile)
        let labelPath = job.labelFile.path
        let total = (try? LMDBEnvironment.fileSize(job.labelFile)) ?? 0
        let progress = Progress(label: "lmdb", total: total, quiet: job.quiet)
        let json = PyJSON(ensureASCII: false)
        var lastOffset = 0
        var chunk: [Entry] = []
        let chunkSize = job.labelOnly ? 4096 : 512

        func flushChunk() throws {
            if job.labelOnly {
                for e in chunk {
                    var value: [UInt8] = []
                    value.reserveCapacity(e.filename.utf8.count + e.text.utf8.count + 32)
                    json.write(.object([("filename", .string(e.filename)), ("text", .string(e.text))]), to: &value)
                    try writer.append(image: nil, label: value)
                }
            } else {
                let results = verifyImages(chunk)
                for (e, r) in zip(chunk, results) {
                    switch r {
                    case let .success(bytes): try writer.append(image: bytes, label: Array(e.text.utf8))
                    case let .failure(why): report.skip(split: splitName, file: labelPath, line: e.line, reason: why.reason)
                    }
                }
            }
            chunk.removeAll(keepingCapacity: true)
        }

        while let line = reader.next() {
            let text: String
            do { text = try reader.decode(line) } catch let e as PrepError {
                if case let .input(_, _, reason) = e { report.skip(split: splitName, file: labelPath, line: line.number, reason: reason) }
                else { throw e }
                continue
            }
            switch RecogLMDBBuilder.parse(text, format: job.format, separator: job.separator) {
            case let .success((name, t)): chunk.append(Entry(line: line.number, filename: name, text: t))
            case let .failure(why): report.skip(split: splitName, file: labelPath, line: line.number, reason: why.reason)
            }
            if chunk.count == chunkSize {
                try flushChunk()
                progress.advance(line.offset - lastOffset)
                lastOffset = line.offset
            }
        }
        try flushChunk()
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
        try staging.commit()
        finished = true
        report.update(split: splitName) { $0.outputs.append(out.path) }
    }

    /// Reads and decodes (grayscale, as the reference verifies) every image of `entries` in
    /// parallel; results are in input order.
    private func verifyImages(_ entries: [Entry]) -> [Result<[UInt8], AnnParseError>] {
        let root = job.imageRoot ?? URL(fileURLWithPath: ".")
        var results = [Result<[UInt8], AnnParseError>](repeating: .failure(AnnParseError("")), count: entries.count)
        let workers = max(1, min(job.workers, entries.count))
        results.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < entries.count {
                    base[i] = RecogLMDBBuilder.loadVerified(entries[i].filename, root: root)
                    i += workers
                }
            }
        }
        return results
    }

    /// The bytes of image `name` (relative to `root` unless absolute, as `os.path.join`), after
    /// a full decode proved them sound.
    static func loadVerified(_ name: String, root: URL) -> Result<[UInt8], AnnParseError> {
        let path = name.hasPrefix("/") ? name : root.path + (root.path.hasSuffix("/") ? "" : "/") + name
        let bytes: [UInt8]
        switch readFile(path) {
        case let .success(b): bytes = b
        case let .failure(e): return .failure(e)
        }
        do {
            _ = try ImageCodec.decode(bytes, name: path, gray: true)
        } catch let e as PrepError {
            if case let .image(_, reason) = e { return .failure(AnnParseError("\(path): \(reason)")) }
            return .failure(AnnParseError("\(path): \(e)"))
        } catch {
            return .failure(AnnParseError("\(path): \(error)"))
        }
        return .success(bytes)
    }

    /// Reads a whole file with one `fstat` and `read` calls (Foundation's readers cost more per
    /// small file than the decode of a word crop).
    static func readFile(_ path: String) -> Result<[UInt8], AnnParseError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            return .failure(AnnParseError(errno == ENOENT ? "\(path): missing image" : "\(path): cannot open (\(String(cString: strerror(errno))))"))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return .failure(AnnParseError("\(path): not a regular file"))
        }
        let size = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, size - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        guard got == size else { return .failure(AnnParseError("\(path): cannot read (\(got) of \(size) bytes)")) }
        return .success(out)
    }
}
