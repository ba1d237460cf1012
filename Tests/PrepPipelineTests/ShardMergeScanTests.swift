import Foundation
import XCTest
@testable import PrepPipeline
import PrepFormats

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

    /// COCO ids are read backwards from the record's end when prep's layout puts them there
    /// (`…, "image_id": N, "id": M}`), else by the forward scan; both rewrite the same bytes.
    func testIntFieldsAtTheRecordsEndAndElsewhere() throws {
        let fields = JSONIntFields(["image_id", "id"])
        let file = URL(fileURLWithPath: "/shard/instances_training.json")
        func renumber(_ record: String, _ values: [Int]) throws -> String {
            let bytes = Array(record.utf8)
            var out: [UInt8] = []
            try fields.append(values[0], values[1], in: bytes, found: fields.find(in: bytes), file: file, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        // prep's layout, with a text that looks like the fields inside its string.
        let tail = #"{"bbox": [1, 2], "text": ""id": 9}", "image_id": 12, "id": 345}"#
        XCTAssertEqual([0, 1].map { fields.find(in: Array(tail.utf8))[$0]?.value }, [12, 345])
        XCTAssertEqual(try renumber(tail, [7, 1000]), #"{"bbox": [1, 2], "text": ""id": 9}", "image_id": 7, "id": 1000}"#)
        // Another order, a nested look-alike and a negative value: the forward scan.
        let mixed = #"{"id": -5, "nested": {"image_id": 1}, "image_id": 2}"#
        XCTAssertEqual([0, 1].map { fields.find(in: Array(mixed.utf8))[$0]?.value }, [2, -5])
        XCTAssertEqual(try renumber(mixed, [10, 200]), #"{"id": 200, "nested": {"image_id": 1}, "image_id": 10}"#)
        // A key that only ends like one of the fields is not it.
        XCTAssertEqual([0, 1].map { fields.find(in: Array(#"{"image_id": 3, "xid": 4}"#.utf8))[$0]?.value }, [3, nil])
        XCTAssertThrowsError(try renumber(#"{"image_id": 3}"#, [1, 2]))
        for v in [0, 7, 10, 99, -42, Int.max] {
            var out: [UInt8] = []
            out.append(decimal: v)  // (MergedBytes: the digits the renumbering writes)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(v))
        }
    }

    /// The C value scan (16 bytes at a time) against a byte-at-a-time reading of the same rules,
    /// on random bytes dense and sparse in quotes, backslashes and brackets, cut into buffers of
    /// every size (so states carry over, and an escape ends a buffer): the same end, or none.
    func testValueScanAgreesWithAByteAtATimeScan() throws {
        func reference(_ b: [UInt8], depth: Int, inString: Bool) -> Int? {
            var depth = depth, inString = inString, escape = false
            for (i, c) in b.enumerated() {
                if escape { escape = false; continue }
                if inString {
                    if c == 0x5C { escape = true } else if c == 0x22 { inString = false; if depth == 0 { return i + 1 } }
                } else if c == 0x22 { inString = true } else if c == 0x7B || c == 0x5B { depth += 1 } else if c == 0x7D || c == 0x5D {
                    depth -= 1
                    if depth == 0 { return i + 1 }
                }
            }
            return nil
        }
        var rng = SystemRandomNumberGenerator()
        let specials: [UInt8] = Array(#""\{}[]"#.utf8), plain: [UInt8] = Array("ab1 ,:.9".utf8)
        var cases = 0, closed = 0
        for round in 0..<400 {
            let length = Int.random(in: 1...300, using: &rng)
            let density = [0.02, 0.1, 0.4][round % 3]
            let bytes = (0..<length).map { _ in Double.random(in: 0..<1, using: &rng) < density ? specials.randomElement(using: &rng)! : plain.randomElement(using: &rng)! }
            let inString = round % 4 == 0
            let depth = inString ? 0 : 1
            let expected = reference(bytes, depth: depth, inString: inString)
            let url = try write(String(decoding: bytes, as: UTF8.self))
            for chunk in [1, 3, 15, 16, 17, 64, 1 << 20] {
                let s = try ByteStream(url, chunk: chunk)
                var state = JSONScanState(depth: depth, inString: inString)
                var out: [UInt8] = []
                let found = s.scanJSONValue(into: &out, state: &state)
                XCTAssertEqual(found ? out.count : nil, expected, "round \(round), chunk \(chunk): \(String(decoding: bytes, as: UTF8.self))")
                XCTAssertEqual(Array(bytes.prefix(out.count)), out)
                cases += 1
            }
            if expected != nil { closed += 1 }
        }
        // Both outcomes were exercised.
        XCTAssertGreaterThan(closed, 50)
        XCTAssertLessThan(closed, 400)
        XCTAssertEqual(cases, 2800)
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

/// The line-LMDB reader walks a cursor per run of keys with one number of digits: every line in
/// numeric order whatever the batch size (batches that cross 10, 100, 1000), a gap named.
final class LineLMDBShardReaderTests: XCTestCase {
    private func database(_ keys: [Int], total: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        let env = try LMDBEnvironment(buildingAt: url)
        try env.write(keys.map { (Array(String($0).utf8), Array("line \($0)".utf8)) } + [(Array("total_number".utf8), Array(String(total).utf8))])
        try env.finish()
        return url
    }

    func testLinesInNumericOrderAcrossDigitCounts() throws {
        let url = try database(Array(0..<1234), total: 1234)
        for batch in [1, 7, 100, 256, 5000] {
            let r = try LineLMDBShardReader(url, batch: batch)
            var got: [String] = []
            while let v = try r.next() { got.append(String(decoding: v, as: UTF8.self)) }
            XCTAssertEqual(got, (0..<1234).map { "line \($0)" }, "batch \(batch)")
        }
        let gap = try database((0..<150).filter { $0 != 99 }, total: 150)
        XCTAssertThrowsError(try { let r = try LineLMDBShardReader(gap, batch: 40); while try r.next() != nil {} }()) { error in
            XCTAssertTrue("\(error)".contains("'99'"), "\(error)")
        }
    }
}

/// The recognition-LMDB merge reader walks each key run with a cursor: every sample in order
/// across read batches, a missing key named.
final class RecogLMDBShardReaderTests: XCTestCase {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testSamplesInOrderAndAGapNamed() throws {
        let url = try folder()
        let w = try RecogLMDBWriter(directory: url, batchSize: 64)
        for i in 1...300 { try w.append(image: Array("img\(i)".utf8), label: Array("text \(i)".utf8)) }
        try w.finish()
        let r = try RecogLMDBShardReader(url)
        var n = 0
        while let s = try r.next() {
            n += 1
            XCTAssertEqual(s.image.map { Array($0) }, Array("img\(n)".utf8))
            XCTAssertEqual(Array(s.label), Array("text \(n)".utf8))
        }
        XCTAssertEqual(n, 300)
        // The samples are views of the map: still the samples after later batches were read
        // and the mapped pages dropped.
        let again = try RecogLMDBShardReader(url)
        var views: [(image: UnsafeRawBufferPointer?, label: UnsafeRawBufferPointer)] = []
        while let s = try again.next() { views.append(s) }
        XCTAssertEqual(views.map { String(decoding: $0.label, as: UTF8.self) }, (1...300).map { "text \($0)" })
        XCTAssertEqual(views.map { $0.image.map { String(decoding: $0, as: UTF8.self) } }, (1...300).map { "img\($0)" })
        let gap = try folder()
        let env = try LMDBEnvironment(buildingAt: gap)
        try env.write([(RecogLMDBKeys.image(1), [1]), (RecogLMDBKeys.image(2), [2]), (RecogLMDBKeys.image(3), [3]),
                       (RecogLMDBKeys.label(1), Array("a".utf8)), (RecogLMDBKeys.label(3), Array("c".utf8)),
                       (Array("num-samples".utf8), Array("3".utf8))])
        try env.finish()
        XCTAssertThrowsError(try RecogLMDBShardReader(gap).next()) { XCTAssertTrue("\($0)".contains("'label-000000002'"), "\($0)") }
    }
}
