import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

/// Damaged copies of the fixture LMDBs, crafted field by field (issue 19): before the page check
/// each of them killed the process inside liblmdb (SIGBUS/SIGSEGV); now each is a clear
/// "damaged LMDB: page N: …" error.
final class LMDBDamageTests: TempDirTestCase {
    /// A copy of `fixture` with `value` written little-endian over `width` bytes at `offset`.
    func damagedCopy(_ fixture: String, at offset: Int, width: Int, value: UInt64) throws -> URL {
        let out = dir.appendingPathComponent("\(offset)-\(value).lmdb")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var bytes = [UInt8](try Data(contentsOf: LMDBFixtures.url(fixture).appendingPathComponent("data.mdb")))
        for k in 0..<width { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        try Data(bytes).write(to: out.appendingPathComponent("data.mdb"))
        return out
    }

    func message(_ url: URL) -> String {
        do {
            let r = try RecogLMDBReader(url: url)
            for i in 0..<r.count { _ = try r.line(at: i); if r.layout == .images { _ = try r.image(at: i) } }
            return "read"
        } catch { return String(describing: error) }
    }

    func testPageBoundsOnPage2() throws {
        // mp_lower (offset 12 of page 2's header) = 0xffff.
        let m = message(try damagedCopy("rec-toy/imgs.lmdb", at: 2 * 4096 + 12, width: 2, value: 0xFFFF))
        XCTAssertTrue(m.contains("damaged LMDB: page 2: bounds mp_lower 65535"), m)
        let upper = message(try damagedCopy("rec-toy/label.lmdb", at: 2 * 4096 + 14, width: 2, value: 0xFFFF))
        XCTAssertTrue(upper.contains("damaged LMDB: page 2:"), upper)
    }

    func testMetaFieldsSetToAllOnes() throws {
        // Meta page 1 (the newer one) of imgs.lmdb: the main tree's root, its depth, the last page,
        // the page size.
        let fields: [(offset: Int, width: Int, expect: String)] = [
            (4096 + 88 + 40, 4, "damaged LMDB: page 1: the root page 4294967295 lies beyond the last page"),
            (4096 + 88 + 6, 2, "damaged LMDB: page 1: tree depth 65535"),
            (4096 + 136, 8, "damaged LMDB: page 1: last page 18446744073709551615 lies beyond the end of the file"),
            (4096 + 40, 4, "damaged LMDB: page 1: page size 4294967295 differs"),
            (0 + 40, 4, "damaged LMDB: page 0: page size 4294967295 is not a power of two"),
        ]
        for f in fields {
            let m = message(try damagedCopy("rec-toy/imgs.lmdb", at: f.offset, width: f.width, value: UInt64.max))
            XCTAssertTrue(m.contains(f.expect), "\(f.offset): \(m)")
        }
    }

    func testBranchChildAndOverflowPointers() throws {
        // imgs.lmdb: page 5 is the root branch; its first node's child page number → 0xffff.
        let b = [UInt8](try Data(contentsOf: LMDBFixtures.url("rec-toy/imgs.lmdb").appendingPathComponent("data.mdb")))
        let firstNode = Int(b[5 * 4096 + 16]) | Int(b[5 * 4096 + 17]) << 8
        let child = message(try damagedCopy("rec-toy/imgs.lmdb", at: 5 * 4096 + firstNode, width: 2, value: 0xFFFF))
        XCTAssertTrue(child.contains("damaged LMDB: page 5: child 0 65535 lies beyond the last page"), child)
        // A header that names another page.
        let named = message(try damagedCopy("rec-toy/imgs.lmdb", at: 4 * 4096, width: 8, value: 9))
        XCTAssertTrue(named.contains("damaged LMDB: page 4: its header names page 9"), named)
    }

    func testDuplicateFlagInADatabaseWithoutDuplicates() throws {
        // Found by the long fuzz run: node 1 of broken.lmdb's leaf (page 2) flagged F_DUPDATA made
        // liblmdb follow a sub-database cursor that does not exist (SIGSEGV at 0x190).
        let b = [UInt8](try Data(contentsOf: LMDBFixtures.url("rec-toy/broken.lmdb").appendingPathComponent("data.mdb")))
        let node = Int(b[2 * 4096 + 18]) | Int(b[2 * 4096 + 19]) << 8
        let m = message(try damagedCopy("rec-toy/broken.lmdb", at: 2 * 4096 + node + 4, width: 1, value: 4))
        XCTAssertTrue(m.contains("damaged LMDB: page 2: node 1 is marked as duplicates in a database without duplicates"), m)
    }

    func testSoundDatabasesStillRead() throws {
        for f in ["rec-toy/imgs.lmdb", "rec-toy/label.lmdb", "deprecated.lmdb", "unicode/reference-label.lmdb"] {
            XCTAssertEqual(message(LMDBFixtures.url(f)), "read", f)
        }
    }
}
