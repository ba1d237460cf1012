import Foundation
import XCTest

/// `prep show` writes a gallery a real browser renders: opened in headless Chromium (Debian's
/// `chromium`, installed by scripts/setup-deps.sh), the DOM after load must hold the counts and
/// every thumbnail must have decoded (an inline script counts loaded images into
/// `data-images-loaded` on <body>).
final class ShowCommandTests: XCTestCase {
    static var chromium: String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            for name in ["chromium", "chromium-browser", "google-chrome"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    /// The DOM of `page` after load, as headless Chromium serialises it.
    func dom(_ page: URL) throws -> String {
        guard let browser = ShowCommandTests.chromium else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("chromium is not installed (scripts/setup-deps.sh installs it)") }
            throw XCTSkip("chromium is not installed (scripts/setup-deps.sh installs it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        let profile = try PrepProcess.tempDir(self)
        p.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=\(profile.path)",
                       "--virtual-time-budget=5000", "--dump-dom", page.absoluteString]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testGalleryRendersInChromium() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("gallery")
        let r = try PrepProcess.run(["show", "instances_training.json", "-o", out.path, "--per-page", "5", "--charset", "charset.txt"],
                                    cwd: PrepProcess.fixture("validate/seeded"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("9 items (16 instances) on 2 page(s)"), r.stdout)
        let index = try dom(out.appendingPathComponent("index.html"))
        XCTAssertTrue(index.contains("<span id=\"items\">9</span> items shown"), index)
        XCTAssertTrue(index.contains("<span id=\"instances\">16</span> instances"))
        XCTAssertTrue(index.contains("<span id=\"errors\" class=\"error\">13</span> errors"))
        // Anomalies link to the picture showing them.
        XCTAssertTrue(index.contains("<a href=\"page-0001.html#item-3\">p_size.jpg</a>"), index)
        // Page 1: p_ok, p_dup, p_exif, p_size drawn, p_missing has no picture.
        let page1 = try dom(out.appendingPathComponent("page-0001.html"))
        XCTAssertTrue(page1.contains("data-images-loaded=\"4\""), page1)
        XCTAssertEqual(page1.components(separatedBy: "<img ").count - 1, 4)
        XCTAssertTrue(page1.contains("image not shown"))
        XCTAssertTrue(page1.contains("### (ignored)"))
        // Page 2: p_trunc, p_text, p_corrupt cannot be decoded; p_leak can.
        let page2 = try dom(out.appendingPathComponent("page-0002.html"))
        XCTAssertTrue(page2.contains("data-images-loaded=\"1\""), page2)
    }

    func testOnlyFiltersAndCropsShowLabels() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("g")
        let seeded = PrepProcess.fixture("validate/seeded")
        var r = try PrepProcess.run(["show", "instances_training.json", "-o", out.path, "--only", "exif-orientation"], cwd: seeded)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 items"), r.stdout)
        let report = out.deletingLastPathComponent().appendingPathComponent("show.json")
        r = try PrepProcess.run(["show", "train_label.txt", "-o", out.path, "--report", report.path], cwd: seeded)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        XCTAssertEqual((json["anomalies"] as! [Any]).count, 1)  // the one-field line
        XCTAssertTrue(r.stdout.contains("2 items"), r.stdout)
        let page = try String(contentsOf: out.appendingPathComponent("page-0001.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("label: <code>leak</code>"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("thumbs").path).count >= 2, true)
        r = try PrepProcess.run(["show", "instances_training.json", "-o", out.path, "--only", "nonsense"], cwd: seeded)
        XCTAssertEqual(r.status, 2)
    }
}
