import Foundation
import XCTest
import PrepCore
@testable import PrepConverters

/// The streaming MATLAB v5 reader on files written by scipy.io.savemat (compressed and not) and
/// on a hand-built MATLAB-style file (fixtures/mat, from fixtures/tools/make_mat_fixtures.py; the
/// expected values are the generator's inputs).
final class MATFileTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/mat")

    func file(_ name: String) throws -> MATFile { try MATFile(url: Self.dir.appendingPathComponent(name)) }

    /// Runs `body` with ISA-L inflating compressed variables, then with zlib.
    func bothInflaters(_ body: () throws -> Void) throws {
        defer { StreamInflater.preferISAL = true }
        for isal in [true, false] {
            StreamInflater.preferISAL = isal
            try body()
        }
    }

    func testScipyFilesCompressedAndPlain() throws { try bothInflaters {
            for name in ["scipy_compressed.mat", "scipy_plain.mat"] {
                let m = try file(name)
                XCTAssertEqual(m.names, ["names", "boxes", "txt", "ints", "u8", "f32", "st", "grid"], name)

                let names = try m.array("names")
                XCTAssertEqual(names.dims, [1, 3])
                XCTAssertEqual(names.cells.map { $0.string }, ["ballet_1.jpg", "café", ""], name)

                let boxes = try m.array("boxes")
                let b0 = boxes.cells[0]
                XCTAssertEqual(b0.dims, [2, 4, 2])
                // numpy [d, p, w] = 8d + 2p + w, stored column-major at d + 2p + 8w.
                for d in 0..<2 { for p in 0..<4 { for w in 0..<2 {
                    XCTAssertEqual(b0.numbers[d + 2 * p + 8 * w], Double(8 * d + 2 * p + w))
                } } }
                XCTAssertEqual(boxes.cells[1].dims, [2, 4])
                XCTAssertEqual(boxes.cells[1].numbers, [1.5, 5, 2, 6, 3, 7, 4, -8.25])
                XCTAssertTrue(boxes.cells[2].isEmpty)

                XCTAssertEqual(try m.array("txt").rows, ["ab ", "cde"])
                XCTAssertEqual(try m.array("ints").numbers, [1, -2, 3])
                XCTAssertEqual(try m.array("ints").arrayClass, .int32)
                XCTAssertEqual(try m.array("u8").numbers, [7, 255])
                XCTAssertEqual(try m.array("f32").numbers, [0.5, -3, 1.25, 4])
                let st = try m.array("st")
                XCTAssertEqual(st.fieldNames, ["a", "b"])
                XCTAssertEqual(st.fieldValues[0][0].numbers, [1])
                XCTAssertEqual(st.fieldValues[0][1].string, "hi")
                let grid = try m.array("grid")
                XCTAssertEqual(grid.cell(0, 0)?.string, "x")
                XCTAssertEqual(grid.cell(1, 0)?.numbers, [1, 2])
                XCTAssertEqual(grid.cell(0, 1)?.string, "y")
                XCTAssertEqual(grid.cell(1, 1)?.numbers, [3, 4])
            }
    } }

    func testStreamingCellsOneByOne() throws { try bothInflaters {
            for name in ["scipy_compressed.mat", "scipy_plain.mat"] {
                let m = try file(name)
                let s = try m.cells("boxes")
                XCTAssertEqual(s.count, 3)
                var dims: [[Int]] = []
                while let c = try s.next() { dims.append(c.dims) }
                XCTAssertEqual(dims, [[2, 4, 2], [2, 4], [0, 0]], name)
                XCTAssertNil(try s.next())
                // Several streams over one file at once (SynthText reads four variables side by side).
                let a = try m.cells("names"), b = try m.cells("grid")
                XCTAssertEqual(try a.next()?.string, "ballet_1.jpg")
                XCTAssertEqual(try b.next()?.string, "x")
                XCTAssertEqual(try a.next()?.string, "café")
                XCTAssertEqual(try b.next()?.numbers, [1, 2])
            }
            XCTAssertThrowsError(try file("scipy_plain.mat").cells("txt")) { e in
                XCTAssertTrue("\(e)".contains("'txt' is a char array, expected a cell array"), "\(e)")
            }
    } }

    func testSkippingCellsKeepsTheStreamInStep() throws { try bothInflaters {
            for name in ["scipy_compressed.mat", "scipy_plain.mat"] {
                let s = try file(name).cells("boxes")
                XCTAssertTrue(try s.skip())
                XCTAssertEqual(try s.next()?.dims, [2, 4], name)
                XCTAssertTrue(try s.skip())
                XCTAssertFalse(try s.skip())
                XCTAssertNil(try s.next())
            }
            // Stored cells larger than the read buffer: skipping one moves the file position.
            let big = try file("scipy_bigcells.mat").cells("big")
            XCTAssertTrue(try big.skip())
            XCTAssertEqual(try big.next()?.numbers, [2, 2, 2])
            let last = try big.next()
            XCTAssertEqual(last?.numbers.count, 70001)
            XCTAssertTrue(last?.numbers.allSatisfy { $0 == 3 } ?? false)
            let again = try file("scipy_bigcells.mat").cells("big")
            XCTAssertEqual(try again.next()?.numbers.count, 70000)
            XCTAssertTrue(try again.skip())
            XCTAssertTrue(try again.skip())
            XCTAssertNil(try again.next())
    } }

    /// `--shard`: entries other shards keep are passed over undecoded; the kept ones are the
    /// same entries, with their index in gt.mat.
    func testSynthTextKeepsOnlyTheNamedEntries() throws { try bothInflaters {
            for fixture in ["synthtext-toy", "synthtext-quirks"] {
                let url = Self.dir.deletingLastPathComponent().appendingPathComponent(fixture + "/gt.mat")
                let all = try SynthTextGT(url: url)
                var entries: [SynthTextEntry] = []
                while let e = try all.next() { entries.append(e) }
                XCTAssertGreaterThan(entries.count, 2, fixture)
                for k in 0..<3 {
                    let shard = try Shard(index: k, count: 3)
                    let keep = { (name: String) in shard.contains(name) }
                    let gt = try SynthTextGT(url: url)
                    var kept: [SynthTextEntry] = []
                    while let e = try gt.next(keeping: keep) { kept.append(e) }
                    let expected = entries.filter { keep($0.name) }
                    XCTAssertEqual(kept.map(\.index), expected.map(\.index), fixture)
                    XCTAssertEqual(kept.map(\.name), expected.map(\.name), fixture)
                    XCTAssertEqual(kept.map(\.lines), expected.map(\.lines), fixture)
                    XCTAssertEqual(kept.map(\.wordBB.numbers), expected.map(\.wordBB.numbers), fixture)
                    XCTAssertEqual(kept.map(\.charBB.numbers), expected.map(\.charBB.numbers), fixture)
                }
            }
    } }

    func testMATLABStyleFile() throws {
        for name in ["matlab_style.mat", "matlab_style_be.mat"] { try checkMATLABStyle(name) }
    }

    func checkMATLABStyle(_ name: String) throws {
        let m = try file(name)
        XCTAssertEqual(m.names, ["imnames", "wordBB", "txt"])
        let imnames = try m.cells("imnames")
        XCTAssertEqual(try imnames.next()?.string, "8/a.jpg")   // miUTF16
        XCTAssertEqual(try imnames.next()?.string, "Ωx")        // miUTF16 in a small element
        let word = try m.array("wordBB")
        XCTAssertEqual(word.cells[0].arrayClass, .double)       // stored as miUINT8
        XCTAssertEqual(word.cells[0].dims, [2, 4])
        XCTAssertEqual(word.cells[0].numbers, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(word.cells[1].dims, [2, 4, 2])           // stored as miINT16
        XCTAssertEqual(word.cells[1].numbers, (-8..<8).map(Double.init))
        let txt = try m.array("txt")                             // not compressed
        XCTAssertEqual(txt.cells[0].rows, ["ab ", "cd "])        // miUINT16
        XCTAssertTrue(txt.cells[1].isEmpty)                      // 0-byte miMATRIX
    }

    func testRefusesOtherFilesNamingThem() throws {
        for (name, expected) in [("v73.mat", "v7.3"), ("not_mat.mat", "not a MATLAB v5")] {
            XCTAssertThrowsError(try file(name)) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains(name) && text.contains(expected), text)
            }
        }
        XCTAssertThrowsError(try file("scipy_plain.mat").array("wordBB")) { e in
            XCTAssertTrue("\(e)".contains("no variable 'wordBB' (the file holds: names, boxes"), "\(e)")
        }
    }

    /// Cut or flipped bytes anywhere give an error naming the file (or, where the damage is
    /// harmless, values), never a crash or a runaway allocation.
    func testDamagedFilesNeverCrash() throws { try bothInflaters {
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString).mat")
            defer { try? FileManager.default.removeItem(at: tmp) }
            for name in ["scipy_compressed.mat", "scipy_plain.mat", "matlab_style.mat", "matlab_style_be.mat"] {
                let data = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name)))
                var variants: [[UInt8]] = stride(from: 120, to: data.count, by: 11).map { Array(data[..<$0]) }
                for k in stride(from: 128, to: data.count, by: 3) {
                    var d = data
                    d[k] ^= 0xA5
                    variants.append(d)
                }
                for v in variants {
                    try Data(v).write(to: tmp)
                    do {
                        let m = try MATFile(url: tmp)
                        for n in m.names {
                            _ = try? m.array(n)
                            if let s = try? m.cells(n) { while (try? s.next()) != nil {} }
                        }
                    } catch {
                        XCTAssertTrue("\(error)".contains(tmp.path), "\(error)")
                    }
                }
            }
    } }

    func testTruncatedFileIsAnError() throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("scipy_compressed.mat"))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).mat")
        try data.prefix(data.count - 100).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        XCTAssertThrowsError(try MATFile(url: cut).array("grid")) { e in
            XCTAssertTrue("\(e)".contains(cut.path), "\(e)")
        }
    }
}
