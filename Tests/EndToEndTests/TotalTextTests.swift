import Foundation
import XCTest
import PrepCore

/// Total-Text's `.mat` ground truth and recognition crops against MMOCR 0.6.3's
/// textdet/textrecog `totaltext_converter.py` (goldens from fixtures/tools/totaltext_golden.py,
/// which lists the normalisations: pairing by name, '#' words not cropped).
final class TotalTextTests: XCTestCase {
    func testMATGroundTruthBothKeys() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["totaltext", PrepProcess.fixture("totaltext-mat-toy").path, "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["instances_training.json", "instances_test.json"] {
            XCTAssertEqual(try readText(out, name), try golden("totaltext-mat-toy", name), name)
        }
    }

    func testRecogCropsFromTxtAndMAT() throws {
        for fixture in ["totaltext-toy", "totaltext-mat-toy"] {
            let out = try PrepProcess.tempDir(self).appendingPathComponent(fixture)
            let r = try PrepProcess.run(["totaltext", PrepProcess.fixture(fixture).path, "--task", "recog", "--format", "txt", "-o", out.path, "--nproc", "2"])
            XCTAssertEqual(r.status, 0, r.stderr)
            for name in ["train_label.txt", "test_label.txt"] {
                XCTAssertEqual(try readText(out, name), try golden(fixture, "recog/" + name), "\(fixture) \(name)")
            }
            try assertCrops(out, equal: "expected/\(fixture)/recog/crops.json")
        }
        // txt is the default (the reference writes txt); jsonl names the same crops.
        let plain = try PrepProcess.tempDir(self)
        XCTAssertEqual(try PrepProcess.run(["totaltext", PrepProcess.fixture("totaltext-toy").path, "--task", "recog", "-o", plain.path, "-q"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: plain.appendingPathComponent("train_label.txt").path))
        let out = try PrepProcess.tempDir(self)
        XCTAssertEqual(try PrepProcess.run(["totaltext", PrepProcess.fixture("totaltext-toy").path, "--task", "recog", "--format", "jsonl",
                                            "-o", out.path, "-q"]).status, 0)
        XCTAssertEqual(try readText(out, "train_label.jsonl"),
                       #"{"filename": "training/img11_1.png", "text": "HELLO"}"# + "\n" + #"{"filename": "training/img11_2.png", "text": "Curved"}"# + "\n"
                       + #"{"filename": "training/img2_1.png", "text": "don't"}"# + "\n")
    }

    func testBadMATFilesAreSkippedAndNamed() throws {
        let root = try fixtureCopy("totaltext-mat-toy")
        let train = root.appendingPathComponent("annotations/training")
        try FileManager.default.removeItem(at: train.appendingPathComponent("gt_img2.mat"))
        try FileManager.default.copyItem(at: PrepProcess.fixture("mat/scipy_plain.mat"), to: train.appendingPathComponent("gt_img2.mat"))
        try FileManager.default.removeItem(at: train.appendingPathComponent("poly_gt_img11.mat"))
        try FileManager.default.copyItem(at: PrepProcess.fixture("mat/v73.mat"), to: train.appendingPathComponent("poly_gt_img11.mat"))
        let r = try PrepProcess.run(["totaltext", root.path, "--split-list", "training", "-o", root.appendingPathComponent("out").path])
        // Both training images are skipped: nothing is written, which fails the run (issue 19).
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was written"), r.stderr)
        XCTAssertTrue(r.stdout.contains("gt_img2.mat: no 'gt' or 'polygt' variable (the file holds: names, boxes, txt"), r.stdout)
        XCTAssertTrue(r.stdout.contains("poly_gt_img11.mat: a MATLAB v7.3 file (HDF5)"), r.stdout)
        // An image with neither txt nor .mat is named with every file tried.
        try FileManager.default.removeItem(at: train.appendingPathComponent("gt_img2.mat"))
        let r2 = try PrepProcess.run(["totaltext", root.path, "--split-list", "training", "-o", root.appendingPathComponent("out").path])
        XCTAssertTrue(r2.stdout.contains("img2.jpg: image has no annotation file (expected annotations/training/poly_gt_img2.txt (or annotations/training/poly_gt_img2.mat, annotations/training/gt_img2.mat))"), r2.stdout)
    }
}
