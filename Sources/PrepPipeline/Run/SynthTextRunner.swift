import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// `prep synthtext ROOT`: SynthText's `gt.mat` + `imgs/<imname>` (recipe converter
/// `synthtext-mat`), streamed image by image in batches — memory stays flat however many images
/// `gt.mat` holds (the reference loads the whole file and writes its LMDB in one transaction).
///
/// - det: the reference's `synthtext.lmdb` (`DetLineLMDBWriter`, keys `0…n-1` + `total_number`)
///   with sizes from image headers; with `--coco-json`, or another `--to` target, the det file
///   of that format instead (`instances_training.json` for the COCO 0.x one).
/// - recog: the reference's crops `<OUT>/<img dir>/<stem>_<i>.png` with `<stem>_<i>.txt` (the
///   word, then its character boxes relative to the crop), plus an aggregate label file
///   (`train_label.jsonl` or `.txt`) naming every crop, which the reference does not write.
///
/// Images the reference crashes on (missing file, words without boxes or character boxes) are
/// skipped and reported with their index and name; det keys stay consecutive.
final class SynthTextRunner: DatasetFamily {
    let job: DatasetJob

    static func reads(_ recipe: Recipe) -> Bool { ConverterRegistry.streaming.contains(recipe.converter) }
    let split: String

    /// `--shard`: the ledger, and the outputs each kind of record goes to.
    private var ledger: ShardLedger?
    private var shardRecords: (det: [(String, ShardOutputKind)], spot: [(String, ShardOutputKind)], labels: [(String, ShardOutputKind)]) = ([], [], [])

    init(job: DatasetJob) {
        self.job = job
        split = job.splits.first ?? "training"
    }

    /// What one image gave (computed on a worker).
    struct Outcome {
        var entry: SynthTextEntry
        var image: ImageRef?
        var detInstances: [TextInstance]?
        /// The det LMDB line, built on the worker.
        var detLine: [UInt8]?
        /// Crops written (name without extension, word), in word order.
        var crops: [(name: String, text: String)] = []
        /// Recog left to `consume` (an image whose name came earlier in the batch: cut after
        /// that one is written, so the first image's crops stay, crop by crop).
        var deferredRecog: (staging: OutputStaging, url: URL)?
        var skips: [String] = []
    }

    func run(report: RunReport) throws {
        try job.validate()
        let recipe = job.recipe
        report.dataset = recipe.name
        report.options["nproc"] = String(job.workers)
        report.options["tasks"] = job.tasks.joined(separator: ",")
        report.options["exif"] = job.exif.rawValue
        let wantsDet = job.tasks.contains("det")
        // Spotting is the det output plus each word's text: its own COCO file for MMOCR 0.x,
        // part of the det output for the other targets (MMOCR 1.x writes textspotting with textdet).
        let wantsSpot = job.tasks.contains("spotting")
        let wantsRecog = job.tasks.contains("recog")
        if job.vertical != nil {
            throw PrepError.usage("--vertical / --preserve-vertical do not apply to synthtext (its crops have no vertical rule, as the reference)")
        }
        if job.cropWarp || job.cropResize != nil {
            throw PrepError.usage("--warp / --resize do not apply to synthtext (its crops are slices of the rounded word boxes, as the reference's)")
        }
        if wantsRecog && job.recogFormat == "lmdb" {
            throw PrepError.usage("synthtext recog writes crop files and a label file; pack them with: prep lmdb OUT/train_label.jsonl OUT.lmdb -i OUT")
        }
        let gtURL = job.root.appendingPathComponent(recipe.layout.annotation)
        let imageRoot = job.root.appendingPathComponent(expandTemplate(recipe.layout.images, split: split))
        guard FileManager.default.fileExists(atPath: gtURL.path) else {
            throw PrepError.layout("\(gtURL.path): no such file (SynthText's ground truth; see prep zoo synthtext)")
        }
        let gt = try SynthTextGT(url: gtURL)
        try OutputStaging.writing(into: job.outputDirectory, strict: job.strict, report: report) { staging in
            ledger = try job.shard.map { try ShardLedger(shard: $0, staging: staging) }
            var det: DetLineLMDBWriter? = nil
            var detOther: DetSplitWriter? = nil
            var spot: DetSplitWriter? = nil
            var outputs: [String] = []
            let layout = COCOWriter.Layout(annotationKeys: [.iscrowd, .category_id, .bbox, .area, .segmentation], segmFile: false)
            if wantsSpot && job.target == .mmocr0 {
                var linker: ImageLinker? = nil
                let (w, names) = try DetOutput.open(target: job.target, template: recipe.outputs["spotting"] ?? "spotting_instances_{split}.json",
                                                    split: split, layout: DetPass.withText(layout), staging: staging, report: report,
                                                    linker: &linker, placement: job.imagePlacement)
                spot = w
                outputs += names
                shardRecords.spot = names.map { ($0, ShardSupport.recordKind(job.target)) }
            }
            if wantsDet || (wantsSpot && job.target != .mmocr0) {
                if job.target == .mmocr0 && !job.detAsCOCO {
                    let name = expandTemplate(recipe.outputs["det"] ?? "synthtext.lmdb", split: split)
                    det = try DetLineLMDBWriter(url: try staging.url(for: name))
                    outputs.append(name)
                    shardRecords.det = [(name, .lineLMDB)]
                } else {
                    var linker: ImageLinker? = nil
                    let (w, names) = try DetOutput.open(target: job.target, template: "instances_{split}.json", split: split,
                                                        layout: layout, staging: staging, report: report, linker: &linker,
                                                        placement: job.imagePlacement)
                    detOther = w
                    outputs += names
                    shardRecords.det = names.map { ($0, ShardSupport.recordKind(job.target)) }
                }
            }
            var labels: LabelFileWriter? = nil
            var cropDirs = Set<String>()
            if wantsRecog {
                let stem = recipe.recog?.labels[split] ?? "train_label"
                let name = "\(stem).\(job.recogFormat)"
                labels = try LabelFileWriter(url: try staging.url(for: name), syntax: job.recogFormat == "txt" ? .txt : .jsonl,
                                             ensureASCII: recipe.recog?.ensureAscii ?? false)
                outputs.append(name)
                shardRecords.labels = [(name, .lines)]
            }
            for (name, kind) in shardRecords.det + shardRecords.spot + shardRecords.labels { ledger?.declare(name, kind: kind) }
            try DetOutput.keepRecordLengths(spot, shardRecords.spot.map(\.0), kind: ShardSupport.recordKind(job.target), ledger: ledger)
            try DetOutput.keepRecordLengths(detOther, shardRecords.det.map(\.0), kind: ShardSupport.recordKind(job.target), ledger: ledger)
            let progress = Progress(label: "\(recipe.name) \(split)", total: gt.count, quiet: job.quiet)
            var batch: [SynthTextEntry] = []
            // Under --shard: each kept entry's position in the ground truth.
            var batchPositions: [Int] = []
            func drain() throws {
                // Crop folders are staged before the workers write into them; a name seen earlier
                // in the batch is a collision decided here, so the outcome does not depend on
                // which worker runs first (earlier batches are on disk already).
                var duplicate = [Bool](repeating: false, count: batch.count)
                if wantsRecog {
                    var seen = Set<String>()
                    for (k, e) in batch.enumerated() {
                        duplicate[k] = !seen.insert(e.name).inserted
                        let dir = Self.cropPrefix(e.name).dir
                        if !dir.isEmpty && !cropDirs.contains(dir) {
                            try checkCropDir(dir)
                            try FileManager.default.createDirectory(at: try staging.url(for: dir), withIntermediateDirectories: true)
                            cropDirs.insert(dir)
                        }
                    }
                }
                try OrderedParallel.forEach(Array(zip(batch, duplicate)), workers: job.workers, batchSize: batch.count, transform: {
                    self.process($0.0, imageRoot: imageRoot, det: wantsDet || wantsSpot, lmdbLine: det != nil, recog: wantsRecog ? (staging, $0.1) : nil)
                }) { i, o in
                    progress.advance()
                    self.ledger?.position = batchPositions[i]
                    try self.consume(o, gt: gtURL, det: det, detOther: detOther, spot: spot, labels: labels, report: report)
                }
                batch.removeAll(keepingCapacity: true)
                batchPositions.removeAll(keepingCapacity: true)
            }
            // A shard decodes only its own entries' boxes and text (the names decide).
            let keep = job.shard.map { shard in { (name: String) in shard.contains(name) } } ?? { _ in true }
            while let e = try gt.next(keeping: keep) {
                batch.append(e)
                batchPositions.append(e.index)
                if batch.count >= 512 { try drain() }
            }
            try drain()
            progress.finish()
            try det?.finish()
            try detOther?.finish()
            try spot?.finish()
            try labels?.finish()
            // SynthText has 200 image folders: name them as one output.
            let dirs = cropDirs.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            let crops = dirs.count <= 3 ? dirs.map { $0 + "/" } : ["\(dirs.count) crop folders \(dirs[0])/ … \(dirs[dirs.count - 1])/"]
            report.update(split: split) { $0.outputs.append(contentsOf: outputs + crops) }
            ledger?.enumerated(split, total: gt.count)
            try ledger?.finish(report: report)
        }
    }

    /// Probes, converts and (for recog: into `staging`, unless the name came earlier in the
    /// batch) cuts and writes one image's crops. Runs on worker threads.
    func process(_ e: SynthTextEntry, imageRoot: URL, det: Bool, lmdbLine: Bool,
                 recog: (staging: OutputStaging, duplicate: Bool)?) -> Outcome {
        var o = Outcome(entry: e)
        if let problem = e.problem {
            o.skips.append(problem)
            return o
        }
        let url = imageRoot.appendingPathComponent(e.name)
        do {
            let info = try ImageProbe.probe(url)
            o.image = ImageRef(url: url, name: e.name, width: info.width, height: info.height, format: info.format,
                               exifOrientation: info.exifOrientation)
        } catch {
            o.skips.append("image missing or unreadable: \(error)")
            return o
        }
        if det {
            do {
                let instances = try SynthTextConverter.detInstances(e)
                o.detInstances = instances
                if lmdbLine, let image = o.image {
                    let size = image.size(under: job.exif)
                    o.detLine = DetLineLMDBWriter.line(fileName: image.name, width: size.width, height: size.height, instances: instances)
                }
            } catch let r as SynthTextConverter.Refusal {
                o.skips.append("det: \(r.reason)")
            } catch { o.skips.append("det: \(error)") }
        }
        if let recog, recog.duplicate {
            o.deferredRecog = (recog.staging, url)
        } else if let recog {
            o.crops = crops(e, url: url, orientation: o.image!.exifOrientation, staging: recog.staging, skips: &o.skips)
        }
        return o
    }

    /// The words' crops, written; a refused image or a failure becomes a skip reason.
    func crops(_ e: SynthTextEntry, url: URL, orientation: Int, staging: OutputStaging,
               skips: inout [String]) -> [(name: String, text: String)] {
        do {
            return try cut(try SynthTextConverter.recogWords(e), entry: e, url: url, orientation: orientation, staging: staging, skips: &skips)
        } catch let r as SynthTextConverter.Refusal {
            skips.append("recog: \(r.reason)")
        } catch {
            skips.append("recog: \(error)")
        }
        return []
    }

    /// The reference's crops: slice `[min y:max y, min x:max x]` of the rounded word box (numpy
    /// clips at the border), PNG; the label file holds the word and the character boxes moved
    /// by the crop's origin. Empty crops are skipped. An image named twice in gt.mat gives the
    /// same crop names: the first image's crops stay (the reference skips existing crops too)
    /// and the collision is reported.
    func cut(_ words: [SynthTextWord], entry e: SynthTextEntry, url: URL, orientation: Int, staging: OutputStaging,
             skips: inout [String]) throws -> [(name: String, text: String)] {
        let bytes: [UInt8]
        switch FileBytes.read(url.path) {
        case let .success(b): bytes = b
        case let .failure(e): throw PrepError.image(path: url.path, reason: e.missing ? "cannot be read" : e.reason)
        }
        let folder = try FileFolder(staging.stagingDirectory)
        let exif = job.exif == .apply ? ExifOrientation(orientation) : ExifOrientation(1)
        let pixels = try ImageCodec.decode(bytes, name: url.path, orientation: exif)
        let (dir, stem) = Self.cropPrefix(e.name)
        var out: [(name: String, text: String)] = []
        for (i, w) in words.enumerated() {
            let xs = stride(from: 0, to: 8, by: 2).map { w.box[$0] }, ys = stride(from: 1, to: 8, by: 2).map { w.box[$0] }
            let x0 = xs.min()!, x1 = xs.max()!, y0 = ys.min()!, y1 = ys.max()!
            let cx0 = min(x0, pixels.width), cx1 = min(x1, pixels.width), cy0 = min(y0, pixels.height), cy1 = min(y1, pixels.height)
            guard cx1 > cx0, cy1 > cy0 else {
                skips.append("recog: word \(i) ('\(w.text)'): empty crop (box [\(x0),\(x1))x[\(y0),\(y1)) in a \(pixels.width)x\(pixels.height) image)")
                continue
            }
            let name = (dir.isEmpty ? "" : dir + "/") + "\(stem)_\(i)"
            // Files beside OUT (a name without folder) are staged one by one; others go in their
            // staged folder.
            if dir.isEmpty { _ = try staging.url(for: name + ".png") }
            if folder.exists(name + ".png") {
                skips.append("recog: \(name).png was already written for an earlier image of the same name; kept that one")
                continue
            }
            let png = try ImageCodec.encodePNG(pixels.cropped(x0: cx0, y0: cy0, x1: cx1, y1: cy1))
            var label = w.text + "\n"
            for c in w.charBoxes {
                label += (0..<8).map { String(c[$0] - ($0 % 2 == 0 ? x0 : y0)) }.joined(separator: " ") + "\n"
            }
            if dir.isEmpty { _ = try staging.url(for: name + ".txt") }
            try folder.write(name + ".png", png)
            try folder.write(name + ".txt", Array(label.utf8))
            out.append((name, w.text))
        }
        return out
    }

    /// `os.path.split` of the image name and the `splitext` stem of its file name.
    static func cropPrefix(_ name: String) -> (dir: String, stem: String) {
        let slash = name.lastIndex(of: "/")
        let dir = slash.map { String(name[..<$0]) } ?? ""
        return (dir, stemOf(slash.map { String(name[name.index(after: $0)...]) } ?? name))
    }

    /// Writes one image's results in input order (main thread).
    func consume(_ o: Outcome, gt: URL, det: DetLineLMDBWriter?, detOther: DetSplitWriter?, spot: DetSplitWriter?,
                 labels: LabelFileWriter?, report: RunReport) throws {
        var o = o
        if let d = o.deferredRecog, let image = o.image {
            o.crops = crops(o.entry, url: d.url, orientation: image.exifOrientation, staging: d.staging, skips: &o.skips)
        }
        for reason in o.skips { report.skip(split: split, file: gt.path, reason: "\(o.entry.label): \(reason)") }
        guard let image = o.image else { return }
        if image.exifOrientation != 1 { report.exifTagged(image.path) }
        if let instances = o.detInstances {
            let size = image.size(under: job.exif)
            if let line = o.detLine { try det?.add(line: line) }
            for (name, kind) in shardRecords.det + shardRecords.spot { ledger?.record(name, kind: kind) }
            if detOther != nil || spot != nil {
                var withArea = instances
                for k in withArea.indices { withArea[k].attributes["area"] = .double(Polygon.area(withArea[k].polygon)) }
                let sample = Sample(image: image, instances: withArea)
                try detOther?.add(sample, width: size.width, height: size.height)
                try spot?.add(sample, width: size.width, height: size.height)
            }
            report.update(split: split) {
                $0.images += 1
                $0.instances += instances.count
            }
        }
        for c in o.crops {
            try labels?.add(.recognition(c.name + ".png", text: c.text, location: RecordLocation(file: gt.path, element: o.entry.label)))
            for (name, kind) in shardRecords.labels { ledger?.record(name, kind: kind) }
        }
        if o.detInstances == nil {
            report.update(split: split) {
                $0.images += 1
                $0.instances += o.crops.count
            }
        }
    }

    /// A crop folder replaces `OUT/<dir>` when the run is committed: it must not be (or hold)
    /// the raw dataset.
    func checkCropDir(_ dir: String) throws {
        let final = job.outputDirectory.appendingPathComponent(dir).standardizedFileURL.path
        let images = job.root.appendingPathComponent(expandTemplate(job.recipe.layout.images, split: split)).standardizedFileURL.path
        let root = job.root.standardizedFileURL.path
        if final == root || root.hasPrefix(final + "/") || final == images || images.hasPrefix(final + "/") || final.hasPrefix(images + "/") {
            let r = final.hasPrefix(images + "/") || final == images || images.hasPrefix(final + "/") ? images : root
            throw PrepError.usage("the crops of '\(dir)' would go to \(final), inside or over the raw dataset (\(r)); give -o OUT elsewhere")
        }
    }
}
