import Foundation
import XCTest
@testable import PrepPipeline

/// The merge of COCO shards by record lengths, on hand-made shard files read in tiny chunks (so
/// records straddle the read buffer's end and outgrow it): the same document as the JSON scan,
/// and the pieces it is made of.
final class COCOLengthsMergeTests: XCTestCase {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lengths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testByteStreamTakeAndVarintsAcrossChunks() throws {
        let url = try folder().appendingPathComponent("f")
        let bytes: [UInt8] = Array("0123456789abcdefghij".utf8) + [0xAC, 0x02, 0x7F, 0x80, 0x80, 0x01]
        try Data(bytes).write(to: url)
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            let r = try ByteStream(url, chunk: chunk)
            XCTAssertEqual(r.take(3).map(Array.init), Array("012".utf8), "chunk \(chunk)")
            XCTAssertEqual(r.next(), 0x33)
            // Longer than the buffer: it grows.
            XCTAssertEqual(r.take(12).map(Array.init), Array("456789abcdef".utf8), "chunk \(chunk)")
            XCTAssertEqual(r.take(0).map(Array.init), [])
            XCTAssertEqual(r.take(4).map(Array.init), Array("ghij".utf8))
            XCTAssertEqual(r.offset, 20)
            XCTAssertEqual([r.varint(), r.varint(), r.varint()], [300, 127, 1 << 14], "chunk \(chunk)")
            XCTAssertEqual(r.remaining, 0)
            XCTAssertNil(r.take(1))
            XCTAssertNil(r.varint())
            let later = try ByteStream(url, at: 10, chunk: chunk)
            XCTAssertNil(later.take(17), "past the end")
            XCTAssertEqual(later.take(10).map(Array.init), Array("abcdefghij".utf8))
        }
        // A varint cut short, or too long for an Int.
        let bad = try folder().appendingPathComponent("bad")
        try Data([0x80, 0x80]).write(to: bad)
        XCTAssertNil(try ByteStream(bad).varint())
        try Data([UInt8](repeating: 0xFF, count: 9) + [0x01]).write(to: bad)
        XCTAssertNil(try ByteStream(bad).varint())
        try Data([UInt8](repeating: 0xFF, count: 8) + [0x7F]).write(to: bad)
        XCTAssertEqual(try ByteStream(bad).varint(), Int.max)
    }

    func testDecimalCounterAndChunkWriter() throws {
        for start in [0, 1, 8, 98, 999, 123_456_789] {
            let c = DecimalCounter(start)
            for _ in 0..<1200 {
                XCTAssertEqual(String(decoding: c.text, as: UTF8.self), String(c.value))
                c.increment()
            }
            XCTAssertEqual(c.value, start + 1200)
        }
        let url = try folder().appendingPathComponent("out")
        let w = try ChunkWriter(url: url, capacity: 40)
        var expected = ""
        for v in [0, 7, 10, -42, Int.max, Int.min + 1, 99] {
            try w.append(decimal: v)
            try w.appendSeparator()
            expected += "\(v), "
        }
        let long = String(repeating: "x", count: 100)
        try w.append(Array(long.utf8))
        try w.reserve(9)
        w.put(", \"id\": ")
        w.put(byte: 0x7D)
        try w.close()
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), expected + long + ", \"id\": }")
    }

    /// One image: its object (`id` last as prep writes it, or first as a passed-through source
    /// object) and its annotations' texts (JSON-escaped).
    struct Image {
        var name: String
        var idFirst = false
        var texts: [String]
    }

    static func image(_ i: Image, id: Int) -> String {
        i.idFirst ? #"{"id": \#(id), "file_name": "\#(i.name)"}"# : #"{"file_name": "\#(i.name)", "height": 10, "id": \#(id)}"#
    }

    static func annotation(_ text: String, image: Int, id: Int) -> String {
        #"{"iscrowd": 0, "text": "\#(text)", "segmentation": [[1, 2, 3.5]], "image_id": \#(image), "id": \#(id)}"#
    }

    /// The COCO document prep writes for `images`, ids from `firstID`, with the record lengths
    /// file a shard run keeps (`ShardRecordLengths`).
    static func document(_ images: [Image], firstID: Int) -> (doc: String, lengths: [UInt8]) {
        var imageRecords: [String] = [], annotationRecords: [String] = []
        var lengths: [UInt8] = [1]
        func varint(_ v: Int) { var v = v; while v >= 0x80 { lengths.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }; lengths.append(UInt8(v)) }
        for (k, i) in images.enumerated() {
            imageRecords.append(image(i, id: firstID + k))
            varint(imageRecords.last!.utf8.count)
            varint(i.texts.count)
            for t in i.texts {
                annotationRecords.append(annotation(t, image: firstID + k, id: firstID + annotationRecords.count))
                varint(annotationRecords.last!.utf8.count)
            }
        }
        let doc = #"{"images": ["# + imageRecords.joined(separator: ", ") + #"], "categories": [{"id": 1, "name": "text"}], "annotations": ["#
            + annotationRecords.joined(separator: ", ") + "]}"
        return (doc, lengths)
    }

    func testMergeByLengthsEqualsTheUnshardedDocumentAndTheScan() throws {
        let texts = [#"a}b, {\"image_id\": 1, \"id\": 2}"#, #"say \"hi\" \\o/"#, #"h\u00e9llo \u6587"#, #"}]}, \"id\": 7}"#, "plain"]
        var images: [Image] = []
        for n in 0..<23 {
            // Images without annotations, with one, with several; ids past 9 and 99 digits.
            images.append(Image(name: "img_\(n).jpg", idFirst: n % 7 == 3, texts: (0..<(n % 4 == 1 ? 0 : n % 6 + (n == 12 ? 90 : 0))).map { texts[($0 + n) % texts.count] }))
        }
        let dir = try folder()
        for firstID in [0, 1] {
            let expected = Self.document(images, firstID: firstID).doc
            // Four shards, the last without images: image p goes to shard p % 3.
            var inputs: [(output: URL, positions: URL)] = []
            var files: [ShardLengthsFile] = []
            for s in 0..<4 {
                let mine = images.indices.filter { s < 3 && $0 % 3 == s }
                let (doc, lengths) = Self.document(mine.map { images[$0] }, firstID: firstID)
                let output = dir.appendingPathComponent("s\(s)-\(firstID).json"), positions = dir.appendingPathComponent("s\(s)-\(firstID).pos")
                let lengthsURL = dir.appendingPathComponent("s\(s)-\(firstID).len")
                try Data(doc.utf8).write(to: output)
                try Data(mine.map { "\($0)\n" }.joined().utf8).write(to: positions)
                try Data(lengths).write(to: lengthsURL)
                inputs.append((output, positions))
                files.append(ShardLengthsFile(url: lengthsURL, bytes: doc.utf8.count))
            }
            for chunk in [1, 2, 5, 16, 300, 1 << 20] {
                let out = dir.appendingPathComponent("merged-\(firstID)-\(chunk).json")
                var merger = ShardOutputMerger(name: "x.json", kind: firstID == 0 ? .coco0 : .coco, inputs: inputs, destination: out)
                merger.lengths = files
                merger.spanChunk = chunk
                try merger.run()
                XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), expected, "firstID \(firstID), chunk \(chunk)")
            }
            let scanned = dir.appendingPathComponent("scanned-\(firstID).json")
            try ShardOutputMerger(name: "x.json", kind: firstID == 0 ? .coco0 : .coco, inputs: inputs, destination: scanned).run()
            XCTAssertEqual(try String(contentsOf: scanned, encoding: .utf8), expected, "the scan")

            // Lengths that do not match the file: refused, naming it.
            var wrong = files
            wrong[1] = ShardLengthsFile(url: files[2].url, bytes: files[1].bytes)
            var merger = ShardOutputMerger(name: "x.json", kind: firstID == 0 ? .coco0 : .coco, inputs: inputs,
                                           destination: dir.appendingPathComponent("wrong.json"))
            merger.lengths = wrong
            XCTAssertThrowsError(try merger.run()) { XCTAssertTrue("\($0)".contains(inputs[1].output.lastPathComponent), "\($0)") }
        }
    }
}
