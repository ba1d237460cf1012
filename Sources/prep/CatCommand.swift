import Foundation
import ArgumentParser
import PrepCore
import PrepFormats

/// `prep cat SOURCE`: prints the records of a label file or recognition LMDB as JSON lines,
/// read through the same loader and parsers training uses (MMOCR's AnnFileLoader semantics).
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print the records of a label file or LMDB as JSON lines (through AnnFileLoader).",
        discussion: """
        SOURCE is a label file (txt or jsonl) or an LMDB directory. A label file is read with \
        line-str (default for txt: IMAGE TEXT split on --separator, as MMOCR's LineStrParser) or \
        line-json (default for .jsonl and LMDBs, as LineJsonParser). An LMDB with images prints \
        each record with its image's width and height. A line that does not parse is reported as \
        file:line on stderr and the exit status is 1.

        Examples:
          prep cat data/train.lmdb --head 3
          prep cat data/label.txt --rest-in-last-key
          prep cat data/gt.txt --separator tab
          prep cat data/instances.jsonl --keys file_name height width
          prep cat data/label.txt --keys filename --keys-idx 0
        """)

    enum ParserKind: String, ExpressibleByArgument, CaseIterable {
        case lineStr = "line-str", lineJson = "line-json"
    }

    @Argument(help: "A label file or an LMDB directory.")
    var source: String

    @Option(name: .long, help: "line-str or line-json (default: line-json for .jsonl files and LMDBs, else line-str).")
    var parser: ParserKind?

    @Option(name: .long, parsing: .upToNextOption, help: "Keys of each record.")
    var keys: [String] = ["filename", "text"]

    @Option(name: .customLong("keys-idx"), parsing: .upToNextOption, help: "line-str: field index of each key (default 0 1 …).")
    var keysIdx: [Int] = []

    @Option(name: .long, help: ArgumentHelp("line-str: field separator: a string, space (the default) or tab.", valueName: "SEP"))
    var separator: String?

    @Flag(name: .customLong("rest-in-last-key"), help: "line-str: the key with the highest index gets the rest of the line (texts with spaces).")
    var restInLastKey = false

    @Flag(name: .customLong("no-strip"), help: "line-str: do not strip whitespace from the line.")
    var noStrip = false

    @Option(name: .long, help: "Print only the first N records.")
    var head: Int?

    @Option(name: .long, help: "Oversampling factor (AnnFileLoader repeat).")
    var `repeat`: Double = 1

    func validate() throws {
        if let head, head < 0 { throw ValidationError("--head must not be negative") }
        guard !keys.isEmpty else { throw ValidationError("--keys needs at least one key") }
        if !keysIdx.isEmpty && keysIdx.count != keys.count {
            throw ValidationError("--keys-idx needs one index per key (\(keys.count))")
        }
        guard `repeat` > 0 else { throw ValidationError("--repeat must be positive") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: source).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PrepError.io(path: url.path, reason: "no such file or LMDB")
        }
        let backend = try AnnFileLoader.openBackend(url)
        let kind = parser ?? ((backend.isLMDB || url.pathExtension.lowercased() == "jsonl") ? .lineJson : .lineStr)
        let annParser: AnnParser
        do {
            switch kind {
            case .lineJson: annParser = try LineJsonParser(keys: keys)
            case .lineStr:
                annParser = try LineStrParser(keys: keys, keysIdx: keysIdx.isEmpty ? Array(0..<keys.count) : keysIdx,
                                              separator: CLI.separator(separator), strip: !noStrip, restInLastKey: restInLastKey)
            }
        } catch let e as AnnParseError { throw PrepError.usage(e.reason) }
        let loader = try AnnFileLoader(backend: backend, parser: annParser, repeat: `repeat`)
        let images = (backend as? LMDBAnnFile).map { $0.reader.layout == .images } ?? false
        let n = min(loader.count, head ?? Int.max)
        let json = PyJSON(ensureASCII: false)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        var errors = 0
        func report(_ message: String) {
            errors += 1
            FileHandle.standardOutput.write(Data(out)); out.removeAll(keepingCapacity: true)
            FileHandle.standardError.write(Data("prep: \(message)\n".utf8))
        }
        for i in 0..<n {
            var record: JSONValue
            do { record = try loader.item(at: i) } catch let e as PrepError {
                if case .input = e { report(e.description); continue }
                throw e
            }
            if images, case var .object(pairs) = record, let lmdb = backend as? LMDBAnnFile {
                let key = RecogLMDBReader.imageKey(i % backend.count)
                do {
                    let bytes = try lmdb.reader.image(at: i % backend.count)
                    let info = try ImageProbe.probe(bytes: bytes, name: key)
                    pairs.append(("width", .int(info.width)))
                    pairs.append(("height", .int(info.height)))
                } catch let e as PrepError {
                    let reason: String
                    if case let .image(_, r) = e { reason = r } else { reason = e.description }
                    pairs.append(("image_error", .string(reason)))
                    record = .object(pairs)
                    json.write(record, to: &out); out.append(0x0A)
                    report("\(backend.source):\(key): \(reason)")
                    continue
                }
                record = .object(pairs)
            }
            json.write(record, to: &out)
            out.append(0x0A)
            if out.count >= 1 << 16 { FileHandle.standardOutput.write(Data(out)); out.removeAll(keepingCapacity: true) }
        }
        FileHandle.standardOutput.write(Data(out))
        if errors > 0 {
            FileHandle.standardError.write(Data("prep: \(errors) record(s) could not be read\n".utf8))
            throw ExitCode.failure
        }
    }
}
