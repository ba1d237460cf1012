import Foundation
import XCTest
@testable import PrepPipeline
import PrepCore

/// The recipe side of `prep obtain`: which files, which URL after a mirror, where members go,
/// which proxy; and that every zoo file says how it is checked.
final class ObtainPlanTests: XCTestCase {
    func file(_ yaml: String) throws -> Recipe.RemoteFile {
        let recipe = try Recipe.parse(yaml: """
            name: t
            title: t
            tasks: [det]
            splits: [training, test]
            converter: icdar-txt
            layout:
              images: "imgs/{split}"
              annotation: "a/{stem}.txt"
              file_name: "{name}"
            outputs:
              det: "x.json"
            files:
            \(yaml)
            """, source: "test")
        return recipe.files![0]
    }

    func testExtractRulesFirstMatchWinsWithGlobs() throws {
        let f = try file("""
              - name: sroie.zip
                no_checksum: test
                extract:
                  - {from: "0325updated/train", to: imgs/training, match: "*.jpg"}
                  - {from: "0325updated/train", to: annotations/training, match: "*.txt"}
                  - {from: "gt.mat", to: annotations/gt.mat}
            """)
        let item = ObtainItem(file: f, url: nil)
        XCTAssertEqual(item.destination(of: "0325updated/train/X1.jpg"), "imgs/training/X1.jpg")
        XCTAssertEqual(item.destination(of: "0325updated/train/X1.txt"), "annotations/training/X1.txt")
        XCTAssertNil(item.destination(of: "0325updated/train/readme.md"))
        XCTAssertNil(item.destination(of: "0325updated/trainfoo/X1.jpg"), "a prefix must end at a folder boundary")
        XCTAssertEqual(item.destination(of: "gt.mat"), "annotations/gt.mat")
        XCTAssertEqual(item.destinations, ["imgs/training", "annotations/training", "annotations/gt.mat"])
        XCTAssertTrue(item.isArchive)
    }

    func testPlainFileAndDefaultArchive() throws {
        let json = ObtainItem(file: try file("  - {name: labels.json, no_checksum: t, to: annotations/train.json}"), url: nil)
        XCTAssertFalse(json.isArchive)
        XCTAssertEqual(json.destinations, ["annotations/train.json"])
        let tar = ObtainItem(file: try file("  - {name: x.tar.gz, no_checksum: t}"), url: nil)
        XCTAssertTrue(tar.isArchive)
        XCTAssertEqual(tar.destination(of: "a/b.jpg"), "a/b.jpg")
    }

    func testSplitsSelectFilesAndUnknownSplitsAreRefused() throws {
        let recipe = try XCTUnwrap(Zoo.load().recipe("icdar2015"))
        XCTAssertEqual(try ObtainPlan.items(recipe, splits: ["test"], tasks: nil, mirror: nil).map(\.name),
                       ["ch4_test_images.zip", "Challenge4_Test_Task4_GT.zip"])
        XCTAssertEqual(try ObtainPlan.items(recipe, splits: nil, tasks: nil, mirror: nil).count, 4)
        XCTAssertThrowsError(try ObtainPlan.items(recipe, splits: ["train"], tasks: nil, mirror: nil)) { e in
            XCTAssertEqual("\(e)", "icdar2015 has no split 'train' (its splits: training, test)")
        }
        let recog = try XCTUnwrap(Zoo.load().recipe("icdar2013"))
        XCTAssertFalse(try ObtainPlan.items(recog, splits: ["test"], tasks: ["det"], mirror: nil).map(\.name).contains("Challenge2_Test_Task3_GT.txt"))
        XCTAssertTrue(try ObtainPlan.items(recog, splits: ["test"], tasks: ["recog"], mirror: nil).map(\.name).contains("Challenge2_Test_Task3_GT.txt"))
    }

    func testMirrorKeepsThePathAndQuery() throws {
        let u = URL(string: "https://rrc.cvc.uab.es/downloads/ch4_test_images.zip?x=1")!
        XCTAssertEqual(try ObtainPlan.mirrored(u, base: "http://127.0.0.1:8000").absoluteString, "http://127.0.0.1:8000/downloads/ch4_test_images.zip?x=1")
        XCTAssertEqual(try ObtainPlan.mirrored(u, base: "https://m.example.org/ocr/").absoluteString, "https://m.example.org/ocr/downloads/ch4_test_images.zip?x=1")
        XCTAssertThrowsError(try ObtainPlan.mirrored(u, base: "ftp://x"))
    }

    func testProxyAsCurlChoosesIt() {
        let https = URL(string: "https://rrc.cvc.uab.es/x.zip")!, http = URL(string: "http://www.iapr-tc11.org/x.zip")!
        let env = ["https_proxy": "proxy:3128", "http_proxy": "http://p2:8080", "no_proxy": "localhost,.uab.es"]
        XCTAssertNil(ProxySettings.proxy(explicit: nil, for: https, environment: env), "no_proxy domain suffix")
        XCTAssertEqual(ProxySettings.proxy(explicit: nil, for: http, environment: env)?.absoluteString, "http://p2:8080")
        XCTAssertEqual(ProxySettings.proxy(explicit: nil, for: https, environment: ["HTTPS_PROXY": "h:1"])?.absoluteString, "http://h:1")
        XCTAssertEqual(ProxySettings.proxy(explicit: "http://e:9", for: http, environment: env)?.absoluteString, "http://e:9")
        XCTAssertNil(ProxySettings.proxy(explicit: "http://e:9", for: http, environment: ["no_proxy": "*"]))
        XCTAssertNil(ProxySettings.proxy(explicit: nil, for: http, environment: [:]))
        // all_proxy / ALL_PROXY when the scheme's own variable is unset or empty (libcurl is
        // handed this choice, so its own reading of the environment never differs).
        XCTAssertEqual(ProxySettings.proxy(explicit: nil, for: https, environment: ["ALL_PROXY": "a:2"])?.absoluteString, "http://a:2")
        XCTAssertEqual(ProxySettings.proxy(explicit: nil, for: http, environment: ["http_proxy": "", "all_proxy": "http://b:3"])?.absoluteString, "http://b:3")
        XCTAssertEqual(ProxySettings.proxy(explicit: nil, for: http, environment: ["http_proxy": "c:4", "all_proxy": "http://b:3"])?.absoluteString, "http://c:4")
        XCTAssertNil(ProxySettings.proxy(explicit: nil, for: http, environment: ["all_proxy": "http://b:3", "no_proxy": "iapr-tc11.org"]))
    }

    /// Every file of every zoo recipe has a checksum or says why not; archives say where their
    /// members go; files without an http(s) URL say what to do by hand.
    func testEveryZooFileIsCheckedOrSaysWhyNot() throws {
        let zoo = try Zoo.load()
        var problems: [String] = []
        for name in zoo.names {
            let files = zoo.recipe(name)!.files ?? []
            if files.isEmpty { problems.append("\(name): no files listed") }
            for f in files {
                if f.md5 == nil && f.sha256 == nil && f.noChecksum == nil { problems.append("\(name)/\(f.name): no checksum and no reason") }
                if let m = f.md5, m.count != 32 || !m.allSatisfy(\.isHexDigit) { problems.append("\(name)/\(f.name): md5 '\(m)'") }
                let item = ObtainItem(file: f, url: f.url.flatMap(URL.init(string:)))
                let fetchable = item.url.map { $0.scheme == "http" || $0.scheme == "https" } ?? false
                if !fetchable && f.manual == nil { problems.append("\(name)/\(f.name): no http(s) URL and no manual step") }
                if !item.isByHandOnly && looksLikeArchive(f.name) && f.extract == nil && f.to == nil { problems.append("\(name)/\(f.name): an archive without extract rules") }
            }
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
    }

    /// A damaged manifest's counts (a number no integer holds) read as 0 instead of trapping.
    func testManifestCountsThatNoIntegerHoldsReadAsZero() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".archives"), withIntermediateDirectories: true)
        let text = #"{"files": [{"name": "a.zip", "checksum": "md5:00", "destinations": ["imgs"], "files": 1e999, "bytes": -5}, "# +
            #"{"name": "b.zip", "destinations": [], "files": 3, "bytes": 4096}]}"#
        try Data(text.utf8).write(to: ObtainManifest.url(root: root))
        let m = ObtainManifest.read(root: root)
        XCTAssertEqual(m.entries["a.zip"]?.files, 0)
        XCTAssertEqual(m.entries["a.zip"]?.bytes, 0)
        XCTAssertEqual(m.entries["b.zip"]?.files, 3)
        XCTAssertEqual(m.entries["b.zip"]?.bytes, 4096)
    }
}
