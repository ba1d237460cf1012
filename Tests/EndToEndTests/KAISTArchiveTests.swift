import Foundation
import XCTest
import PrepCore

/// `prep kaist ROOT` on the download as it comes (fixtures/kaist-zips, made by
/// fixtures/tools/kaist_zips.py): against MMOCR 0.6.3's extract_kaist.py (directory listings
/// sorted) followed by kaist_converter.py, run by the same script on a copy
/// (fixtures/expected/kaist-zips); the zips are never changed.
final class KAISTArchiveTests: XCTestCase {
    /// SHA-256 of every file under `dir`, by relative path.
    func snapshot(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        for case let rel as String in fm.enumerator(atPath: dir.path)! {
            var isDir: ObjCBool = false
            let url = dir.appendingPathComponent(rel)
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            out[rel] = SHA256.of([UInt8](try Data(contentsOf: url))).description
        }
        return out
    }

    func testZipsReadInPlaceMatchExtractKaistAndConverter() throws {
        let root = try fixtureCopy("kaist-zips")
        try Data("not a zip".utf8).write(to: root.appendingPathComponent("KAIST/Korean/Digital_Camera/readme.txt"))
        let download = root.appendingPathComponent("KAIST")
        let before = try snapshot(download)
        let r = try PrepProcess.run(["kaist", root.path, "--task", "det", "recog", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try snapshot(download), before, "the download is unchanged")
        for expected in ["(E.S)C-indoor.zip: broken.xml: line 1: not well-formed XML", "(E.S)C-indoor.zip: orphan.xml: no image member orphan.jpg or orphan.JPG",
                         "Digital_Camera/readme.txt: not a zip archive", "(E.S)C-indoor.zip: lonely.JPG: no XML names this image",
                         "(E.S)C-indoor.zip: 2 member(s) in sub-folders not read", "m.zip: M1.jpg: no XML names this image"] {
            XCTAssertTrue(r.stdout.contains(expected), expected + "\n" + r.stdout)
        }
        XCTAssertTrue(r.stdout.contains("imgs/00002.jpg: instance 4: empty transcription"), r.stdout)
        // The extracted files, byte for byte (names and numbering included).
        let exp = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("expected/kaist-zips/extracted.json"))) as! [String: [String: NSNumber]]
        var got: [String: [String: NSNumber]] = [:]
        for sub in ["imgs", "annotations"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(sub).path) {
                let bytes = [UInt8](try Data(contentsOf: root.appendingPathComponent("\(sub)/\(name)")))
                got["\(sub)/\(name)"] = ["size": NSNumber(value: bytes.count), "crc": NSNumber(value: CRC32.of(bytes))]
            }
        }
        XCTAssertEqual(got, exp)
        XCTAssertEqual(try readText(root, "instances_training.json"), try golden("kaist-zips", "instances_training.json"))
        for f in ["train_label.jsonl", "ignores/train_label.jsonl"] {
            XCTAssertEqual(try readText(root, f), try golden("kaist-zips", "recog/" + f), f)
        }
        try assertCrops(root, equal: "expected/kaist-zips/recog/crops.json")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: root.path).contains { $0.hasPrefix(".prep-tmp") })

        // A second run reads the extracted layout (imgs/ exists now): the same det file.
        let again = try PrepProcess.run(["kaist", root.path, "-q"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try readText(root, "instances_training.json"), try golden("kaist-zips", "instances_training.json"))
        XCTAssertEqual(try snapshot(download), before)
    }

    func testExtractsIntoTheOutputFolder() throws {
        let root = try fixtureCopy("kaist-zips")
        let out = root.deletingLastPathComponent().appendingPathComponent("out")
        let r = try PrepProcess.run(["kaist", root.path, "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(out, "instances_training.json"), try golden("kaist-zips", "instances_training.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("imgs").path).count, 7)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["KAIST"])
        // --to mmocr1 links textdet_imgs/train to the extracted images where they end up.
        let m1 = root.deletingLastPathComponent().appendingPathComponent("m1")
        XCTAssertEqual(try PrepProcess.run(["kaist", root.path, "--to", "mmocr1", "-o", m1.path, "-q"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: m1.appendingPathComponent("textdet_imgs/train/00006.jpg").path))
        // annotations/ beside the zips without imgs/: refused rather than replaced.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("annotations"), withIntermediateDirectories: true)
        let refused = try PrepProcess.run(["kaist", root.path, "-q"])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("annotations exists beside KAIST/"), refused.stderr)
        // ROOT may be the KAIST folder itself (the language folders directly under it).
        let inner = root.appendingPathComponent("KAIST")
        let direct = try PrepProcess.run(["kaist", inner.path, "-o", root.deletingLastPathComponent().appendingPathComponent("direct").path, "-q"])
        XCTAssertEqual(direct.status, 0, direct.stderr)
        XCTAssertEqual(try readText(root.deletingLastPathComponent().appendingPathComponent("direct"), "instances_training.json"),
                       try golden("kaist-zips", "instances_training.json"))
    }
}
