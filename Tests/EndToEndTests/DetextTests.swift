import Foundation
import XCTest
import PrepFormats
import PrepCore

/// `prep detext` on the DeText toy layout (fixtures/detext-toy, real ICDAR 2015 images) against
/// what MMOCR 0.6.3's detext converters write for it, normalised for prep's documented fixes
/// (fixtures/detext-toy/expected, made by fixtures/tools/make_golden.py).
final class DetextTests: XCTestCase {
    /// A writable copy of a fixture dataset (without its expected outputs).
    func copy(_ name: String) throws -> URL {
        let dir = try PrepProcess.tempDir(self).appendingPathComponent(name)
        let fm = FileManager.default
        try fm.copyItem(at: PrepProcess.fixture(name), to: dir)
        try? fm.removeItem(at: dir.appendingPathComponent("expected"))
        return dir
    }

    func expected(_ name: String, _ rel: String) throws -> Data {
        try Data(contentsOf: PrepProcess.fixture(name).appendingPathComponent("expected").appendingPathComponent(rel))
    }

    func read(_ root: URL, _ rel: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(rel)) }

    func testDetAndRecogMatchReference() throws {
        let root = try copy("detext-toy")
        let r = try PrepProcess.run(["detext", root.path, "--task", "det", "recog", "--nproc", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["instances_training.json", "instances_val.json"] {
            XCTAssertEqual(try read(root, f), try expected("detext-toy", f), f)
        }
        for f in ["train_label.jsonl", "val_label.jsonl", "ignores/train_label.jsonl"] {
            XCTAssertEqual(String(decoding: try read(root, f), as: UTF8.self),
                           String(decoding: try expected("detext-toy", "recog-jsonl/" + f), as: UTF8.self), f)
        }
        try assertCrops(root, equal: "detext-toy/expected/recog-jsonl/crops.json")
        // Every label line names a file that exists.
        for (label, dir) in [("train_label.jsonl", "crops"), ("ignores/train_label.jsonl", "ignores")] {
            for line in String(decoding: try read(root, label), as: UTF8.self).split(separator: "\n") {
                let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
                XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(dir).appendingPathComponent(obj["filename"]!).path), String(line))
            }
        }
        // The reference drops the first box of a file with a BOM: prep keeps it (img_1_1 "Genaxis Theatre").
        XCTAssertTrue(String(decoding: try read(root, "train_label.jsonl"), as: UTF8.self).contains("{\"filename\": \"training/img_1_1.png\", \"text\": \"Genaxis Theatre\"}"))
    }

    func testTxtFormatAndPreserveVertical() throws {
        let root = try copy("detext-toy")
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--format", "txt", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["train_label.txt", "val_label.txt", "ignores/train_label.txt"] {
            XCTAssertEqual(try read(root, f), try expected("detext-toy", "recog-txt/" + f), f)
        }
        try assertCrops(root, equal: "detext-toy/expected/recog-txt/crops.json")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_training.json").path))

        let root2 = try copy("detext-toy")
        r = try PrepProcess.run(["detext", root2.path, "--task", "recog", "--preserve_vertical", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["train_label.jsonl", "val_label.jsonl"] {
            XCTAssertEqual(try read(root2, f), try expected("detext-toy", "recog-preserve/" + f), f)
        }
        try assertCrops(root2, equal: "detext-toy/expected/recog-preserve/crops.json")
    }

    /// DeText's labels escape non-ASCII like json.dumps' default (§1.3); txt keeps the text as is;
    /// text keeps its commas (the reference would keep only the last comma field).
    func testLabelEscapingAndCommas() throws {
        let root = try copy("detext-toy")
        let gt = root.appendingPathComponent("annotations/val/gt_img_6.txt")
        var text = try String(contentsOf: gt, encoding: .utf8)
        text += "100,100,200,100,200,130,100,130,Café, bar\r\n"
        try text.write(to: gt, atomically: true, encoding: .utf8)
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(String(decoding: try read(root, "val_label.jsonl"), as: UTF8.self)
            .hasSuffix("{\"filename\": \"val/img_6_4.png\", \"text\": \"Caf\\u00e9, bar\"}\n"))
        r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--quiet", "--format", "txt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(String(decoding: try read(root, "val_label.txt"), as: UTF8.self).hasSuffix("val/img_6_4.png Café, bar\n"))
    }

    func testOutputsIdenticalForAnyNproc() throws {
        var trees: [[String: Data]] = []
        for n in ["1", "2", "3"] {
            let root = try copy("detext-toy")
            let r = try PrepProcess.run(["detext", root.path, "--task", "det", "recog", "--nproc", n, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
            var tree: [String: Data] = [:]
            let e = FileManager.default.enumerator(atPath: root.path)!
            while let rel = e.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: root.appendingPathComponent(rel).path, isDirectory: &isDir), !isDir.boolValue {
                    tree[rel] = try read(root, rel)
                }
            }
            trees.append(tree)
        }
        XCTAssertEqual(trees[0], trees[1])
        XCTAssertEqual(trees[0], trees[2])
    }

    /// Photos annotated on the displayed image: --exif apply cuts what the reference cuts
    /// (it always crops EXIF-rotated pixels); the default cuts the stored pixels.
    func testExifApplyReproducesReferenceCrops() throws {
        let root = try copy("detext-exif")
        let report = root.deletingLastPathComponent().appendingPathComponent("report.json")
        let r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--exif", "apply", "--quiet", "--report", report.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["train_label.jsonl", "val_label.jsonl", "ignores/train_label.jsonl"] {
            XCTAssertEqual(try read(root, f), try expected("detext-exif", "recog-jsonl/" + f), f)
        }
        try assertCrops(root, equal: "detext-exif/expected/recog-jsonl/crops.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        XCTAssertEqual((json["totals"] as! [String: Any])["exif_tagged"] as? Int, 2)

        let root2 = try copy("detext-exif")
        let r2 = try PrepProcess.run(["detext", root2.path, "--task", "recog"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stdout.contains("EXIF-tagged images: 2"), r2.stdout)
        XCTAssertNotEqual(try read(root2, "crops/training/photo_a_1.png"), try read(root, "crops/training/photo_a_1.png"))
    }

    func testVerticalRotateAndDrop() throws {
        let root = try copy("detext-toy")
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--vertical", "rotate", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let tall = try ImageCodec.decode(file: root.appendingPathComponent("crops/training/img_1_5.png"))
        XCTAssertEqual([tall.width, tall.height], [60, 20])  // the 20x60 box, turned
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("ignores/training").path))
        XCTAssertTrue(String(decoding: try read(root, "train_label.jsonl"), as: UTF8.self).contains("img_1_5.png"))

        let root2 = try copy("detext-toy")
        r = try PrepProcess.run(["detext", root2.path, "--task", "recog", "--vertical", "drop"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root2.appendingPathComponent("crops/training/img_1_5.png").path))
        XCTAssertFalse(String(decoding: try read(root2, "train_label.jsonl"), as: UTF8.self).contains("img_1_5.png"))
        XCTAssertTrue(r.stdout.contains("1 vertical crop(s) dropped"), r.stdout)

        r = try PrepProcess.run(["detext", root2.path, "--task", "recog", "--vertical", "drop", "--preserve-vertical"])
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    func testBadImagesAreSkippedWithReasons() throws {
        let root = try copy("detext-toy")
        let fm = FileManager.default
        // A truncated JPEG and a text file named .jpg, each with ground truth.
        let img = try Data(contentsOf: root.appendingPathComponent("imgs/training/img_2.jpg"))
        try img.prefix(img.count / 2).write(to: root.appendingPathComponent("imgs/training/img_8.jpg"))
        try Data("not an image".utf8).write(to: root.appendingPathComponent("imgs/training/img_9.jpg"))
        for n in [8, 9] {
            try fm.copyItem(at: root.appendingPathComponent("annotations/training/gt_img_2.txt"),
                            to: root.appendingPathComponent("annotations/training/gt_img_\(n).txt"))
        }
        // An annotation line with an odd number of values… is a parse error of that file.
        try Data("1,2,3,4,5,6,7,8,ok\n".utf8).write(to: root.appendingPathComponent("annotations/val/gt_img_7.txt"))
        let report = root.deletingLastPathComponent().appendingPathComponent("r.json")
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--report", report.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("img_8.jpg: truncated"), r.stdout)
        XCTAssertTrue(r.stdout.contains("img_9.jpg: unknown image format"), r.stdout)
        XCTAssertTrue(r.stdout.contains("gt_img_7.txt: annotation file has no image"), r.stdout)
        XCTAssertFalse(fm.fileExists(atPath: root.appendingPathComponent("crops/training/img_8_1.png").path))
        let before = try read(root, "train_label.jsonl")

        // --strict: any skip fails the run and the earlier outputs stay as they were.
        r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--strict", "--format", "jsonl", "--vertical", "keep"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(try read(root, "train_label.jsonl"), before)
        XCTAssertTrue(fm.fileExists(atPath: root.appendingPathComponent("ignores/training/img_1_5.png").path))
        let leftovers = try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".prep-tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testUnwritableOutputAndLMDBFormat() throws {
        let root = try copy("detext-toy")
        let out = root.deletingLastPathComponent().appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: out.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: out.path) }
        if getuid() != 0 {
            let r = try PrepProcess.run(["detext", root.path, "--task", "recog", "-o", out.path])
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.contains("not writable") || r.stdout.contains("not writable"), r.stderr + r.stdout)
        }
        let file = root.deletingLastPathComponent().appendingPathComponent("afile")
        try Data().write(to: file)
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "-o", file.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--format", "csv"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("jsonl, txt or lmdb"), r.stderr)
    }

    /// `--format lmdb` puts exactly the crops and labels of the jsonl run into an LMDB per split,
    /// in the same order (image-N = the crop file's bytes, label-N = its text).
    func testLMDBFormatHoldsTheJsonlRun() throws {
        let root = try copy("detext-toy")
        let files = root.deletingLastPathComponent().appendingPathComponent("files")
        let lmdb = root.deletingLastPathComponent().appendingPathComponent("lmdb")
        var r = try PrepProcess.run(["detext", root.path, "--task", "recog", "-o", files.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["detext", root.path, "--task", "recog", "--format", "lmdb", "-o", lmdb.path, "--nproc", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (labels, db, crops) in [("train_label.jsonl", "train_label.lmdb", "crops"), ("val_label.jsonl", "val_label.lmdb", "crops"),
                                    ("ignores/train_label.jsonl", "ignores/train_label.lmdb", "ignores")] {
            let lines = try String(contentsOf: files.appendingPathComponent(labels), encoding: .utf8).split(separator: "\n")
            let reader = try RecogLMDBReader(url: lmdb.appendingPathComponent(db))
            XCTAssertEqual(reader.count, lines.count, db)
            XCTAssertGreaterThan(reader.count, 0, db)
            for (k, line) in lines.enumerated() {
                let v = try JSONReader.parse(String(line))
                let name = v["filename"]!.string!
                let bytes = try Data(contentsOf: files.appendingPathComponent(crops).appendingPathComponent(name))
                XCTAssertEqual(try reader.image(at: k), [UInt8](bytes), "\(db) \(k)")
                let stored = try JSONReader.parse(reader.line(at: k))
                XCTAssertEqual(stored["text"], v["text"], "\(db) \(k)")
            }
        }
    }
}
