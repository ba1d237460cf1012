import XCTest
@testable import PrepNN

/// safetensors round trip, byte layout (lean-core §7.1) and every §7.2 validation rule.
final class SafeTensorsTests: XCTestCase {
    let sample: [String: TensorData] = [
        "b.weight": TensorData(f32: [1, -2.5, 3, 0], shape: [2, 2]),
        "a.num_batches_tracked": TensorData(i64: [7], shape: []),
        "empty": TensorData(f32: [], shape: [0, 3]),
    ]

    func testRoundTripAndLayout() throws {
        let bytes = SafeTensors.encode(sample, metadata: ["format": "pt"])
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual(n % 8, 0, "header padded to 8 bytes")
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},\"a.num_batches_tracked\""), header)
        let file = try SafeTensors.decode(bytes, source: "mem")
        XCTAssertEqual(file.tensors, sample)
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(file.tensors["a.num_batches_tracked"]?.int64s, [7])
        XCTAssertEqual(file.tensors["b.weight"]?.floats, [1, -2.5, 3, 0])
    }

    func testFileWriteAndRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.safetensors").path
        try SafeTensors.write(sample, to: path)
        XCTAssertEqual(try SafeTensors.read(path: path).tensors, sample)
        XCTAssertThrowsError(try SafeTensors.write(sample, to: dir.appendingPathComponent("no/such/dir/x").path))
    }

    /// Builds a file from a literal header and a data section.
    func file(_ header: String, data: Int) -> [UInt8] {
        let h = Array(header.utf8)
        var out = [UInt8]()
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out.append(contentsOf: $0) }
        return out + h + [UInt8](repeating: 0, count: data)
    }

    func assertError(_ bytes: [UInt8], tensor: String?, contains text: String, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(bytes, source: "bad.safetensors"), line: line) { e in
            guard let err = e as? SafeTensorsError else { return XCTFail("\(e)", line: line) }
            XCTAssertEqual(err.tensor, tensor, "\(err)", line: line)
            XCTAssertTrue(err.description.contains(text), "\(err)", line: line)
            XCTAssertTrue(err.description.hasPrefix("bad.safetensors"), line: line)
        }
    }

    func testCorruptFiles() {
        let good = SafeTensors.encode(sample)
        assertError(Array(good.prefix(5)), tensor: nil, contains: "shorter than the 8-byte")
        assertError(Array(good.dropLast()), tensor: nil, contains: "data section")
        assertError(good + [0], tensor: nil, contains: "data section")
        var huge = good; huge[4] = 0x10
        assertError(huge, tensor: nil, contains: "exceeds")
        var past = good; past[0] = 0xFF; past[1] = 0xFF
        assertError(past, tensor: nil, contains: "past the end")
        assertError(file("[1]", data: 0), tensor: nil, contains: "start with '{'")
        assertError(file("{\"x\":", data: 0), tensor: nil, contains: "header JSON")
        assertError(file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data: 16),
                    tensor: "x", contains: "duplicate")
        assertError(file(#"{"x":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: 8), tensor: "x", contains: "unknown dtype F33")
        assertError(file(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8), tensor: "x", contains: "needs 12")
        assertError(file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12), tensor: "x", contains: "hole")
        assertError(file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12),
                    tensor: "y", contains: "overlapping")
        assertError(file(#"{"x":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#, data: 2), tensor: "x", contains: "byte boundary")
        assertError(file(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: 0), tensor: "x", contains: "negative")
        assertError(file(#"{"__metadata__":{"a":1}}"#, data: 0), tensor: nil, contains: "not a string")
        // spaces after the JSON are allowed
        XCTAssertNoThrow(try SafeTensors.decode(file(#"{"x":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}   "#, data: 8), source: "ok"))
    }

    /// Loading a state dict: every mismatch names the tensor; nothing changes on error.
    func testStateDictMismatchesNameTheTensor() throws {
        let bn = BatchNorm2d(2)
        var dict = bn.stateDict()
        XCTAssertEqual(dict["num_batches_tracked"]?.dtype, "I64")
        XCTAssertEqual(dict["num_batches_tracked"]?.shape, [])
        dict["running_mean"] = TensorData(f32: [1, 2, 3], shape: [3])
        XCTAssertThrowsError(try bn.loadStateDict(dict, source: "ckpt")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.tensor, "running_mean")
            XCTAssertTrue("\(e)".contains("shape [3] in the file, the model expects [2]"), "\(e)")
        }
        var missing = bn.stateDict(); missing["weight"] = nil
        XCTAssertThrowsError(try bn.loadStateDict(missing, source: "ckpt")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.tensor, "weight")
        }
        var extra = bn.stateDict(); extra["decoder.x"] = TensorData(f32: [1], shape: [1])
        XCTAssertThrowsError(try bn.loadStateDict(extra, source: "ckpt")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.tensor, "decoder.x")
        }
        XCTAssertNoThrow(try bn.loadStateDict(extra, source: "ckpt", strict: false))
        var wrongType = bn.stateDict(); wrongType["num_batches_tracked"] = TensorData(f32: [1], shape: [])
        XCTAssertThrowsError(try bn.loadStateDict(wrongType, source: "ckpt")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.tensor, "num_batches_tracked")
        }
        XCTAssertEqual(bn.runningMean.values, [0, 0], "failed loads change nothing")
    }
}
