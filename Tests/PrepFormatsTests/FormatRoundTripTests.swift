import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

/// Every format written and read back, and every pair A → B → A: the data comes back wherever
/// both formats can hold it, and what one cannot hold is listed in its writer's losses.
final class FormatRoundTripTests: TempDirTestCase {
    static let loc = RecordLocation(file: "test")

    /// Pages with what real data has: integer and float coordinates, a curved polygon, `###`,
    /// an ignored region with a text, non-ASCII and quotes and commas in text, a page without
    /// instances.
    static let detRecords: [AnnotationRecord] = [
        AnnotationRecord(imagePath: "test/img_1.jpg", width: 1280, height: 720, instances: [
            TextInstance(polygon: [377, 117, 463, 117, 465, 130, 378, 130], integerCoordinates: true, text: "Genaxis Theatre"),
            TextInstance(polygon: [374, 155, 409, 155, 409, 170, 374, 170], integerCoordinates: true, text: "###", ignore: true),
            TextInstance(polygon: [10.5, 20.25, 30, 20, 30.75, 40, 10, 40.5, 5, 30], text: "Café \"42\", ünïcode 文字"),
        ], location: loc),
        AnnotationRecord(imagePath: "test/img_2.jpg", width: 300, height: 210, instances: [], location: loc),
        AnnotationRecord(imagePath: "test/sub dir/img_3.png", width: 64, height: 48, instances: [
            TextInstance(polygon: [0, 0, 10, 0, 10, 5, 0, 5], integerCoordinates: true, text: "a b", ignore: false),
        ], location: loc),
    ]

    static let detFormats: [(AnnotationTarget, AnnotationFormat, sizes: Bool)] = [
        (.mmocr0, .mmocr0COCO, true), (.mmocr1, .mmocr1, true), (.coco, .coco, true), (.lineJSON, .lineJSON, true), (.paddle, .paddleDet, false),
    ]

    func write(_ records: [AnnotationRecord], _ target: AnnotationTarget, kind: AnnotationKind, name: String,
               syntax: LabelFileWriter.Syntax = .jsonl) throws -> (URL, AnnotationWriter) {
        let url = dir.appendingPathComponent(name)
        let hasText = records.contains { $0.instances.contains { $0.text != nil } }
        let w = try target.writer(kind: kind, url: url, hasText: hasText, labelSyntax: syntax, imageRoot: dir,
                                  verifyImages: false)  // the test's images are stand-in bytes
        for r in records { try w.add(r) }
        try w.finish()
        return (url, w)
    }

    func read(_ url: URL, _ format: AnnotationFormat) throws -> [AnnotationRecord] {
        let r = try format.open(url)
        var out: [AnnotationRecord] = []
        while let x = try r.next() { out.append(x) }
        return out
    }

    /// The comparable content of detection records.
    static func detView(_ rs: [AnnotationRecord], sizes: Bool) -> [String] {
        rs.map { r in
            var s = r.imagePath
            if sizes { s += " \(r.width ?? -1)x\(r.height ?? -1)" }
            for i in r.instances {
                s += " | \(i.polygon) ignore=\(i.ignore) text=\(i.ignore ? "(ignored)" : (i.text ?? "nil"))"
            }
            return s
        }
    }

    func testEveryDetectionFormatReadsBackWhatItWrote() throws {
        for (target, format, sizes) in Self.detFormats {
            let (url, w) = try write(Self.detRecords, target, kind: .detection, name: "det.\(format.rawValue)")
            XCTAssertEqual(try AnnotationFormat.detect(url).format, format, "detect \(format)")
            let back = try read(url, format)
            XCTAssertEqual(Self.detView(back, sizes: sizes), Self.detView(Self.detRecords, sizes: sizes), format.rawValue)
            // Text of ignored instances: kept except by PaddleOCR, which says so.
            let ignoredText = back[0].instances[1].text
            XCTAssertEqual(ignoredText, "###", format.rawValue)
            XCTAssertEqual(back[0].instances[2].text, "Café \"42\", ünïcode 文字", format.rawValue)
            if !sizes { XCTAssertTrue(w.losses.lines.contains { $0.contains("image sizes") }, "\(format): \(w.losses.lines)") }
        }
    }

    func testEveryDetectionPairRoundTrips() throws {
        for (ta, fa, sa) in Self.detFormats {
            for (tb, fb, sb) in Self.detFormats where fb != fa {
                let (u1, _) = try write(Self.detRecords, ta, kind: .detection, name: "a1-\(fa.rawValue)-\(fb.rawValue)")
                let a = try read(u1, fa)
                let (u2, _) = try write(a, tb, kind: .detection, name: "b-\(fa.rawValue)-\(fb.rawValue)")
                let b = try read(u2, fb)
                let (u3, _) = try write(b, ta, kind: .detection, name: "a2-\(fa.rawValue)-\(fb.rawValue)")
                let a2 = try read(u3, fa)
                XCTAssertEqual(Self.detView(a2, sizes: sa && sb), Self.detView(a, sizes: sa && sb), "\(fa.rawValue) → \(fb.rawValue) → \(fa.rawValue)")
            }
        }
    }

    /// Losses are listed, not silent: an ignored instance's own text in PaddleOCR, sizes,
    /// text in a COCO 0.x layout without a text key, text in MMOCR 1.x textdet.
    func testLossesAreReported() throws {
        var recs = Self.detRecords
        recs[0].instances[1].text = "blurry"
        let (_, paddle) = try write(recs, .paddle, kind: .detection, name: "p.txt")
        XCTAssertTrue(paddle.losses.lines.contains("1 × transcriptions of ignored instances (PaddleOCR marks them ###)"), "\(paddle.losses.lines)")
        let coco0 = try COCOWriter(url: dir.appendingPathComponent("c0.json"))
        for r in recs { try coco0.add(r) }
        try coco0.finish()
        XCTAssertTrue(coco0.losses.lines.contains("4 × instance transcriptions (this COCO 0.x layout has no text key)"), "\(coco0.losses.lines)")
        let det = try MMOCR1Writer(url: dir.appendingPathComponent("d.json"), task: .textdet)
        for r in recs { try det.add(r) }
        try det.finish()
        XCTAssertEqual(det.losses.lines, ["4 × instance transcriptions (textdet has none; textspotting keeps them)"])
    }

    // MARK: recognition

    static func png(_ k: Int) -> [UInt8] { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, UInt8(k)] }

    static let recRecords: [AnnotationRecord] = [
        ("crops/img_1_1.png", "Genaxis Theatre"), ("crops/img_1_2.png", "[06]"), ("crops/img_2_1.png", "Café \"文字\""),
        ("crops/img_3_1.png", "a,b"), ("crops/img_3_2.png", "{\"x\": 1}"),
    ].enumerated().map { k, p in
        var r = AnnotationRecord.recognition(p.0, text: p.1, location: loc)
        r.imageBytes = png(k)
        return r
    }

    static let recFormats: [(AnnotationTarget, AnnotationFormat, LabelFileWriter.Syntax, paths: Bool)] = [
        (.mmocr0, .labelTxt, .txt, true), (.mmocr0, .labelJsonl, .jsonl, true), (.mmocr1, .mmocr1, .jsonl, true),
        (.paddle, .paddleRec, .jsonl, true), (.lmdb, .lmdb, .jsonl, false),
    ]

    static func recView(_ rs: [AnnotationRecord], paths: Bool) -> [String] {
        rs.map { (paths ? $0.imagePath + " " : "") + ($0.text ?? "nil") }
    }

    func testEveryRecognitionPairRoundTrips() throws {
        // The image files an LMDB is built from: by crop name, and by LMDB key (how records
        // read from an LMDB name them).
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("crops"), withIntermediateDirectories: true)
        for (k, r) in Self.recRecords.enumerated() {
            try Data(r.imageBytes!).write(to: dir.appendingPathComponent(r.imagePath))
            try Data(r.imageBytes!).write(to: dir.appendingPathComponent(RecogLMDBReader.imageKey(k)))
        }
        for (ta, fa, xa, pa) in Self.recFormats {
            let (u1, _) = try write(Self.recRecords, ta, kind: .recognition, name: "r1-\(fa.rawValue)", syntax: xa)
            XCTAssertEqual(try AnnotationFormat.detect(u1).format, fa, "detect \(fa)")
            let a = try read(u1, fa)
            XCTAssertEqual(Self.recView(a, paths: pa), Self.recView(Self.recRecords, paths: pa), fa.rawValue)
            if fa == .lmdb { XCTAssertEqual(a.map { $0.imageBytes ?? [] }, Self.recRecords.map { $0.imageBytes! }) }
            for (tb, fb, xb, pb) in Self.recFormats where fb != fa {
                let (u2, _) = try write(a, tb, kind: .recognition, name: "r2-\(fa.rawValue)-\(fb.rawValue)", syntax: xb)
                let b = try read(u2, fb)
                let (u3, _) = try write(b, ta, kind: .recognition, name: "r3-\(fa.rawValue)-\(fb.rawValue)", syntax: xa)
                let a2 = try read(u3, fa)
                XCTAssertEqual(Self.recView(a2, paths: pa && pb), Self.recView(a, paths: pa && pb), "\(fa.rawValue) → \(fb.rawValue) → \(fa.rawValue)")
            }
        }
    }

    func testRecognitionRecordsATargetCannotHoldAreRefusedWithTheirLocation() throws {
        let tab = AnnotationRecord.recognition("a.png", text: "x\ty", location: RecordLocation(file: "in.jsonl", line: 7))
        let paddle = try PaddleRecWriter(url: dir.appendingPathComponent("p.txt"))
        XCTAssertThrowsError(try paddle.add(tab)) { e in
            XCTAssertEqual((e as? PrepError)?.description.hasPrefix("in.jsonl:7: the text holds a tab"), true, "\(e)")
        }
        let txt = try LabelFileWriter(url: dir.appendingPathComponent("l.txt"), syntax: .txt)
        XCTAssertThrowsError(try txt.add(.recognition("a.png", text: " padded", location: RecordLocation(file: "in.jsonl", line: 3))))
        XCTAssertThrowsError(try txt.add(.recognition("a b.png", text: "x", location: RecordLocation(file: "in.jsonl", line: 4))))
        var ignored = AnnotationRecord.recognition("a.png", text: "x", location: Self.loc)
        ignored.instances[0].ignore = true
        try txt.add(ignored)
        XCTAssertEqual(txt.losses.lines, ["1 × ignore flags (recognition labels have none)"])
    }

    func testLMDBTargetRefusesImagesThatDoNotDecode() throws {
        try Data(Self.png(1)).write(to: dir.appendingPathComponent("cut.png"))
        let w = try LMDBRecordWriter(directory: dir.appendingPathComponent("x.lmdb"), imageRoot: dir)
        XCTAssertThrowsError(try w.add(.recognition("cut.png", text: "a", location: RecordLocation(file: "l.txt", line: 2)))) { e in
            XCTAssertTrue("\(e)".hasPrefix("l.txt:2: image cut.png does not decode"), "\(e)")
        }
        try w.finish()
        XCTAssertEqual(try RecogLMDBReader(url: dir.appendingPathComponent("x.lmdb")).count, 0)
    }
}
