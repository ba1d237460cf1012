import XCTest
import PrepCore
@testable import PrepConverters

/// CurvedSynText150k's record rules (MMOCR 0.6.3 curvedsyntext_converter.py and box_util.py).
final class CurvedSynTextConverterTests: XCTestCase {
    func testTextStopsAtEndAndMapsUnknown() throws {
        XCTAssertEqual(try CurvedSynTextConverter.text([.int(40), .int(69), .int(0), .int(2), .int(60), .int(96), .int(33)]).text, "He \"\\")
        let unk = try CurvedSynTextConverter.text([.int(95), .int(65), .int(95)])
        XCTAssertEqual(unk.text, "口a口")
        XCTAssertEqual(unk.unknown, 2)
        XCTAssertThrowsError(try CurvedSynTextConverter.text([.int(97)]))
        XCTAssertThrowsError(try CurvedSynTextConverter.text([.int(-1)]))
        XCTAssertThrowsError(try CurvedSynTextConverter.text([.double(3)]))
    }

    /// Python's sort_points on a 2×5 box (atan2(dx, dy): x first), computed with the reference code.
    func testSortPointsOrderIsTheReferences() {
        let pts: [(x: Double, y: Double)] = [(0, 0), (10, 0), (10, 5), (0, 5), (5, 0), (5, 5)]
        let sorted = CurvedSynTextConverter.sortPoints(pts)
        XCTAssertEqual(sorted.map { [$0.x, $0.y] }, [[5, 0], [0, 0], [0, 5], [5, 5], [10, 5], [10, 0]])
    }

    /// n = 2 samples each curve's end points; sorted by angle around the centre they run
    /// (0,0), (0,1), (3,1), (3,0) (the reference's order, worked by hand).
    func testBezierEndpointsAndRecordKeys() throws {
        let c = try CurvedSynTextConverter(options: ConverterOptions(["num_sample": "2"]))
        let bezier: [JSONValue] = [0, 0, 1, 0, 2, 0, 3, 0, 3, 1, 2, 1, 1, 1, 0, 1].map { .int($0) }
        let ann = JSONValue.object([("bezier_pts", .array(bezier)), ("id", .int(4)), ("image_id", .int(2)), ("rec", .array([.int(65), .int(96)]))])
        let (out, unknown) = try c.annotation(ann, imageOffset: 10, annotationOffset: 100)
        XCTAssertEqual(unknown, 0)
        guard case let .object(pairs) = out else { return XCTFail() }
        XCTAssertEqual(pairs.map(\.0), ["bezier_pts", "id", "image_id", "text", "segmentation"])
        XCTAssertEqual(out["id"], .int(104))
        XCTAssertEqual(out["image_id"], .int(12))
        XCTAssertEqual(out["text"], .string("a"))
        XCTAssertEqual(out["segmentation"], .array([.array([0, 0, 0, 1, 3, 1, 3, 0].map { .double($0) })]))
        XCTAssertThrowsError(try CurvedSynTextConverter(options: ConverterOptions(["num_sample": "0"])))
    }
}
