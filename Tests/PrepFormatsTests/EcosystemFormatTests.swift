import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

/// docTR, Hugging Face imagefolder, EasyOCR and tesstrain: written, detected and read back, and
/// what each cannot hold listed in its writer's losses (the same records as `FormatRoundTripTests`).
final class EcosystemFormatTests: TempDirTestCase {
    typealias RT = FormatRoundTripTests

    func write(_ records: [AnnotationRecord], _ writer: AnnotationWriter) throws -> AnnotationWriter {
        for r in records { try writer.add(r) }
        try writer.finish()
        return writer
    }

    func read(_ url: URL, _ format: AnnotationFormat) throws -> [AnnotationRecord] {
        let r = try format.open(url)
        var out: [AnnotationRecord] = []
        while let x = try r.next() { out.append(x) }
        return out
    }

    /// imagefolder detection metadata holds everything: polygons, sizes, texts, ignore flags,
    /// a page without instances.
    func testHFDetectionRoundTrips() throws {
        let url = dir.appendingPathComponent("metadata.jsonl")
        let w = try write(RT.detRecords, try AnnotationTarget.hf.writer(kind: .detection, url: url, hasText: true))
        XCTAssertTrue(w.losses.isEmpty, "\(w.losses.lines)")
        XCTAssertEqual(try AnnotationFormat.detect(url).format, .hf)
        XCTAssertEqual(try AnnotationFormat.detect(dir).format, .hf)
        let back = try read(url, .hf)
        XCTAssertEqual(RT.detView(back, sizes: true), RT.detView(RT.detRecords, sizes: true))
        XCTAssertEqual(back[0].instances[1].text, "###")
        let line = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(line.hasPrefix("{\"file_name\": \"test/img_1.jpg\", \"width\": 1280, \"height\": 720, \"objects\": {\"bbox\": [[377.0, 117.0, 88.0, 13.0], "), String(line))
    }

    /// docTR DetectionDataset: 4-point polygons only (the 5-point one becomes its minimum-area
    /// rectangle), no do-not-care regions, no empty page; each loss counted.
    func testDocTRDetectionKeepsWhatDocTRLoads() throws {
        try Data([1, 2, 3]).write(to: dir.appendingPathComponent("img.bin"))
        let url = dir.appendingPathComponent("labels.json")
        var recs = RT.detRecords
        recs[2].imagePath = "img.bin"
        let w = try write(recs, try DocTRWriter(url: url, mode: .detection, imageRoot: dir))
        XCTAssertEqual(try AnnotationFormat.detect(url).format, .doctr)
        let back = try read(url, .doctr)
        XCTAssertEqual(back.map(\.imagePath), ["test/img_1.jpg", "img.bin"])
        XCTAssertEqual(back[0].instances.count, 2)
        XCTAssertTrue(back.allSatisfy { $0.instances.allSatisfy { $0.polygon.count == 8 && !$0.ignore } })
        XCTAssertEqual(back[0].instances[0].polygon, [377, 117, 463, 117, 465, 130, 378, 130])
        XCTAssertEqual(back[0].width, 1280)
        XCTAssertEqual(back[0].height, 720)
        XCTAssertEqual(w.losses.lines, [
            "3 × transcriptions (DetectionDataset has none; OCRDataset labels keep them: ocr_labels.json from a dataset command)",
            "1 × do-not-care regions left out (docTR has no ignore flag)",
            "1 × polygons of other than 4 points written as their minimum-area rectangle (docTR needs 4 points everywhere)",
            "1 × image hashes (image not readable; img_hash left out)",
            "1 × pages without a polygon left out (docTR's DetectionDataset cannot load an empty list)",
        ])
        // img_hash is the file's SHA-256.
        let json = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(json.contains("\"img_hash\": \"\(SHA256.of([1, 2, 3]))\""), json)
    }

    /// With transcriptions, `--to doctr` detection is OCRDataset's typed_words: value + box.
    func testDocTROCRRoundTripsTextsAndBoxes() throws {
        let url = dir.appendingPathComponent("ocr.json")
        let w = try write(RT.detRecords, try AnnotationTarget.doctr.writer(kind: .detection, url: url, hasText: true, imageRoot: dir))
        XCTAssertTrue(w.losses.lines.contains("1 × polygons written as their axis-aligned box (OCRDataset reads [xmin, ymin, xmax, ymax])"), "\(w.losses.lines)")
        let back = try read(url, .doctr)
        XCTAssertEqual(back.count, 3)
        XCTAssertEqual(back[0].instances.map(\.text), ["Genaxis Theatre", "Café \"42\", ünïcode 文字"])
        XCTAssertEqual(back[0].instances[0].polygon, [377, 117, 465, 117, 465, 130, 377, 130])
        XCTAssertEqual(back[1].instances.count, 0)
        let twice = try DocTRWriter(url: dir.appendingPathComponent("y.json"), mode: .recognition)
        try twice.add(.recognition("a.png", text: "a", location: RT.loc))
        XCTAssertThrowsError(try twice.add(.recognition("a.png", text: "b", location: RT.loc)))
    }

    /// Recognition: docTR `{path: text}`, imagefolder `{"file_name", "text"}`, EasyOCR
    /// `filename,words`, tesstrain `<name>.gt.txt`: paths and texts come back (commas, quotes,
    /// non-ASCII, JSON-looking text).
    func testRecognitionFormatsRoundTrip() throws {
        for (target, format, file) in [(AnnotationTarget.doctr, AnnotationFormat.doctr, "labels.json"), (.hf, .hf, "metadata.jsonl"), (.easyocr, .easyocr, "labels.csv")] {
            let sub = dir.appendingPathComponent(format.rawValue)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let url = sub.appendingPathComponent(file)
            _ = try write(RT.recRecords, try target.writer(kind: .recognition, url: url, hasText: true))
            XCTAssertEqual(try AnnotationFormat.detect(url).format, format, file)
            XCTAssertEqual(try AnnotationFormat.detect(sub).format, format, file)
            XCTAssertEqual(RT.recView(try read(url, format), paths: true), RT.recView(RT.recRecords, paths: true), file)
            XCTAssertEqual(RT.recView(try read(sub, format), paths: true), RT.recView(RT.recRecords, paths: true), file)
        }
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("easyocr/labels.csv"), encoding: .utf8).split(separator: "\n").prefix(5),
                       ["filename,words", "crops/img_1_1.png,Genaxis Theatre", "crops/img_1_2.png,[06]", "crops/img_2_1.png,Café \"文字\"", "crops/img_3_1.png,a,b"])
        // tesstrain: flat names beside their .gt.txt.
        let tess = dir.appendingPathComponent("tess")
        let flat = RT.recRecords.map { r -> AnnotationRecord in
            var f = r
            f.imagePath = (r.imagePath as NSString).lastPathComponent
            return f
        }
        _ = try write(flat, try AnnotationTarget.tesstrain.writer(kind: .recognition, url: tess, hasText: true))
        for r in flat { try Data(r.imageBytes!).write(to: tess.appendingPathComponent(r.imagePath)) }
        XCTAssertEqual(try String(contentsOf: tess.appendingPathComponent("img_1_1.gt.txt"), encoding: .utf8), "Genaxis Theatre\n")
        XCTAssertEqual(try AnnotationFormat.detect(tess).format, .tesstrain)
        XCTAssertEqual(RT.recView(try read(tess, .tesstrain), paths: true), RT.recView(flat, paths: true).sorted())
    }

    /// What EasyOCR and tesstrain cannot hold is refused at the record's location.
    func testRefusedRecords() throws {
        let csv = try EasyOCRLabelsWriter(url: dir.appendingPathComponent("labels.csv"))
        XCTAssertThrowsError(try csv.add(.recognition("a,b.png", text: "x", location: RecordLocation(file: "in.jsonl", line: 2)))) { e in
            XCTAssertTrue("\(e)".hasPrefix("in.jsonl:2: the file name holds a comma"), "\(e)")
        }
        XCTAssertThrowsError(try csv.add(.recognition("a.png", text: "x\ny", location: RT.loc)))
        let tess = try TesstrainWriter(directory: dir.appendingPathComponent("t"))
        XCTAssertThrowsError(try tess.add(.recognition("sub/a.png", text: "x", location: RT.loc)))
        try tess.add(.recognition("a.png", text: "x", location: RT.loc))
        XCTAssertThrowsError(try tess.add(.recognition("a.tif", text: "y", location: RT.loc)))
        // A .gt.txt without its image is a record error; the reader goes on.
        try Data("z\n".utf8).write(to: dir.appendingPathComponent("t/b.gt.txt"))
        try Data(RT.png(0)).write(to: dir.appendingPathComponent("t/a.png"))
        let reader = try AnnotationFormat.tesstrain.open(dir.appendingPathComponent("t"))
        XCTAssertEqual(try reader.next()?.text, "x")
        XCTAssertThrowsError(try reader.next())
    }
}

/// PaddleOCR KIE (SER/RE) label lines: written from KIE attributes, detected, read back.
final class PaddleKIEFormatTests: TempDirTestCase {
    func testRoundTripKeepsLabelsIdsAndLinks() throws {
        let url = dir.appendingPathComponent("kie.txt")
        let w = try PaddleKIEWriter(url: url, classNames: [1: "Store_name_value"])
        let loc = RecordLocation(file: "t")
        try w.add(AnnotationRecord(imagePath: "images/a.png", instances: [
            TextInstance(polygon: [0, 0, 10, 0, 10, 5, 0, 5], text: "DATE:", attributes: ["kie_label": .string("question"), "kie_id": .int(3), "kie_linking": .array([.array([.int(3), .int(4)])])]),
            TextInstance(polygon: [20, 0, 30, 0, 30, 5, 20, 5], text: "1/2/3", attributes: ["kie_label": .string("answer"), "kie_id": .int(4), "kie_linking": .array([.array([.int(3), .int(4)])])]),
            TextInstance(polygon: [0, 10, 5, 10, 9, 12, 5, 15, 0, 14], text: "SAFEWAY", attributes: ["kie_class": .int(1)]),
            TextInstance(polygon: [0, 20, 5, 20, 5, 25, 0, 25], text: "x"),
        ], location: loc))
        try w.finish()
        XCTAssertEqual(w.losses.lines, ["1 × polygons of other than 4 points written as their minimum-area rectangle",
                                        "1 × instances without a KIE label (written as other)"])
        let line = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(line.hasPrefix("images/a.png\t[{\"transcription\": \"DATE:\", \"label\": \"question\", \"points\": [[0, 0], [10, 0], [10, 5], [0, 5]], \"id\": 3, \"linking\": [[3, 4]]}, "), line)
        XCTAssertEqual(try AnnotationFormat.detect(url).format, .paddleKIE)
        let back = try XCTUnwrap(try AnnotationFormat.paddleKIE.open(url).next())
        XCTAssertEqual(back.instances.map { $0.attributes["kie_label"]?.string }, ["question", "answer", "Store_name_value", "other"])
        XCTAssertEqual(back.instances.map { $0.attributes["kie_id"] }, [.int(3), .int(4), .int(2), .int(3)])
        XCTAssertEqual(back.instances[1].attributes["kie_linking"], .array([.array([.int(3), .int(4)])]))
        XCTAssertEqual(back.instances.map(\.text), ["DATE:", "1/2/3", "SAFEWAY", "x"])
        XCTAssertEqual(PaddleKIEWriter.classList(["Ignore", "Store_name_value", "other", "question"]), "OTHER\nSTORE_NAME_VALUE\nQUESTION\n")
    }
}
