import Foundation
import XCTest
import PrepCore

/// `prep obtain` and `prep NAME ROOT --obtain` against scripts/obtain_test_server.py on
/// 127.0.0.1, serving fixtures/obtain/icdar2015 (the official ICDAR 2015 archive names and
/// structure, made by scripts/make_obtain_fixtures.py). No request leaves the machine: every run
/// has `--mirror http://127.0.0.1:PORT` and no proxy.
final class ObtainCommandTests: XCTestCase {
    let archives = PrepProcess.fixture("obtain/icdar2015")

    /// A zoo folder holding the real icdar2015 recipe with the fixture archives' md5s.
    func fixtureZoo() throws -> URL {
        let zoo = try PrepProcess.tempDir(self).appendingPathComponent("zoo")
        var recipe = try String(contentsOf: PrepProcess.repoRoot.appendingPathComponent("dataset-zoo/icdar2015/dataset.yml"), encoding: .utf8)
        for line in try String(contentsOf: archives.appendingPathComponent("MD5SUMS"), encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let name = "name: \(parts[1])"
            let at = try XCTUnwrap(recipe.range(of: name))
            let md5 = try XCTUnwrap(recipe.range(of: "md5: ", range: at.upperBound..<recipe.endIndex))
            recipe.replaceSubrange(md5.upperBound..<recipe.index(md5.upperBound, offsetBy: 32), with: String(parts[0]))
        }
        try FileManager.default.createDirectory(at: zoo.appendingPathComponent("icdar2015"), withIntermediateDirectories: true)
        try recipe.write(to: zoo.appendingPathComponent("icdar2015/dataset.yml"), atomically: true, encoding: .utf8)
        return zoo
    }

    func testDatasetCommandObtainsThenPreparesAndASecondRunDownloadsNothing() throws {
        let server = try ObtainServer(self, serving: archives)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("icdar2015")
        let env = PrepProcess.obtainEnvironment(zoo: try fixtureZoo())
        let r = try PrepProcess.run(["icdar2015", root.path, "--obtain", "--mirror", server.url], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests.count, 4, server.requests.joined(separator: "\n"))
        XCTAssertTrue(server.requests.allSatisfy { $0.hasPrefix("GET /downloads/") && $0.hasSuffix(" 200") }, server.requests.joined(separator: "\n"))
        let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        XCTAssertEqual((coco["images"] as! [[String: Any]]).map { $0["file_name"] as! String }, ["training/img_1.jpg", "training/img_2.jpg"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_test.json").path))
        for n in [1, 2] {
            XCTAssertEqual(try Digest.hexOfFile(root.appendingPathComponent("imgs/training/img_\(n).jpg"), .md5),
                           try Digest.hexOfFile(PrepProcess.fixture("icdar2015-toy/imgs/test/img_\(n).jpg"), .md5))
        }
        // Downloaded archives are removed once laid out (no --keep-archives); the manifest stays.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(".archives").path), ["obtained.json"])
        XCTAssertTrue(r.stdout.hasPrefix("prep icdar2015: done"), "the conversion summary is unchanged: \(r.stdout)")

        let again = try PrepProcess.run(["icdar2015", root.path, "--obtain", "--mirror", server.url], env: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(server.requests.count, 4, "the second run downloads nothing")
        XCTAssertTrue(again.stderr.contains("ch4_training_images.zip: already laid out"), again.stderr)

        let zoo = try PrepProcess.run(["zoo", "icdar2015", "--root", root.path], env: env)
        XCTAssertEqual(zoo.stdout.components(separatedBy: "status: laid out (md5 verified when obtained").count - 1, 4, zoo.stdout)
    }

    func testCutConnectionIsResumedWithRange() throws {
        let server = try ObtainServer(self, serving: archives, ["--cut", "ch4_test_images.zip:40000"])
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url, "--keep-archives"],
                                    env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let test = server.requests.filter { $0.contains("ch4_test_images.zip") }
        XCTAssertEqual(test, ["GET /downloads/ch4_test_images.zip - 200 cut", "GET /downloads/ch4_test_images.zip bytes=40000- 206"])
        XCTAssertTrue(r.stdout.contains("1 interrupted attempt(s) resumed"), r.stdout)
        // Kept, verified, byte-identical to what the server holds.
        XCTAssertEqual(try Digest.hexOfFile(root.appendingPathComponent(".archives/ch4_test_images.zip"), .md5),
                       try Digest.hexOfFile(archives.appendingPathComponent("ch4_test_images.zip"), .md5))
        let zoo = try PrepProcess.run(["zoo", "icdar2015", "--root", root.path], env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertTrue(zoo.stdout.contains("status: verified (md5 ok)"), zoo.stdout)
        XCTAssertTrue(zoo.stdout.contains("status: missing"), "training files were not asked for: \(zoo.stdout)")
    }

    func testPartFileFromAnEarlierRunIsResumed() throws {
        let server = try ObtainServer(self, serving: archives)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let zooDir = try fixtureZoo()
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".archives"), withIntermediateDirectories: true)
        let whole = try Data(contentsOf: archives.appendingPathComponent("ch4_test_images.zip"))
        try whole.prefix(999).write(to: root.appendingPathComponent(".archives/ch4_test_images.zip.part"))
        let status = try PrepProcess.run(["zoo", "icdar2015", "--root", root.path], env: PrepProcess.obtainEnvironment(zoo: zooDir))
        XCTAssertTrue(status.stdout.contains("status: partial (999 B; prep obtain resumes it)"), status.stdout)

        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url],
                                    env: PrepProcess.obtainEnvironment(zoo: zooDir))
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(server.requests.contains("GET /downloads/ch4_test_images.zip bytes=999- 206"), server.requests.joined(separator: "\n"))
        XCTAssertTrue(r.stdout.contains("resumed at 999 B"), r.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("imgs/test").path).sorted(), ["img_3.jpg", "img_4.jpg"])
    }

    /// The real recipe's md5s are the official archives'; the fixtures differ, so every file
    /// fails its check: moved aside, the run stops naming both sums, nothing is laid out.
    func testChecksumMismatchStopsAndMovesTheFileAside() throws {
        let server = try ObtainServer(self, serving: archives)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "training", "--mirror", server.url, "--jobs", "1"],
                                    env: PrepProcess.obtainEnvironment())
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("md5 mismatch: expected c51cbace155dcc4d98c8dd19d378f30d, got e06abbbda8826b7d7c29dcd740b704ca"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(".archives/ch4_training_images.zip.md5-mismatch").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(".archives/ch4_training_images.zip").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs").path))
        let status = try PrepProcess.run(["zoo", "icdar2015", "--root", root.path], env: PrepProcess.obtainEnvironment())
        XCTAssertTrue(status.stdout.contains("status: missing (a copy that failed its checksum was moved aside)"), status.stdout)
        // A wrong file put in .archives by hand is reported as such.
        try FileManager.default.copyItem(at: archives.appendingPathComponent("ch4_test_images.zip"), to: root.appendingPathComponent(".archives/ch4_test_images.zip"))
        let wrong = try PrepProcess.run(["zoo", "icdar2015", "--root", root.path], env: PrepProcess.obtainEnvironment())
        XCTAssertTrue(wrong.stdout.contains("status: MISMATCH (md5 e66122d56c5146e82b02089997880f46, expected 97e4c1ddcf074ffcc75feff2b63c35dd)"), wrong.stdout)
    }

    func testNotFoundIsNotRetried() throws {
        let only = try PrepProcess.tempDir(self)
        try FileManager.default.copyItem(at: archives.appendingPathComponent("ch4_test_images.zip"), to: only.appendingPathComponent("ch4_test_images.zip"))
        let server = try ObtainServer(self, serving: only)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url, "--jobs", "1"],
                                    env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/downloads/Challenge4_Test_Task4_GT.zip: HTTP 404: not found"), r.stderr)
        XCTAssertEqual(server.requests.filter { $0.contains("Challenge4_Test_Task4_GT.zip") }.count, 1, "a 404 is final")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs").path), "nothing laid out")
    }

    func testStallingServerTimesOutBounded() throws {
        let server = try ObtainServer(self, serving: archives, ["--stall", "ch4_test_images.zip"])
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let start = Date()
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url,
                                     "--timeout", "1", "--retries", "1"], env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no data for 1 s (the server stalled); gave up after 2 attempts"), r.stderr)
        XCTAssertTrue(r.stderr.contains("kept in ch4_test_images.zip.part"), r.stderr)
        XCTAssertLessThan(elapsed, 20)
        XCTAssertEqual(server.requests.filter { $0.contains("ch4_test_images.zip") }.count, 2)
    }

    func testHTMLPageInsteadOfTheArchive() throws {
        let server = try ObtainServer(self, serving: archives, ["--html", "ch4_test_images.zip"])
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url],
                                    env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("an HTML page instead of the file (a login or registration page?)"), r.stderr)
    }

    /// `--from DIR`: archives downloaded by hand are used in place, byte-for-byte unchanged;
    /// nothing is requested (the mirror is a closed port, so a request would fail the run).
    func testFromFolderNeedsNoNetworkAndLeavesArchivesUnchanged() throws {
        let before = try FileManager.default.contentsOfDirectory(atPath: archives.path).sorted().map {
            ($0, try Digest.hexOfFile(archives.appendingPathComponent($0), .md5))
        }
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["icdar2015", root.path, "--obtain", "--from", archives.path, "--mirror", "http://127.0.0.1:1", "--retries", "0"],
                                    env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_training.json").path))
        let after = try FileManager.default.contentsOfDirectory(atPath: archives.path).sorted().map {
            ($0, try Digest.hexOfFile(archives.appendingPathComponent($0), .md5))
        }
        XCTAssertEqual(before.map { "\($0.0) \($0.1)" }, after.map { "\($0.0) \($0.1)" })
    }

    /// A user's file that differs from the archive's is never replaced without --force, and a
    /// refused archive lays out nothing.
    func testExistingUserFileIsKeptUnlessForce() throws {
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("imgs/training"), withIntermediateDirectories: true)
        try Data("my own image".utf8).write(to: root.appendingPathComponent("imgs/training/img_1.jpg"))
        let env = PrepProcess.obtainEnvironment(zoo: try fixtureZoo())
        let args = ["obtain", "icdar2015", root.path, "--split-list", "training", "--from", archives.path, "--mirror", "http://127.0.0.1:1"]
        let r = try PrepProcess.run(args, env: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("differ from the archive's: imgs/training/img_1.jpg"), r.stderr)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("imgs/training/img_1.jpg"), encoding: .utf8), "my own image")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs/training/img_2.jpg").path))

        let forced = try PrepProcess.run(args + ["--force"], env: env)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try Digest.hexOfFile(root.appendingPathComponent("imgs/training/img_1.jpg"), .md5),
                       try Digest.hexOfFile(PrepProcess.fixture("icdar2015-toy/imgs/test/img_1.jpg"), .md5))
    }

    /// An unsafe archive met through the command: refused with the member named, nothing laid out.
    func testZipSlipArchiveThroughTheCommand() throws {
        let zoo = try PrepProcess.tempDir(self).appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: zoo.appendingPathComponent("slip"), withIntermediateDirectories: true)
        try """
            name: slip
            title: zip-slip test recipe
            tasks: [det]
            splits: [training]
            converter: icdar-txt
            layout:
              images: "imgs/{split}"
              annotation: "annotations/{split}/gt_{stem}.txt"
              file_name: "{name}"
            outputs:
              det: "instances_{split}.json"
            files:
              - name: dotdot.zip
                no_checksum: a test archive
                extract: [{from: data, to: imgs/training}, {from: ., to: other}]
            """.write(to: zoo.appendingPathComponent("slip/dataset.yml"), atomically: true, encoding: .utf8)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        let r = try PrepProcess.run(["obtain", "slip", root.path, "--from", PrepProcess.fixture("obtain/unsafe").path],
                                    env: PrepProcess.obtainEnvironment(zoo: zoo))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("dotdot.zip: data/../../evil.txt: member has a '..' component: refused (nothing was laid out)"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [".archives"])
        // A file no URL can fetch and no --from holds: the run explains what to do by hand.
        let missing = try PrepProcess.run(["obtain", "slip", root.path], env: PrepProcess.obtainEnvironment(zoo: zoo))
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("cannot be downloaded by prep; get them by hand"), missing.stderr)
    }

    /// The proxy as curl chooses it: `--proxy`, or `http_proxy` from the environment, both
    /// reaching the loopback server (as an HTTP proxy: absolute-URL requests for a host that does
    /// not exist), and `no_proxy` bypassing a proxy that does not answer.
    func testProxyFromTheOptionTheEnvironmentAndNoProxy() throws {
        let server = try ObtainServer(self, serving: archives)
        let zoo = try fixtureZoo()
        var env = PrepProcess.obtainEnvironment(zoo: zoo)
        env["no_proxy"] = ""
        let viaOption = try PrepProcess.tempDir(self).appendingPathComponent("a")
        let r1 = try PrepProcess.run(["obtain", "icdar2015", viaOption.path, "--split-list", "test", "--mirror", "http://obtain.invalid",
                                      "--proxy", server.url, "--retries", "0", "--jobs", "1"], env: env)
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertEqual(server.requests.filter { $0.hasPrefix("GET http://obtain.invalid/downloads/") }.count, 2, server.requests.joined(separator: "\n"))

        env["http_proxy"] = server.url
        let viaEnv = try PrepProcess.tempDir(self).appendingPathComponent("b")
        let r2 = try PrepProcess.run(["obtain", "icdar2015", viaEnv.path, "--split-list", "test", "--mirror", "http://obtain.invalid",
                                      "--retries", "0"], env: env)
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertEqual(server.requests.filter { $0.hasPrefix("GET http://obtain.invalid/downloads/") }.count, 4)

        env["http_proxy"] = "http://127.0.0.1:1"
        env["no_proxy"] = "127.0.0.1"
        let direct = try PrepProcess.tempDir(self).appendingPathComponent("c")
        let r3 = try PrepProcess.run(["obtain", "icdar2015", direct.path, "--split-list", "test", "--mirror", server.url, "--retries", "0"], env: env)
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertEqual(server.requests.filter { $0.hasPrefix("GET /downloads/") }.count, 2)
    }

    /// KAIST's download is a zip of zips the converter reads in place: obtain unpacks the outer
    /// one and lays the inner zips out untouched; the result prepares exactly as the fixture does.
    func testKAISTInnerZipsAreLaidOutNotUnpacked() throws {
        let server = try ObtainServer(self, serving: PrepProcess.fixture("obtain/kaist"))
        let root = try PrepProcess.tempDir(self).appendingPathComponent("kaist")
        let r = try PrepProcess.run(["kaist", root.path, "--obtain", "--mirror", server.url], env: PrepProcess.obtainEnvironment())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests, ["GET /dataset/KAIST_SceneText/KAIST_all.zip - 200"])
        let fixture = PrepProcess.fixture("kaist-zips")
        for inner in ["KAIST/English/Digital_Camera/a.zip", "KAIST/Mixed/Mobile_Phone/n.zip", "KAIST/English/Digital_Camera/(E.S)C-indoor.zip"] {
            XCTAssertEqual(try Digest.hexOfFile(root.appendingPathComponent(inner), .md5), try Digest.hexOfFile(fixture.appendingPathComponent(inner), .md5), inner)
        }
        let reference = try fixtureCopy("kaist-zips")
        XCTAssertEqual(try PrepProcess.run(["kaist", reference.path]).status, 0)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("instances_training.json")),
                       try Data(contentsOf: reference.appendingPathComponent("instances_training.json")))
    }

    /// A server that ignores Range restarts the file from zero; a `.part` that is already whole
    /// (a run stopped before its check) gets 416 and is checked as it is.
    func testServerIgnoringRangeAndAWholePart() throws {
        let server = try ObtainServer(self, serving: archives, ["--no-range", "ch4_test_images.zip"])
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".archives"), withIntermediateDirectories: true)
        let images = try Data(contentsOf: archives.appendingPathComponent("ch4_test_images.zip"))
        let gt = try Data(contentsOf: archives.appendingPathComponent("Challenge4_Test_Task4_GT.zip"))
        try Data("garbage that must not stay".utf8).write(to: root.appendingPathComponent(".archives/ch4_test_images.zip.part"))
        try gt.write(to: root.appendingPathComponent(".archives/Challenge4_Test_Task4_GT.zip.part"))
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url, "--keep-archives"],
                                    env: PrepProcess.obtainEnvironment(zoo: try fixtureZoo()))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requests.sorted(), ["GET /downloads/Challenge4_Test_Task4_GT.zip bytes=\(gt.count)- 416",
                                                  "GET /downloads/ch4_test_images.zip bytes=26- 200"])
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent(".archives/ch4_test_images.zip")), images)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent(".archives/Challenge4_Test_Task4_GT.zip")), gt)
    }

    /// A root laid out by hand before prep obtain existed: `--obtain` fetches nothing (a closed
    /// port as the mirror would fail any request) and the conversion runs as without it.
    func testRootLaidOutByHandIsNotDownloadedAgain() throws {
        let root = try fixtureCopy("icdar2015-toy")   // imgs/test and annotations/test, by hand
        let r = try PrepProcess.run(["icdar2015", root.path, "--obtain", "--split-list", "test", "--mirror", "http://127.0.0.1:1", "--retries", "0"],
                                    env: PrepProcess.obtainEnvironment())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("already holds every folder the files fill"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("instances_test.json")),
                       try Data(contentsOf: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json")))
    }

    /// libcurl is loaded when a download starts, not linked: a machine without it prepares data
    /// as before, and a download there stops with what to install (or --from).
    func testMissingLibcurlStopsTheDownloadWithWhatToInstall() throws {
        let server = try ObtainServer(self, serving: archives)
        let root = try PrepProcess.tempDir(self).appendingPathComponent("root")
        var env = PrepProcess.obtainEnvironment(zoo: try fixtureZoo())
        env["PREP_LIBCURL"] = "/nonexistent/libcurl.so.4"
        let r = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--mirror", server.url, "--jobs", "1"], env: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("downloading needs libcurl, which could not be loaded (/nonexistent/libcurl.so.4"), r.stderr)
        XCTAssertTrue(r.stderr.contains("apt-get install libcurl4), or download the files by hand and use --from DIR"), r.stderr)
        XCTAssertEqual(server.requests, [], "nothing was requested")
        // --from needs no libcurl at all.
        let from = try PrepProcess.run(["obtain", "icdar2015", root.path, "--split-list", "test", "--from", archives.path], env: env)
        XCTAssertEqual(from.status, 0, from.stderr)
    }

    #if os(Linux)
    /// Process start links no libcurl (nor FoundationNetworking, which needs it) and no OpenBLAS
    /// (whose thread pool would start and spin in every command): a download, the engine load them.
    func testPrepLinksNeitherLibcurlNorOpenBLAS() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["readelf", "-d", PrepProcess.binary.path]
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { throw XCTSkip("readelf is missing") }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("readelf failed") }
        let needed = text.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        XCTAssertFalse(needed.isEmpty, text)
        XCTAssertFalse(needed.contains { $0.contains("libcurl") || $0.contains("FoundationNetworking") || $0.contains("openblas") },
                       needed.joined(separator: "\n"))
    }
    #endif
}
