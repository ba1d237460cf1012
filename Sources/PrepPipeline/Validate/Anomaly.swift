import PrepCore

/// What `prep validate` can find. The raw values are stable names (scripts and CI filter on
/// them, `prep show --only` takes them) and each has a fixed severity: errors break training or
/// evaluation (exit 1), warnings deserve a look (exit 1 only under `--strict`).
public enum AnomalyKind: String, CaseIterable, Sendable, Codable {
    // structure
    case parseError = "parse-error"
    case missingKey = "missing-key"
    case wrongType = "wrong-type"
    case duplicateID = "duplicate-id"
    case unknownImage = "unknown-image"
    case numSamplesMismatch = "num-samples-mismatch"
    case nonJSONNumber = "non-json-number"
    // geometry
    case oddCoordinates = "odd-coordinates"
    case tooFewPoints = "too-few-points"
    case nonFiniteCoordinate = "non-finite-coordinate"
    case zeroArea = "zero-area"
    case selfIntersection = "self-intersection"
    case pointOutsideImage = "point-outside-image"
    case pointSlightlyOutside = "point-slightly-outside"
    case bboxMismatch = "bbox-mismatch"
    // images
    case imageMissing = "image-missing"
    case imageUnreadable = "image-unreadable"
    case imageTruncated = "image-truncated"
    case imageUndecodable = "image-undecodable"
    case imageSizeMismatch = "image-size-mismatch"
    case exifOrientation = "exif-orientation"
    case duplicateImage = "duplicate-image"
    // text
    case emptyText = "empty-text"
    case ignoreMarkerText = "ignore-marker-text"
    case charOutsideCharset = "char-outside-charset"
    case textTooLong = "text-too-long"
    case textWhitespace = "text-whitespace"
    case textNotNFC = "text-not-nfc"
    // splits
    case imageInTwoSplits = "image-in-two-splits"
    case cropSourceInOtherSplit = "crop-source-in-other-split"

    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity {
        switch self {
        case .parseError, .missingKey, .wrongType, .duplicateID, .unknownImage, .numSamplesMismatch, .nonJSONNumber,
             .oddCoordinates, .tooFewPoints, .nonFiniteCoordinate, .pointOutsideImage,
             .imageMissing, .imageUnreadable, .imageTruncated, .imageUndecodable, .imageSizeMismatch,
             .imageInTwoSplits, .cropSourceInOtherSplit:
            return .error
        case .zeroArea, .selfIntersection, .pointSlightlyOutside, .bboxMismatch, .exifOrientation, .duplicateImage,
             .emptyText, .ignoreMarkerText, .charOutsideCharset, .textTooLong, .textWhitespace, .textNotNFC:
            return .warning
        }
    }

    /// The group the README lists it under.
    public var category: String {
        switch self {
        case .parseError, .missingKey, .wrongType, .duplicateID, .unknownImage, .numSamplesMismatch, .nonJSONNumber: return "structure"
        case .oddCoordinates, .tooFewPoints, .nonFiniteCoordinate, .zeroArea, .selfIntersection,
             .pointOutsideImage, .pointSlightlyOutside, .bboxMismatch: return "geometry"
        case .imageMissing, .imageUnreadable, .imageTruncated, .imageUndecodable, .imageSizeMismatch,
             .exifOrientation, .duplicateImage: return "images"
        case .emptyText, .ignoreMarkerText, .charOutsideCharset, .textTooLong, .textWhitespace, .textNotNFC: return "text"
        case .imageInTwoSplits, .cropSourceInOtherSplit: return "splits"
        }
    }
}

/// Where a record sits in its input: the file, the 1-based line when the format has lines (or
/// the line a JSON element starts on), the byte offset in a JSON document, and the item (an
/// image name, `annotations[12]`, an LMDB key) a person would look for.
public struct RecordPosition: Sendable, Equatable, Codable {
    public var file: String
    public var line: Int?
    public var offset: Int?
    public var item: String

    public init(file: String, line: Int? = nil, offset: Int? = nil, item: String) {
        self.file = file
        self.line = line
        self.offset = offset
        self.item = item
    }

    /// `file:line` (or `file` alone).
    public var location: String { line.map { "\(file):\($0)" } ?? file }
}

/// One finding: its kind (stable name + severity), the split, where it is, and what exactly.
public struct Anomaly: Sendable, Equatable, Codable {
    public var kind: AnomalyKind
    public var split: String
    public var position: RecordPosition
    /// The page image it concerns (for `prep show` to link to), when there is one.
    public var image: String?
    public var message: String

    public init(_ kind: AnomalyKind, split: String, at position: RecordPosition, image: String? = nil, _ message: String) {
        self.kind = kind
        self.split = split
        self.position = position
        self.image = image
        self.message = message
    }

    public var severity: AnomalyKind.Severity { kind.severity }

    public func json() -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string(kind.rawValue)), ("severity", .string(severity.rawValue)), ("category", .string(kind.category)),
            ("split", .string(split)), ("file", .string(position.file)),
            ("line", position.line.map { .int($0) } ?? .null),
        ]
        if let o = position.offset { pairs.append(("offset", .int(o))) }
        pairs.append(("item", .string(position.item)))
        if let image { pairs.append(("image", .string(image))) }
        pairs.append(("message", .string(message)))
        return .object(pairs)
    }
}
