import Foundation
import XCTest
import PrepCore

extension XCTestCase {
    /// Every crop under crops/ and ignores/ decodes to the reference's pixels (size + CRC-32).
    func assertCrops(_ root: URL, equal golden: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let exp = try JSONSerialization.jsonObject(with: try Data(contentsOf: PrepProcess.fixture(golden))) as! [String: [String: NSNumber]]
        var got: [String: [String: NSNumber]] = [:]
        let fm = FileManager.default
        for sub in ["crops", "ignores", "dst_imgs"] {
            let base = root.appendingPathComponent(sub)
            for split in (try? fm.contentsOfDirectory(atPath: base.path)) ?? [] {
                let dir = base.appendingPathComponent(split)
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { continue }
                for f in try fm.contentsOfDirectory(atPath: dir.path) {
                    let px = try ImageCodec.decode(file: dir.appendingPathComponent(f))
                    got["\(sub)/\(split)/\(f)"] = ["width": NSNumber(value: px.width), "height": NSNumber(value: px.height),
                                                   "crc": NSNumber(value: CRC32.of(px.data))]
                }
            }
        }
        XCTAssertEqual(got.keys.sorted(), exp.keys.sorted(), "crop files", file: file, line: line)
        for (k, v) in exp { XCTAssertEqual(got[k], v, "pixels of \(k)", file: file, line: line) }
    }

    /// A writable copy of a fixture dataset.
    func fixtureCopy(_ name: String) throws -> URL {
        let dir = try PrepProcess.tempDir(self).appendingPathComponent(name)
        try FileManager.default.copyItem(at: PrepProcess.fixture(name), to: dir)
        return dir
    }

    /// A golden file under fixtures/expected/<fixture>/, as text.
    func golden(_ fixture: String, _ rel: String) throws -> String {
        String(decoding: try Data(contentsOf: PrepProcess.fixture("expected/\(fixture)/\(rel)")), as: UTF8.self)
    }

    /// An output file as text.
    func readText(_ root: URL, _ rel: String) throws -> String {
        String(decoding: try Data(contentsOf: root.appendingPathComponent(rel)), as: UTF8.self)
    }
}
