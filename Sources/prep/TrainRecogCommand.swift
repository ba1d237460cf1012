import Foundation
import ArgumentParser
import PrepCore
import PrepModels
import PrepNN

/// `prep train recog --train DATA… -o RUN`: a CRNN text recognizer trained on prepared data.
struct TrainRecogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recog",
        abstract: "Train a CRNN text recognizer (MMOCR's recipe) on LMDBs, label files or detection files.",
        discussion: """
        DATA is anything prep writes for recognition: an LMDB (with images, or label-only with \
        --images), a label file (txt, jsonl, PaddleOCR rec_gt, MMOCR 1.x textrecog) with its crop \
        folder (default: the file's folder), or a detection file whose words are cut on the fly \
        (--images: the page folder). Images are read gray, resized to 32×100 (or, with \
        --max-width W, to height 32 keeping the ratio and padded to W), normalised as MMOCR, \
        lightly augmented (seeded). Labels with characters outside the dictionary, empty labels \
        and labels too long for the model's time steps are skipped and listed (RUN/skipped.jsonl).

        RUN gets config.yaml, dict.txt, last.safetensors and best.safetensors (PyTorch CRNN \
        state-dict names), last.state.safetensors (what --resume needs), metrics.jsonl and \
        loss.png; --audit adds audit.jsonl and audit/ (prep show RUN/audit/label.jsonl -o DIR). \
        Ctrl-C saves a resumable checkpoint; --resume continues bit for bit.

        Examples:
          prep train recog --train data/train.lmdb --val data/val.lmdb -o runs/crnn --epochs 5
          prep train recog --train crops/label.jsonl -o runs/quick --steps 2000 --model crnn-small --max-width 160
          prep train recog --train instances_training.json --images imgs -o runs/det --dict DICT90
          prep train recog -o runs/crnn --resume
          prep train recog --train data/train.lmdb -o runs/a --optimizer adadelta --lr 1.0 --schedule constant --audit
        """)

    @OptionGroup var options: TrainRunOptions

    @Option(name: .long, help: "Samples per batch.")
    var batch: Int = 64

    @Option(name: .long, help: "Learning rate (default: 0.002 for adam, 1.0 for adadelta).")
    var lr: Double?

    @Option(name: .long, help: "adam or adadelta (MMOCR's CRNN recipe: adadelta, lr 1.0, constant).")
    var optimizer: String = "adam"

    @Option(name: .long, help: "constant, step (×0.1 at 60% and 90%) or cosine.")
    var schedule: String = "cosine"

    @Option(name: .long, help: ArgumentHelp("Dictionary: DICT36, DICT90 or a file (one character per line). Default: the characters of the training labels.", valueName: "F"))
    var dict: String?

    @Option(name: .customLong("max-width"), help: ArgumentHelp("Keep the aspect ratio and pad to this width (default: stretch to 100).", valueName: "W"))
    var maxWidth: Int?

    @Flag(name: .customLong("width-buckets"), help: "With --max-width: batch words of similar width together and pad each batch only to its widest word, so a large --max-width costs what the words need (prediction then sorts by width too).")
    var widthBuckets = false

    @Flag(name: .long, help: "Colour input (3 channels) instead of gray.")
    var color = false

    @Option(name: .long, help: "crnn-small (MMOCR's CRNN at half widths: a quarter of the work per sample), crnn (MMOCR's), crnn-small-bn (half widths, a BatchNorm after every conv) or crnn-tiny.")
    var model: String = "crnn-small"

    @Flag(name: .customLong("no-augment"), help: "Turn the light augmentation off.")
    var noAugment = false

    @Flag(name: .long, help: "After training, list the samples the model contradicts with high confidence (likely label errors).")
    var audit = false

    @Option(name: .customLong("audit-confidence"), help: "Minimum confidence of a contradicting prediction for the audit.")
    var auditConfidence: Double = 0.9

    @OptionGroup var common: RunOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard !widthBuckets || maxWidth != nil else { throw ValidationError("--width-buckets needs --max-width (keep-ratio input)") }
    }

    func newConfig() throws -> RecogTrainConfig {
        var c = RecogTrainConfig(train: options.train.map(TrainRunOptions.absolute))
        c.val = options.val.map(TrainRunOptions.absolute)
        c.images = options.images.map(TrainRunOptions.absolute)
        c.steps = options.steps
        c.valEvery = options.valEvery
        c.epochs = options.steps == nil ? (options.epochs ?? 5) : options.epochs
        c.batchSize = batch
        c.optimizer = optimizer
        c.learningRate = lr ?? (optimizer == "adadelta" ? 1.0 : RecogTrainConfig.adamLearningRate)
        c.schedule = schedule
        c.warmupSteps = options.warmup
        c.clipNorm = options.clip
        c.dictionary = dict ?? "labels"
        c.input = RecogInputSpec(width: maxWidth ?? 100, keepRatio: maxWidth != nil, channels: color ? 3 : 1, widthBuckets: widthBuckets)
        c.augment = noAugment ? nil : RecogAugment()
        c.seed = options.seed
        c.workers = common.nproc
        c.audit = audit
        c.auditConfidence = auditConfidence
        c.model = model
        try c.validate()
        return c
    }

    func run() throws {
        let report = RunReport(command: "train recog")
        var interrupted = false
        try common.perform(report, root: nil) {
            interrupted = try train(report)
        }
        if interrupted { throw ExitCode(130) }
    }

    /// Returns whether the run was interrupted (Ctrl-C).
    func train(_ report: RunReport) throws -> Bool {
        Threads.set(common.nproc)
        let folder = RecogRunFolder(url: options.folderURL)
        let (position, config) = try TrainRunStart.begin(folder: folder, resume: options.resume, force: options.force, steps: options.steps, epochs: options.epochs,
                                                         nproc: common.nproc, report: report, resumePoint: RecogTrainer.resumePoint, newConfig: newConfig)
        report.options = ["model": config.model, "optimizer": config.optimizer, "lr": String(config.learningRate),
                          "batch": String(config.batchSize), "seed": String(config.seed), "nproc": String(common.nproc)]

        let trainSource = try RecogDataOpening.open(config.train, images: config.images, report: report, split: "train")
        guard trainSource.count > 0 else { throw PrepError.failed("the training data holds no samples (\(config.train.joined(separator: ", ")))") }
        let valSource = config.val.isEmpty ? nil : try RecogDataOpening.open(config.val, images: config.images, report: report, split: "val")

        let charset: Charset
        if options.resume {
            charset = try Charset.load(folder.dictionary.path).lowercasing(config.dictionary.uppercased() == "DICT36")
        } else if config.dictionary == "labels" {
            charset = try Charset.fromLabels((0..<trainSource.count).map { trainSource.item(at: $0).text })
        } else {
            charset = try Charset.load(config.dictionary)
        }
        let network = try CRNNRecognizer.forTraining(config, charset: charset)
        if options.resume {
            try network.loadWeights(from: folder.last)
            try network.loadOptimizer(from: folder.state)
        } else {
            try RecogRunFolder.write(charset.dictionaryFile, to: folder.dictionary)
            try RecogRunFolder.write(config.yaml, to: folder.config)
        }

        let T = network.sequenceLength(inputWidth: config.input.width)
        let labels = RecogLabelSet(source: trainSource, charset: charset, sequenceLength: T)
        var skippedLines: [String] = []
        let json = PyJSON(ensureASCII: false)
        for s in labels.skipped {
            report.skip(split: "train", file: s.location, reason: s.reason)
            skippedLines.append(json.string(.object([("name", .string(s.name)), ("location", .string(s.location)), ("reason", .string(s.reason))])))
        }
        report.update(split: "train") { $0.instances = labels.entries.count }
        if let valSource {
            let unknown = (0..<valSource.count).filter { if case .unknown = charset.encode(valSource.item(at: $0).text) { return true }; return false }
            if !unknown.isEmpty {
                report.warn(split: "val", file: valSource.origin,
                            reason: "\(unknown.count) label(s) hold characters outside the dictionary; the model can never read them exactly")
            }
        }
        if common.strict && !labels.skipped.isEmpty {
            throw PrepError.failed("--strict: \(labels.skipped.count) training sample(s) skipped; nothing trained")
        }
        guard !labels.entries.isEmpty else {
            throw PrepError.failed("no training sample is usable (\(labels.skipped.count) skipped: characters outside the dictionary, empty or too long labels)")
        }

        let trainer = RecogTrainer(config: config, folder: folder, charset: charset, network: network,
                                   train: trainSource, labels: labels, val: valSource)
        let progress = Progress(label: "train", total: trainer.totalSteps, quiet: common.quiet)
        if position.step > 0 { progress.advance(position.step) }
        let started = Date()
        let firstStep = position.step
        trainer.onTick = { t in
            let rate = Double(t.step - firstStep) / max(1e-9, Date().timeIntervalSince(started))
            let eta = rate > 0 ? Double(t.totalSteps - t.step) / rate : 0
            progress.advance(1, detail: String(format: "epoch %d  loss %.4f  %.1f samples/s  ETA %@", t.epoch, t.loss, t.samplesPerSecond, Self.duration(eta)))
        }
        StopSignal.shared.arm()
        defer { StopSignal.shared.disarm() }
        let summary: RecogTrainer.Summary
        do { summary = try trainer.run(from: position) } catch { progress.finish(); throw error }
        progress.finish()
        for f in summary.failures { report.skip(split: "train", file: f.name, reason: f.reason) }
        for f in summary.failures {
            skippedLines.append(json.string(.object([("name", .string(f.name)), ("location", .string(f.name)), ("reason", .string(f.reason))])))
        }
        try RecogRunFolder.write(skippedLines.map { $0 + "\n" }.joined(), to: folder.skipped)

        let p = summary.position
        report.notes.append("\(summary.outcome == .finished ? "trained" : "interrupted at") step \(p.step) of \(summary.totalSteps) (epoch \(p.epoch + (p.batch > 0 ? 1 : 0))), \(String(format: "%.1f", summary.samplesPerSecond)) samples/s, model \(config.model) (\(network.model.parameterCount) parameters), \(charset.classCount) classes")
        if let l = summary.lastLoss { report.notes.append(String(format: "last training loss %.4f", l)) }
        if !summary.validation.isEmpty {
            report.notes.append("validation: " + summary.validation.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
        }
        if let best = p.best, valSource != nil { report.notes.append(String(format: "best word_acc %.4f at step %d (best.safetensors)", best, p.bestStep)) }
        if summary.outcome == .interrupted {
            report.notes.append("checkpoint saved; continue with: prep train recog -o \(options.output) --resume")
            return true
        }
        if config.audit {
            let n = try runAudit(trainer: trainer, sources: [trainSource] + (valSource.map { [$0] } ?? []), folder: folder, config: config)
            report.notes.append("label audit: \(n) suspect sample(s) in \(folder.audit.path) (view: prep show \(folder.auditFolder.appendingPathComponent("label.jsonl").path) -o GALLERY)")
        }
        report.notes.append("outputs in \(folder.url.path): last.safetensors, best.safetensors, metrics.jsonl, loss.png")
        return false
    }

    func runAudit(trainer: RecogTrainer, sources: [any RecogSampleSource], folder: RecogRunFolder, config: RecogTrainConfig) throws -> Int {
        let all = ConcatRecogSource(sources)
        var failures: [(name: String, reason: String)] = []
        let outputs = RecogPredictor(network: trainer.network, charset: trainer.charset, spec: config.input, batchSize: config.batchSize,
                                     workers: config.workers).run(all, withLoss: true, failures: &failures)
        let audit = RecogLabelAudit(minConfidence: Float(config.auditConfidence), charset: trainer.charset)
        let suspects = audit.suspects(RecogLabelAudit.candidates(outputs))
        try audit.write(suspects, report: folder.audit, folder: folder.auditFolder) { try all.imageBytes(at: $0) }
        return suspects.count
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? "\(t / 3600)h\(String(format: "%02d", t / 60 % 60))m" : "\(t / 60)m\(String(format: "%02d", t % 60))s"
    }
}
