import PrepCore

/// WildReceipt close-set KIE annotations (one JSON object per line, node labels 0–25) turned into
/// the open-set form (labels bg 0 / key 1 / value 2 / others 3 plus an `edge` linking each key to
/// its value), as MMOCR 0.6.3's `kie/closeset_to_openset.py` does (§5): key class 2m pairs with
/// value class 2m−1, every key/value pair present in an image shares one edge id, every ignore or
/// others node gets its own, ids are 1-based in order of first appearance.
///
/// Unlike the reference, a label outside 0–25 (or not an integer) is an error naming the
/// annotation instead of silently borrowing a stale partner from an earlier annotation.
public struct CloseSetToOpenSet: Sendable {
    /// Give `others` nodes the background label (0), as `--merge`.
    public var mergeOthers: Bool
    public let ignoreIndex = 0
    public let othersIndex = 25

    public init(mergeOthers: Bool = false) { self.mergeOthers = mergeOthers }

    /// Why a line could not be converted; `reason` names the annotation.
    public struct Failure: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Converts one parsed close-set record into its open-set record: `file_name`, `height`,
    /// `width`, `annotations` (other top-level keys dropped), each annotation keeping its keys in
    /// order with `label` replaced in place and `edge` set (appended when new).
    public func convert(_ record: JSONValue) throws -> JSONValue {
        guard case .object = record else { throw Failure(reason: "expected a JSON object") }
        var out: [(String, JSONValue)] = []
        for key in ["file_name", "height", "width"] {
            guard let v = record[key] else { throw Failure(reason: "missing key '\(key)'") }
            out.append((key, v))
        }
        guard let annotations = record["annotations"]?.array else {
            throw Failure(reason: "missing 'annotations' list")
        }
        let bg = 0, key = 1, value = 2, others = mergeOthers ? 0 : 3
        var nextEdge = 1
        var edgeOfClass: [Int: Int] = [:]
        var converted: [JSONValue] = []
        converted.reserveCapacity(annotations.count)
        for (k, ann) in annotations.enumerated() {
            guard case let .object(pairs) = ann else { throw Failure(reason: "annotations[\(k)] is not an object") }
            guard let labelValue = ann["label"] else { throw Failure(reason: "annotations[\(k)] has no 'label'") }
            guard case let .int(label) = labelValue, (0...othersIndex).contains(label) else {
                throw Failure(reason: "annotations[\(k)]: label \(PyJSON().string(labelValue)) is not a close-set class (an integer 0–\(othersIndex))")
            }
            let newLabel: Int, edge: Int
            if label == ignoreIndex || label == othersIndex {
                newLabel = label == ignoreIndex ? bg : others
                edge = nextEdge
                nextEdge += 1
            } else {
                // Odd classes are values, even ones keys; key 2m pairs with value 2m−1.
                let isKey = label % 2 == 0
                newLabel = isKey ? key : value
                if let seen = edgeOfClass[label] {
                    edge = seen
                } else {
                    if let partner = edgeOfClass[isKey ? label - 1 : label + 1] {
                        edge = partner
                    } else {
                        edge = nextEdge
                        nextEdge += 1
                    }
                    edgeOfClass[label] = edge
                }
            }
            converted.append(.object(Self.setting(Self.setting(pairs, "label", .int(newLabel)), "edge", .int(edge))))
        }
        out.append(("annotations", .array(converted)))
        return .object(out)
    }

    /// Replaces `key`'s value in place, or appends it (a Python dict assignment).
    static func setting(_ pairs: [(String, JSONValue)], _ key: String, _ value: JSONValue) -> [(String, JSONValue)] {
        var pairs = pairs
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        return pairs
    }
}
