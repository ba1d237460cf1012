import XCTest
import PrepCore
import PrepFormats
@testable import PrepModels

/// The files a run and an inference write, without training.
final class RecogRunFilesTests: XCTestCase {
    func testConfigRoundTripsAndYAMLNamesEverySetting() throws {
        var c = RecogTrainConfig(train: ["a b.lmdb"])
        c.val = ["v.lmdb"]; c.clipNorm = 5; c.seed = 42
        XCTAssertEqual(try RecogTrainConfig.fromJSON(c.json(), source: "x"), c)
        let y = c.yaml
        for line in ["train:\n  - \"a b.lmdb\"", "val:\n  - \"v.lmdb\"", "batch_size: 64", "optimizer: \"adam\"", "learning_rate: 0.002",
                     "clip_norm: 5.0", "  keep_ratio: false", "seed: 42"] {
            XCTAssertTrue(y.contains(line), line + "\n" + y)
        }
        XCTAssertThrowsError(try { var b = c; b.optimizer = "sgd"; try b.validate() }())
        XCTAssertThrowsError(try { var b = c; b.input.width = 30; try b.validate() }())
        XCTAssertThrowsError(try { var b = c; b.train = []; try b.validate() }())
    }

    func testPredictionsAreReadBackAsLabelFiles() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = [RecogPredictionWriter.Row(name: "a.jpg", text: "hello", score: 0.9876543),
                    .init(name: "b c.jpg", text: "x y", score: 0.5)]
        let jsonl = dir.appendingPathComponent("pred.jsonl")
        XCTAssertTrue(try RecogPredictionWriter(url: jsonl, format: .jsonl).write(rows).isEmpty)
        XCTAssertEqual(try String(contentsOf: jsonl, encoding: .utf8),
                       "{\"filename\": \"a.jpg\", \"text\": \"hello\", \"score\": 0.987654}\n{\"filename\": \"b c.jpg\", \"text\": \"x y\", \"score\": 0.5}\n")
        let txt = dir.appendingPathComponent("pred.txt")
        let refused = try RecogPredictionWriter(url: txt, format: .txt).write(rows)
        XCTAssertEqual(refused.map(\.name), ["b c.jpg"])  // a space in the path: txt cannot hold it
        XCTAssertEqual(try String(contentsOf: txt, encoding: .utf8), "a.jpg hello\n")
        // Both read back through the format layer.
        for url in [jsonl, txt] {
            let reader = try AnnotationFormat.detect(url).format.open(url)
            let first = try XCTUnwrap(reader.next())
            XCTAssertEqual([first.imagePath, first.text], ["a.jpg", "hello"])
        }
    }

    func testAuditRanksConfidentContradictionsByLoss() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = RecogLabelAudit(minConfidence: 0.9, charset: .dict36)
        let c = [RecogLabelAudit.Candidate(name: "ok", location: "l:1", label: "HOTEL", prediction: "hotel", confidence: 0.99, loss: 0.1, sourceIndex: 0),
                 .init(name: "unsure", location: "l:2", label: "cat", prediction: "cot", confidence: 0.5, loss: 9, sourceIndex: 1),
                 .init(name: "wrong1", location: "l:3", label: "dog", prediction: "bog", confidence: 0.95, loss: 3, sourceIndex: 2),
                 .init(name: "wrong2", location: "l:4", label: "sun", prediction: "moon", confidence: 0.97, loss: 7, sourceIndex: 3)]
        let s = a.suspects(c)
        XCTAssertEqual(s.map(\.name), ["wrong2", "wrong1"])
        let png = try ImageCodec.encodePNG(Pixels(width: 2, height: 2, channels: 1, order: .gray, data: [0, 255, 255, 0]))
        try a.write(s, report: dir.appendingPathComponent("audit.jsonl"), folder: dir.appendingPathComponent("audit")) { _ in png }
        let report = try String(contentsOf: dir.appendingPathComponent("audit.jsonl"), encoding: .utf8)
        XCTAssertTrue(report.hasPrefix("{\"rank\": 1, \"name\": \"wrong2\", \"location\": \"l:4\", \"label\": \"sun\", \"prediction\": \"moon\", \"confidence\": 0.97, \"loss\": 7.0}\n"), report)
        let labels = try String(contentsOf: dir.appendingPathComponent("audit/label.jsonl"), encoding: .utf8)
        XCTAssertEqual(labels.split(separator: "\n").first, "{\"filename\": \"crops/00001.png\", \"text\": \"sun\", \"prediction\": \"moon\"}")
        XCTAssertEqual([UInt8](try Data(contentsOf: dir.appendingPathComponent("audit/crops/00002.png"))), png)
    }

    func testMetricsLogKeepsOnlyStepsUpToTheResumePoint() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("metrics.jsonl")
        do {
            let log = try RecogMetricsLog(url: url, keepUpTo: nil)
            for s in 1...5 { log.step(s, epoch: 0, loss: Double(10 - s), lr: 0.001, samplesPerSecond: 12.34) }
            log.validation(5, epoch: 0, scores: [("word_acc", 0.5)], loss: nil)
        }
        let log = try RecogMetricsLog(url: url, keepUpTo: 3)
        XCTAssertEqual(log.losses.map(\.step), [1, 2, 3])
        XCTAssertTrue(log.accuracy.isEmpty)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], "{\"step\": 1, \"epoch\": 0, \"loss\": 9.0, \"finite\": true, \"lr\": 0.001, \"samples_per_s\": 12.3, \"time_s\": 0.0}")
        let png = try LossCurvePlot().png(losses: [(1, 3), (2, 2), (3, 1)], accuracy: [(3, 0.5)])
        let decoded = try ImageCodec.decode(png, name: "loss.png")
        XCTAssertEqual([decoded.width, decoded.height], [800, 400])
        XCTAssertTrue(decoded.data.contains { $0 < 128 }, "something is drawn")
    }

    /// loss.png labels its axes (values at the quarters, titles) and has a legend: ink below
    /// the x axis (step values and title), blue left of the plot (loss values), red right of it
    /// (accuracy values), and text above the plot (legend, axis titles).
    func testLossCurveHasAxisLabelsAndLegend() throws {
        let plot = LossCurvePlot()
        let png = try plot.png(losses: (1...200).map { ($0, 5 / Double($0).squareRoot()) }, accuracy: [(100, 0.2), (200, 0.6)])
        let p = try ImageCodec.decode(png, name: "loss.png")
        func count(_ x: Range<Int>, _ y: Range<Int>, _ color: (UInt8, UInt8, UInt8)) -> Int {
            var n = 0
            for yy in y { for xx in x {
                let o = (yy * p.width + xx) * 3
                if (p.data[o], p.data[o + 1], p.data[o + 2]) == color { n += 1 }
            } }
            return n
        }
        XCTAssertGreaterThan(count(0..<800, 360..<400, LossCurvePlot.ink), 100, "step values and title under the axis")
        XCTAssertGreaterThan(count(0..<58, 40..<356, LossCurvePlot.lossColor), 50, "loss values left of the plot")
        XCTAssertGreaterThan(count(742..<800, 40..<356, LossCurvePlot.accuracyColor), 50, "accuracy values right of the plot")
        XCTAssertGreaterThan(count(100..<700, 0..<38, LossCurvePlot.ink), 100, "legend above the plot")
        XCTAssertEqual(LossCurvePlot.compact(4.5), "4.5")
        XCTAssertEqual(LossCurvePlot.compact(12.4), "12")
        XCTAssertEqual(LossCurvePlot.compact(0.25), "0.25")
        XCTAssertEqual(PlotFont.width("step", scale: 2), 46)
    }

    /// Hand-checked against lean-core.md §1: "a-b" strips to "ab"; "x"/"y" share no character.
    func testValidationScoresThroughPrepEval() {
        let m = PrepEvalRecogScorer().score(predictions: ["Hotel", "a-b", "x", ""], labels: ["hotel", "ab", "y", ""])
        let d = Dictionary(uniqueKeysWithValues: m.map { ($0.key, $0.value) })
        XCTAssertEqual(d["word_acc"], 0.25)
        XCTAssertEqual(d["word_acc_ignore_case"], 0.5)
        XCTAssertEqual(d["word_acc_ignore_case_symbol"], 0.75)
        XCTAssertEqual(d["1-N.E.D"], 0.75)
        // Chars (normalised): gt "hotel","ab","y" = 8, pred "hotel","ab","x" = 8, 7 in common.
        XCTAssertEqual(d["char_recall"], 0.875)
        XCTAssertEqual(d["char_precision"], 0.875)
        XCTAssertEqual(m.first?.key, "word_acc")
    }

    func testUnwritableRunFolderIsAClearError() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file")
        try Data().write(to: file)
        XCTAssertThrowsError(try RecogRunFolder(url: file).prepare()) { e in XCTAssertTrue("\(e)".contains("is a file"), "\(e)") }
        XCTAssertThrowsError(try RecogRunFolder(url: file.appendingPathComponent("run")).prepare()) { e in
            XCTAssertTrue("\(e)".contains("cannot create the run folder"), "\(e)")
        }
    }
}
