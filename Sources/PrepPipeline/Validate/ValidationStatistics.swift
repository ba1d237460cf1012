import PrepCore

/// Counts into fixed buckets `[edges[i], edges[i+1])`, the last open-ended.
public struct Histogram: Sendable, Codable {
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

    /// Adds another histogram's counts (same edges: a shard's of the same split).
    mutating func add(_ other: Histogram) {
        for i in counts.indices where i < other.counts.count { counts[i] += other.counts[i] }
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
public struct SplitStatistics: Sendable, Codable {
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

    /// Adds a shard's statistics of the same split (its inputs are the same list).
    mutating func add(_ o: SplitStatistics) {
        images += o.images; instances += o.instances; ignored += o.ignored; labels += o.labels
        instancesPerImage.add(o.instancesPerImage); boxSize.add(o.boxSize)
        aspect.add(o.aspect); textLength.add(o.textLength)
    }

    private enum CodingKeys: String, CodingKey { case split, inputs, images, instances, ignored, labels, instancesPerImage, boxSize, aspect, textLength }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        split = try c.decode(String.self, forKey: .split)
        inputs = try c.decode([[String]].self, forKey: .inputs).map { ($0.first ?? "", $0.last ?? "") }
        images = try c.decode(Int.self, forKey: .images); instances = try c.decode(Int.self, forKey: .instances)
        ignored = try c.decode(Int.self, forKey: .ignored); labels = try c.decode(Int.self, forKey: .labels)
        instancesPerImage = try c.decode(Histogram.self, forKey: .instancesPerImage)
        boxSize = try c.decode(Histogram.self, forKey: .boxSize)
        aspect = try c.decode(Histogram.self, forKey: .aspect)
        textLength = try c.decode(Histogram.self, forKey: .textLength)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(split, forKey: .split); try c.encode(inputs.map { [$0.path, $0.format] }, forKey: .inputs)
        try c.encode(images, forKey: .images); try c.encode(instances, forKey: .instances)
        try c.encode(ignored, forKey: .ignored); try c.encode(labels, forKey: .labels)
        try c.encode(instancesPerImage, forKey: .instancesPerImage); try c.encode(boxSize, forKey: .boxSize)
        try c.encode(aspect, forKey: .aspect); try c.encode(textLength, forKey: .textLength)
    }

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
