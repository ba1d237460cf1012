import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

/// `AnnotationFormat.detect` on the reference's own files and on bad input, and the readers'
/// messages for broken records (file:line, JSON element).
final class FormatDetectionTests: TempDirTestCase {
    func file(_ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures")
    }

    func testReferenceFilesAreDetected() throws {
        // MMOCR 0.6.3's own COCO output (golden), and the MMOCR 1.x golden.
        let coco0 = Self.fixtures.appendingPathComponent("expected/icdar2015-toy/instances_test.json")
        XCTAssertEqual(try AnnotationFormat.detect(coco0).format, .mmocr0COCO)
        let m1 = Self.fixtures.appendingPathComponent("expected/icdar2015-toy/textdet_test.json")
        XCTAssertEqual(try AnnotationFormat.detect(m1).format, .mmocr1)
        let records = try AnnotationFormat.mmocr1.open(m1)
        XCTAssertEqual(records.kind, .detection)
        let first = try XCTUnwrap(try records.next())
        XCTAssertEqual(first.imagePath, "textdet_imgs/test/img_1.jpg")
        XCTAssertEqual(first.width, 1280)
        XCTAssertEqual(first.instances.filter(\.ignore).count, 3)
        // Reference label files of the detext golden.
        let labels = Self.fixtures.appendingPathComponent("detext-toy/expected/recog-jsonl/train_label.jsonl")
        XCTAssertEqual(try AnnotationFormat.detect(labels).format, .labelJsonl)
        let txtLabels = Self.fixtures.appendingPathComponent("detext-toy/expected/recog-txt/train_label.txt")
        XCTAssertEqual(try AnnotationFormat.detect(txtLabels).format, .labelTxt)
        XCTAssertEqual(try AnnotationFormat.detect(try file("a.txt", "img/1.png\tword\n")).format, .paddleRec)
        XCTAssertEqual(try AnnotationFormat.detect(try file("b.txt", "\u{FEFF}img/1.png\t[{\"transcription\": \"x\", \"points\": [[0, 0], [1, 0], [1, 1]]}]\r\n")).format, .paddleDet)
        XCTAssertEqual(try AnnotationFormat.detect(try file("c.txt", "\nimg/1.png a word\n")).format, .labelTxt)
        // A first line longer than the sniffed bytes.
        let long = "img/1.png\t[" + Array(repeating: "{\"transcription\": \"x\", \"points\": [[0, 0], [1, 0], [1, 1]]}", count: 3000).joined(separator: ", ") + "]\n"
        XCTAssertEqual(try AnnotationFormat.detect(try file("long.txt", long)).format, .paddleDet)
        XCTAssertEqual(try AnnotationFormat.detect(try file("empty-page.txt", "img/1.png\t[]\n")).format, .paddleDet)
        XCTAssertEqual(try AnnotationFormat.detect(try file("d.json", "{\n  \"info\": {},\n  \"images\": [\n")).format, .coco)
    }

    func testNoneOfTheFormatsNamesWhatWasTried() throws {
        for (name, text) in [("x.json", "{\"foo\": 1}\n"), ("y.txt", "justoneword\n"), ("z.json", "{\"a\": [1, 2,\n")] {
            XCTAssertThrowsError(try AnnotationFormat.detect(try file(name, text))) { e in
                let m = "\(e)"
                XCTAssertTrue(m.contains("tried:"), m)
                XCTAssertTrue(m.contains("--from"), m)
            }
        }
        XCTAssertThrowsError(try AnnotationFormat.detect(try file("e.txt", "\n\n"))) { e in XCTAssertTrue("\(e)".contains("empty")) }
        XCTAssertThrowsError(try AnnotationFormat.detect(dir)) { e in XCTAssertTrue("\(e)".contains("data.mdb"), "\(e)") }
    }

    func testBrokenRecordsNameFileAndLineAndReadingGoesOn() throws {
        let url = try file("det.txt", """
        img/1.jpg\t[{"transcription": "a", "points": [[0, 0], [4, 0], [4, 2]]}]
        img/2.jpg [{"transcription": "b"}]
        img/3.jpg\t[{"transcription": "c", "points": [[0, 0]
        img/4.jpg\t[{"transcription": "d", "points": [[0, 0], [4, 0], [4, 2]]}]

        """)
        let r = try AnnotationFormat.paddleDet.open(url)
        XCTAssertEqual(try r.next()?.imagePath, "img/1.jpg")
        XCTAssertThrowsError(try r.next()) { e in XCTAssertEqual("\(e)", "\(url.path):2: no tab: a PaddleOCR label line is img_path<TAB>label") }
        XCTAssertThrowsError(try r.next()) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(url.path):3: the label after the tab is not a JSON list"), "\(e)")
        }
        XCTAssertEqual(try r.next()?.imagePath, "img/4.jpg")
        XCTAssertNil(try r.next())
    }

    func testBrokenJSONDocumentsNameTheLineAndTheElement() throws {
        let bad = try file("bad.json", "{\"metainfo\": {},\n \"data_list\": [\n {\"img_path\": \"a.jpg\", \"instances\": [}]}")
        XCTAssertThrowsError(try AnnotationFormat.mmocr1.open(bad)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(bad.path):3: not valid JSON"), "\(e)")
        }
        let element = try file("el.json", """
        {"metainfo": {"task_name": "textdet"}, "data_list": [{"img_path": "a.jpg", "instances": [{"polygon": [1, 2, 3], "ignore": false}]}, {"img_path": "b.jpg", "instances": []}]}
        """)
        let r = try AnnotationFormat.mmocr1.open(element)
        XCTAssertThrowsError(try r.next()) { e in
            XCTAssertEqual("\(e)", "\(element.path) data_list[0]: instances[0].polygon is not an even list of at least 6 numbers")
        }
        XCTAssertEqual(try r.next()?.imagePath, "b.jpg")
    }

    func testCOCOAnnotationsOfNoImageAreReportedOnceAfterTheImages() throws {
        let url = try file("c.json", """
        {"images": [{"file_name": "a.jpg", "height": 10, "width": 20, "id": 0}], "categories": [], "annotations": [{"iscrowd": 0, "segmentation": [[0, 0, 4, 0, 4, 2]], "image_id": 0, "id": 0}, {"iscrowd": 1, "segmentation": [[0, 0, 4, 0, 4, 2]], "image_id": 5, "id": 1}]}
        """)
        let r = try AnnotationFormat.mmocr0COCO.open(url)
        let a = try XCTUnwrap(try r.next())
        XCTAssertEqual(a.instances.count, 1)
        XCTAssertEqual(a.width, 20)
        XCTAssertThrowsError(try r.next()) { e in XCTAssertEqual("\(e)", "\(url.path) annotations[1]: refers to no image (1 annotation(s) like it left out)") }
        XCTAssertNil(try r.next())
    }
}
