import Foundation

/// One MATLAB array read from a v5 `.mat` file: numbers (every numeric class, whatever integer
/// type MATLAB stored them as, widened to `Double`), characters, cells or struct fields. Cells,
/// numbers and characters are in MATLAB's column-major order: element `(i, j)` of an `r×c`
/// array is at `i + r·j`.
public struct MATArray: Sendable {
    /// MATLAB's array classes (mxCLASS).
    public enum Class: Int, Sendable {
        case cell = 1, structure = 2, object = 3, char = 4, sparse = 5
        case double = 6, single = 7, int8 = 8, uint8 = 9, int16 = 10, uint16 = 11
        case int32 = 12, uint32 = 13, int64 = 14, uint64 = 15

        var isNumeric: Bool { rawValue >= 6 }
    }

    public var name: String
    public var arrayClass: Class
    /// Dimensions as stored: MATLAB drops trailing singletons (a 2×4×1 array is 2×4).
    public var dims: [Int]
    /// Numeric classes: the real part.
    public var numbers: [Double] = []
    /// Char arrays: one scalar per character (UTF-16 units as MATLAB stores them, or UTF-8
    /// decoded as scipy writes them).
    public var characters: [Unicode.Scalar] = []
    /// Cell arrays: the cells.
    public var cells: [MATArray] = []
    /// Structs: the field names and, per element, its fields' values in that order.
    public var fieldNames: [String] = []
    public var fieldValues: [[MATArray]] = []

    public init(name: String, arrayClass: Class, dims: [Int]) {
        self.name = name
        self.arrayClass = arrayClass
        self.dims = dims
    }

    /// An empty cell (a 0-byte miMATRIX): an empty double array.
    static func empty() -> MATArray { MATArray(name: "", arrayClass: .double, dims: [0, 0]) }

    /// Number of elements.
    public var count: Int { dims.reduce(1, *) }

    /// Whether the array has no elements.
    public var isEmpty: Bool { count == 0 }

    /// Size of dimension `k` (1 past the stored ones, as MATLAB's `size(a, k)`).
    public func size(_ k: Int) -> Int { k < dims.count ? dims[k] : 1 }

    /// The rows of a char matrix (an `r×c` array gives `r` strings of `c` characters, padding
    /// kept). A char array with more than two dimensions is read as `r × (rest)`.
    public var rows: [String] {
        guard arrayClass == .char, !dims.isEmpty, count > 0 else { return [] }
        let r = dims[0], c = count / max(r, 1)
        return (0..<r).map { i in
            // An ASCII row (every SynthText image name) straight from its bytes: appending
            // scalar by scalar was most of reading `imnames` for a shard's hash.
            if (0..<c).allSatisfy({ characters[i + r * $0].isASCII }) {
                return String(unsafeUninitializedCapacity: c) { out in
                    for j in 0..<c { out[j] = UInt8(truncatingIfNeeded: characters[i + r * j].value) }
                    return c
                }
            }
            var s = String.UnicodeScalarView()
            for j in 0..<c { s.append(characters[i + r * j]) }
            return String(s)
        }
    }

    /// A char array as one string: its rows joined with newlines (a 1×n char array is its text).
    public var string: String? {
        guard arrayClass == .char else { return nil }
        return rows.joined(separator: "\n")
    }

    /// Cell `(i, j)` of a 2-D cell array (column-major).
    public func cell(_ i: Int, _ j: Int) -> MATArray? {
        let r = size(0)
        let k = i + r * j
        guard arrayClass == .cell, i < r, k < cells.count else { return nil }
        return cells[k]
    }

    /// A short description for messages: `2×4×3 double`.
    public var summary: String {
        dims.map(String.init).joined(separator: "×") + " " + Self.className(arrayClass)
    }

    static func className(_ c: Class) -> String {
        switch c {
        case .cell: return "cell"
        case .structure: return "struct"
        case .object: return "object"
        case .char: return "char"
        case .sparse: return "sparse"
        default: return "\(c)"
        }
    }
}
