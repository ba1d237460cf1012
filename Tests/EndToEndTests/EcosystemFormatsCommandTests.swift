import XCTest
import PrepFormats
import PrepCore

/// `--to doctr|hf|easyocr|tesstrain` through the real binary: dataset commands, `prep crops` and
/// `prep convert`. Every output reads back through prep's readers with each image present; the
/// same outputs were loaded by docTR 0.8.1, `datasets` 3.6 and pandas (EasyOCR's read) with
/// `scripts/check_ecosystem_load.py` (not in CI).
final class EcosystemFormatsCommandTests: XCTestCase {
    let fm = FileManager.default

    /// Reads `url` back (format detected) and checks every image exists under `root`.
    func readBack(_ url: URL, root: URL, _ expected: AnnotationFormat, file: StaticString = #filePath, line: UInt = #line) throws -> [AnnotationRecord] {
        XCTAssertEqual(try AnnotationFormat.detect(url).format, expected, url.path, file: file, line: line)
        let reader = try expected.open(url)
        var out: [AnnotationRecord] = []
        while let r = try reader.next() {
            XCTAssertTrue(fm.fileExists(atPath: root.appendingPathComponent(r.imagePath).path), r.imagePath, file: file, line: line)
            out.append(r)
        }
        return out
    }

    func testDatasetCommandWritesEachFormat() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = PrepProcess.fixture("icdar2015-recog-toy").path
        // docTR: det (DetectionDataset + OCRDataset) and recog in their train_path layouts.
        let d = tmp.appendingPathComponent("doctr")
        var r = try PrepProcess.run(["icdar2015", src, "--task", "det", "recog", "--from-det", "--to", "doctr", "-o", d.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 × do-not-care regions left out"), r.stdout)
        let det = try readBack(d.appendingPathComponent("doctr/train/labels.json"), root: d.appendingPathComponent("doctr/train/images"), .doctr)
        XCTAssertEqual(det.map(\.imagePath), ["train/img_1.jpg"])
        XCTAssertEqual(det[0].instances.count, 4)
        let ocr = try readBack(d.appendingPathComponent("doctr/train/ocr_labels.json"), root: d.appendingPathComponent("doctr/train/images"), .doctr)
        XCTAssertEqual(ocr[0].instances.map(\.text), ["Genaxis Theatre", "[06]", "62-03", "Carpark"])
        let rec = try readBack(d.appendingPathComponent("doctr_rec/train"), root: d.appendingPathComponent("doctr_rec/train/images"), .doctr)
        XCTAssertEqual(rec.map { "\($0.imagePath) \($0.text!)" }, ["img_1_0.jpg Genaxis Theatre", "img_1_1.jpg [06]", "img_1_3.jpg 62-03", "img_1_4.jpg Carpark"])
        // imagefolder: metadata.jsonl per split, file_name relative to it.
        let h = tmp.appendingPathComponent("hf")
        r = try PrepProcess.run(["icdar2015", src, "--task", "det", "recog", "--from-det", "--to", "hf", "-o", h.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let hdet = try readBack(h.appendingPathComponent("hf_det/test/metadata.jsonl"), root: h.appendingPathComponent("hf_det/test"), .hf)
        XCTAssertEqual(hdet.map(\.imagePath), ["images/test/img_2.jpg"])
        XCTAssertEqual(hdet[0].width, 1280)
        let hrec = try readBack(h.appendingPathComponent("hf_rec/test/metadata.jsonl"), root: h.appendingPathComponent("hf_rec/test"), .hf)
        XCTAssertEqual(hrec.map(\.imagePath), ["images/img_2_0.jpg", "images/img_2_1.jpg"])
        // EasyOCR and tesstrain: recognition only (det is refused as a usage error).
        let e = tmp.appendingPathComponent("easyocr")
        r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--from-det", "--to", "easyocr", "-o", e.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readBack(e.appendingPathComponent("easyocr/train/labels.csv"), root: e.appendingPathComponent("easyocr/train"), .easyocr).count, 4)
        let t = tmp.appendingPathComponent("tess")
        r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--from-det", "--to", "tesstrain", "-o", t.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let tess = try readBack(t.appendingPathComponent("tesstrain/train"), root: t.appendingPathComponent("tesstrain/train"), .tesstrain)
        XCTAssertEqual(tess.map(\.imagePath), ["img_1_0.png", "img_1_1.png", "img_1_3.png", "img_1_4.png"])  // tesstrain trains on PNG
        XCTAssertEqual(try String(contentsOf: t.appendingPathComponent("tesstrain/train/img_1_0.gt.txt"), encoding: .utf8), "Genaxis Theatre\n")
        r = try PrepProcess.run(["icdar2015", src, "--task", "det", "--to", "tesstrain", "-o", t.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        // prep validate reads each of them (images resolved where the trainer looks).
        for path in [d.appendingPathComponent("doctr/train/labels.json"), d.appendingPathComponent("doctr_rec/train"),
                     h.appendingPathComponent("hf_rec/test/metadata.jsonl"), e.appendingPathComponent("easyocr/train/labels.csv"),
                     t.appendingPathComponent("tesstrain/train")] {
            r = try PrepProcess.run(["validate", path.path])
            XCTAssertEqual(r.status, 0, "\(path.path): \(r.stdout) \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("passed"), r.stdout)
        }
    }

    /// Shipped word crops (ICDAR 2015's official ones) in the self-contained layouts: linked under
    /// images/ (docTR, imagefolder, EasyOCR), copied beside their .gt.txt (tesstrain).
    func testShippedCropsInEachLayout() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = PrepProcess.fixture("icdar2015-recog-toy").path
        for (to, label, format, root) in [("doctr", "doctr_rec/train/labels.json", AnnotationFormat.doctr, "doctr_rec/train/images"),
                                          ("hf", "hf_rec/train/metadata.jsonl", .hf, "hf_rec/train"),
                                          ("easyocr", "easyocr/train/labels.csv", .easyocr, "easyocr/train"),
                                          ("tesstrain", "tesstrain/train", .tesstrain, "tesstrain/train")] {
            let out = tmp.appendingPathComponent(to)
            let r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--to", to, "-o", out.path, "-q"])
            XCTAssertEqual(r.status, 0, "\(to): \(r.stderr)")
            let recs = try readBack(out.appendingPathComponent(label), root: out.appendingPathComponent(root), format)
            XCTAssertEqual(recs.map(\.text), ["Genaxis Theatre", "\"HOLD, ON\"", "[06]"], to)
        }
        XCTAssertNil(try? fm.destinationOfSymbolicLink(atPath: tmp.appendingPathComponent("tesstrain/tesstrain/train/word_1.png").path))
    }

    /// EasyOCR's trainer (`trainer/dataset.py` `hierarchical_dataset`) makes a dataset of each
    /// folder without sub-folders and reads `labels.csv` in it: every way prep writes EasyOCR puts
    /// the crops flat beside labels.csv (an `images/` folder there made the real trainer fail with
    /// FileNotFoundError on `images/labels.csv`; `scripts/check_easyocr_train.py`).
    func testEasyOCRCropsLieBesideLabels() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = PrepProcess.fixture("icdar2015-recog-toy").path
        func assertFlat(_ dir: URL, _ names: [String], file: StaticString = #filePath, line: UInt = #line) throws {
            let entries = try fm.contentsOfDirectory(atPath: dir.path).sorted()
            XCTAssertEqual(entries, (names + ["labels.csv"]).sorted(), dir.path, file: file, line: line)
            for name in names {
                XCTAssertNil(try? fm.destinationOfSymbolicLink(atPath: dir.appendingPathComponent(name).path), name, file: file, line: line)
            }
            let recs = try readBack(dir.appendingPathComponent("labels.csv"), root: dir, .easyocr, file: file, line: line)
            XCTAssertEqual(recs.map(\.imagePath).sorted(), names.sorted(), file: file, line: line)
        }
        // Cut from the det ground truth, and the shipped crops (copied, not linked).
        let cut = tmp.appendingPathComponent("cut")
        var r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--from-det", "--to", "easyocr", "-o", cut.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertFlat(cut.appendingPathComponent("easyocr/train"), ["img_1_0.jpg", "img_1_1.jpg", "img_1_3.jpg", "img_1_4.jpg"])
        let shipped = tmp.appendingPathComponent("shipped")
        r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--to", "easyocr", "-o", shipped.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertFlat(shipped.appendingPathComponent("easyocr/train"), ["word_1.png", "word_2.png", "word_3.png"])
        // prep crops: crops/labels.csv beside the crops (the pages' folder `test/` joins the crop names).
        let crops = tmp.appendingPathComponent("crops")
        r = try PrepProcess.run(["crops", PrepProcess.fixture("expected/icdar2015-toy/instances_test.json").path, "--images",
                                 PrepProcess.fixture("icdar2015-toy/imgs").path, "--text-from", "icdar2015",
                                 "--gt-dir", PrepProcess.fixture("icdar2015-toy/annotations").path, "--to", "easyocr", "-o", crops.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let cropDir = crops.appendingPathComponent("crops")
        let cropNames = try fm.contentsOfDirectory(atPath: cropDir.path).filter { $0 != "labels.csv" }
        XCTAssertGreaterThan(cropNames.count, 10)
        try assertFlat(cropDir, cropNames)
        XCTAssertTrue(cropNames.contains("test_img_1_1.png"), "\(cropNames)")
        // The same for tesstrain (it refused every crop of a page in a sub-folder before).
        let tess = tmp.appendingPathComponent("tess")
        r = try PrepProcess.run(["crops", PrepProcess.fixture("expected/icdar2015-toy/instances_test.json").path, "--images",
                                 PrepProcess.fixture("icdar2015-toy/imgs").path, "--text-from", "icdar2015",
                                 "--gt-dir", PrepProcess.fixture("icdar2015-toy/annotations").path, "--to", "tesstrain", "-o", tess.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readBack(tess.appendingPathComponent("crops"), root: tess.appendingPathComponent("crops"), .tesstrain).count, cropNames.count)
        // An LMDB converted to EasyOCR: its images written beside labels.csv.
        let m0 = tmp.appendingPathComponent("m0")
        r = try PrepProcess.run(["icdar2015", src, "--task", "recog", "--from-det", "-o", m0.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lmdb = tmp.appendingPathComponent("train.lmdb")
        r = try PrepProcess.run(["lmdb", m0.appendingPathComponent("train_label.jsonl").path, lmdb.path, "-i", m0.appendingPathComponent("crops").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let conv = tmp.appendingPathComponent("conv")
        r = try PrepProcess.run(["convert", lmdb.path, "-o", conv.appendingPathComponent("labels.csv").path, "--to", "easyocr"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let convNames = try fm.contentsOfDirectory(atPath: conv.path).filter { $0 != "labels.csv" }
        XCTAssertEqual(convNames.count, 4)
        try assertFlat(conv, convNames)
        // Labels naming a sub-folder: written as they are, with a warning.
        r = try PrepProcess.run(["convert", m0.appendingPathComponent("train_label.jsonl").path, "-o", m0.appendingPathComponent("labels.csv").path, "--to", "easyocr"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 image path(s) in a sub-folder"), r.stdout)
    }

    /// A split without pages or crops writes nothing for these formats (imagefolder and docTR
    /// cannot load an empty split) and says so.
    func testEmptySplitsAreNotWritten() throws {
        let tmp = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["wildreceipt", PrepProcess.fixture("wildreceipt-toy").path, "--task", "det", "recog", "--to", "hf", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("hf_det/test/metadata.jsonl: no pages in this split"), r.stdout)
        XCTAssertTrue(r.stdout.contains("hf_rec/test/metadata.jsonl: no crops in this split"), r.stdout)
        XCTAssertFalse(fm.fileExists(atPath: tmp.appendingPathComponent("hf_det/test").path))
        XCTAssertFalse(fm.fileExists(atPath: tmp.appendingPathComponent("hf_rec/test").path))
        XCTAssertTrue(fm.fileExists(atPath: tmp.appendingPathComponent("hf_rec/train/metadata.jsonl").path))
    }

    /// `prep crops --to hf` and `prep convert` between the new formats and the others; an LMDB
    /// to tesstrain puts each image beside its .gt.txt.
    func testCropsAndConvert() throws {
        let tmp = try PrepProcess.tempDir(self)
        let m0 = tmp.appendingPathComponent("m0")
        var r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-recog-toy").path, "--task", "recog", "--from-det", "-o", m0.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let crops = tmp.appendingPathComponent("crops")
        r = try PrepProcess.run(["crops", PrepProcess.fixture("expected/icdar2015-toy/instances_test.json").path, "--images",
                                 PrepProcess.fixture("icdar2015-toy/imgs").path, "--text-from", "icdar2015",
                                 "--gt-dir", PrepProcess.fixture("icdar2015-toy/annotations").path, "--to", "hf", "-o", crops.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThan(try readBack(crops.appendingPathComponent("metadata.jsonl"), root: crops, .hf).count, 10)
        // jsonl labels → docTR → jsonl again: the same lines.
        let labels = m0.appendingPathComponent("train_label.jsonl")
        let doctr = m0.appendingPathComponent("crops/labels.json")
        r = try PrepProcess.run(["convert", labels.path, "-o", doctr.path, "--to", "doctr"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let back = m0.appendingPathComponent("back.jsonl")
        r = try PrepProcess.run(["convert", doctr.path, "-o", back.path, "--to", "mmocr0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: back, encoding: .utf8), try String(contentsOf: labels, encoding: .utf8))
        // An LMDB → tesstrain: images written beside their ground truth.
        let lmdb = tmp.appendingPathComponent("train.lmdb")
        r = try PrepProcess.run(["lmdb", labels.path, lmdb.path, "-i", m0.appendingPathComponent("crops").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let tess = tmp.appendingPathComponent("tess")
        r = try PrepProcess.run(["convert", lmdb.path, "-o", tess.path, "--to", "tesstrain"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let t = try readBack(tess, root: tess, .tesstrain)
        XCTAssertEqual(t.map(\.text), ["Genaxis Theatre", "[06]", "62-03", "Carpark"])
        // The LMDB held JPEG crops: written as PNG, which tesstrain's Makefile trains on.
        XCTAssertTrue(t.allSatisfy { $0.imagePath.hasSuffix(".png") }, "\(t.map(\.imagePath))")
        // The same from a label file naming JPEG crops.
        let tess2 = tmp.appendingPathComponent("tess2")
        r = try PrepProcess.run(["convert", labels.path, "-o", tess2.path, "--to", "tesstrain", "--images", m0.appendingPathComponent("crops").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readBack(tess2, root: tess2, .tesstrain).map(\.imagePath), ["img_1_0.png", "img_1_1.png", "img_1_3.png", "img_1_4.png"])
    }

    /// tesstrain's Makefile makes .lstmf files from PNG and TIFF only ("No rule to make target
    /// …lstmf" for a JPEG; `scripts/check_tesstrain.sh`): MJSynth's JPEG crops are written as
    /// lossless PNG with the same pixels.
    func testTesstrainShippedJPEGCropsBecomePNG() throws {
        let tmp = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["mjsynth", PrepProcess.fixture("mjsynth-toy").path, "--task", "recog", "--to", "tesstrain", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("shipped crop(s) written as PNG"), r.stdout)
        let dir = tmp.appendingPathComponent("tesstrain/train")
        let recs = try readBack(dir, root: dir, .tesstrain)
        XCTAssertFalse(recs.isEmpty)
        for rec in recs {
            XCTAssertTrue(rec.imagePath.hasSuffix(".png"), rec.imagePath)
            let png = try ImageCodec.decode(file: dir.appendingPathComponent(rec.imagePath))
            XCTAssertGreaterThan(png.width, 0)
        }
    }
}

/// `--task kie --to paddle`: PaddleOCR KIE (SER/RE) lines from FUNSD entities and WildReceipt
/// close-set boxes, with the class list.
final class PaddleKIECommandTests: XCTestCase {
    func testFUNSDAndWildReceipt() throws {
        let tmp = try PrepProcess.tempDir(self)
        let f = tmp.appendingPathComponent("funsd")
        var r = try PrepProcess.run(["funsd", PrepProcess.fixture("funsd-toy").path, "--task", "kie", "--to", "paddle", "-o", f.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: f.appendingPathComponent("kie_gt_training.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("images/training/0000971160.png\t[{\"transcription\": \"x\", \"label\": \"question\", \"points\": [[0, 0], [99, 0], [99, 79], [0, 79]], \"id\": 0, \"linking\": []}"), String(lines[0]))
        XCTAssertTrue(FileManager.default.fileExists(atPath: f.appendingPathComponent("images/training/0000971160.png").path))
        XCTAssertEqual(try String(contentsOf: f.appendingPathComponent("kie_class_list.txt"), encoding: .utf8), "OTHER\nQUESTION\nANSWER\nHEADER\n")
        let w = tmp.appendingPathComponent("wr")
        r = try PrepProcess.run(["wildreceipt", PrepProcess.fixture("wildreceipt-toy").path, "--task", "kie", "--to", "paddle", "-o", w.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let reader = try AnnotationFormat.paddleKIE.open(w.appendingPathComponent("kie_gt_training.txt"))
        let page = try XCTUnwrap(try reader.next())
        XCTAssertEqual(page.instances[0].attributes["kie_label"]?.string, "Store_name_value")
        // Key class 2m linked to value class 2m−1 on the same receipt, listed on both.
        var linked = page.instances.filter { $0.attributes["kie_linking"] != .array([]) }.count
        while let next = try reader.next() { linked += next.instances.filter { $0.attributes["kie_linking"] != .array([]) }.count }
        XCTAssertGreaterThan(linked, 0)
        // The toy's test split has no page: no empty kie_gt_test.txt (PaddleOCR's training stops on one).
        XCTAssertFalse(FileManager.default.fileExists(atPath: w.appendingPathComponent("kie_gt_test.txt").path))
        XCTAssertTrue(r.stdout.contains("kie_gt_test.txt: no pages in this split"), r.stdout)
        let classes = try String(contentsOf: w.appendingPathComponent("kie_class_list.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(classes.prefix(3), ["OTHER", "STORE_NAME_VALUE", "STORE_NAME_KEY"])
        r = try PrepProcess.run(["funsd", PrepProcess.fixture("funsd-toy").path, "--task", "kie", "-o", f.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--to paddle"), r.stderr)
    }
}

/// XFUND (Chinese part, `fixtures/xfund-toy`): words for det, entities for PaddleOCR KIE.
final class XFUNDCommandTests: XCTestCase {
    func testDetAndKIE() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = PrepProcess.fixture("xfund-toy").path
        var r = try PrepProcess.run(["xfund", src, "--task", "det", "spotting", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("zh.train.json: documents[2]: no img.fname"), r.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("instances_training.json").path))
        let det = try AnnotationFormat.mmocr0COCO.open(tmp.appendingPathComponent("spotting_instances_training.json"))
        let page = try XCTUnwrap(det.next())
        XCTAssertEqual(page.imagePath, "training/zh_train_0.jpg")
        // The words, boxed as FUNSD's (75.5 → 75, width ⌈34.5⌉ = 35).
        XCTAssertEqual(page.instances.map(\.text), ["姓名：", "张", "三", "申请表"])
        XCTAssertEqual(page.instances[2].polygon, [75, 5, 110, 5, 110, 20, 75, 20])
        r = try PrepProcess.run(["xfund", src, "--task", "kie", "--to", "paddle", "-o", tmp.appendingPathComponent("kie").path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let kie = try XCTUnwrap(try AnnotationFormat.paddleKIE.open(tmp.appendingPathComponent("kie/kie_gt_val.txt")).next())
        XCTAssertEqual(kie.imagePath, "images/val/zh_val_0.jpg")
        XCTAssertEqual(kie.instances.map { $0.attributes["kie_label"]?.string }, ["question", "answer", "header"])
        XCTAssertEqual(kie.instances[1].attributes["kie_linking"], .array([.array([.int(0), .int(1)])]))
        XCTAssertEqual(kie.instances[1].text, "张 三")
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("kie/images/val/zh_val_0.jpg").path))
    }
}
