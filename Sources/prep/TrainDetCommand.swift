import Foundation
import ArgumentParser
import PrepCore
import PrepModels
import PrepNN

/// `prep train det --train DATA… -o RUN`: a DBNet text detector trained on prepared data.
struct TrainDetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "det",
        abstract: "Train a DBNet text detector (MMOCR's recipe) on detection annotations prep reads.",
        discussion: """
        DATA is any detection annotation prep reads (COCO 0.x instances_*.json, standard COCO, \
        MMOCR 1.x textdet_*.json, PaddleOCR det_gt.txt, line-JSON); image paths resolve under \
        --images, else beside the annotation file. Pages are decoded as stored (EXIF orientation \
        not applied, as MMOCR's color_ignore_orientation), augmented as MMOCR's \
        dbnet_resnet18_fpnc (colour jitter, flip, rotation ±10°, scale 0.5–3, a random crop \
        keeping text, resized to --crop), seeded. Pages without polygons train as background; \
        polygons the target generator cannot use are listed in RUN/skipped.jsonl. \
        --model small is a CPU-sized DBNet; resnet18 is MMOCR's dbnet_resnet18_fpnc. Adam with \
        MMOCR's poly decay (see the README for why not SGD).

        RUN gets config.yaml, last.safetensors and best.safetensors (MMOCR state-dict names, \
        best by hmean on --val), last.state.safetensors (what --resume needs), metrics.jsonl \
        (loss per step; precision, recall, hmean per validation: prep eval det's metric, MMOCR \
        1.x protocol) and loss.png. Ctrl-C saves a resumable checkpoint.

        Examples:
          prep train det --train data/textdet_train.json --val data/textdet_test.json -o runs/db --epochs 20
          prep train det --train instances_training.json --images imgs -o runs/db --model small --crop 320 --steps 2000
          prep train det -o runs/db --resume
        """)

    @OptionGroup var options: TrainRunOptions

    @Option(name: .long, help: "small (CPU-sized) or resnet18 (MMOCR's dbnet_resnet18_fpnc).")
    var model: String = "small"

    @Option(name: .long, help: "Training crop side in pixels (a multiple of 32; MMOCR: 640).")
    var crop: Int = 640

    @Option(name: .long, help: "Pages per batch.")
    var batch: Int = 8

    @Option(name: .long, help: "Adam's learning rate.")
    var lr: Double = 1e-3

    @Option(name: .long, help: "poly (MMOCR's, power 0.9), cosine or constant.")
    var schedule: String = "poly"

    @Option(name: .customLong("val-scale"), help: ArgumentHelp("Validation resize LONG,SHORT keeping the ratio (MMOCR: 4068,1024).", valueName: "L,S"))
    var valScale: String = "4068,1024"

    @Flag(name: .customLong("no-augment"), help: "Only resize the pages to fit the crop (no jitter, flip, rotation, scale or crop).")
    var noAugment = false

    @OptionGroup var common: RunOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard Self.scale(valScale) != nil else { throw ValidationError("--val-scale must be LONG,SHORT (two positive integers)") }
    }

    static func scale(_ s: String) -> [Int]? {
        let v = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return v.count == 2 && v.allSatisfy({ $0 > 0 }) ? v : nil
    }

    func newConfig() throws -> DetTrainConfig {
        var c = DetTrainConfig(train: options.train.map(TrainRunOptions.absolute))
        c.val = options.val.map(TrainRunOptions.absolute)
        c.images = options.images.map(TrainRunOptions.absolute)
        c.steps = options.steps
        c.epochs = options.steps == nil ? (options.epochs ?? 20) : options.epochs
        c.valEvery = options.valEvery
        c.batchSize = batch
        c.learningRate = lr
        c.schedule = schedule
        c.warmupSteps = options.warmup
        c.clipNorm = options.clip
        c.crop = crop
        c.valScale = Self.scale(valScale) ?? [4068, 1024]
        c.augment = noAugment ? nil : DetAugment()
        c.model = model
        c.seed = options.seed
        c.workers = common.nproc
        try c.validate()
        return c
    }

    func run() throws {
        let report = RunReport(command: "train det")
        var interrupted = false
        try common.perform(report, root: nil) { interrupted = try train(report) }
        if interrupted { throw ExitCode(130) }
    }

    func open(_ paths: [String], images: String?, split: String, report: RunReport) throws -> [DetPage] {
        var pages: [DetPage] = []
        for p in paths {
            let r = try DetPage.read(URL(fileURLWithPath: p), images: images.map { URL(fileURLWithPath: $0) })
            for s in r.skipped { report.skip(split: split, file: s.location, reason: s.reason) }
            pages += r.pages
        }
        report.update(split: split) { $0.images = pages.count; $0.instances = pages.reduce(0) { $0 + $1.polygons.count } }
        return pages
    }

    /// Returns whether the run was interrupted (Ctrl-C).
    func train(_ report: RunReport) throws -> Bool {
        Threads.set(common.nproc)
        let folder = RecogRunFolder(url: options.folderURL)
        let (position, config) = try TrainRunStart.begin(folder: folder, resume: options.resume, force: options.force, steps: options.steps, epochs: options.epochs,
                                                         nproc: common.nproc, report: report, resumePoint: DetTrainer.resumePoint, newConfig: newConfig)
        report.options = ["model": config.model, "crop": String(config.crop), "lr": String(config.learningRate),
                          "batch": String(config.batchSize), "seed": String(config.seed), "nproc": String(common.nproc)]
        let trainPages = try open(config.train, images: config.images, split: "train", report: report)
        guard !trainPages.isEmpty else { throw PrepError.failed("the training data holds no pages (\(config.train.joined(separator: ", ")))") }
        let valPages = try open(config.val, images: config.images, split: "val", report: report)
        if common.strict && report.skippedCount > 0 {
            throw PrepError.failed("--strict: \(report.skippedCount) annotation(s) skipped; nothing trained")
        }
        let network = try DBNetDetector(model: config.model, seed: config.seed)
        network.makeOptimizer(learningRate: config.learningRate)
        if options.resume {
            try network.loadWeights(from: folder.last)
            try network.loadOptimizer(from: folder.state)
        } else {
            try RecogRunFolder.write(config.yaml, to: folder.config)
        }
        let trainer = DetTrainer(config: config, folder: folder, network: network, train: trainPages, val: valPages)
        let progress = Progress(label: "train", total: trainer.totalSteps, quiet: common.quiet)
        if position.step > 0 { progress.advance(position.step) }
        let started = Date()
        let firstStep = position.step
        trainer.onTick = { t in
            let rate = Double(t.step - firstStep) / max(1e-9, Date().timeIntervalSince(started))
            let eta = rate > 0 ? Double(t.totalSteps - t.step) / rate : 0
            progress.advance(1, detail: String(format: "epoch %d  loss %.4f  %.2f images/s  ETA %@", t.epoch, t.loss, t.samplesPerSecond,
                                               TrainRecogCommand.duration(eta)))
        }
        StopSignal.shared.arm()
        defer { StopSignal.shared.disarm() }
        let summary: DetTrainer.Summary
        do { summary = try trainer.run(from: position) } catch { progress.finish(); throw error }
        progress.finish()
        let json = PyJSON(ensureASCII: false)
        var lines: [String] = []
        for f in summary.failures {
            report.skip(split: "train", file: f.location, reason: f.reason)
            lines.append(json.string(.object([("location", .string(f.location)), ("reason", .string(f.reason))])))
        }
        // A polygon is skipped again each time its page is drawn: list each once.
        var seen = Set<String>()
        for s in summary.skippedPolygons where seen.insert(s.location + s.reason).inserted {
            lines.append(json.string(.object([("location", .string(s.location)), ("reason", .string(s.reason))])))
        }
        if !seen.isEmpty { report.warn(split: "train", file: folder.skipped.path, reason: "\(seen.count) polygon(s) masked out by the target generator (listed there)") }
        try RecogRunFolder.write(lines.map { $0 + "\n" }.joined(), to: folder.skipped)
        let p = summary.position
        report.notes.append("\(summary.outcome == .finished ? "trained" : "interrupted at") step \(p.step) of \(summary.totalSteps) (epoch \(p.epoch + (p.batch > 0 ? 1 : 0))), \(String(format: "%.2f", summary.samplesPerSecond)) images/s, model \(config.model) (\(network.model.parameterCount) parameters), crop \(config.crop)")
        if let l = summary.lastLoss { report.notes.append(String(format: "last training loss %.4f", l)) }
        if !summary.validation.isEmpty {
            report.notes.append("validation: " + summary.validation.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
        }
        if let best = p.best, !valPages.isEmpty { report.notes.append(String(format: "best hmean %.4f at step %d (best.safetensors)", best, p.bestStep)) }
        if summary.outcome == .interrupted {
            report.notes.append("checkpoint saved; continue with: prep train det -o \(options.output) --resume")
            return true
        }
        report.notes.append("outputs in \(folder.url.path): last.safetensors, best.safetensors, metrics.jsonl, loss.png")
        return false
    }
}
