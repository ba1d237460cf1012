import Foundation
import XCTest
@testable import PrepPipeline

/// The byte scanners `prep merge` reads shard outputs with, on records that straddle the read
/// buffer's end (tiny chunks): the same records, skeleton and positions as one big read.
final class ShardMergeScanTests: XCTestCase {
    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testJSONRecordsAndSkeletonAcrossChunks() throws {
        let doc = #"{"images": [{"id": 0, "file_name": "a \"[x]\" \\.jpg", "nested": {"k": [1, 2]}}, {"id": 1, "file_name": "b}.jpg"}], "#
            + #""categories": [{"id": 1, "name": "text"}], "annotations": [{"image_id": 0, "id": 0, "bbox": [1.5, 2, 3, 4]}, "#
            + #"{"image_id": 1, "id": 1, "segmentation": [[1, 2, 3, 4]]}], "tail": "images"}"#
        let url = try write(doc)
        func records(_ key: String, _ chunk: Int) throws -> [String] {
            let c = try JSONArrayCursor(url, key: key, chunk: chunk)
            var out: [String] = []
            while let r = try c.next() { out.append(String(decoding: r, as: UTF8.self)) }
            return out
        }
        let images = try records("images", 1 << 20)
        XCTAssertEqual(images, [#"{"id": 0, "file_name": "a \"[x]\" \\.jpg", "nested": {"k": [1, 2]}}"#, #"{"id": 1, "file_name": "b}.jpg"}"#])
        XCTAssertEqual(try records("annotations", 1 << 20).count, 2)
        let skeleton = try JSONRecordScanner.skeleton(url, keys: ["images", "annotations"]).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(skeleton, [#"{"images": ["#, #"], "categories": [{"id": 1, "name": "text"}], "annotations": ["#, #"], "tail": "images"}"#])
        for chunk in [1, 2, 3, 5, 7, 64] {
            XCTAssertEqual(try records("images", chunk), images, "chunk \(chunk)")
            XCTAssertEqual(try records("annotations", chunk), try records("annotations", 1 << 20), "chunk \(chunk)")
            XCTAssertEqual(try JSONRecordScanner.skeleton(url, keys: ["images", "annotations"], chunk: chunk).map { String(decoding: $0, as: UTF8.self) },
                           skeleton, "chunk \(chunk)")
        }
        XCTAssertThrowsError(try JSONRecordScanner.skeleton(url, keys: ["annotations", "images"]))
        XCTAssertThrowsError(try JSONArrayCursor(url, key: "missing"))
    }

    func testLinesAndPositionsAcrossChunks() throws {
        let url = try write("12\n0\n345678\n7")
        for chunk in [1, 2, 3, 1 << 20] {
            let s = try ByteStream(url, chunk: chunk)
            var lines: [String] = []
            while let l = s.line() { lines.append(String(decoding: l, as: UTF8.self)) }
            XCTAssertEqual(lines, ["12\n", "0\n", "345678\n", "7"], "chunk \(chunk)")
        }
        let p = try PositionReader(url)
        var heads: [Int] = []
        while let h = p.head { heads.append(h); try p.advance() }
        XCTAssertEqual(heads, [12, 0, 345678, 7])
        XCTAssertThrowsError(try PositionReader(try write("1\nx2\n")).advance())
    }
}
