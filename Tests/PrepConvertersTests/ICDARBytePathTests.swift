import XCTest
import PrepCore
@testable import PrepConverters

/// The byte-level ICDAR gt reader (`ICDARTxtConverter+Bytes`) against the original path
/// (`parseByLines`: LineReader, decode, TextTrim.strip, parseLine): the same instances, or the
/// same error with the same file and line, on every ICDAR-style fixture, on hand-picked edge
/// cases and on seeded random lines, for every option set the dataset zoo uses.
final class ICDARBytePathTests: XCTestCase {
    static let optionSets: [[String: String]] = [
        [:],
        ["script_field": "true"],
        ["difficult_field": "true", "unquote": "true"],
        ["strip_text": "true"],
        ["floor": "true"],
        ["strip_text": "true", "unquote": "true"],
        ["ignore": "\u{212A}"],          // KELVIN SIGN: canonically equal to "K"
        ["ignore": "Caf\u{E9}"],
    ]
    static let converters = optionSets.map { try! ICDARTxtConverter(options: ConverterOptions($0)) }

    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("icdar-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Both paths on one file, for every converter: equal instances or equal errors.
    func assertSame(_ url: URL, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for (k, c) in Self.converters.enumerated() {
            let fast = Result { try c.parse(annotation: url) }
            let slow = Result { try c.parseByLines(annotation: url) }
            switch (fast, slow) {
            case let (.success(a), .success(b)):
                XCTAssertEqual(a, b, "\(what), options \(Self.optionSets[k])", file: file, line: line)
            case let (.failure(a), .failure(b)):
                XCTAssertEqual("\(a)", "\(b)", "\(what), options \(Self.optionSets[k])", file: file, line: line)
            default:
                XCTFail("\(what), options \(Self.optionSets[k]): fast \(fast) but original \(slow)", file: file, line: line)
            }
        }
    }

    func write(_ bytes: [UInt8], _ name: String = "gt.txt") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func testEveryICDARStyleFixtureReadsTheSame() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let fixtures = repo.appendingPathComponent("fixtures")
        var count = 0
        for case let path as String in FileManager.default.enumerator(atPath: fixtures.path)! where path.hasSuffix(".txt") {
            assertSame(fixtures.appendingPathComponent(path), path)
            count += 1
        }
        XCTAssertGreaterThan(count, 50)
    }

    func testEdgeCases() throws {
        let lines: [String] = [
            "377,117,463,117,465,130,378,130,Genaxis Theatre",
            "1,2,3,4,5,6,7,8,###",
            "1,2,30,2,30,12,1,12,\"Hello, world\", again",
            " 10 , +20,-0,0004,5,6,7,8,spaces and signs",
            "10.5,10,50.25,10,50,30,10,30,float",
            "1,2,3,4,5,6,7,8,Caf\u{E9}",
            "1,2,3,4,5,6,7,8,Caf\u{E9}\u{3000}",
            "\u{3000}1,2,3,4,5,6,7,8,ideographic space first",
            "1,2,3,4,5,6,7,8,nbsp\u{A0}",
            "\u{1C}1,2,3,4,5,6,7,8,file separator",
            "1,2,3,4,5,6,7,8,end\u{1C}",
            "\u{1C}",
            "\u{1F}  \t",
            " \t \u{0B}\u{0C}",
            "",
            "1,2,3,4,5,6,7,8,",
            "1,2,3,4,5,6,7,8",
            "1,2,3,4,5,6,7",
            "1,2,3,4,5,6,7,8,Latin,text",
            "1,2,3,4,5,6,7,8,0,text",
            "1,2,3,4,5,6,7,8,1,\"quoted\"",
            "1,2,3,4,5,6,7,8, ### ",
            "1,2,3,4,5,6,7,8,\"###\"",
            "1,2,3,4,5,6,7,8,K",
            "1,2,3,4,5,6,7,8,\u{212A}",
            "1,2,3,4,5,6,7,8,Cafe\u{301}",
            "2147483647,2,3,4,5,6,7,8,largest",
            "999999999,2,3,4,5,6,7,0999999999,nine digits and ten with a leading zero",
            "1,2,3,4,5,6,7,8,\u{301}combining mark after the last comma",
            "1,2,3,4,5,6,7,8\u{301},combining mark before it",
            "2147483648,2,3,4,5,6,7,8,too large",
            "-2147483648,2,3,4,5,6,7,8,too small",
            "99999999999999999999999,2,3,4,5,6,7,8,huge",
            "1e3,2,3,4,5,6,7,8,exponent",
            "5O,2,3,4,5,6,7,8,letter",
            "+,2,3,4,5,6,7,8,sign only",
            ",2,3,4,5,6,7,8,empty",
            "1\u{3000},2,3,4,5,6,7,8,unicode space in a number",
            "\u{0661},2,3,4,5,6,7,8,arabic digit",
            "1,2,3,4,5,6,7,8,\u{1F600} emoji",
            "1,2,3,4,5,6,7,8,tab\tinside",
            // A last non-ASCII character: the Unicode trim, which the byte path now takes when
            // it cuts the same bytes (unicodeTrimAgrees).
            "1,2,3,4,5,6,7,8,Caf\u{E9} \t",
            " 1,2,3,4,5,6,7,8,Caf\u{E9}",
            "\u{1C}1,2,3,4,5,6,7,8,Caf\u{E9}",
            "1,2,3,4,5,6,7,8,Caf\u{E9}\u{1F}",
            "1,2,3,4,5,6,7,8,Caf\u{E9}\u{85}",
            "1,2,3,4,5,6,7,8,line\u{2028}",
            "1,2,3,4,5,6,7,8,\u{1F600}",
            "1,2,3,4,5,6,7,8,e\u{301}",
            "1,2,3,4,5,6,7,8,\u{4E2D}\u{6587} ",
            "1,2,3,4,5,6,7,8,###,\u{E9}",
            "1,2,3,4,5,6,7,8,\u{E9}",
        ]
        for (k, l) in lines.enumerated() {
            for end in ["\n", "\r\n", "\r", ""] {
                assertSame(try write(Array(l.utf8) + Array(end.utf8), "one-\(k).txt"), "line \(l.debugDescription) ending \(end.debugDescription)")
            }
        }
        let all = lines.joined(separator: "\r\n")
        assertSame(try write([0xEF, 0xBB, 0xBF] + Array(all.utf8)), "all lines with a BOM, CRLF")
        assertSame(try write(Array(lines.filter { !$0.isEmpty }.joined(separator: "\n").utf8)), "all lines, LF")
    }

    func testInvalidUTF8AndOddBytes() throws {
        let cases: [[UInt8]] = [
            Array("1,2,3,4,5,6,7,8,ab".utf8) + [0xFF] + Array("cd\n".utf8),
            Array("1,2,3,4,5,6,7,8,".utf8) + [0xC3] + Array("\n".utf8),
            [0xC3, 0xA9] + Array(",2,3,4,5,6,7,8,x".utf8),
            Array("1,2".utf8) + [0x80] + Array(",3,4,5,6,7,8,x".utf8),
            Array("1,2,3,4,5,6,7,8,".utf8) + [0xED, 0xA0, 0x80],   // a surrogate
            Array("1,2,3,4,5,6,7,8,Latin".utf8) + [0xFE] + Array(",x".utf8),
            [0xEF, 0xBB],                                              // half a BOM
            [0xEF, 0xBB, 0xBF],
            [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("1,2,3,4,5,6,7,8,two BOMs".utf8),
            Array("1,2,3,4,5,6,7,8,a\0b".utf8),
            Array("\r\r\n\n1,2,3,4,5,6,7,8,x\r".utf8),
            Array("1,2,3,4,5,6,7,8,ab".utf8) + [0xC3],                    // a cut character at the end
            Array("1,2,3,4,5,6,7,8,ab".utf8) + [0xE0, 0x80, 0x80],        // an overlong one
            Array("1,2,3,4,5,6,7,8,ab".utf8) + [0xA9, 0xA9, 0xA9, 0xA9],  // continuation bytes only
        ]
        for (k, bytes) in cases.enumerated() { assertSame(try write(bytes, "odd-\(k).txt"), "odd case \(k): \(bytes)") }
    }

    /// Seeded random lines from a vocabulary of separators, numbers, spaces, markers and
    /// non-ASCII text: 400 files of 1–12 lines, every option set.
    func testSeededRandomLines() throws {
        var rng = SplitMix64(seed: 19)
        let tokens: [[UInt8]] = [",", ",", ",", ",", "1", "23", "-7", "+4", "0", "456", " ", "\t", "###", "Cafe", "\u{E9}", "\u{3000}",
                                 "\u{A0}", "\u{1C}", "\"", "Latin", "x", "1.5", "e", "2147483648", "\u{212A}", "\u{301}"].map { Array($0.utf8) }
            + [[0xFF], [0xC3], [0x0D], [0x0A]]
        for f in 0..<400 {
            var bytes: [UInt8] = rng.next() % 4 == 0 ? [0xEF, 0xBB, 0xBF] : []
            for _ in 0..<(1 + Int(rng.next() % 12)) {
                // Mostly well-formed heads so that many lines reach the transcription.
                if rng.next() % 3 != 0 { bytes += Array("\(rng.next() % 900),\(rng.next() % 900),3,4,5,6,7,8,".utf8) }
                for _ in 0..<Int(rng.next() % 14) { bytes += tokens[Int(rng.next() % UInt64(tokens.count))] }
                bytes += [[0x0A], [0x0D, 0x0A], [0x0D]][Int(rng.next() % 3)]
            }
            assertSame(try write(bytes, "fuzz-\(f).txt"), "random file \(f): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    func testMissingFileAndFolderKeepTheirMessages() throws {
        assertSame(dir.appendingPathComponent("absent.txt"), "a missing file")
        assertSame(dir, "a folder")
    }
}
