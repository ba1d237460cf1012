import XCTest
import PrepCore
@testable import PrepFormats

final class COCOWriterTests: XCTestCase {
    func sample(_ name: String, _ instances: [TextInstance]) -> Sample {
        Sample(image: ImageRef(url: URL(fileURLWithPath: "/d/\(name)"), name: "training/\(name)", width: 401, height: 390, format: .jpeg),
               annotationName: "training/gt_\((name as NSString).deletingPathExtension).txt", instances: instances)
    }

    func write(_ samples: [Sample], layout: COCOWriter.Layout = .init()) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("coco-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try COCOWriter(url: url, layout: layout)
        for s in samples { try w.add(s, width: s.image.width, height: s.image.height) }
        try w.finish()
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path + ".annotations-part"), "side file removed")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Expected bytes: produced by running MMOCR 0.6.3's own `convert_annotations` (through
    /// ../shared/peer, Shapely bounds and area) on the same three images: key order,
    /// separators, ids from 0, float repr, no trailing newline.
    func testBytesMatchTheReferenceLayout() throws {
        let a = TextInstance(polygon: [377, 117, 463, 117, 465, 130, 378, 130], integerCoordinates: true, text: "Genaxis")
        let b = TextInstance(polygon: [1, 2, 3, 2, 3, 4, 1, 4], integerCoordinates: true, text: "###", ignore: true)
        let text = try write([sample("img_6.jpg", [a, b]), sample("img_7.jpg", []), sample("img_8.jpg", [a])])
        let expected = #"{"images": [{"file_name": "training/img_6.jpg", "height": 390, "width": 401, "segm_file": "training/gt_img_6.txt", "id": 0}, {"file_name": "training/img_7.jpg", "height": 390, "width": 401, "segm_file": "training/gt_img_7.txt", "id": 1}, {"file_name": "training/img_8.jpg", "height": 390, "width": 401, "segm_file": "training/gt_img_8.txt", "id": 2}], "categories": [{"id": 1, "name": "text"}], "annotations": [{"iscrowd": 0, "category_id": 1, "bbox": [377.0, 117.0, 88.0, 13.0], "area": 1124.5, "segmentation": [[377, 117, 463, 117, 465, 130, 378, 130]], "image_id": 0, "id": 0}, {"iscrowd": 1, "category_id": 1, "bbox": [1.0, 2.0, 2.0, 2.0], "area": 4.0, "segmentation": [[1, 2, 3, 2, 3, 4, 1, 4]], "image_id": 0, "id": 1}, {"iscrowd": 0, "category_id": 1, "bbox": [377.0, 117.0, 88.0, 13.0], "area": 1124.5, "segmentation": [[377, 117, 463, 117, 465, 130, 378, 130]], "image_id": 2, "id": 2}]}"#
        XCTAssertEqual(text, expected)
    }

    func testEmptySplitKeepsAnEmptyAnnotationsList() throws {
        XCTAssertEqual(try write([]), #"{"images": [], "categories": [{"id": 1, "name": "text"}], "annotations": []}"#)
    }

    func testTextKeyAndOverrides() throws {
        var i = TextInstance(polygon: [0, 0, 10, 0, 10, 5, 0, 5], integerCoordinates: true, text: "Café")
        i.attributes["bbox"] = .array([.int(0), .int(0), .int(10), .int(5)])
        i.attributes["area"] = .int(50)
        let layout = COCOWriter.Layout(annotationKeys: [.iscrowd, .category_id, .bbox, .area, .text, .segmentation], segmFile: false)
        let text = try write([sample("a.jpg", [i])], layout: layout)
        XCTAssertTrue(text.contains(#"{"file_name": "training/a.jpg", "height": 390, "width": 401, "id": 0}"#), text)
        XCTAssertTrue(text.contains(#""bbox": [0, 0, 10, 5], "area": 50, "text": "Caf\u00e9", "segmentation""#), text)
    }

    func testStreamsLargeSplitsWithoutChangingBytes() throws {
        let inst = TextInstance(polygon: [1, 1, 9, 1, 9, 9, 1, 9], integerCoordinates: true)
        let samples = (0..<3000).map { sample("img_\($0).jpg", [inst, inst]) }
        let text = try write(samples)
        XCTAssertTrue(text.hasSuffix(#""image_id": 2999, "id": 5999}]}"#))
        XCTAssertEqual(text.components(separatedBy: "\"file_name\"").count - 1, 3000)
    }

    /// The annotation bytes written straight into the buffer are those of the `JSONValue`
    /// object (`annotationObject`) serialised by PyJSON, for every key order, overrides, floats,
    /// negative and huge numbers, non-ASCII and escaped text, and a missing transcription.
    func testDirectAnnotationBytesEqualTheJSONValuePath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("coco-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: url.appendingPathExtension("annotations-part")) }
        var overridden = TextInstance(polygon: [0, 0, 10, 0, 10, 5, 0, 5], integerCoordinates: true, text: "x")
        overridden.attributes = ["bbox": .array([.int(0), .int(0), .int(10), .int(5)]), "area": .int(50),
                                 "segmentation": .array([.int(1), .double(2.5)])]
        let instances = [
            TextInstance(polygon: [377, 117, 463, 117, 465, 130, 378, 130], integerCoordinates: true, text: "Genaxis"),
            TextInstance(polygon: [1.5, 2.25, 3, 2, 3.125, 4, 1, 4e-7], integerCoordinates: false, text: "Caf\u{E9} \"q\"\\\n\u{7F}\u{1F600}", ignore: true),
            TextInstance(polygon: [-5, -0.0, 1e16, 2, 3, 9e15, 1, 4], integerCoordinates: true, text: nil),
            TextInstance(polygon: [0.1, 0.2, 1234567.5, 3, 2, 1e22, 7, 8], integerCoordinates: true, text: ""),
            TextInstance(polygon: [1, 2], integerCoordinates: true, text: "two numbers"),
            TextInstance(polygon: [0, 0, 3, 0, 3, 3], integerCoordinates: true, text: "half area", attributes: ["script": .string("Latin")]),
            TextInstance(polygon: [-1.5, 0, -4, 0, -4, -3], integerCoordinates: false, text: "negative half area"),
            overridden,
        ]
        let orders: [[COCOWriter.AnnotationKey]] = [[.iscrowd, .category_id, .bbox, .area, .segmentation],
                                                    [.segmentation, .text, .area, .bbox, .category_id, .iscrowd], [.text], []]
        for keys in orders {
            let w = try COCOWriter(url: url, layout: .init(annotationKeys: keys))
            for (k, inst) in instances.enumerated() {
                var direct: [UInt8] = []
                w.writeAnnotation(inst, imageID: k * 7, id: k * 1_000_003, to: &direct)
                let viaValue = PyJSON(ensureASCII: true).encode(w.annotationObject(inst, imageID: k * 7, id: k * 1_000_003))
                XCTAssertEqual(String(decoding: direct, as: UTF8.self), String(decoding: viaValue, as: UTF8.self), "keys \(keys), instance \(k)")
            }
            try w.finish()
        }
    }
}
