import Foundation
import PrepCore

/// The files of a training run, `RUN/`:
///
/// | file | what |
/// |---|---|
/// | `config.yaml` | the run's settings |
/// | `dict.txt` | the charset, MMOCR dictionary format (class k + 1 = line k) |
/// | `last.safetensors`, `best.safetensors` | model weights with the PyTorch CRNN's state-dict names |
/// | `last.state.safetensors` | optimizer state, step/epoch/batch counters and settings: what `--resume` needs |
/// | `metrics.jsonl` | one line per step (loss, lr, samples/s) and per validation |
/// | `loss.png` | the loss curve and validation accuracy |
/// | `skipped.jsonl` | samples left out (unknown characters, too long, unreadable) with reasons |
/// | `audit.jsonl`, `audit/` | the label audit (ranked suspects; a label file + crops for `prep show`) |
///
/// Every file is written to a temporary sibling and renamed into place, so an interrupted
/// run never leaves a half-written checkpoint.
public struct RecogRunFolder: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public var config: URL { url.appendingPathComponent("config.yaml") }
    public var dictionary: URL { url.appendingPathComponent("dict.txt") }
    public var last: URL { url.appendingPathComponent("last.safetensors") }
    public var best: URL { url.appendingPathComponent("best.safetensors") }
    public var state: URL { url.appendingPathComponent("last.state.safetensors") }
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    public var lossCurve: URL { url.appendingPathComponent("loss.png") }
    public var skipped: URL { url.appendingPathComponent("skipped.jsonl") }
    public var audit: URL { url.appendingPathComponent("audit.jsonl") }
    public var auditFolder: URL { url.appendingPathComponent("audit") }

    /// Creates the folder and checks that files can be written there (before any training).
    public func prepare() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
            throw PrepError.io(path: url.path, reason: "is a file, not a run folder")
        }
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw PrepError.io(path: url.path, reason: "cannot create the run folder")
        }
        let probe = url.appendingPathComponent(".prep-write-test-\(getpid())")
        guard fm.createFile(atPath: probe.path, contents: Data()) else {
            throw PrepError.io(path: url.path, reason: "the run folder is not writable")
        }
        try? fm.removeItem(at: probe)
    }

    /// Whether the folder already holds a run (a resumable checkpoint or weights).
    public var holdsRun: Bool {
        FileManager.default.fileExists(atPath: state.path) || FileManager.default.fileExists(atPath: last.path)
    }

    /// Writes `bytes` to `file` atomically (temporary sibling, then rename).
    public static func write(_ bytes: [UInt8], to file: URL) throws {
        do { try Data(bytes).write(to: file, options: .atomic) } catch {
            throw PrepError.io(path: file.path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    public static func write(_ text: String, to file: URL) throws { try write(Array(text.utf8), to: file) }
}

/// Appends JSON lines to `metrics.jsonl` and keeps what the loss curve needs.
public final class RecogMetricsLog {
    public let url: URL
    public private(set) var losses: [(step: Int, loss: Double)] = []
    public private(set) var accuracy: [(step: Int, value: Double)] = []
    private var handle: FileHandle?
    private let json = PyJSON(ensureASCII: false)
    /// The validation score the curve draws (`word_acc` for a recognizer, `hmean` for a detector).
    public let primary: String

    /// Opens the log; with `keepUpTo`, earlier lines up to that step are kept (a resumed run)
    /// and later ones dropped, so the log reads as if the run had never stopped.
    public init(url: URL, keepUpTo step: Int?, primary: String = "word_acc") throws {
        self.url = url
        self.primary = primary
        var kept = ""
        if let step, let data = FileManager.default.contents(atPath: url.path) {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let v = try? JSONReader.parse(String(line)), let s = v["step"]?.number, Int(s) <= step else { continue }
                kept += line + "\n"
                if let l = v["loss"]?.number { losses.append((Int(s), l)) }
                if let a = v["val"]?[primary]?.number { accuracy.append((Int(s), a)) }
            }
        }
        try RecogRunFolder.write(kept, to: url)
        handle = try FileHandle(forWritingTo: url)
        handle?.seekToEndOfFile()
    }

    deinit { try? handle?.close() }

    /// `seconds`: wall time since this process started training (time-to-accuracy curves).
    public func step(_ step: Int, epoch: Int, loss: Double, lr: Double, samplesPerSecond: Double, seconds: Double = 0) {
        losses.append((step, loss))
        write(.object([("step", .int(step)), ("epoch", .int(epoch)), ("loss", .double(loss.isFinite ? loss : 0)),
                       ("finite", .bool(loss.isFinite)), ("lr", .double(lr)), ("samples_per_s", .double((samplesPerSecond * 10).rounded() / 10)),
                       ("time_s", .double((seconds * 10).rounded() / 10))]))
    }

    public func validation(_ step: Int, epoch: Int, seconds: Double = 0, scores: [(key: String, value: Double)], loss: Double?) {
        if let a = scores.first(where: { $0.key == primary }) { accuracy.append((step, a.value)) }
        var v = scores.map { ($0.key, JSONValue.double($0.value)) }
        if let loss, loss.isFinite { v.append(("loss", .double(loss))) }
        write(.object([("step", .int(step)), ("epoch", .int(epoch)), ("time_s", .double((seconds * 10).rounded() / 10)), ("val", .object(v))]))
    }

    private func write(_ v: JSONValue) {
        var line = json.encode(v)
        line.append(0x0A)
        handle?.write(Data(line))
    }
}
