import XCTest
import PrepCore
@testable import PrepModels

/// Each sample source on the rec-toy fixture (10 real word crops; the LMDBs were made by the
/// reference's lmdb_converter.py, fixtures/lmdb/README.md).
final class RecogSourcesTests: XCTestCase {
    let labels = ["GRAND", "HOTEL", "HOTEL", "PACIFIC", "03/09/2009", "ANING", "Virgin", "america", "ATTACK", "DAVIDSON"]
    let files = ["1223731.jpg", "1223733.jpg", "1223732.jpg", "1223729.jpg", "1036169.jpg", "1190237.jpg",
                 "1058891.jpg", "1058892.jpg", "1240078.jpg", "1210236.jpg"]
    var imgs: URL { RecogTestData.fixture("lmdb/rec-toy/imgs") }

    func testLMDBWithImages() throws {
        var opener = RecogDataSources()
        let s = try opener.open(RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path)
        XCTAssertTrue(s is RecogLMDBSource)
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).text }, labels)
        XCTAssertEqual(s.item(at: 0).name, "image-000000001")
        XCTAssertTrue(s.item(at: 2).location.hasSuffix("imgs.lmdb label-000000003"))
        // The stored bytes are the image file's bytes.
        let file = try Data(contentsOf: imgs.appendingPathComponent(files[4]))
        XCTAssertEqual(try s.imageBytes(at: 4), [UInt8](file))
    }

    func testLabelOnlyLMDBReadsImagesFromTheFolder() throws {
        var opener = RecogDataSources(images: imgs)
        let s = try opener.open(RecogTestData.fixture("lmdb/rec-toy/label.lmdb").path)
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).name }, files)
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).text }, labels)
        XCTAssertEqual(try s.imageBytes(at: 0), [UInt8](try Data(contentsOf: imgs.appendingPathComponent(files[0]))))
    }

    func testDeprecatedTxt2LMDBLayoutReadsItsLinesWithTheImageFolder() throws {
        // fixtures/lmdb/deprecated.lmdb: `total_number` 4 and lines under keys 0…3: two
        // recognition lines (`b.jpg WORLD/n` loses "/n" as the reference strips it) and two
        // detection lines, which have no text (fixtures/lmdb/README.md).
        var opener = RecogDataSources(images: imgs)
        let s = try opener.open(RecogTestData.fixture("lmdb/deprecated.lmdb").path)
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).name }, ["a.jpg", "b.jpg"])
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).text }, ["HELLO", "WORLD"])
        XCTAssertEqual(opener.unreadable.count, 2, "\(opener.unreadable)")
    }

    func testLabelFilesTxtAndJsonl() throws {
        for name in ["label.txt", "label.jsonl"] {
            var opener = RecogDataSources(images: imgs)
            let s = try opener.open(RecogTestData.fixture("lmdb/rec-toy/\(name)").path)
            XCTAssertEqual((0..<s.count).map { s.item(at: $0).text }, labels, name)
            XCTAssertEqual(s.item(at: 3).location, RecogTestData.fixture("lmdb/rec-toy/\(name)").path + ":4")
            XCTAssertEqual(try s.imageBytes(at: 9).count, try Data(contentsOf: imgs.appendingPathComponent(files[9])).count)
        }
    }

    func testMessyLabelFileReportsUnreadableLinesAndMissingImages() throws {
        let url = RecogTestData.fixture("lmdb/messy/label.txt")
        var opener = RecogDataSources(images: url.deletingLastPathComponent().appendingPathComponent("imgs"))
        let s = try opener.open(url.path)
        XCTAssertTrue(opener.unreadable.contains { $0.location == url.path + ":5" }, "\(opener.unreadable)")  // nospace-line
        XCTAssertEqual(s.item(at: 1).text, "HOTEL PACIFIC")
        let m = try XCTUnwrap((0..<s.count).first { s.item(at: $0).name == "missing.jpg" })
        XCTAssertThrowsError(try s.imageBytes(at: m)) { e in XCTAssertTrue("\(e)".contains("missing image"), "\(e)") }
    }

    func testFolderOfCropsForInference() throws {
        var training = RecogDataSources()
        XCTAssertThrowsError(try training.open(imgs.path)) { e in XCTAssertTrue("\(e)".contains("a folder without data.mdb"), "\(e)") }
        var opener = RecogDataSources(allowUnlabelled: true)
        let s = try opener.open(imgs.path)
        XCTAssertEqual((0..<s.count).map { s.item(at: $0).name }, files.sorted())
        XCTAssertEqual(s.item(at: 0).text, "")
    }

    func testConcatenatedSources() throws {
        var opener = RecogDataSources(images: imgs)
        let a = try opener.open(RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path)
        let b = try opener.open(RecogTestData.fixture("lmdb/rec-toy/label.txt").path)
        let c = ConcatRecogSource([a, b])
        XCTAssertEqual(c.count, 20)
        XCTAssertEqual(c.item(at: 10).name, files[0])
        XCTAssertEqual(c.item(at: 9).name, "image-000000010")
        XCTAssertEqual(try c.imageBytes(at: 14), try a.imageBytes(at: 4))
    }

    func testUnreadableInputsAreClearErrors() {
        var opener = RecogDataSources()
        XCTAssertThrowsError(try opener.open("/nonexistent/train.lmdb")) { e in XCTAssertTrue("\(e)".contains("no such file or folder"), "\(e)") }
        XCTAssertThrowsError(try opener.open(RecogTestData.fixture("lmdb/damaged/garbage.lmdb").path))
        XCTAssertThrowsError(try opener.open(RecogTestData.fixture("lmdb/damaged/nocount.lmdb").path)) { e in
            XCTAssertTrue("\(e)".contains("num-samples"), "\(e)")
        }
    }
}
