import Foundation
import XCTest
import PrepCore
@testable import PrepPipeline

final class ValidateChecksTests: XCTestCase {
    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.of([]).description, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.of(Array("abc".utf8)).description, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // Two blocks of padding (56 bytes of message).
        XCTAssertEqual(SHA256.of(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).description,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// RFC 1321's vectors; fed in pieces, as a download is hashed.
    func testMD5KnownVectorsInPieces() {
        let d = Digest(.md5)
        XCTAssertEqual(Digest.hex({ d.update([]); return d.finish() }()), "d41d8cd98f00b204e9800998ecf8427e")
        let e = Digest(.md5)
        e.update(Array("message ".utf8)); e.update(Array("digest".utf8))
        XCTAssertEqual(Digest.hex(e.finish()), "f96b697d7cb7938d525a2f31aaf161d0")
    }

    func testGeometryReportsOneDefectEach() {
        let g = GeometryCheck(tolerance: 2)
        XCTAssertEqual(g.check([0, 0, 1, 0, 1], width: 10, height: 10, bbox: nil).map(\.0), [.oddCoordinates])
        XCTAssertEqual(g.check([0, 0, .nan, 0, 1, 1], width: 10, height: 10, bbox: nil).map(\.0), [.nonFiniteCoordinate])
        XCTAssertEqual(g.check([0, 0, 1, 1], width: 10, height: 10, bbox: nil).map(\.0), [.tooFewPoints])
        XCTAssertEqual(g.check([0, 0, 1, 1, 2, 2], width: 10, height: 10, bbox: nil).map(\.0), [.zeroArea])
        XCTAssertEqual(g.check([0, 0, 4, 4, 4, 0, 0, 4], width: 10, height: 10, bbox: nil).map(\.0), [.selfIntersection])
        XCTAssertEqual(g.check([8, 0, 12, 0, 12, 2, 8, 2], width: 10, height: 10, bbox: nil).map(\.0), [.pointSlightlyOutside])
        XCTAssertEqual(g.check([8, 0, 13, 0, 13, 2, 8, 2], width: 10, height: 10, bbox: nil).map(\.0), [.pointOutsideImage])
        XCTAssertEqual(g.check([0, 0, 10, 0, 10, 10, 0, 10], width: 10, height: 10, bbox: [0, 0, 10, 10]).count, 0)
        XCTAssertEqual(g.check([0, 0, 10, 0, 10, 10, 0, 10], width: 10, height: 10, bbox: [0, 0, 5, 10]).map(\.0), [.bboxMismatch])
    }

    func testTextChecks() {
        let t = TextCheck(charset: Set("abc ".unicodeScalars), maxLength: 3)
        XCTAssertEqual(t.check("abc", ignore: false).count, 0)
        XCTAssertEqual(t.check("###", ignore: true).count, 0)
        XCTAssertEqual(t.check("###", ignore: false).map(\.0), [.ignoreMarkerText])
        XCTAssertEqual(t.check("", ignore: false).map(\.0), [.emptyText])
        XCTAssertEqual(t.check("abd", ignore: false).map(\.0), [.charOutsideCharset])
        XCTAssertEqual(t.check("abca", ignore: false).map(\.0), [.textTooLong])
        XCTAssertEqual(t.check(" ab", ignore: false).map(\.0), [.textWhitespace])
        XCTAssertTrue(TextCheck.isNFC("caf\u{e9}"))
        XCTAssertFalse(TextCheck.isNFC("cafe\u{301}"))
    }

    func testSplitNames() {
        XCTAssertEqual(ValidationInputs.split(for: "out/instances_training.json").split, "training")
        XCTAssertEqual(ValidationInputs.split(for: "out/train_label.txt").split, "train")
        XCTAssertEqual(ValidationInputs.split(for: "val.lmdb").split, "val")
        XCTAssertEqual(ValidationInputs.split(for: "test=a/b.txt").split, "test")
        XCTAssertEqual(ValidationInputs.split(for: "test=a/b.txt").path, "a/b.txt")
        XCTAssertEqual(Validator.cropSourceStem("training/img_12_3.png"), "img_12")
        XCTAssertEqual(Validator.cropSourceStem("word.png"), "word")
    }

    func testHistogramBuckets() {
        var h = Histogram(edges: [0, 1, 2, 6])
        for v in [0.0, 1, 1.5, 5, 6, 100] { h.add(v) }
        XCTAssertEqual(h.counts, [1, 2, 1, 2])
    }
}
