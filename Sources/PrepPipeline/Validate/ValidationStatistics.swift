import PrepCore

/// Counts into fixed buckets `[edges[i], edges[i+1])`, the last open-ended.
public struct Histogram: Sendable {
    public let edges: [Double]
    public private(set) var counts: [Int]

    public init(edges: [Double]) {
        self.edges = edges
        counts = Array(repeating: 0, count: edges.count)
    }

    public mutating func add(_ v: Double) {
        var i = edges.count - 1
        while i > 0 && v < edges[i] { i -= 1 }
        counts[i] += 1
    }

    static func label(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }

    /// `{"0-1": n, …, "64+": n}`.
    public func json() -> JSONValue {
        .object(edges.indices.map { i in
            let name = i + 1 < edges.count ? "\(Histogram.label(edges[i]))-\(Histogram.label(edges[i + 1]))" : "\(Histogram.label(edges[i]))+"
            return (name, .int(counts[i]))
        })
    }
}

/// Statistics of one split.
public struct SplitStatistics: Sendable {
    public var split: String
    public var inputs: [(path: String, format: String)] = []
    public var images = 0
    public var instances = 0
    public var ignored = 0
    public var labels = 0
    /// Instances per page image.
    public var instancesPerImage = Histogram(edges: [0, 1, 2, 6, 11, 21, 51, 101])
    /// sqrt(width × height) of each instance's bounds, pixels.
    public var boxSize = Histogram(edges: [0, 8, 16, 32, 64, 128, 256, 512])
    /// width / height of each instance's bounds.
    public var aspect = Histogram(edges: [0, 0.25, 0.5, 1, 2, 4, 8, 16])
    /// Characters per transcription.
    public var textLength = Histogram(edges: [0, 1, 2, 5, 11, 26, 51, 101])

    public init(split: String) { self.split = split }

    public var ignoredFraction: Double { instances == 0 ? 0 : Double(ignored) / Double(instances) }

    mutating func addBox(_ polygon: [Double]) {
        let b = Polygon.bounds(polygon)
        let w = b.maxX - b.minX, h = b.maxY - b.minY
        boxSize.add((w * h).squareRoot())
        if h > 0 { aspect.add(w / h) } else { aspect.add(.infinity) }
    }

    public func json() -> JSONValue {
        .object([
            ("split", .string(split)),
            ("inputs", .array(inputs.map { .object([("path", .string($0.path)), ("format", .string($0.format))]) })),
            ("images", .int(images)), ("instances", .int(instances)), ("ignored", .int(ignored)),
            ("ignored_fraction", .double((ignoredFraction * 10000).rounded() / 10000)),
            ("labels", .int(labels)),
            ("instances_per_image", instancesPerImage.json()), ("box_size", boxSize.json()),
            ("aspect_ratio", aspect.json()), ("text_length", textLength.json()),
        ])
    }
}
