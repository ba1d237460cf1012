import Foundation
import XCTest

/// `prep lmdb` → `prep train recog` → `prep infer recog` on the rec-toy crops (10 real words),
/// with the tiny CRNN so the whole file runs in seconds; bad input; Ctrl-C and --resume.
final class TrainRecogCommandTests: XCTestCase {
    /// A recognition LMDB of the rec-toy crops, made by prep lmdb.
    func lmdb(_ root: URL) throws -> String {
        let out = root.appendingPathComponent("train.lmdb").path
        let r = try PrepProcess.run(["lmdb", PrepProcess.fixture("lmdb/rec-toy/label.txt").path, out,
                                     "-i", PrepProcess.fixture("lmdb/rec-toy/imgs").path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func testTrainThenInferOnATinyLMDB() throws {
        let root = try PrepProcess.tempDir(self)
        let data = try lmdb(root)
        let run = root.appendingPathComponent("run").path
        var r = try PrepProcess.run(["train", "recog", "--train", data, "--val", data, "-o", run, "--model", "crnn-tiny",
                                     "--steps", "9", "--batch", "4", "--audit", "--audit-confidence", "0", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("trained step 9 of 9"), r.stdout)
        XCTAssertTrue(r.stdout.contains("validation: word_acc"), r.stdout)
        for f in ["config.yaml", "dict.txt", "last.safetensors", "best.safetensors", "last.state.safetensors", "metrics.jsonl",
                  "loss.png", "skipped.jsonl", "audit.jsonl", "audit/label.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + f), f)
        }
        // Every word of rec-toy is a suspect with confidence ≥ 0 unless read exactly; the audit's
        // label file shows in prep show.
        let audit = try String(contentsOfFile: run + "/audit.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertFalse(audit.isEmpty)
        XCTAssertTrue(audit[0].hasPrefix("{\"rank\": 1, \"name\": \"image-0000000"), String(audit[0]))
        r = try PrepProcess.run(["show", run + "/audit/label.jsonl", "-o", root.appendingPathComponent("gallery").path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)

        // Inference on the LMDB and on the crop folder.
        let pred = root.appendingPathComponent("pred.jsonl").path
        r = try PrepProcess.run(["infer", "recog", run + "/best.safetensors", data, "-o", pred, "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOfFile: pred, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 10)
        for (k, line) in lines.enumerated() {
            let v = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(v["filename"] as? String, String(format: "image-%09d", k + 1))
            XCTAssertNotNil(v["text"] as? String)
            let score = try XCTUnwrap(v["score"] as? Double)
            XCTAssertTrue(score >= 0 && score <= 1)
        }
        // The predictions are a label file prep reads (here: prep cat).
        r = try PrepProcess.run(["cat", pred, "--head", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let folderPred = root.appendingPathComponent("folder.jsonl").path
        r = try PrepProcess.run(["infer", "recog", run + "/last.safetensors", PrepProcess.fixture("lmdb/rec-toy/imgs").path, "-o", folderPred, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: folderPred, encoding: .utf8).hasPrefix("{\"filename\": \"1036169.jpg\""))
    }

    func testTrainsOnWordsCutFromADetectionFile() throws {
        // PaddleOCR detection labels on a real page (fixtures/detext-toy): the words are cut on
        // the fly by prep crops' engine; the do-not-care region and the empty text are reported.
        let root = try PrepProcess.tempDir(self)
        try FileManager.default.copyItem(at: PrepProcess.fixture("detext-toy/imgs/training/img_1.jpg"), to: root.appendingPathComponent("img_1.jpg"))
        let det = root.appendingPathComponent("det_gt.txt")
        try ("img_1.jpg\t[{\"transcription\": \"Genaxis\", \"points\": [[377, 117], [463, 117], [463, 130], [377, 130]]}, "
             + "{\"transcription\": \"###\", \"points\": [[1, 1], [9, 1], [9, 9], [1, 9]]}, "
             + "{\"transcription\": \"\", \"points\": [[10, 10], [30, 10], [30, 20], [10, 20]]}, "
             + "{\"transcription\": \"Theatre\", \"points\": [[493, 115], [519, 115], [519, 131], [493, 131]]}]\n")
            .write(to: det, atomically: true, encoding: .utf8)
        let run = root.appendingPathComponent("run").path
        var r = try PrepProcess.run(["train", "recog", "--train", det.path, "--images", root.path, "-o", run, "--model", "crnn-tiny",
                                     "--steps", "2", "--batch", "2"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("2 words cut on the fly"), r.stdout)
        XCTAssertTrue(r.stdout.contains("instance 3: no transcription"), r.stdout)
        // Inference on the same file names the words as prep crops would.
        let pred = root.appendingPathComponent("pred.jsonl").path
        r = try PrepProcess.run(["infer", "recog", run + "/last.safetensors", det.path, "--images", root.path, "-o", pred, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = try String(contentsOfFile: pred, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["filename"] as! String
        }
        XCTAssertEqual(names, ["img_1_1.png", "img_1_3.png"])
    }

    func testBadInputIsAClearError() throws {
        let root = try PrepProcess.tempDir(self)
        let run = root.appendingPathComponent("run").path
        // Missing and empty training data.
        var r = try PrepProcess.run(["train", "recog", "--train", root.appendingPathComponent("nope.lmdb").path, "-o", run])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("no such file or folder"), r.stderr)
        let empty = root.appendingPathComponent("empty.txt")
        try "".write(to: empty, atomically: true, encoding: .utf8)
        r = try PrepProcess.run(["train", "recog", "--train", empty.path, "-o", run, "-q"])
        XCTAssertNotEqual(r.status, 0); XCTAssertTrue(r.stderr.contains("empty"), r.stderr)
        // Every label outside the dictionary: nothing usable.
        let data = try lmdb(root)
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", run, "--dict", PrepProcess.fixture("lmdb/rec-toy/label.txt").path])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("expected one character per line"), r.stderr)
        let digits = root.appendingPathComponent("digits.txt")
        try "0\n1\n2\n".write(to: digits, atomically: true, encoding: .utf8)
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", run, "--dict", digits.path, "--model", "crnn-tiny"])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("no training sample is usable"), r.stderr)
        XCTAssertTrue(r.stdout.contains("outside the dictionary: 'G'"), r.stdout)
        // An unwritable run folder (a file).
        let file = root.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", file.path, "--model", "crnn-tiny"])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("is a file, not a run folder"), r.stderr)
        // Usage: --resume without a run, bad optimizer.
        r = try PrepProcess.run(["train", "recog", "-o", root.appendingPathComponent("none").path, "--resume"])
        XCTAssertEqual(r.status, 2); XCTAssertTrue(r.stderr.contains("holds no resumable run"), r.stderr)
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", run, "--optimizer", "sgd"])
        XCTAssertEqual(r.status, 2); XCTAssertTrue(r.stderr.contains("--optimizer must be adam or adadelta"), r.stderr)
        // A corrupt checkpoint, and a checkpoint read with another dictionary.
        let bad = root.appendingPathComponent("bad.safetensors")
        try Data([8, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: bad)
        r = try PrepProcess.run(["infer", "recog", bad.path, data, "-o", root.appendingPathComponent("p.jsonl").path])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains(bad.path), r.stderr)
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", run, "--model", "crnn-tiny", "--steps", "1", "--batch", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["infer", "recog", run + "/last.safetensors", data, "-o", root.appendingPathComponent("p.jsonl").path, "--dict", "DICT90"])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("decoder.decoder.1.embedding.weight"), r.stderr)
        // A CRNN state dict written from PyTorch (fixtures/crnn-parity, scripts/make_crnn_fixture.py:
        // 11 classes) loads with a 10-character dictionary, and not with DICT36.
        let torchWeights = PrepProcess.fixture("crnn-parity/weights.safetensors").path
        r = try PrepProcess.run(["infer", "recog", torchWeights, data, "-o", root.appendingPathComponent("t.jsonl").path, "--dict", digits.path])
        XCTAssertEqual(r.status, 1); XCTAssertTrue(r.stderr.contains("has 11 rows but the dictionary gives 4 classes"), r.stderr)
        let ten = root.appendingPathComponent("ten.txt")
        try "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n".write(to: ten, atomically: true, encoding: .utf8)
        r = try PrepProcess.run(["infer", "recog", torchWeights, data, "-o", root.appendingPathComponent("t.jsonl").path, "--dict", ten.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOfFile: root.appendingPathComponent("t.jsonl").path, encoding: .utf8).split(separator: "\n").count, 10)
        // A finished run is not overwritten without --force.
        r = try PrepProcess.run(["train", "recog", "--train", data, "-o", run, "--model", "crnn-tiny", "--steps", "1"])
        XCTAssertEqual(r.status, 2); XCTAssertTrue(r.stderr.contains("already holds a run"), r.stderr)
    }

    func testCtrlCSavesAResumableCheckpoint() throws {
        let root = try PrepProcess.tempDir(self)
        let data = try lmdb(root)
        let run = root.appendingPathComponent("run")
        let p = Process()
        p.executableURL = PrepProcess.binary
        p.arguments = ["train", "recog", "--train", data, "-o", run.path, "--model", "crnn-tiny", "--steps", "100000", "--batch", "2", "-q"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for a few steps in the log, then Ctrl-C.
        let metrics = run.appendingPathComponent("metrics.jsonl").path
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: metrics, encoding: .utf8), s.split(separator: "\n").count >= 3 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("last.state.safetensors").path))
        let stoppedAt = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").count
        let r = try PrepProcess.run(["train", "recog", "-o", run.path, "--resume", "--steps", String(stoppedAt + 2)])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("resumed at step \(stoppedAt)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("trained step \(stoppedAt + 2) of \(stoppedAt + 2)"), r.stdout)
    }

    /// A second Ctrl-C while a step is computing ends prep at once with 130 and leaves the run
    /// folder as the last checkpoint left it (resumable). `PREP_TEST_HOLD_STEP` (test only, see
    /// `TrainingTestHold`) holds step 5 in a GEMM loop forever and makes any exit handler abort,
    /// so the test fails with `exit(130)` in main.swift and passes with `_exit(130)` — every run.
    func testSecondCtrlCEndsAtOnceKeepingTheLastCheckpoint() throws {
        let root = try PrepProcess.tempDir(self)
        let data = try lmdb(root)
        let run = root.appendingPathComponent("run")
        let errFile = root.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let p = Process()
        p.executableURL = PrepProcess.binary
        p.arguments = ["train", "recog", "--train", data, "-o", run.path, "--model", "crnn-tiny", "--steps", "100",
                       "--batch", "2", "--val-every", "2", "-q"]
        var env = ProcessInfo.processInfo.environment
        env["PREP_TEST_HOLD_STEP"] = "5"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        func waitFor(_ text: String) -> Bool {
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline {
                if let s = try? String(contentsOf: errFile, encoding: .utf8), s.contains(text) { return true }
                if !p.isRunning { return false }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        guard waitFor("test hold at step 5") else {
            p.terminate(); p.waitUntilExit()
            return XCTFail("the run never reached the held step: \((try? String(contentsOf: errFile, encoding: .utf8)) ?? "")")
        }
        // The first Ctrl-C asks for a checkpoint after this step (which never ends); the second,
        // sent once the first was handled (signals can coalesce), must end prep at once.
        kill(p.processIdentifier, SIGINT)
        XCTAssertTrue(waitFor("stopping after this step"))
        kill(p.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        XCTAssertEqual(p.terminationReason, .exit, stderr)
        XCTAssertEqual(p.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("interrupted; earlier outputs are unchanged"), stderr)
        XCTAssertFalse(stderr.contains("exit handler ran"), stderr)
        // The run folder holds the checkpoint of step 4 (--val-every 2), intact: resume goes on from it.
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").filter { !$0.contains("\"val\"") }.count, 4)
        let r = try PrepProcess.run(["train", "recog", "-o", run.path, "--resume", "--steps", "6"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("resumed at step 4"), r.stdout)
        XCTAssertTrue(r.stdout.contains("trained step 6 of 6"), r.stdout)
    }
}
