import Foundation
import XCTest
@testable import PrepPipeline
import PrepCore

/// Words of a detection file cut on demand equal what `prep crops`' engine cuts from the page.
final class DetectionCropIndexTests: XCTestCase {
    func testWordsAreListedAndCutLikePrepCrops() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("prep-detcrop-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let image = CropEngineTests.image
        try FileManager.default.copyItem(at: image, to: root.appendingPathComponent("img_1.jpg"))
        // PaddleOCR detection labels: a word, a do-not-care region, a word without text, another word.
        let det = root.appendingPathComponent("det_gt.txt")
        try ("img_1.jpg\t[{\"transcription\": \"Genaxis\", \"points\": [[377, 117], [463, 117], [463, 130], [377, 130]]}, "
             + "{\"transcription\": \"###\", \"points\": [[1, 1], [9, 1], [9, 9], [1, 9]]}, "
             + "{\"transcription\": \"\", \"points\": [[10, 10], [30, 10], [30, 20], [10, 20]]}, "
             + "{\"transcription\": \"Theatre\", \"points\": [[493, 115], [519, 115], [519, 131], [493, 131]]}]\n")
            .write(to: det, atomically: true, encoding: .utf8)
        let index = try DetectionCropIndex(annotation: det, images: root)
        XCTAssertEqual(index.words.map(\.name), ["img_1_1.png", "img_1_3.png"])
        XCTAssertEqual(index.words.map(\.text), ["Genaxis", "Theatre"])
        XCTAssertEqual(index.skipped.map(\.reason), ["no transcription"])
        // The same crops as the engine cutting the whole page.
        let page = Sample(image: ImageRef(url: image, name: "img_1.jpg", width: 1280, height: 720, format: .jpeg),
                          instances: [TextInstance(polygon: [377, 117, 463, 117, 463, 130, 377, 130], text: "Genaxis"),
                                      TextInstance(polygon: [1, 1, 9, 1, 9, 9, 1, 9], text: "###", ignore: true),
                                      TextInstance(polygon: [10, 10, 30, 10, 30, 20, 10, 20], text: "x"),
                                      TextInstance(polygon: [493, 115, 519, 115, 519, 131, 493, 131], text: "Theatre")])
        let whole = CropEngine(settings: CropSettings(vertical: .keep)).cut(page, prefix: "img_1", split: "train",
                                                                          bytes: [UInt8](try Data(contentsOf: image)))
        XCTAssertEqual(try index.cropBytes(at: 0), whole.crops[0].bytes)
        XCTAssertEqual(try index.cropBytes(at: 1), whole.crops[2].bytes)
        // A missing page image is an error naming it.
        try FileManager.default.removeItem(at: root.appendingPathComponent("img_1.jpg"))
        XCTAssertThrowsError(try index.cropBytes(at: 0)) { e in XCTAssertTrue("\(e)".contains("img_1.jpg"), "\(e)") }
    }
}
