import Foundation
import PrepCore

/// Writes MMOCR 0.x's deprecated detection LMDB (what `textdet/synthtext_converter.py` writes,
/// §2.7, and `LmdbAnnFileBackend` reads, §6.2): key `str(i)` (0-based) → one line-JSON image
/// `{"file_name", "height", "width", "annotations": [{"iscrowd", "category_id", "bbox",
/// "segmentation"}]}` (default `json.dumps`), and `total_number` → the image count.
///
/// `bbox` and `segmentation` come from the instance's attributes when the converter set them
/// (SynthText's bbox is the word quad's bounds, its segmentation the boundary traced through the
/// character boxes), else from the polygon. Records are committed in transactions of
/// `batchSize`, so memory stays flat however many images there are (the reference writes one
/// transaction).
public final class DetLineLMDBWriter {
    private let env: LMDBEnvironment
    private var pending: [(key: [UInt8], value: LMDBValue)] = []
    private let batchSize: Int
    /// Images written so far.
    public private(set) var count = 0

    /// Creates the database in the directory `url` (created, must be new or empty).
    public init(url: URL, batchSize: Int = 2000) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        env = try LMDBEnvironment(buildingAt: url)
        self.batchSize = batchSize
    }

    /// The line the reference writes for one image (pure: callers may build lines on worker
    /// threads and `add(line:)` them in order).
    public static func line(fileName: String, width: Int, height: Int, instances: [TextInstance]) -> [UInt8] {
        let annotations: [JSONValue] = instances.map { inst in
            .object([
                ("iscrowd", .int(inst.ignore ? 1 : 0)), ("category_id", .int(1)),
                ("bbox", inst.attributes["bbox"] ?? .array(Polygon.xywh(inst.polygon).map { .double($0) })),
                ("segmentation", .array([inst.attributes["segmentation"] ?? inst.polygonJSON])),
            ])
        }
        let value: JSONValue = .object([("file_name", .string(fileName)), ("height", .int(height)),
                                        ("width", .int(width)), ("annotations", .array(annotations))])
        return PyJSON(ensureASCII: true).encode(value)
    }

    /// Adds the next image (key = its position among the images written).
    public func add(fileName: String, width: Int, height: Int, instances: [TextInstance]) throws {
        try add(line: Self.line(fileName: fileName, width: width, height: height, instances: instances))
    }

    /// Adds the next image's line, made by `line(fileName:width:height:instances:)`.
    public func add(line: [UInt8]) throws {
        pending.append((Self.key(count), .owned(line)))
        count += 1
        if pending.count >= batchSize { try flush() }
    }

    /// `str(n)`'s bytes, the key of line n (digits written in place: no String per line).
    static func key(_ n: Int) -> [UInt8] {
        precondition(n >= 0)
        var digits = 1, v = n
        while v >= 10 { digits += 1; v /= 10 }
        return [UInt8](unsafeUninitializedCapacity: digits) { buf, count in
            var v = n
            for i in stride(from: digits - 1, through: 0, by: -1) { buf[i] = UInt8(48 + v % 10); v /= 10 }
            count = digits
        }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try env.write(values: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes `total_number` and closes the database.
    public func finish() throws {
        pending.append((Array("total_number".utf8), .owned(Self.key(count))))
        try flush()
        try env.finish()
    }
}
