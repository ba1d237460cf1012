import XCTest
import PrepFormats

/// Fixes found while loading prep's outputs in the real loaders (issue 20, item 7).
final class LoaderFixesTests: XCTestCase {
    /// PaddleOCR det has no sizes; `prep convert … --to coco --images DIR` reads them from the
    /// image headers (pycocotools' annToMask needs them).
    func testPaddleDetToCOCOGetsSizes() throws {
        let tmp = try PrepProcess.tempDir(self)
        var r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--to", "paddle", "-o", tmp.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let coco = tmp.appendingPathComponent("coco.json")
        r = try PrepProcess.run(["convert", tmp.appendingPathComponent("det_gt_test.txt").path, "-o", coco.path, "--to", "coco", "--images", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("10 image size(s) read from the image headers"), r.stdout)
        let reader = try AnnotationFormat.coco.open(coco)
        var n = 0
        while let rec = try reader.next() {
            XCTAssertEqual(rec.width, 1280, rec.imagePath)
            XCTAssertEqual(rec.height, 720, rec.imagePath)
            n += 1
        }
        XCTAssertEqual(n, 10)
        // Images that are not there: the sizes stay out, and the summary says why.
        r = try PrepProcess.run(["convert", tmp.appendingPathComponent("det_gt_test.txt").path, "-o", tmp.appendingPathComponent("c2.json").path,
                                 "--to", "coco", "--images", tmp.appendingPathComponent("nowhere").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("10 record(s) have no size"), r.stdout)
    }

    /// `--images link` (default: a relative symlink), `copy` (a real folder with the files),
    /// `none` (the dataset's own names, nothing under images/).
    func testImagePlacement() throws {
        let tmp = try PrepProcess.tempDir(self)
        let fm = FileManager.default
        for mode in ["link", "copy", "none"] {
            let out = tmp.appendingPathComponent(mode)
            let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "--to", "paddle",
                                         "--images", mode, "-o", out.path, "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let first = try XCTUnwrap(try AnnotationFormat.paddleDet.open(out.appendingPathComponent("det_gt_test.txt")).next())
            let folder = out.appendingPathComponent("images/test").path
            switch mode {
            case "link":
                XCTAssertEqual(first.imagePath, "images/test/img_1.jpg")
                XCTAssertNotNil(try? fm.destinationOfSymbolicLink(atPath: folder))
            case "copy":
                XCTAssertEqual(first.imagePath, "images/test/img_1.jpg")
                XCTAssertNil(try? fm.destinationOfSymbolicLink(atPath: folder))
                XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder).count, 10)
                XCTAssertEqual(fm.contents(atPath: folder + "/img_1.jpg"),
                               fm.contents(atPath: PrepProcess.fixture("icdar2015-toy/imgs/test/img_1.jpg").path))
            default:
                XCTAssertEqual(first.imagePath, "test/img_1.jpg")
                XCTAssertFalse(fm.fileExists(atPath: out.appendingPathComponent("images").path))
            }
        }
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--images", "copy", "-o", tmp.path])
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    /// txt labels whose text holds a space: written (prep's reader keeps them whole), with a
    /// warning naming jsonl; `prep convert` to a .txt label file says the same.
    func testSpacedTextsInTxtLabelsWarn() throws {
        let tmp = try PrepProcess.tempDir(self)
        var r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-recog-toy").path, "--task", "recog", "--format", "txt", "-o", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("train_label.txt: 2 × text(s) with a space"), r.stdout)
        XCTAssertTrue(r.stdout.contains("jsonl"), r.stdout)
        XCTAssertFalse(r.stdout.contains("test_label.txt: "), r.stdout)
        r = try PrepProcess.run(["convert", tmp.appendingPathComponent("train_label.txt").path, "-o", tmp.appendingPathComponent("copy.txt").path, "--to", "mmocr0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 × text(s) with a space"), r.stdout)
    }
}
