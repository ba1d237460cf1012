import Foundation
import PrepCore

/// Writes records of one kind into one format. `add` in order, then `finish` once; a writer
/// that cannot hold part of a record (text in a format without text, `ignore` in a label file,
/// a size it has no field for) writes what it can and notes the rest in `losses`, and a record
/// it cannot hold at all throws `PrepError.input` at the record's location (the caller skips and
/// reports it). Nothing is silently dropped.
public protocol AnnotationWriter: AnyObject {
    var kind: AnnotationKind { get }
    /// Adds one record.
    func add(_ record: AnnotationRecord) throws
    /// Completes the file(s).
    func finish() throws
    /// What the format could not hold, counted.
    var losses: LossLog { get }
}

/// Counts of information a writer could not hold, by description ("text of 3 instances").
public final class LossLog: @unchecked Sendable {
    public private(set) var counts: [String: Int] = [:]
    private var order: [String] = []

    public init() {}

    /// Notes `n` items of `what` (e.g. "instance transcriptions (textdet has no text)").
    public func note(_ what: String, _ n: Int = 1) {
        guard n > 0 else { return }
        if counts[what] == nil { order.append(what) }
        counts[what, default: 0] += n
    }

    /// `N × what`, in first-seen order.
    public var lines: [String] { order.map { "\(counts[$0]!) × \($0)" } }
    public var isEmpty: Bool { counts.isEmpty }
}

extension TextInstance {
    /// The coordinates as JSON numbers: integers where the source had integers.
    var polygonJSON: JSONValue { .numbers(polygon, integers: integerCoordinates) }
}
