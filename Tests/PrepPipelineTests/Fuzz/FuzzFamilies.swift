import Foundation
import PrepConverters
import PrepCore
import PrepFormats
import PrepPipeline

/// Every parser family prep has, each with its seeds from `fixtures/`: the zoo's converters (one
/// family per dataset with a toy fixture, with the recipe's options), the JSON reader, XML,
/// MATLAB files, label lines, every `prep convert` reader and format detection, `prep validate`'s
/// inputs, LMDB, and the image probe and decoders.
enum FuzzFamilies {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("fixtures")

    /// Files under `dir` (recursively) whose extension is in `exts`, below `maxSize` bytes, sorted.
    static func files(_ dir: URL, _ exts: Set<String>, maxSize: Int = 256 << 10) -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return [] }
        var out: [URL] = []
        for case let url as URL in e {
            guard exts.contains(url.pathExtension.lowercased()),
                  let v = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), v.isRegularFile == true,
                  (v.fileSize ?? 0) <= maxSize else { continue }
            out.append(url)
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Reads every record of a reader, going on after a record's error, at most `limit` records
    /// (a reader that never ends is a hang, which the watchdog reports).
    static func drain(_ reader: AnnotationReader) throws {
        var n = 0
        while n < 1_000_000 {
            n += 1
            do { guard try reader.next() != nil else { return } } catch let e as PrepError { _ = e }
        }
        throw FuzzNeverEnds()
    }

    struct FuzzNeverEnds: Error {}

    static func all() throws -> [FuzzFamily] {
        var out: [FuzzFamily] = []
        let zoo = try Zoo.load()
        let annotationExts: Set<String> = ["txt", "json", "jsonl", "xml", "mat", "gz"]
        for name in zoo.names {
            guard let recipe = zoo.recipe(name) else { continue }
            let dir = fixtures.appendingPathComponent("\(name)-toy")
            let seeds = files(dir, annotationExts)
            guard !seeds.isEmpty else { continue }
            let options = ConverterOptions(recipe.options ?? [:])
            if let make = ConverterRegistry.perImage[recipe.converter] {
                let converter = try make(options)
                for ext in Set(seeds.map { $0.pathExtension.lowercased() }).sorted() {
                    out.append(FuzzFamily(name: "zoo-\(name)-\(ext)", seeds: seeds.filter { $0.pathExtension.lowercased() == ext },
                                          run: { _ = try converter.parse(annotation: $0) }))
                }
            } else if let make = ConverterRegistry.wholeFile[recipe.converter] {
                let converter = try make(options)
                for ext in Set(seeds.map { $0.pathExtension.lowercased() }).sorted() {
                    let splits = recipe.splits
                    out.append(FuzzFamily(name: "zoo-\(name)-\(ext)", seeds: seeds.filter { $0.pathExtension.lowercased() == ext },
                                          run: { url in
                                              for split in splits {
                                                  for image in try converter.read(file: url, split: split, skip: { _, _ in }) {
                                                      do { _ = try image.loadInstances() } catch let e as PrepError { _ = e }
                                                  }
                                              }
                                          }))
                }
            } else if let make = ConverterRegistry.cocoRecord[recipe.converter] {
                let converter = try make(options)
                out.append(FuzzFamily(name: "zoo-\(name)-json", seeds: seeds.filter { $0.pathExtension == "json" }, run: { url in
                    let doc = try JSONFile.load(url)
                    for image in doc["images"]?.array ?? [] { _ = try? converter.image(image, part: 0, imageOffset: 0) }
                    for ann in doc["annotations"]?.array ?? [] { _ = try? converter.annotation(ann, imageOffset: 0, annotationOffset: 0) }
                }))
            } else if recipe.converter == "synthtext-mat" {
                out.append(FuzzFamily(name: "zoo-\(name)-mat", seeds: seeds.filter { $0.pathExtension == "mat" }, run: { url in
                    let gt = try SynthTextGT(url: url)
                    while try gt.next() != nil {}
                }))
            }
        }
        let totalTextMAT = try TotalTextConverter(options: ConverterOptions())
        out.append(FuzzFamily(name: "totaltext-mat", seeds: files(fixtures.appendingPathComponent("totaltext-mat-toy"), ["mat"]),
                              run: { _ = try totalTextMAT.parse(annotation: $0) }))
        let jsonSeeds = files(fixtures, ["json", "jsonl"], maxSize: 64 << 10)
        out.append(FuzzFamily(name: "json-reader", seeds: jsonSeeds, accepts: { $0 is JSONReader.Failure },
                              run: { _ = try JSONReader.parse([UInt8](try Data(contentsOf: $0))) }))
        out.append(FuzzFamily(name: "xml-tree", seeds: files(fixtures, ["xml"]), run: { _ = try XMLTree.parse(file: $0) }))
        out.append(FuzzFamily(name: "mat-file", seeds: files(fixtures, ["mat"]), run: { url in
            let mat = try MATFile(url: url)
            for name in mat.names { _ = try? mat.array(name) }
        }))
        // Label lines: every line parser on every line.
        let labelSeeds = files(fixtures, ["txt", "jsonl"], maxSize: 64 << 10).filter { $0.lastPathComponent.contains("label") || $0.lastPathComponent.contains("gt") }
        out.append(FuzzFamily(name: "label-lines", seeds: labelSeeds, accepts: { $0 is PrepError || $0 is AnnParseError }, run: { url in
            let parsers = [LabelLineParser.Format.quotedComma, .space, .mjsynth, .lv].map(LabelLineParser.init(format:))
            let str = try LineStrParser(), json = try LineJsonParser()
            let reader = try LineReader(url: url)
            while let line = reader.next() {
                let text = String(decoding: line.bytes, as: UTF8.self)
                for p in parsers { _ = p.parse(text) }
                _ = try? str.parse(text)
                _ = try? json.parse(text)
            }
        }))
        // `prep convert`'s readers, each on the fixture files detected as its format, and detection.
        var byFormat: [AnnotationFormat: [URL]] = [:]
        var detectSeeds: [URL] = []
        for url in files(fixtures, ["json", "jsonl", "txt"], maxSize: 64 << 10) {
            guard let d = try? AnnotationFormat.detect(url) else { continue }
            byFormat[d.format, default: []].append(url)
            detectSeeds.append(url)
        }
        for format in AnnotationFormat.allCases where format != .lmdb {
            guard let seeds = byFormat[format], !seeds.isEmpty else { continue }
            out.append(FuzzFamily(name: "convert-\(format.rawValue)", seeds: Array(seeds.prefix(40)), inputName: "input" + format.fileExtension,
                                  run: { try drain(try format.open($0)) }))
        }
        out.append(FuzzFamily(name: "convert-detect", seeds: Array(detectSeeds.prefix(80)), inputName: "input.json",
                              run: { let d = try AnnotationFormat.detect($0); try drain(try d.format.open($0)) }))
        out.append(FuzzFamily(name: "validate", seeds: Array(detectSeeds.prefix(80)), inputName: "instances_val.json", run: { url in
            var options = Validator.Options()
            options.skipImages = true
            let validator = Validator(options: options)
            try validator.validate(try ValidationInputs.open(url, images: nil), path: url.path, split: "val")
        }))
        // LMDB: each fixture's data.mdb, mutated, read back through every LMDB reader.
        let mdbs = files(fixtures.appendingPathComponent("lmdb"), ["mdb"]).filter { !$0.path.contains("damaged") }
        out.append(FuzzFamily(name: "lmdb", seeds: mdbs, inputName: "in.lmdb/data.mdb", run: { url in
            let folder = url.deletingLastPathComponent()
            try drain(try AnnotationFormat.lmdb.open(folder))
            let reader = try RecogLMDBReader(url: folder)
            for i in 0..<min(reader.count, 1000) {
                _ = try? reader.line(at: i)
                if reader.layout == .images { _ = try? reader.image(at: i) }
            }
        }))
        // Images: the header probe, the full decoders and the verifier, on JPEG and PNG.
        let images = files(fixtures.appendingPathComponent("images"), ["jpg", "png"], maxSize: 128 << 10)
        for ext in ["jpg", "png"] {
            out.append(FuzzFamily(name: "image-\(ext)", seeds: images.filter { $0.pathExtension == ext }, inputName: "input.\(ext)", run: { url in
                let bytes = [UInt8](try Data(contentsOf: url))
                let name = url.lastPathComponent
                _ = try? ImageProbe.probe(bytes: bytes, name: name)
                _ = try? ImageProbe.probe(path: url.path)   // the file path: blocks read with pread
                _ = try? ImageCodec.decode(bytes, name: name)
                _ = try? ImageCodec.verify(bytes, name: name)
                _ = try? ImageCodec.storedSize(bytes, name: name)
            }))
        }
        return out
    }
}
