import Foundation
import XCTest
import PrepCore
@testable import PrepPipeline

/// `AnnotationSkim` (a `prep validate --shard` reading past another shard's COCO annotations)
/// may only ever say yes where the full read takes the annotation as one instance without a
/// finding: checked on hand-made cases and on 4,000 of the fuzz pass's seeded mutations of plain annotations.
final class AnnotationSkimTests: XCTestCase {
    private func skim(_ text: String) -> (imageID: Int, id: Int)? {
        skim(Array(text.utf8))
    }

    private func skim(_ bytes: [UInt8]) -> (imageID: Int, id: Int)? {
        bytes.withUnsafeBufferPointer { b in
            AnnotationSkim.scan(b, at: 0).map { s in
                XCTAssertEqual(s.end, b.count, "the whole element is consumed")
                return (s.imageID, s.id)
            }
        }
    }

    static let plain = [
        #"{"iscrowd": 0, "category_id": 1, "bbox": [83.0, 130.0, 205.0, 60.0], "area": 11526.0, "segmentation": [[84, 135, 287, 130, 288, 190, 83, 188]], "image_id": 7, "id": 0}"#,
        #"{"image_id":7,"id":12,"segmentation":[[1.5,-2,3,4,5,6],[1,2]],"text":"Caf\u00e9 \"x\" \ud83d\ude00 \\ \/ \n","extra":{"a":[null,true,false,-0.5,{"b":[]}]}}"#,
        #"{"bbox": [0, 0, 10, -1], "id": -3, "image_id": 7, "text": "中文", "iscrowd": 1}"#,
    ]

    func testPlainAnnotationsAreSkimmed() {
        XCTAssertEqual(skim(Self.plain[0])?.imageID, 7)
        XCTAssertEqual(skim(Self.plain[0])?.id, 0)
        XCTAssertEqual(skim(Self.plain[1])?.id, 12)
        XCTAssertEqual(skim(Self.plain[2])?.id, -3)
        XCTAssertEqual(skim(#"{"image_id": 123456789012345678, "id": -123456789012345678, "bbox": [1,2,3,4]}"#)?.imageID, 123456789012345678)
        XCTAssertEqual(skim(#"{"image_id": 1, "id": -123456789012345678, "bbox": [1,2,3,4]}"#)?.id, -123456789012345678)
    }

    func testUnusualAnnotationsAreLeftToTheFullRead() {
        let base = #"{"image_id": 7, "id": 1, "bbox": [1, 2, 3, 4]"#
        for tail in [#", "area": NaN}"#, #", "area": Infinity}"#, #", "area": -Infinity}"#, #", "area": 1e5}"#,
                     #", "area": 1E-5}"#, #", "id": 2}"#, #", "image_id": 7}"#, #", "bbox": [1, 2, 3, 4]}"#,
                     #", "text": 5}"#, #", "text": "a\x"}"#, #", "text": "\ud800"}"#, #", "text": "\udc00"}"#,
                     #", "text": "\ud800\u0041"}"#, #", "im\u0061ge": 1}"#, #", "area": 01}"#, #", "area": 1.}"#,
                     #", "area": .5}"#, #", "area": -}"#, "", #", }"#, #", "segmentation": []}"#,
                     #", "segmentation": [1, 2]}"#, #", "segmentation": [["1"]]}"#, #", "x": nul}"#, #", "x" 1}"#] {
            XCTAssertNil(skim(base + tail), tail)
        }
        XCTAssertNil(skim(#"{"image_id": 7, "bbox": [1, 2, 3, 4]}"#), "no id")
        XCTAssertNil(skim(#"{"id": 7, "bbox": [1, 2, 3, 4]}"#), "no image_id")
        XCTAssertNil(skim(#"{"image_id": 7, "id": 1}"#), "neither bbox nor segmentation")
        XCTAssertNil(skim(#"{"image_id": 7.0, "id": 1, "bbox": [1, 2, 3, 4]}"#), "a float id")
        XCTAssertNil(skim(#"{"image_id": "7", "id": 1, "bbox": [1, 2, 3, 4]}"#), "a string id")
        XCTAssertNil(skim(#"{"image_id": 1234567890123456789, "id": 1, "bbox": [1, 2, 3, 4]}"#), "19 digits")
        XCTAssertNil(skim(#"{"image_id": 7, "id": 1, "bbox": [1, 2, 3]}"#), "three numbers")
        XCTAssertNil(skim(#"{"image_id": 7, "id": 1, "bbox": [1, 2, 3, "4"]}"#))
        XCTAssertNil(skim(#"[1]"#))
        XCTAssertNil(skim(#"{}"#))
        // Bytes JSONReader rejects in a string: a control character, invalid UTF-8.
        XCTAssertNil(skim(Array(#"{"image_id": 7, "id": 1, "bbox": [1, 2, 3, 4], "text": "a"#.utf8) + [0x09] + Array("\"}".utf8)))
        for bad: [UInt8] in [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]] {
            XCTAssertNil(skim(Array(#"{"image_id": 7, "id": 1, "bbox": [1, 2, 3, 4], "text": ""#.utf8) + bad + Array("\"}".utf8)), "\(bad)")
        }
    }

    /// One image (`a.jpg`, id 7) and `annotation` (whatever a mutation made of it, maybe more
    /// than one element or none), read whole and as a shard that does not own `a.jpg`: record for
    /// record the same kinds, and `.elsewhere` only where the whole read yields an instance.
    private func compare(_ annotation: [UInt8], in dir: URL, _ n: Int, accepted: inout Int) throws {
        let doc = Array(#"{"images": [{"file_name": "a.jpg", "height": 10, "width": 10, "id": 7}], "annotations": ["#.utf8) + annotation + Array("]}".utf8)
        let url = dir.appendingPathComponent("case\(n).json")
        try Data(doc).write(to: url)
        let input = try COCOValidationInput(url: url, images: dir)
        var whole: [ValidationRecord] = [], sharded: [ValidationRecord] = []
        try input.forEach(shard: nil) { whole.append($0) }
        let owner = try Shard(index: 0, count: 2).contains("a.jpg") ? 0 : 1
        try input.forEach(shard: try Shard(index: 1 - owner, count: 2)) { sharded.append($0) }
        let text = String(decoding: annotation, as: UTF8.self)
        XCTAssertEqual(whole.count, sharded.count, text)
        for (w, s) in zip(whole, sharded) {
            switch (w, s) {
            case (.page, .page), (.anomaly, .anomaly), (.instance, .instance): break
            case (.instance, .elsewhere): accepted += 1
            default: XCTFail("the whole read gives \(w), the shard \(s): \(text)")
            }
        }
    }

    func testSkimAgreesWithTheFullReadOnMutations() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var accepted = 0
        let bases = Self.plain.map { Array($0.utf8) }
        for b in bases { try compare(b, in: dir, -1, accepted: &accepted) }
        XCTAssertEqual(accepted, bases.count, "every plain case is skimmed")
        accepted = 0
        // The fuzz pass's mutations (bit flips, tokens such as NaN and 1e300, splices, cuts).
        var mutator = FuzzMutator(rng: FuzzRNG(seed: 19))
        for n in 0..<4000 {
            let pick = n % bases.count
            try compare(mutator.mutate(bases[pick], other: bases[(pick + 1) % bases.count]), in: dir, n, accepted: &accepted)
        }
        // Many mutations keep the annotation plain (a digit for a digit…): the skim took them.
        XCTAssertGreaterThan(accepted, 150)
    }
}
