import Foundation
import PrepCore

/// What `prep eval` scores.
public enum EvalTask: String, Sendable, CaseIterable {
    case det, recog, spotting, kie
}

/// One region, word or KIE node as the metrics need it: ground truth or prediction alike (a
/// prediction is an annotation with a score).
public struct EvalInstance: Sendable {
    public var polygon: [Double]
    public var text: String?
    public var ignore: Bool
    /// Prediction confidence; 1 where the file has none.
    public var score: Double
    /// KIE node class.
    public var label: Int?

    public init(polygon: [Double] = [], text: String? = nil, ignore: Bool = false, score: Double = 1, label: Int? = nil) {
        self.polygon = polygon
        self.text = text
        self.ignore = ignore
        self.score = score
        self.label = label
    }
}

/// One image of a ground-truth or prediction file.
public struct EvalImage: Sendable {
    /// The image as the file names it.
    public var name: String
    /// Pairing key: the file name without folders and extension (`training/img_1.jpg` → `img_1`,
    /// ICDAR's `res_img_1.txt` → `img_1`).
    public var key: String {
        get { keyOverride ?? EvalImage.key(for: name) }
        set { keyOverride = newValue }
    }
    private var keyOverride: String?
    public var instances: [EvalInstance]
    /// Where it was read, for messages (built only when a message needs it).
    public var location: String { line.map { "\(file):\($0)" } ?? element.map { "\(file) \($0)" } ?? file }
    private let file: String
    private let line: Int?
    private let element: String?

    public init(name: String, key: String? = nil, instances: [EvalInstance], file: String, line: Int? = nil, element: String? = nil) {
        self.name = name
        self.keyOverride = key
        self.instances = instances
        self.file = file
        self.line = line
        self.element = element
    }

    /// With a location that is already a message fragment.
    public init(name: String, key: String? = nil, instances: [EvalInstance], location: String) {
        self.init(name: name, key: key, instances: instances, file: location)
    }

    public static func key(for name: String) -> String {
        let u = name.utf8
        let start = u.lastIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }).map { u.index(after: $0) } ?? u.startIndex
        let base = u[start...]
        if let dot = base.lastIndex(of: UInt8(ascii: ".")), dot != base.startIndex { return String(Substring(u[start..<dot])) }
        return String(Substring(base))
    }
}

/// A whole ground-truth or prediction file read for evaluation: its images in file order, the
/// format it was read as, and the items that were skipped (each names where it is and why).
public struct EvalSource: Sendable {
    public var format: String
    public var images: [EvalImage]
    public var problems: [String]

    public init(format: String, images: [EvalImage], problems: [String] = []) {
        self.format = format
        self.images = images
        self.problems = problems
    }
}
