import XCTest
import PrepCore
import PrepFormats

/// `--to mmocr1` as a drop-in for MMOCR 1.x's Dataset Preparer (file names by its split names,
/// no empty ignores files), and recognition for ICDAR 2015 from the official word crops or cut
/// from the det ground truth (`fixtures/icdar2015-recog-toy`, `scripts/make_fixtures.py`).
/// The same outputs were loaded sample by sample with MMOCR 1.x's own `OCRDataset` through
/// `scripts/check_mmocr1_load.py` (not in CI).
final class MMOCR1DropInTests: XCTestCase {
    func data(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// `--task recog --to mmocr1` on ROOT: the test split's first crop is `textrecog_imgs/test/word_1.png`
    /// ("JOINT"), and it is there.
    func assertMMOCR1TestCrops(_ root: URL, out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try PrepProcess.run(["icdar2015", root.path, "--task", "recog", "--to", "mmocr1", "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let first = try XCTUnwrap(try AnnotationFormat.mmocr1.open(out.appendingPathComponent("textrecog_test.json")).next())
        XCTAssertEqual(first.imagePath, "textrecog_imgs/test/word_1.png", file: file, line: line)
        XCTAssertEqual(first.text, "JOINT", file: file, line: line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(first.imagePath).path), file: file, line: line)
    }

    /// The 1.x preparer names the training split `train` (dataset_zoo/*/textdet.py: train_preparer,
    /// `textdet_imgs/train`); `--emit-config` points at those names.
    func testSplitNamesAreThePreparers() throws {
        let tmp = try PrepProcess.tempDir(self)
        let out = tmp.appendingPathComponent("out"), cfg = tmp.appendingPathComponent("cfg")
        let r = try PrepProcess.run(["icdar2017", PrepProcess.fixture("icdar2017-toy").path, "--task", "det", "recog",
                                     "--to", "mmocr1", "--emit-config", cfg.path, "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let fm = FileManager.default
        for f in ["textdet_train.json", "textspotting_train.json", "textrecog_train.json", "textdet_val.json", "textrecog_val.json"] {
            XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(f).path), f)
        }
        XCTAssertFalse(fm.fileExists(atPath: out.appendingPathComponent("textdet_training.json").path))
        let det = try AnnotationFormat.mmocr1.open(out.appendingPathComponent("textdet_train.json"))
        let first = try XCTUnwrap(det.next())
        XCTAssertTrue(first.imagePath.hasPrefix("textdet_imgs/train/img_"), first.imagePath)
        XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(first.imagePath).path))
        let rec = try AnnotationFormat.mmocr1.open(out.appendingPathComponent("textrecog_train.json"))
        let crop = try XCTUnwrap(rec.next())
        XCTAssertTrue(crop.imagePath.hasPrefix("textrecog_imgs/train/"), crop.imagePath)
        XCTAssertTrue(fm.fileExists(atPath: out.appendingPathComponent(crop.imagePath).path))
        let config = try data(cfg.appendingPathComponent("textdet/_base_/datasets/icdar2017.py"))
        XCTAssertTrue(config.contains("icdar2017_textdet_train = dict(") && config.contains("ann_file='textdet_train.json'"), config)
    }

    /// A split whose crops were all kept gets no ignores file or folder (an empty data_list does
    /// not load in MMOCR 1.x with serialize_data=True); one with diverted crops keeps them.
    func testNoEmptyIgnores() throws {
        let tmp = try PrepProcess.tempDir(self)
        let fm = FileManager.default
        for extra in [[], ["--lmdb"]] {
            let out = tmp.appendingPathComponent("bid\(extra.count)")
            let r = try PrepProcess.run(["bid", PrepProcess.fixture("bid-toy").path, "--task", "recog", "--to", "mmocr1", "-o", out.path] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(fm.fileExists(atPath: out.appendingPathComponent("ignores").path), "\(extra): \(r.stdout)")
            XCTAssertFalse(r.stdout.contains("ignores/"), r.stdout)
        }
        let out = tmp.appendingPathComponent("mtwi")
        let r = try PrepProcess.run(["mtwi", PrepProcess.fixture("mtwi-toy").path, "--task", "recog", "--to", "mmocr1", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let ignores = try AnnotationFormat.mmocr1.open(out.appendingPathComponent("ignores/textrecog_train.json"))
        XCTAssertEqual(ignores.recordCount, 4)
    }

    /// `prep icdar2015 --task recog`: the official word crops with their gt.txt (BOM, CRLF, an
    /// escaped quote, a comma in the text, a line naming an absent crop).
    func testICDAR2015RecogFromOfficialCrops() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = PrepProcess.fixture("icdar2015-recog-toy")
        var r = try PrepProcess.run(["icdar2015", root.path, "--task", "recog", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("gt.txt:4: image ch4_training_word_images_gt/word_9.png is absent"), r.stdout)
        XCTAssertEqual(try data(tmp.appendingPathComponent("train_label.jsonl")), """
        {"filename": "ch4_training_word_images_gt/word_1.png", "text": "Genaxis Theatre"}
        {"filename": "ch4_training_word_images_gt/word_2.png", "text": "\\"HOLD, ON\\""}
        {"filename": "ch4_training_word_images_gt/word_3.png", "text": "[06]"}

        """)
        XCTAssertEqual(try data(tmp.appendingPathComponent("test_label.jsonl")), """
        {"filename": "Challenge4_Test_Task3_Images/word_1.png", "text": "JOINT"}
        {"filename": "Challenge4_Test_Task3_Images/word_2.png", "text": "yourself"}

        """)
        // MMOCR 1.x: textrecog_<split>.json, the crop folder linked as textrecog_imgs/<split>.
        try assertMMOCR1TestCrops(root, out: tmp.appendingPathComponent("m1"))
        // Without the word crops: a layout error that names --from-det.
        r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--task", "recog", "-o", tmp.appendingPathComponent("x").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--from-det"), r.stderr)
    }

    /// `--task recog --from-det` cuts the crops from the det ground truth as MMOCR 1.x's
    /// TextRecogCropPacker names them (`<stem>_<instance index>.jpg`, `###` not cut).
    func testICDAR2015RecogFromDet() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = PrepProcess.fixture("icdar2015-recog-toy")
        var r = try PrepProcess.run(["icdar2015", root.path, "--task", "recog", "--from-det", "--to", "mmocr1", "-o", tmp.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rec = try AnnotationFormat.mmocr1.open(tmp.appendingPathComponent("textrecog_train.json"))
        var got: [String] = []
        while let next = try rec.next() { got.append("\(next.imagePath) \(next.text ?? "")") }
        // gt_img_1.txt: instance 2 is ###; 5 and 6 too.
        XCTAssertEqual(got, ["textrecog_imgs/train/img_1_0.jpg Genaxis Theatre", "textrecog_imgs/train/img_1_1.jpg [06]",
                             "textrecog_imgs/train/img_1_3.jpg 62-03", "textrecog_imgs/train/img_1_4.jpg Carpark"])
        for line in got {
            XCTAssertTrue(FileManager.default.fileExists(atPath: tmp.appendingPathComponent(String(line.split(separator: " ")[0])).path))
        }
        r = try PrepProcess.run(["icdar2015", root.path, "--from-det", "-o", tmp.path])
        XCTAssertEqual(r.status, 2)
        r = try PrepProcess.run(["iiit5k", PrepProcess.fixture("iiit5k-toy").path, "--from-det", "--task", "recog", "-o", tmp.path])
        XCTAssertEqual(r.status, 2, r.stderr)
        r = try PrepProcess.run(["zoo"])
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("icdar2015 ") }
        XCTAssertTrue(line?.contains("shipped crops; --from-det") == true, r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n").first { $0.hasPrefix("icdar2017 ") }?.contains("cut from det") == true, r.stdout)
    }

    /// The real MMOCR 1.x Dataset Preparer's output on the same fixture (`scripts/mmocr1_preparer_golden.py`
    /// ran its PairGatherer, ICDARTxtTextDetAnnParser, TextDet/TextSpotting/TextRecogCrop packers
    /// and JsonDumper): every JSON file byte for byte, and the crops' names and sizes.
    func testEqualsTheMMOCR1Preparer() throws {
        let tmp = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-recog-toy").path, "--task", "det", "recog", "--from-det",
                                     "--to", "mmocr1", "-o", tmp.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let golden = PrepProcess.fixture("expected/icdar2015-recog-toy/mmocr1")
        for task in ["textdet", "textspotting", "textrecog"] {
            for split in ["train", "test"] {
                let name = "\(task)_\(split).json"
                XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent(name)), try Data(contentsOf: golden.appendingPathComponent(name)), name)
            }
        }
        for line in try data(golden.appendingPathComponent("crops.tsv")).split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            let info = try ImageProbe.probe(tmp.appendingPathComponent(f[0]))
            XCTAssertEqual("\(info.width) \(info.height)", "\(f[1]) \(f[2])", f[0])
        }
    }

    /// The official zips read in place (`fixtures/icdar2015-recog-zips`): the crops extracted into
    /// the output folder, the download unchanged, labels as from the unzipped folders.
    func testICDAR2015RecogFromTheZips() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = PrepProcess.fixture("icdar2015-recog-zips")
        let before = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        let r = try PrepProcess.run(["icdar2015", root.path, "--task", "recog", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("read ch4_training_word_images_gt.zip in place: 4 file(s)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ch4_training_word_images_gt/gt.txt:4: image ch4_training_word_images_gt/word_9.png is absent"), r.stdout)
        XCTAssertFalse(r.stdout.contains(".prep"), r.stdout)  // no staging paths in the summary
        XCTAssertEqual(try data(tmp.appendingPathComponent("train_label.jsonl")), """
        {"filename": "ch4_training_word_images_gt/word_1.png", "text": "Genaxis Theatre"}
        {"filename": "ch4_training_word_images_gt/word_2.png", "text": "\\"HOLD, ON\\""}
        {"filename": "ch4_training_word_images_gt/word_3.png", "text": "[06]"}

        """)
        for f in ["ch4_training_word_images_gt/word_1.png", "Challenge4_Test_Task3_Images/word_2.png"] {
            XCTAssertEqual(FileManager.default.contents(atPath: tmp.appendingPathComponent(f).path),
                           FileManager.default.contents(atPath: PrepProcess.fixture("icdar2015-recog-toy/" + f).path), f)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted(), before)
        try assertMMOCR1TestCrops(root, out: tmp.appendingPathComponent("m1"))
    }

    /// `--from-det` also where other datasets ship crops: crops cut and labelled from the det ground truth.
    func testFromDetOnOtherShippedCropDatasets() throws {
        let tmp = try PrepProcess.tempDir(self)
        for (name, fixture, label) in [("icdar2013", "icdar2013-toy", "train_label.jsonl"), ("art", "art-toy", "train_label.jsonl"),
                                       ("lv", "lv-toy", "train_label.jsonl")] {
            let out = tmp.appendingPathComponent(name)
            let r = try PrepProcess.run([name, PrepProcess.fixture(fixture).path, "--task", "recog", "--from-det", "-o", out.path, "-q"])
            XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
            let labels = try AnnotationFormat.labelJsonl.open(out.appendingPathComponent(label))
            let first = try XCTUnwrap(labels.next(), name)
            XCTAssertTrue(first.imagePath.hasSuffix(".png"), first.imagePath)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("crops/" + first.imagePath).path), "\(name): \(first.imagePath)")
        }
    }
}
