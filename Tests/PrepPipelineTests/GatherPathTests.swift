import XCTest
@testable import PrepPipeline
import PrepCore

/// The gatherers build paths without `URL`s and sort listings without generic collection
/// algorithms (issue 19); these pin that the results are the ones the `URL` and generic code gave.
final class GatherPathTests: XCTestCase {
    /// A plain relative name joins to exactly the path `URL.appendingPathComponent` gives; any
    /// name with an empty, `.` or `..` component is left to the `URL`.
    func testJoinEqualsAppendingPathComponentOrDeclines() {
        let folders = ["/data/ic15/imgs/training", "/", "/a b/ü", "/x/./y"]
        let plain = ["img_1.jpg", "gt_img_1.txt", "sub/dir/img.png", "...", "a..b", ".hidden", "x.", "ä ö%20.jpg", "100%.jpg"]
        for folder in folders {
            let url = URL(fileURLWithPath: folder, isDirectory: true)
            for name in plain {
                XCTAssertEqual(PairGatherer.join(url.plainPath, name), url.appendingPathComponent(name, isDirectory: false).plainPath,
                               "\(folder) + \(name)")
            }
        }
        for odd in ["", ".", "..", "../x.jpg", "a/../b.jpg", "a/./b.jpg", "a//b.jpg", "/abs.jpg", "dir/", "a/.."] {
            XCTAssertNil(PairGatherer.join("/data", odd), odd)
        }
    }

    /// Byte order, not `String`'s Unicode order: a decomposed `é` (e + U+0301) sorts by its bytes.
    func testSortedByUTF8IsByteOrder() {
        let ascii = ["img_10.jpg", "img_2.jpg", "IMG_3.jpg", "img_1.jpg", "a", ""]
        XCTAssertEqual(sortedByUTF8(ascii), ascii.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let mixed = ["e\u{301}x", "\u{e9}a", "ea", "z", "\u{e9}", "e", "日本.jpg", "éclair-with-a-long-name.jpg"]
        XCTAssertEqual(sortedByUTF8(mixed), mixed.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        XCTAssertEqual(sortedByUTF8(["\u{e9}a", "e\u{301}x"]), ["e\u{301}x", "\u{e9}a"])  // 0x65 < 0xC3, though "é" == "é" for String
        XCTAssertEqual(sortedByUTF8(["abc", "ab", "abc"]), ["ab", "abc", "abc"])
        // Around the 16 bytes packed into the sort keys: equal first 16 bytes, prefixes, NUL.
        let edges = ["0123456789abcdef", "0123456789abcde", "0123456789abcdefg", "0123456789abcdef\u{0}",
                     "0123456789abcdefz", "0123456789abcdefa", "0123456789abcde\u{0}", "0123456789abcde\u{0}x",
                     "0123456789abcdeféz", "0123456789abcdef" + String(repeating: "y", count: 30), "\u{0}", ""]
        XCTAssertEqual(sortedByUTF8(edges), edges.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        // Seeded random names over a few letters, so long shared prefixes are common.
        var state: UInt64 = 19
        func next(_ n: UInt64) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % n) }
        let letters = ["a", "b", "\u{0}", "é", "z", "_"]
        for _ in 0..<50 {
            let names = (0..<200).map { _ in (0..<next(40)).map { _ in letters[next(UInt64(letters.count))] }.joined() }
            XCTAssertEqual(sortedByUTF8(names), names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    /// `FolderListings.split` cuts plain paths by bytes and gives `NSString`'s answer for the rest.
    func testFolderListingsSplitMatchesNSString() {
        for p in ["gt/img_1.txt", "img_1.txt", "a/b/c.txt", "日本/画像.txt", "/abs/x.txt", "dir/", "a//b.txt", "/"] {
            let (folder, name) = FolderListings.split(p)
            XCTAssertEqual(folder, (p as NSString).deletingLastPathComponent, p)
            XCTAssertEqual(name, (p as NSString).lastPathComponent, p)
        }
    }

    /// `FolderListings.contains` answers from the folder asked for last without splitting the
    /// path; whichever folder was asked before, every path gets the answer of its own split and
    /// listing (odd paths, other folders, `.` and `..`, doubled slashes).
    func testFolderListingsContainsAgreesWithItsSplitWhateverCameBefore() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("listings-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        for folder in ["ann/training", "ann/training/sub", "other"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for file in ["ann/training/gt_1.txt", "ann/training/.hidden", "ann/training/sub/x.txt", "other/gt_1.txt", "top.txt"] {
            FileManager.default.createFile(atPath: root.appendingPathComponent(file).path, contents: Data())
        }
        let paths = ["ann/training/gt_1.txt", "ann/training/gt_2.txt", "ann/training/.hidden", "ann/training/sub/x.txt",
                     "ann/training/./gt_1.txt", "ann/training//gt_1.txt", "ann/training/..", "ann/training/.", "ann/training",
                     "ann/trainingX/gt_1.txt", "other/gt_1.txt", "top.txt", "ann/training/sub", "missing/gt_1.txt", "ann/training/"]
        func expected(_ p: String) -> Bool {
            let (folder, name) = FolderListings.split(p)
            guard !name.isEmpty, name != ".", name != ".." else { return false }
            let listed = try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            return listed?.contains(name) ?? false
        }
        XCTAssertEqual(paths.filter(expected), ["ann/training/gt_1.txt", "ann/training/.hidden", "ann/training/sub/x.txt",
                                                "ann/training/./gt_1.txt", "ann/training//gt_1.txt", "ann/training",
                                                "other/gt_1.txt", "top.txt", "ann/training/sub", "ann/training/"])
        for before in paths {
            var listings = FolderListings(root: root)
            _ = listings.contains(before)
            for p in paths { XCTAssertEqual(listings.contains(p), expected(p), "\(p) after \(before)") }
        }
    }

    /// A listed annotation file is claimed exactly when its folder, `/` and its name is one of
    /// the candidates (the orphan check's old rule: `expected.contains(folder + "/" + file)`).
    func testClaimedNamesAgreeWithWholePaths() {
        let candidates = ["annotations/training/gt_img_1.txt", "annotations/training/gt_img_10000.txt",
                          "annotations/training/sub/gt_x.txt", "annotations/trainingX/gt_y.txt", "annotations/training",
                          "annotations/training/", "annotations/training//gt_z.txt", "gt_root.txt", "/gt_abs.txt",
                          "annotations/training/été.txt"]
        let files = ["gt_img_1.txt", "gt_img_10000.txt", "gt_x.txt", "gt_y.txt", "gt_z.txt", "", "gt_root.txt",
                     "gt_abs.txt", "été.txt", "training", "sub"]
        for folder in ["annotations/training", "annotations", "", "annotations/trainingX"] {
            var claimed = Set<String>()
            for var c in candidates {
                var folderBytes = folder
                let f = c.withUTF8 { p in folderBytes.withUTF8 { FolderListings.name(of: p, inFolder: $0).map { String(decoding: $0, as: UTF8.self) } } }
                if let f { claimed.insert(f) }
            }
            for f in files {
                XCTAssertEqual(claimed.contains(f), Set(candidates).contains(folder + "/" + f), "\(folder) / \(f)")
            }
        }
    }

    /// Templates expand as before: every key, an unknown key kept, braces without a key.
    func testExpandTemplateKeys() {
        XCTAssertEqual(expandTemplate("{split}/gt_{stem}.txt", split: "training", name: "img_1.jpg"), "training/gt_img_1.txt")
        XCTAssertEqual(expandTemplate("{stem1}|{number}|{head}|{name}", split: "s", name: "im0012_b.x.jpg"), "im0012_b|12|im0012|im0012_b.x.jpg")
        XCTAssertEqual(expandTemplate("{other}/{split", split: "s", name: "n"), "{other}/{split")
        XCTAssertEqual(expandTemplate("plain/path", split: "s"), "plain/path")
        XCTAssertEqual(expandTemplate("ü/{split}/é", split: "tr", name: ""), "ü/tr/é")
    }

    /// A template compiled once gives, for ASCII and non-ASCII names alike, what the key rules
    /// say (ASCII names take the byte path, others the Character one: a dot followed by a
    /// combining mark is no separator there).
    func testLayoutTemplateCompiledOnceForManyNames() {
        let t = LayoutTemplate("a/{split}/{stem1}|{stem}|{number}|{head}|{name}|{x}{", split: "val")
        XCTAssertEqual(t.expand(name: "im0012_b.x.jpg"), "a/val/im0012_b|im0012_b.x|12|im0012|im0012_b.x.jpg|{x}{")
        XCTAssertEqual(t.expand(name: "été_1.jpg"), "a/val/été_1|été_1|1|été|été_1.jpg|{x}{")
        XCTAssertEqual(t.expand(name: ".hidden"), "a/val/|.hidden||.hidden|.hidden|{x}{")
        XCTAssertEqual(t.expand(name: "e.\u{301}x_y.png"), "a/val/e.\u{301}x_y|e.\u{301}x_y||e.\u{301}x|e.\u{301}x_y.png|{x}{")
        XCTAssertEqual(t.expand(name: "000"), "a/val/000|000|0|000|000|{x}{")
        XCTAssertEqual(LayoutTemplate("imgs/{split}", split: "test").expand(name: "anything"), "imgs/test")
    }
}

/// `ImageExtensions` decides as the rule it packs: the last component is not hidden and its
/// extension (after the last dot) is one of the list's, byte for byte.
final class ImageExtensionsTests: XCTestCase {
    func testMatchesTheRule() {
        let lists = [ImageExtensions.defaults, ["tif", "webp", "averyverylongext", ""], ["jpg", "JPG"]]
        let names = ["img_1.jpg", "img_1.JPG", "img_1.Jpg", ".img.jpg", "sub/.img.jpg", "sub/img.jpg", "a.b.png", "jpg", ".jpg",
                     "x.", "x.averyverylongext", "x.averyverylongex", "x.tif", "dir.jpg/x", "dir.jpg/", "", "é.jpeg", "x.jpeg.txt"]
        for list in lists {
            let e = ImageExtensions(list)
            for name in names {
                let last = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                let expected = !last.isEmpty && !last.hasPrefix(".") && last.contains(".")
                    && list.contains { $0.utf8.elementsEqual(last.utf8.split(separator: 0x2E, omittingEmptySubsequences: false).last!) }
                var n = name
                XCTAssertEqual(n.withUTF8 { e.matches(name: $0) }, expected, "\(name) with \(list)")
            }
        }
    }
}

/// The pairing compares names as the file system does, byte for byte: an annotation file whose
/// name is only canonically equivalent to the expected one (NFD `é` for NFC) is not the image's
/// (opening the expected name would fail); both are reported, whichever shard lists them.
final class PairGathererBytesTests: XCTestCase {
    func testCanonicallyEquivalentNamesAreNotPaired() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let imgs = root.appendingPathComponent("imgs/training"), anns = root.appendingPathComponent("annotations/training")
        for d in [imgs, anns] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        for name in ["caf\u{e9}.jpg", "plain.jpg"] { FileManager.default.createFile(atPath: imgs.appendingPathComponent(name).path, contents: Data()) }
        for name in ["gt_cafe\u{301}.txt", "gt_plain.txt"] { FileManager.default.createFile(atPath: anns.appendingPathComponent(name).path, contents: Data()) }
        let recipe = try XCTUnwrap(try Zoo.load().recipe("icdar2015"))
        for shard in [nil, try Shard(index: 0, count: 2), try Shard(index: 1, count: 2)] {
            let report = RunReport(command: "icdar2015")
            let split = try PairGatherer(root: root, layout: recipe.layout, shard: shard).gather(split: "training", report: report)
            XCTAssertEqual(split.total, 2)
            let reasons = report.issues.map { ($0.file as NSString).lastPathComponent + " " + $0.reason }
            // Every shard reports the orphan (the merge keeps it once); the image, its own shard.
            XCTAssertTrue(reasons.contains("gt_cafe\u{301}.txt annotation file has no image in imgs/training/"), "\(reasons)")
            let ownsCafe = shard.map { $0.contains("caf\u{e9}.jpg", inFolder: "imgs/training") } ?? true
            XCTAssertEqual(reasons.contains { $0.hasPrefix("caf\u{e9}.jpg image has no annotation file") }, ownsCafe, "\(reasons)")
            let ownsPlain = shard.map { $0.contains("plain.jpg", inFolder: "imgs/training") } ?? true
            XCTAssertEqual(split.pairs.map(\.imageName), ownsPlain ? ["plain.jpg"] : [])
        }
    }
}
