import Foundation
import ArgumentParser
import PrepCore
import PrepEval
import PrepPipeline

/// `prep eval det|recog|spotting|kie GT PRED`: MMOCR's metrics on any ground truth prep reads and
/// the prediction dumps people have.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score predictions with MMOCR's metrics (hmean-iou, word/char accuracy, 1-N.E.D., KIE F1, end-to-end).",
        discussion: """
        TASK is det, recog, spotting or kie. GT is any annotation file prep reads (COCO 0.x, COCO, MMOCR 1.x, line-JSON, PaddleOCR, txt/jsonl labels, LMDB, WildReceipt KIE lines). PRED is the same kind of file (an instance's "score" is its confidence) or a prediction dump: MMOCR 1.x inferencer JSON (a folder of per-image files or one list), PaddleOCR system_results.txt / predicts_*.txt, or an ICDAR submission zip (res_img_1.txt). Images pair by name whatever the folder prefix (the same path, else the same trailing path, else the same file name without extension when unique); images on one side only count as no predictions / no ground truth and are listed.

        --protocol mmocr1 (default) reproduces MMOCR 1.x (HmeanIOUMetric, WordMetric, CharMetric, OneMinusNEDMetric, F1Metric); mmocr0 reproduces MMOCR 0.6.3 (eval_hmean with hmean-iou and hmean-ic13, eval_ocr_metric, compute_f1_score). Spotting follows 1.x E2EHmeanIOUMetric (texts upper-cased; one special character may be dropped at either end of the GT).

        Examples:
          prep eval det data/icdar2015/instances_test.json preds/ --report eval.json
          prep eval det textdet_test.json submit.zip --protocol mmocr0 --per-image per.jsonl --worst 10
          prep eval det textdet_test.json preds/ --worst 20 --worst-out worst.txt && prep show textdet_test.json -o gallery --only worst.txt
          prep eval recog test_label.jsonl predicts_rec.txt
          prep eval kie test.txt pred_test.txt --protocol mmocr0
          prep eval spotting textspotting_test.json system_results.txt

        Exit status: 0 scored, 1 unreadable input, 2 usage (including a PRED that is no known format).
        """)

    @Argument(help: ArgumentHelp("det, recog, spotting or kie.", valueName: "task"))
    var task: String

    @Argument(help: "Ground truth: an annotation file or LMDB folder.")
    var gt: String

    @Argument(help: "Predictions: an annotation file, MMOCR inferencer JSON (file or folder), PaddleOCR results, or an ICDAR submission zip.")
    var pred: String

    @Option(name: .customLong("protocol"), help: ArgumentHelp("mmocr1 (default) or mmocr0.", valueName: "p"))
    var evalProtocol: String = "mmocr1"

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Score thresholds to sweep (default 0.3 … 0.9 as numpy.arange gives them).", valueName: "T"))
    var scoreThr: [Double] = []

    @Option(name: .long, help: ArgumentHelp("vanilla (default, greedy) or max_matching (1.x, maximum bipartite matching).", valueName: "s"))
    var strategy: String = "vanilla"

    @Option(name: .long, help: "KIE: number of node classes (default 26, WildReceipt).")
    var numClasses: Int = 26

    @Option(name: .long, help: ArgumentHelp("KIE: classes left out of the mean (default WildReceipt's 0,2,…,24,25).", valueName: "c,…"))
    var ignoreClasses: String?

    @Option(name: .long, help: ArgumentHelp("Write the whole result as JSON.", valueName: "FILE.json"))
    var report: String?

    @Option(name: .long, help: ArgumentHelp("Write one JSON line per image (per word for recog).", valueName: "FILE.jsonl"))
    var perImage: String?

    @Option(name: .long, help: ArgumentHelp("List the N images (words) that lose most.", valueName: "N"))
    var worst: Int = 0

    @Option(name: .customLong("worst-out"), help: ArgumentHelp("Write the --worst images (words) one name per line, for prep show --only FILE.", valueName: "FILE"))
    var worstOut: String?

    @Flag(name: [.short, .long], help: "No table (the exit status and the files still tell).")
    var quiet = false

    func run() throws {
        guard let task = EvalTask(rawValue: task) else { throw PrepError.usage("task must be det, recog, spotting or kie (got \(task))") }
        guard let p = EvalProtocol(rawValue: evalProtocol) else { throw PrepError.usage("--protocol must be mmocr1 or mmocr0 (got \(evalProtocol))") }
        guard let s = HmeanIoU.Strategy(rawValue: strategy) else { throw PrepError.usage("--strategy must be vanilla or max_matching (got \(strategy))") }
        if s == .maxMatching && p == .mmocr0 { throw PrepError.usage("--strategy max_matching exists in MMOCR 1.x only (--protocol mmocr1)") }
        if let bad = scoreThr.first(where: { !($0 >= 0 && $0 <= 1) }) { throw PrepError.usage("--score-thr values must be within 0…1 (got \(bad))") }
        guard worst >= 0, numClasses >= 1 else { throw PrepError.usage("--worst must be ≥ 0 and --num-classes ≥ 1") }
        if worstOut != nil && worst == 0 { throw PrepError.usage("--worst-out needs --worst N (how many to list)") }
        var options = EvalJob.Options(task: task)
        options.evalProtocol = p
        options.strategy = s
        options.thresholds = scoreThr.isEmpty ? nil : scoreThr
        options.numClasses = numClasses
        options.collectItems = perImage != nil || worst > 0
        if let ignoreClasses {
            let parts = ignoreClasses.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.allSatisfy({ $0 != nil && $0! >= 0 && $0! < numClasses }) else {
                throw PrepError.usage("--ignore-classes must be class numbers below --num-classes, comma-separated (got \(ignoreClasses))")
            }
            options.ignoredClasses = parts.map { $0! }
        }
        let (gtSource, predSource) = try EvalSourceReader.readPair(gt: URL(fileURLWithPath: gt), pred: URL(fileURLWithPath: pred), task: task)
        let outcome = try EvalJob(options: options).run(gt: gtSource, pred: predSource)
        let view = EvalReportView(task: task, protocol: p, gt: (gt, gtSource), pred: (pred, predSource), outcome: outcome)
        if let perImage { try writeAtomically(view.perItemLines(), to: perImage) }
        if let report { try writeAtomically(view.reportJSON(worst: worst), to: report) }
        if let worstOut { try writeAtomically(view.worstNames(worst), to: worstOut) }
        if !quiet { print(view.table(worst: worst)) }
    }

    private func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw PrepError.io(path: path, reason: "cannot write")
        }
    }
}
