import Foundation
import XCTest
import PrepCore
import PrepFormats

/// Recognition from shipped word crops: ICDAR 2011/2013 against MMOCR 0.6.3's textrecog
/// converters (fixtures/expected/icdar201x-toy/recog, tools/family_golden.py), IIIT5K hand-checked.
final class LabelOnlyTests: XCTestCase {
    func testICDAR2013And2011Labels() throws {
        for dataset in ["icdar2013", "icdar2011"] {
            let root = try fixtureCopy("\(dataset)-toy")
            let r = try PrepProcess.run([dataset, root.path, "--task", "recog", "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            for f in ["train_label.jsonl", "test_label.jsonl"] {
                XCTAssertEqual(try readText(root, f), try golden("\(dataset)-toy", "recog/" + f), "\(dataset) \(f)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_training.json").path))
        }
        // txt: the text keeps its spaces and quotes.
        let root = try fixtureCopy("icdar2013-toy")
        let r = try PrepProcess.run(["icdar2013", root.path, "--task", "recog", "--format", "txt", "--split-list", "training", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_label.txt"), "train/word_1.png flying\ntrain/word_2.png to, day\ntrain/word_3.png say \"hi\"\n")
    }

    func testIIIT5KReportsMissingImagesAndBadLines() throws {
        let root = try fixtureCopy("iiit5k-toy")
        var r = try PrepProcess.run(["iiit5k", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_label.jsonl"),
                       "{\"filename\": \"train/1009_2.png\", \"text\": \"You\"}\n{\"filename\": \"train/1010_1.png\", \"text\": \"New York\"}\n")
        XCTAssertEqual(try readText(root, "test_label.jsonl"), "{\"filename\": \"test/1002_1.png\", \"text\": \"Caf\\u00e9\"}\n")
        XCTAssertTrue(r.stdout.contains("train_label.txt:4: image train/9999_9.png is absent"), r.stdout)
        XCTAssertTrue(r.stdout.contains("train_label.txt:5: expected `name text`"), r.stdout)
        // The shipped label file is never replaced.
        let before = try readText(root, "train_label.txt")
        r = try PrepProcess.run(["iiit5k", root.path, "--format", "txt", "-q"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(try readText(root, "train_label.txt"), before)
        let out = try PrepProcess.tempDir(self)
        r = try PrepProcess.run(["iiit5k", root.path, "--format", "txt", "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(out, "train_label.txt"), "train/1009_2.png You\ntrain/1010_1.png New York\n")
    }

    func testMJSynthWordsFromFileNames() throws {
        let root = try fixtureCopy("mjsynth-toy")
        let r = try PrepProcess.run(["mjsynth", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_label.jsonl"),
                       "{\"filename\": \"2697/6/466_MONIKER_49537.jpg\", \"text\": \"MONIKER\"}\n{\"filename\": \"1/1/3_JERKIER_41625.jpg\", \"text\": \"JERKIER\"}\n")
        XCTAssertTrue(r.stdout.contains("annotation.txt:3: image 9/9/1_GONE_7.jpg is absent"), r.stdout)
        XCTAssertTrue(r.stdout.contains("annotation.txt:4: expected"), r.stdout)
    }

    /// SynthAdd: the hosted label.txt → train_label.{jsonl,txt} (hand-checked), which `prep lmdb`
    /// packs into the LMDB MMOCR 0.6.3's lmdb_converter.py makes of label.txt (key for key;
    /// fixtures/tools/synthadd_fixture.py, the absent image's line left out of the reference's input).
    func testSynthAddLabelsPackLikeTheReference() throws {
        let root = try fixtureCopy("synthadd-toy")
        let r = try PrepProcess.run(["synthadd", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("label.txt:3: image SynthText_Add/crop_img_2/2_9.jpg is absent"), r.stdout)
        XCTAssertEqual(try readText(root, "train_label.jsonl"),
                       "{\"filename\": \"SynthText_Add/crop_img_1/1_1.jpg\", \"text\": \"Hello\"}\n{\"filename\": \"SynthText_Add/crop_img_1/1_2.jpg\", \"text\": \"W0rld!\"}\n{\"filename\": \"SynthText_Add/crop_img_2/2_1.jpg\", \"text\": \"mixedCase\"}\n")
        let out = root.appendingPathComponent("out")
        XCTAssertEqual(try PrepProcess.run(["synthadd", root.path, "--format", "txt", "-o", out.path, "-q"]).status, 0)
        XCTAssertEqual(try readText(out, "train_label.txt"),
                       "SynthText_Add/crop_img_1/1_1.jpg Hello\nSynthText_Add/crop_img_1/1_2.jpg W0rld!\nSynthText_Add/crop_img_2/2_1.jpg mixedCase\n")
        for (label, extra, golden) in [("train_label.jsonl", ["-i", root.path], "imgs.lmdb"), ("out/train_label.txt", ["-i", root.path], "imgs.lmdb"),
                                       ("train_label.jsonl", ["--label-only"], "label.lmdb")] {
            let db = root.appendingPathComponent("db-\(golden)-\(label.count)")
            let p = try PrepProcess.run(["lmdb", root.appendingPathComponent(label).path, db.path] + extra + ["-q"])
            XCTAssertEqual(p.status, 0, p.stderr)
            XCTAssertEqual(try lmdbRecords(db), try lmdbRecords(PrepProcess.fixture("expected/synthadd-toy/" + golden)), "\(label) \(extra)")
        }
    }

    /// Every key and value of an LMDB, in key order.
    func lmdbRecords(_ url: URL) throws -> [String] {
        let env = try LMDBEnvironment(readingAt: url)
        return try env.read { r in
            var out: [String] = []
            try r.forEach { k, v in out.append(String(decoding: k, as: UTF8.self) + "=" + SHA256.of(v).description); return true }
            return out
        }
    }

    /// Whole-file sources parse on the workers: outputs are byte-identical for any --nproc.
    func testWholeFileOutputsIdenticalForAnyNproc() throws {
        var outputs: [String] = []
        for n in ["1", "2", "3"] {
            let root = try fixtureCopy("textocr-toy")
            let r = try PrepProcess.run(["textocr", root.path, "--task", "det", "recog", "spotting", "--nproc", n, "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            outputs.append(try readText(root, "instances_training.json") + readText(root, "spotting_instances_val.json") + readText(root, "train_label.jsonl"))
        }
        XCTAssertEqual(Set(outputs).count, 1)
    }

    /// Lecture Video DB: frames in nested folders (det) and the shipped crops' labels (recog),
    /// against the reference's lv_converter.py (fixtures/expected/lv-toy; file_name keeps the
    /// frame's path, documented fix).
    func testLectureVideoDB() throws {
        let root = try fixtureCopy("lv-toy")
        let r = try PrepProcess.run(["lv", root.path, "--task", "det", "recog"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.contains("skipped:"), r.stdout)
        for f in ["instances_train.json", "instances_val.json", "instances_test.json"] {
            XCTAssertEqual(try readText(root, f), try golden("lv-toy", f), f)
        }
        for f in ["train_label.jsonl", "val_label.jsonl", "test_label.jsonl"] {
            XCTAssertEqual(try readText(root, f), try golden("lv-toy", "recog/" + f), f)
        }
    }

    /// ArT recognition from the task-2 crops against the reference's textrecog/art_converter.py
    /// (--val-ratio 0.5; the absent crop's label left out, documented fix).
    func testArTTask2Labels() throws {
        let root = try fixtureCopy("art-toy")
        let r = try PrepProcess.run(["art", root.path, "--task", "recog", "--val-ratio", "0.5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["train_label.jsonl", "val_label.jsonl"] {
            XCTAssertEqual(try readText(root, f), try golden("art-toy", "recog/" + f), f)
        }
        XCTAssertTrue(r.stdout.contains("train_task2_labels.json: gt_3_1: image crops/gt_3_1.jpg is absent"), r.stdout)
    }
}
