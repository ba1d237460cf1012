import Foundation
import PrepNN

/// ONNX `TensorProto` ⇄ interpreter values. Reads FLOAT, DOUBLE (to float32), INT64, INT32 and
/// BOOL/UINT8/INT8 (to int64) from `raw_data` (little-endian) or the typed fields; writes
/// float32 and int64 as `raw_data`, as PyTorch's exporter does.
public enum ONNXTensorCodec {
    public static let float: Int32 = 1, uint8: Int32 = 2, int8: Int32 = 3, int32: Int32 = 6, int64: Int32 = 7,
                      bool: Int32 = 9, double: Int32 = 11

    /// A float32 initializer.
    public static func tensor(name: String, shape: [Int], floats: [Float]) -> Onnx_TensorProto {
        tensor(name: name, shape: shape, values: floats, type: float)
    }

    /// An int64 initializer (shapes, axes, indices).
    public static func tensor(name: String, shape: [Int], ints: [Int64]) -> Onnx_TensorProto {
        tensor(name: name, shape: shape, values: ints, type: int64)
    }

    /// Values stored little-endian in `raw_data` (every platform prep runs on is little-endian).
    static func tensor<T>(name: String, shape: [Int], values: [T], type: Int32) -> Onnx_TensorProto {
        precondition(shape.reduce(1, *) == values.count, "tensor '\(name)': \(values.count) values for shape \(shape)")
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = shape.map(Int64.init)
        t.dataType = type
        t.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        return t
    }

    /// The value of a tensor proto; `where` names it in errors.
    public static func value(_ t: Onnx_TensorProto, source: String, location: String) throws -> ONNXValue {
        func fail(_ m: String) -> ONNXError { ONNXError(source: source, location: location, m) }
        if t.hasDataLocation, t.dataLocation == .external {
            throw fail("stored as external data (a separate file); prep reads only self-contained .onnx files")
        }
        var shape: [Int] = []
        for d in t.dims {
            guard d >= 0, d < 1 << 31 else { throw fail("has dimension \(d)") }
            shape.append(Int(d))
        }
        let (n, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow, n < 1 << 32 else { throw fail("shape \(shape) is too large") }
        let raw = t.rawData
        func rawValues<T>(_ type: T.Type) throws -> [T] {
            let size = MemoryLayout<T>.size
            guard raw.count == n * size else {
                throw fail("raw_data holds \(raw.count) bytes, shape \(shape) needs \(n * size) (truncated or corrupt)")
            }
            // One copy of the bytes (raw_data is little-endian, as every platform prep runs on).
            return [T](unsafeUninitializedCapacity: n) { buf, initialized in
                initialized = raw.copyBytes(to: buf) / size
            }
        }
        func typed<T>(_ values: [T]) throws -> [T] {
            guard values.count == n else { throw fail("holds \(values.count) values, shape \(shape) needs \(n)") }
            return values
        }
        let useRaw = !raw.isEmpty || n == 0
        switch t.dataType {
        case float:
            let v = useRaw ? try rawValues(Float.self) : try typed(t.floatData)
            return .float(v.isEmpty ? Tensor(shape: shape) : Tensor(shape: shape, values: v))
        case double:
            let v = useRaw ? try rawValues(Double.self) : try typed(t.doubleData)
            return .float(v.isEmpty ? Tensor(shape: shape) : Tensor(shape: shape, values: v.map { Float($0) }))
        case int64:
            return .int(shape: shape, values: useRaw ? try rawValues(Int64.self) : try typed(t.int64Data))
        case int32:
            let v = useRaw ? try rawValues(Int32.self).map(Int64.init) : try typed(t.int32Data).map(Int64.init)
            return .int(shape: shape, values: v)
        case bool, uint8:
            let v = useRaw ? try rawValues(UInt8.self).map(Int64.init) : try typed(t.int32Data).map(Int64.init)
            return .int(shape: shape, values: v)
        case int8:
            let v = useRaw ? try rawValues(Int8.self).map(Int64.init) : try typed(t.int32Data).map(Int64.init)
            return .int(shape: shape, values: v)
        default:
            throw fail("has element type \(t.dataType) (\(typeName(t.dataType))); prep runs float32/float64 and integer tensors only")
        }
    }

    /// ONNX's name of an element type (TensorProto.DataType).
    public static func typeName(_ type: Int32) -> String {
        Onnx_TensorProto.DataType(rawValue: Int(type)).map { "\($0)".uppercased() } ?? "unknown"
    }
}
