import XCTest
@testable import PrepFormats

/// The label spool gives back every record in order, whatever their sizes: empty ones, records
/// that straddle its 1 MiB read buffer, one larger than the buffer.
final class RecordSpoolTests: XCTestCase {
    func testRecordsComeBackInOrderAcrossReadBuffers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let spool = try RecordSpool(in: dir)
        var records: [[UInt8]] = []
        var total = 0
        var k = 0
        while total < 3 << 20 {
            // Sizes from 0 up to ~70 kB, and one of 1.5 MiB, so records cross the buffer's end.
            let size = k == 40 ? 3 << 19 : (k * 7919) % 70_001
            let record = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ k) }
            try record.withUnsafeBytes { try spool.append($0) }
            records.append(record)
            total += size + 4
            k += 1
        }
        try spool.append(UnsafeRawBufferPointer(start: nil, count: 0))
        records.append([])
        var back: [[UInt8]] = []
        while let r = try spool.next() { back.append(r) }
        XCTAssertEqual(back.count, records.count)
        XCTAssertTrue(back == records, "records differ")
        // The folder holds nothing: the spool's file was unlinked when it was made.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
