import Foundation
import XCTest
import PrepCore
import PrepFormats

/// `--to` on the dataset commands and `prep crops`, `prep convert` and `prep split`, through the
/// real binary.
final class FormatsCommandTests: XCTestCase {
    func expected(_ path: String) throws -> Data { try Data(contentsOf: PrepProcess.fixture("expected/\(path)")) }

    /// The golden is MMOCR 1.x's textdet file for this data, derived from the reference's 0.x
    /// output by fixtures/tools/make_mmocr1_golden.py (MMOCR 1.x is not installed; see there).
    func testICDAR2015ToMMOCR1EqualsMMOCR1sOwn() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--to", "mmocr1", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("textdet_test.json")), try expected("icdar2015-toy/textdet_test.json"))
        // img_path resolves against the data root, through a link to the untouched raw folder.
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("textdet_imgs/test/img_1.jpg").path))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("textdet_imgs/test").path)
        XCTAssertFalse(link.hasPrefix("/"), link)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("textspotting_test.json")), try expected("icdar2015-toy/textspotting_test.json"))
        // textspotting: the same items with each instance's text.
        let spot = try AnnotationFormat.mmocr1.open(out.appendingPathComponent("textspotting_test.json"))
        let first = try XCTUnwrap(try spot.next())
        XCTAssertEqual(first.instances.first?.text, "Genaxis Theatre")
        XCTAssertEqual(first.instances.filter(\.ignore).map(\.text), ["###", "###", "###"])
    }

    func testEveryDatasetCommandAcceptsTo() throws {
        let tmp = try PrepProcess.tempDir(self)
        let cases: [(String, String, [String])] = [
            ("icdar2015", "icdar2015-toy", ["--split-list", "test"]),
            ("icdar2017", "icdar2017-toy", ["--split-list", "training", "val"]),
            ("detext", "detext-toy", ["--task", "det", "recog"]),
        ]
        for (name, fixture, args) in cases {
            let split = name == "icdar2015" ? "test" : name == "icdar2017" ? "val" : "val"
            let files: [(String, [String])] = [
                ("mmocr1", ["textdet_\(split).json", "textspotting_\(split).json"] + (name == "detext" ? ["textrecog_\(split).json"] : [])),
                ("paddle", ["det_gt_\(split).txt"] + (name == "detext" ? ["rec_gt_\(split).txt"] : [])),
                ("coco", ["coco_\(split).json"]),
                ("line-json", ["instances_\(split).jsonl"]),
                ("mmocr0", ["instances_\(split).json"]),
            ]
            for (to, names) in files {
                if name == "detext" && (to == "coco" || to == "line-json") {
                    // Recognition labels need a format that holds them.
                    let r = try PrepProcess.run([name, PrepProcess.fixture(fixture).path] + args + ["--to", to, "-o", tmp.appendingPathComponent("x").path])
                    XCTAssertEqual(r.status, 2, r.stderr)
                    continue
                }
                let out = tmp.appendingPathComponent("\(name)-\(to)")
                let r = try PrepProcess.run([name, PrepProcess.fixture(fixture).path] + args + ["--to", to, "-o", out.path, "-q"])
                XCTAssertEqual(r.status, 0, "\(name) --to \(to): \(r.stderr)")
                for f in names {
                    let url = out.appendingPathComponent(f)
                    XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "\(name) --to \(to): \(f)")
                    // Every file reads back, detected as what it is, with every image path resolving.
                    let d = try AnnotationFormat.detect(url)
                    let reader = try d.format.open(url)
                    var n = 0
                    while let rec = try reader.next() {
                        n += 1
                        if to == "mmocr1" || to == "paddle" {
                            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(rec.imagePath).path), "\(f): \(rec.imagePath)")
                        }
                    }
                    XCTAssertGreaterThan(n, 0, f)
                }
            }
        }
    }

    func testPaddleDetectionLinesKeepUTF8AndMarkIgnored() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2017", PrepProcess.fixture("icdar2017-toy").path, "--split-list", "val", "--to", "paddle", "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out.appendingPathComponent("det_gt_val.txt"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"transcription\": \"###\""), text)
        XCTAssertFalse(text.contains("\\u"), "non-ASCII must be kept as UTF-8: \(text.prefix(300))")
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            XCTAssertEqual(parts.count, 2)
            XCTAssertTrue(parts[0].hasPrefix("images/val/"), String(parts[0]))
        }
    }

    /// The DeText toy's recognition outputs (crops + jsonl labels) in `tmp/d`.
    func detextRecog(_ tmp: URL) throws -> URL {
        let root = tmp.appendingPathComponent("d")
        let r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--task", "recog", "-o", root.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return root
    }

    func testConvertRoundTripsThroughEveryDetectionFormat() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = tmp.appendingPathComponent("instances_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json"), to: src)
        var previous = src
        let chain: [(String, String)] = [("mmocr1", "a.json"), ("paddle", "b.txt"), ("coco", "c.json"), ("line-json", "d.jsonl"), ("mmocr0", "e.json")]
        for (to, name) in chain {
            let out = tmp.appendingPathComponent(name)
            let r = try PrepProcess.run(["convert", previous.path, "-o", out.path, "--to", to])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("note: detected "), r.stdout)
            previous = out
        }
        // Back in COCO 0.x: the same pages, polygons and iscrowd flags (sizes were lost in
        // PaddleOCR and reported; segm_file too).
        func view(_ url: URL) throws -> [String] {
            let reader = try AnnotationFormat.detect(url).format.open(url)
            var out: [String] = []
            while let r = try reader.next() { out.append(r.imagePath + " " + r.instances.map { "\($0.polygon) \($0.ignore)" }.joined(separator: ";")) }
            return out
        }
        XCTAssertEqual(try view(previous), try view(src))
        let r = try PrepProcess.run(["convert", src.path, "-o", tmp.appendingPathComponent("p.txt").path, "--to", "paddle"])
        XCTAssertTrue(r.stdout.contains("not held by paddle-det: 10 × image sizes"), r.stdout)
        XCTAssertTrue(r.stdout.contains("segm_file"), r.stdout)
    }

    func testConvertRecognitionThroughLMDBAndBack() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = try detextRecog(tmp)
        var r: PrepProcess.Result
        let labels = root.appendingPathComponent("val_label.jsonl")
        let db = tmp.appendingPathComponent("val.lmdb")
        r = try PrepProcess.run(["convert", labels.path, "-o", db.path, "--to", "lmdb", "--images", root.appendingPathComponent("crops").path])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let paddle = tmp.appendingPathComponent("rec_gt_val.txt")
        r = try PrepProcess.run(["convert", db.path, "-o", paddle.path, "--to", "paddle"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        // Same texts in the same order; the images written out are the crop files' bytes.
        let original = try String(contentsOf: labels, encoding: .utf8).split(separator: "\n").map { try JSONReader.parse(String($0)) }
        let lines = try String(contentsOf: paddle, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
        XCTAssertEqual(lines.map { $0[1] }, original.map { $0["text"]!.string! })
        for (k, line) in lines.enumerated() {
            let a = try Data(contentsOf: tmp.appendingPathComponent(line[0]))
            let b = try Data(contentsOf: root.appendingPathComponent("crops").appendingPathComponent(original[k]["filename"]!.string!))
            XCTAssertEqual(a, b, line[0])
        }
    }

    /// The golden is the reference's own `coco_to_line_dict.py` (MMOCR 0.6.3, run through
    /// ../shared/peer) on fixtures/expected/icdar2015-toy/instances_test.json.
    func testConvertToLineJSONMatchesTheReferenceByteForByte() throws {
        let tmp = try PrepProcess.tempDir(self)
        let out = tmp.appendingPathComponent("instances_test.jsonl")
        let r = try PrepProcess.run(["convert", PrepProcess.fixture("expected/icdar2015-toy/instances_test.json").path, "-o", out.path, "--to", "line-json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out), try expected("icdar2015-toy/instances_test.jsonl"))
    }

    func testConvertBadInput() throws {
        let tmp = try PrepProcess.tempDir(self)
        let junk = tmp.appendingPathComponent("junk.txt")
        try Data("nothing-here\n".utf8).write(to: junk)
        var r = try PrepProcess.run(["convert", junk.path, "-o", tmp.appendingPathComponent("o.json").path, "--to", "coco"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("tried:"), r.stderr)
        let paddle = tmp.appendingPathComponent("det.txt")
        try Data("""
        a.jpg\t[{"transcription": "x", "points": [[0, 0], [4, 0], [4, 2]]}]
        b.jpg [{"transcription": "y"}]
        ../../etc/c.jpg\t[{"transcription": "z", "points": [[0, 0], [4, 0], [4, 2]]}]
        d.jpg\t[{"transcription": "w", "points": [[0, 0], [4, 0]
        
        """.utf8).write(to: paddle)
        r = try PrepProcess.run(["convert", paddle.path, "-o", tmp.appendingPathComponent("o.json").path, "--to", "mmocr1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("det.txt:2: no tab"), r.stdout)
        XCTAssertTrue(r.stdout.contains("det.txt:3: image path ../../etc/c.jpg climbs out of the data root"), r.stdout)
        XCTAssertTrue(r.stdout.contains("det.txt:4: the label after the tab is not a JSON list"), r.stdout)
        // An existing output is replaced only with --force.
        let before = try Data(contentsOf: tmp.appendingPathComponent("o.json"))
        r = try PrepProcess.run(["convert", junk.path, "--from", "paddle-rec", "-o", tmp.appendingPathComponent("o.json").path, "--to", "mmocr1"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--force"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent("o.json")), before)
        r = try PrepProcess.run(["convert", paddle.path, "-o", tmp.appendingPathComponent("o.json").path, "--to", "coco", "--force", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try AnnotationFormat.detect(tmp.appendingPathComponent("o.json")).format, .coco)
        r = try PrepProcess.run(["convert", paddle.path, "-o", tmp.appendingPathComponent("o2.json").path, "--to", "mmocr1", "--strict"])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("o2.json").path))
        r = try PrepProcess.run(["convert", paddle.path, "-o", tmp.appendingPathComponent("o.lmdb").path, "--to", "lmdb"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("prep crops"), r.stderr)
    }

    func testSplitIsSeededPageLevelAndRecorded() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = try detextRecog(tmp)
        let labels = root.appendingPathComponent("train_label.jsonl")
        let report = tmp.appendingPathComponent("r.json")
        func run(_ out: String, seed: String) throws -> [String: String] {
            let r = try PrepProcess.run(["split", labels.path, "--ratios", "train=0.5,val=0.25,test=0.25", "--seed", seed, "-o", tmp.appendingPathComponent(out).path, "--report", report.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            var page: [String: String] = [:]
            for s in ["train", "val", "test"] {
                let text = try String(contentsOf: tmp.appendingPathComponent("\(out)/train_label_\(s).jsonl"), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let name = try JSONReader.parse(String(line))["filename"]!.string!
                    let p = String(name[..<name.lastIndex(of: "_")!])
                    XCTAssertTrue(page[p] == nil || page[p] == s, "page \(p) in two splits")
                    page[p] = s
                }
            }
            return page
        }
        let a = try run("a", seed: "7")
        let rep = try JSONReader.parse(try Data(contentsOf: report).map { $0 })
        XCTAssertEqual(rep["options"]?["seed"]?.string, "7")
        XCTAssertEqual(rep["split"]?["seed"], .int(7))
        XCTAssertEqual(rep["split"]?["assignment"]?.array == nil, true)
        guard case let .object(assignment)? = rep["split"]?["assignment"] else { return XCTFail("no assignment") }
        XCTAssertEqual(assignment.count, a.count)
        let b = try run("b", seed: "7")
        XCTAssertEqual(a, b)
        for s in ["train", "val", "test"] {
            XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent("a/train_label_\(s).jsonl")),
                           try Data(contentsOf: tmp.appendingPathComponent("b/train_label_\(s).jsonl")))
        }
    }

    func testCropsWritesEveryRecognitionFormat() throws {
        let tmp = try PrepProcess.tempDir(self)
        let det = tmp.appendingPathComponent("det")
        var r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "-o", det.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let common = ["crops", det.appendingPathComponent("instances_test.json").path, "--images", PrepProcess.fixture("icdar2015-toy/imgs").path,
                      "--text-from", "icdar2015", "--gt-dir", PrepProcess.fixture("icdar2015-toy/annotations").path, "-q"]
        var texts: [String: [String]] = [:]
        for (to, file, format) in [("mmocr0", "label.jsonl", AnnotationFormat.labelJsonl), ("mmocr1", "textrecog.json", .mmocr1), ("paddle", "rec_gt.txt", .paddleRec)] {
            let out = tmp.appendingPathComponent(to)
            r = try PrepProcess.run(common + ["-o", out.path, "--to", to])
            XCTAssertEqual(r.status, 0, r.stderr)
            let reader = try format.open(out.appendingPathComponent(file))
            var t: [String] = []
            while let rec = try reader.next() {
                t.append(rec.text!)
                XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(rec.imagePath).path), rec.imagePath)
            }
            texts[to] = t
        }
        XCTAssertEqual(texts["mmocr0"]?.count, 21)
        XCTAssertEqual(texts["mmocr1"], texts["mmocr0"])
        XCTAssertEqual(texts["paddle"], texts["mmocr0"])
        r = try PrepProcess.run(common + ["-o", tmp.appendingPathComponent("lmdb").path, "--format", "lmdb"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let db = try RecogLMDBReader(url: tmp.appendingPathComponent("lmdb/label.lmdb"))
        XCTAssertEqual(db.count, 21)
    }

    /// `prep crops` reads every detection format: MMOCR 1.x textspotting and PaddleOCR det files
    /// give the same crops (bytes) and texts as the COCO 0.x file with --text-from.
    func testCropsReadsEveryDetectionFormat() throws {
        let tmp = try PrepProcess.tempDir(self)
        let ic15 = PrepProcess.fixture("icdar2015-toy")
        func labels(_ out: URL) throws -> [(Data, String)] {
            try String(contentsOf: out.appendingPathComponent("label.jsonl"), encoding: .utf8).split(separator: "\n").map { line in
                let v = try JSONReader.parse(String(line))
                return (try Data(contentsOf: out.appendingPathComponent(v["filename"]!.string!)), v["text"]!.string!)
            }
        }
        var r = try PrepProcess.run(["icdar2015", ic15.path, "--split-list", "test", "-o", tmp.appendingPathComponent("m0").path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["crops", tmp.appendingPathComponent("m0/instances_test.json").path, "--images", ic15.appendingPathComponent("imgs").path,
                                 "--text-from", "icdar2015", "--gt-dir", ic15.appendingPathComponent("annotations").path, "-o", tmp.appendingPathComponent("c0").path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let reference = try labels(tmp.appendingPathComponent("c0"))
        XCTAssertEqual(reference.count, 21)
        for (to, file) in [("mmocr1", "textspotting_test.json"), ("paddle", "det_gt_test.txt")] {
            let data = tmp.appendingPathComponent(to)
            r = try PrepProcess.run(["icdar2015", ic15.path, "--split-list", "test", "--to", to, "-o", data.path, "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let out = tmp.appendingPathComponent("c-\(to)")
            r = try PrepProcess.run(["crops", data.appendingPathComponent(file).path, "--images", data.path, "-o", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("note: detected "), r.stdout)
            let got = try labels(out)
            XCTAssertEqual(got.map(\.1), reference.map(\.1), to)
            XCTAssertEqual(got.map(\.0), reference.map(\.0), to)
        }
    }

    /// `--to mmocr1 --lmdb --emit-config`: textrecog LMDBs in the TextRecogLMDBDumper layout and
    /// MMOCR 1.x base configs naming every output (train filtered, val in test mode); an
    /// existing config is kept.
    func testMMOCR1LMDBAndConfigs() throws {
        let tmp = try PrepProcess.tempDir(self)
        let out = tmp.appendingPathComponent("data"), cfg = tmp.appendingPathComponent("configs")
        var r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--task", "det", "recog", "--to", "mmocr1", "--lmdb",
                                     "--emit-config", cfg.path, "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let db = try RecogLMDBReader(url: out.appendingPathComponent("textrecog_val.lmdb"))
        XCTAssertEqual(db.layout, .images)
        XCTAssertGreaterThan(db.count, 0)
        let det = try String(contentsOf: cfg.appendingPathComponent("textdet/_base_/datasets/detext.py"), encoding: .utf8)
        XCTAssertEqual(det, """
        detext_textdet_data_root = '\(out.path)'

        detext_textdet_train = dict(
            type='OCRDataset',
            data_root=detext_textdet_data_root,
            ann_file='textdet_train.json',
            filter_cfg=dict(filter_empty_gt=True, min_size=32),
            pipeline=None)

        detext_textdet_val = dict(
            type='OCRDataset',
            data_root=detext_textdet_data_root,
            ann_file='textdet_val.json',
            test_mode=True,
            pipeline=None)

        """)
        let rec = try String(contentsOf: cfg.appendingPathComponent("textrecog/_base_/datasets/detext.py"), encoding: .utf8)
        XCTAssertTrue(rec.contains("detext_textrecog_train = dict(\n    type='RecogLMDBDataset',"), rec)
        XCTAssertTrue(rec.contains("ann_file='textrecog_val.lmdb',\n    test_mode=True,"), rec)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cfg.appendingPathComponent("textspotting/_base_/datasets/detext.py").path))
        // Run again: the configs are kept and the summary says so.
        r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--task", "det", "--to", "mmocr1", "--emit-config", cfg.path, "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("exists; kept"), r.stdout)
        r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--emit-config", cfg.path, "-o", out.path])
        XCTAssertEqual(r.status, 2)
    }

    /// `prep split` of a detection file into another format, pages whole.
    func testSplitDetectionIntoPaddle() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = tmp.appendingPathComponent("instances_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json"), to: src)
        let r = try PrepProcess.run(["split", src.path, "--ratios", "train=0.8,val=0.2", "--seed", "3", "--to", "paddle"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var pages: [String] = []
        for s in ["train", "val"] {
            let text = try String(contentsOf: tmp.appendingPathComponent("instances_test_\(s).txt"), encoding: .utf8)
            let lines = text.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
            XCTAssertEqual(lines.count, s == "train" ? 8 : 2)
            pages += lines
        }
        XCTAssertEqual(pages.sorted(), (1...10).map { "test/img_\($0).jpg" }.sorted())
    }

    /// `--to` outputs are byte-identical for any --nproc (detection files, recognition labels, crops).
    func testOtherFormatsAreIdenticalForAnyNproc() throws {
        let tmp = try PrepProcess.tempDir(self)
        for to in ["mmocr1", "paddle"] {
            var outs: [URL] = []
            for np in ["1", "2"] {
                let out = tmp.appendingPathComponent("\(to)-\(np)")
                let r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--task", "det", "recog", "--to", to, "--nproc", np, "-o", out.path, "-q"])
                XCTAssertEqual(r.status, 0, r.stderr)
                outs.append(out)
            }
            let files = try FileManager.default.subpathsOfDirectory(atPath: outs[0].path).sorted()
            XCTAssertEqual(files, try FileManager.default.subpathsOfDirectory(atPath: outs[1].path).sorted(), to)
            for f in files {
                var isDir: ObjCBool = false
                FileManager.default.fileExists(atPath: outs[0].appendingPathComponent(f).path, isDirectory: &isDir)
                if isDir.boolValue { continue }
                XCTAssertEqual(try Data(contentsOf: outs[0].appendingPathComponent(f)), try Data(contentsOf: outs[1].appendingPathComponent(f)), "\(to): \(f)")
            }
        }
    }

    /// An LMDB splits into LMDBs holding every sample once (images included).
    func testSplitLMDB() throws {
        let tmp = try PrepProcess.tempDir(self)
        var r = try PrepProcess.run(["detext", PrepProcess.fixture("detext-toy").path, "--task", "recog", "--format", "lmdb", "-o", tmp.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["split", tmp.appendingPathComponent("train_label.lmdb").path, "--ratios", "a=0.6,b=0.4", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        func samples(_ name: String) throws -> [String] {
            let db = try RecogLMDBReader(url: tmp.appendingPathComponent(name))
            return try (0..<db.count).map { try db.line(at: $0).split(separator: ",")[1] + "\(try db.image(at: $0).count)" }
        }
        let all = try samples("train_label.lmdb")
        let a = try samples("train_label_a.lmdb"), b = try samples("train_label_b.lmdb")
        XCTAssertEqual(a.count, 6)
        XCTAssertEqual((a + b).sorted(), all.sorted())
    }

    /// A real `textdet_imgs/<split>` folder in the output (MMOCR 1.x's preparer moved the images
    /// there) is used when it holds the images and never replaced by a link; one that lacks an
    /// image stops the run with nothing changed.
    func testMMOCR1KeepsAUsersImageFolder() throws {
        let out = try PrepProcess.tempDir(self)
        let folder = out.appendingPathComponent("textdet_imgs/test")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PrepProcess.fixture("icdar2015-toy/imgs/test"), to: folder)
        var r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--to", "mmocr1", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("textdet_test.json")), try expected("icdar2015-toy/textdet_test.json"))
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: folder.path))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("img_1.jpg"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("textdet_test.json"))
        r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--to", "mmocr1", "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("is not prep's link"), r.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 9)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("textdet_test.json").path))
    }
}
