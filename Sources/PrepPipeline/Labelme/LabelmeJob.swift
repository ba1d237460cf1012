import Foundation
import PrepCore
import PrepConverters

/// `prep labelme`: a folder of labelme JSON files (and their images) → MMOCR 0.x det line JSON
/// (`instances_training.txt`) and recognition crops with labels, as MMOCR 0.6.3's
/// `common/labelme_converter.py` (§4.1). Files in name order; crops `crops/<stem>/crop_<k>.jpg`
/// (crop_img with 0.4/0.2 padding) and, with `warp`, `warp_<k>.jpg` (warp_img; polygons of more
/// than 4 points through their minimum-area rectangle), k counting the written crops of an image
/// from 0; label paths relative to the output folder.
public struct LabelmeJob {
    public var jsonDirectory: URL
    public var imageDirectory: URL
    public var output: URL
    public var tasks: Set<String>
    public var format: LabelFileSink.Format
    public var warp: Bool
    public var exif: ExifPolicy
    public var workers: Int
    public var strict: Bool
    public var quiet: Bool
    let ignore = "###"

    public init(jsonDirectory: URL, imageDirectory: URL, output: URL, tasks: Set<String>, format: LabelFileSink.Format,
                warp: Bool, exif: ExifPolicy, workers: Int, strict: Bool, quiet: Bool) {
        self.jsonDirectory = jsonDirectory
        self.imageDirectory = imageDirectory
        self.output = output
        self.tasks = tasks
        self.format = format
        self.warp = warp
        self.exif = exif
        self.workers = workers
        self.strict = strict
        self.quiet = quiet
    }

    /// What one JSON file gave (made on a worker).
    struct Loaded {
        var detLine: JSONValue?
        var crops: [RecogCrop] = []
        var warps: [RecogCrop] = []
        var issues: [(file: String, reason: String)] = []
        var instances = 0, ignored = 0
    }

    public func run(report: RunReport) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: jsonDirectory.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(jsonDirectory.path): no such folder (the labelme JSON folder)")
        }
        let files = try sortedByUTF8(fm.contentsOfDirectory(atPath: jsonDirectory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") })
            .map { jsonDirectory.appendingPathComponent($0) }
        if tasks.contains("recog") {
            guard fm.fileExists(atPath: imageDirectory.path, isDirectory: &isDir), isDir.boolValue else {
                throw PrepError.layout("\(imageDirectory.path): no such folder (the image folder)")
            }
        }
        report.options["tasks"] = tasks.sorted().joined(separator: ",")
        report.options["exif"] = exif.rawValue
        let row = "training"
        try OutputStaging.writing(into: output, strict: strict, report: report) { staging in
            let det = tasks.contains("det") ? try BufferedFileWriter(url: try staging.url(for: "instances_training.txt")) : nil
            var cropRoot: URL? = nil
            var labels: BufferedFileWriter? = nil, warpLabels: BufferedFileWriter? = nil
            if tasks.contains("recog") {
                let root = try staging.url(for: "crops")
                try fm.createDirectory(at: root, withIntermediateDirectories: true)
                cropRoot = root
                labels = try BufferedFileWriter(url: try staging.url(for: "train_label.\(format.rawValue)"))
                if warp { warpLabels = try BufferedFileWriter(url: try staging.url(for: "warp_train_label.\(format.rawValue)")) }
            }
            let raw = PyJSON(ensureASCII: false), escaped = PyJSON(ensureASCII: true)
            let progress = Progress(label: "labelme", total: files.count, quiet: quiet)
            var failure: Error?
            OrderedParallel.forEach(files, workers: workers, transform: { load($0) }) { _, result in
                progress.advance()
                guard failure == nil else { return }
                switch result {
                case let .failure(e): DatasetRunner.reportSkip(e, row: row, report: report)
                case let .success(l):
                    for issue in l.issues { report.skip(split: row, file: issue.file, reason: issue.reason) }
                    do {
                        if let line = l.detLine, let det {
                            try det.append { raw.write(line, to: &$0); $0.append(0x0A) }
                        }
                        for (crops, writer) in [(l.crops, labels), (l.warps, warpLabels)] {
                            guard let writer, let cropRoot else { continue }
                            for c in crops {
                                let url = cropRoot.appendingPathComponent(c.name)
                                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                                guard fm.createFile(atPath: url.path, contents: Data(c.bytes)) else {
                                    throw PrepError.io(path: url.path, reason: "cannot write the crop")
                                }
                                let path = "crops/" + c.name
                                try writer.append { buf in
                                    switch format {
                                    case .txt: buf.append(contentsOf: Array("\(path) \(c.text)".utf8))
                                    case .jsonl: escaped.write(.object([("filename", .string(path)), ("text", .string(c.text))]), to: &buf)
                                    default: break  // the command offers jsonl and txt only
                                    }
                                    buf.append(0x0A)
                                }
                            }
                        }
                    } catch { failure = error }
                    report.update(split: row) {
                        $0.images += 1
                        $0.instances += l.instances
                        $0.ignored += l.ignored
                    }
                    if !l.crops.isEmpty || !l.warps.isEmpty {
                        report.update(split: "training recog") { $0.images += 1; $0.instances += l.crops.count + l.warps.count }
                    }
                }
            }
            if let failure { throw failure }
            progress.finish()
            try det?.close()
            try labels?.close()
            try warpLabels?.close()
            report.update(split: row) {
                if det != nil { $0.outputs.append("instances_training.txt") }
                if labels != nil { $0.outputs += ["train_label.\(format.rawValue)", "crops/"] }
                if warpLabels != nil { $0.outputs.append("warp_train_label.\(format.rawValue)") }
            }
        }
    }

    /// Parses one JSON file and, for recog, cuts its crops (worker thread).
    func load(_ url: URL) -> Result<Loaded, PrepError> {
        let file: LabelmeFile
        do { file = try LabelmeFile(url: url, ignore: ignore) } catch let e as PrepError {
            return .failure(e)
        } catch { return .failure(.failed("\(url.path): \(error)")) }
        var l = Loaded()
        for (k, reason) in file.skipped { l.issues.append((url.path, "shape \(k): \(reason); shape left out")) }
        l.instances = file.shapes.count
        l.ignored = file.shapes.filter { $0.label == ignore }.count
        if tasks.contains("det") { l.detLine = file.detLine(ignore: ignore) }
        guard tasks.contains("recog") else { return .success(l) }
        let image = imageDirectory.appendingPathComponent(file.imageName)
        let bytes: [UInt8]
        let info: ImageInfo
        do {
            guard case let .success(data) = FileBytes.read(image.path) else {
                throw PrepError.image(path: image.path, reason: "image named by \(url.lastPathComponent) is absent or unreadable")
            }
            bytes = data
            info = try ImageProbe.probe(bytes: bytes, name: image.path)
        } catch let e as PrepError {
            l.issues.append((image.path, CropEngine.reason(e) + "; its crops skipped"))
            return .success(l)
        } catch {
            l.issues.append((image.path, "\(error); its crops skipped"))
            return .success(l)
        }
        let ref = ImageRef(url: image, name: file.imageName, width: info.width, height: info.height,
                           format: info.format, exifOrientation: info.exifOrientation)
        let stem = stemOf(file.imageName)
        let boxEngine = CropEngine(settings: CropSettings(mode: .box(longPad: 0.4, shortPad: 0.2), exif: exif, vertical: .keep,
                                                          indexBeforeSkip: false, skipEmptyText: true, imageExtension: "jpg"))
        let warpEngine = CropEngine(settings: CropSettings(mode: .warp, exif: exif, vertical: .keep,
                                                           indexBeforeSkip: false, skipEmptyText: true, imageExtension: "jpg"))
        var index = 0
        for (k, shape) in file.shapes.enumerated() where shape.label != ignore && !shape.label.isEmpty {
            // One instance at a time, so crop and warp keep the same number k.
            let sample = Sample(image: ref, instances: [TextInstance(polygon: shape.quad.map(Double.init), integerCoordinates: true,
                                                                     text: shape.label)])
            let cut = boxEngine.cut(sample, prefix: "c", split: "training", bytes: bytes)
            guard var crop = cut.crops.first else {
                for s in cut.skipped { l.issues.append((url.path, "shape \(k): " + s.reason.replacingOccurrences(of: "instance 1", with: "crop"))) }
                continue
            }
            crop.name = "\(stem)/crop_\(index).jpg"
            l.crops.append(crop)
            if warp && !shape.isRectangle {
                let w = warpEngine.cut(Sample(image: ref, instances: [TextInstance(polygon: shape.points.map(Double.init),
                                                                                    integerCoordinates: true, text: shape.label)]),
                                       prefix: "w", split: "training", bytes: bytes)
                if var wc = w.crops.first {
                    wc.name = "\(stem)/warp_\(index).jpg"
                    l.warps.append(wc)
                } else {
                    for s in w.skipped { l.issues.append((url.path, "shape \(k): warp: " + s.reason)) }
                }
            }
            index += 1
        }
        return .success(l)
    }
}
