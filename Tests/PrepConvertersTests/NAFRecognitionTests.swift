import XCTest
import PrepCore
@testable import PrepConverters

/// NAF's recognition boxes (`boxes: recog`), as MMOCR 0.6.3's textrecog/naf_converter.py picks them.
final class NAFRecognitionTests: XCTestCase {
    func testCleaning() {
        XCTAssertEqual(NAFConverter.cleanedTranscription("\u{202A}\u{202A}«Smith»\u{202A}"), "Smith")
        XCTAssertEqual(NAFConverter.cleanedTranscription("a\u{202A}b"), "a\u{202A}b")   // only the ends
        XCTAssertEqual(NAFConverter.cleanedTranscription("«»"), "")
    }

    func testFieldsWithTranscriptionsOnly() throws {
        let doc = try JSONReader.parse(#"""
        {"textBBs": [{"id": "t0", "poly_points": [[0, 0], [9, 0], [9, 9], [0, 9]]}],
         "fieldBBs": [{"id": "f0", "poly_points": [[0, 0], [9, 0], [9, 9], [0, 9]], "type": "blank"},
                      {"id": "f1", "poly_points": [[1, 1], [5, 1], [5, 4], [1, 4]]},
                      {"id": "f2", "poly_points": [[1, 1], [5, 1], [5, 4], [1, 4]]},
                      {"id": "f3", "poly_points": [[1, 1], [5, 1], [5, 4], [1, 4]]}],
         "transcriptions": {"t0": "T", "f0": "X", "f1": "", "f2": "a¿"}}
        """#)
        let inst = try NAFConverter.recognitionInstances(doc, file: "g.json")
        XCTAssertEqual(inst.map(\.text), ["X", "a¿"])   // blank-type kept, empty and absent left out
        XCTAssertEqual(inst.map(\.ignore), [false, true])
        XCTAssertEqual(try NAFConverter.recognitionInstances(try JSONReader.parse(#"{"fieldBBs": []}"#), file: "g.json").count, 0)
        XCTAssertThrowsError(try NAFConverter(options: ConverterOptions(["boxes": "words"])))
    }
}
