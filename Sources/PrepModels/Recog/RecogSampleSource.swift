import Foundation
import PrepCore

/// One recognition sample as a source lists it: the image's name (what prediction files and
/// reports call it), its label, and where it was read from (`file:line`, `db label-000000003`).
public struct RecogItem: Sendable, Equatable {
    public var name: String
    public var text: String
    public var location: String

    public init(name: String, text: String, location: String) {
        self.name = name
        self.text = text
        self.location = location
    }
}

/// Random access to word images with labels, whatever prep wrote: an LMDB, a label file with its
/// crop folder, or crops cut on the fly from a detection file. Images are handed out encoded
/// (PNG/JPEG bytes), so every source is decoded the same way by the batch pipeline.
/// Implementations are safe to call from several threads.
public protocol RecogSampleSource: Sendable {
    /// The file or folder (for messages and the run's config).
    var origin: String { get }
    var count: Int { get }
    func item(at index: Int) -> RecogItem
    /// The encoded image of sample `index`; throws a `PrepError` naming the sample.
    func imageBytes(at index: Int) throws -> [UInt8]
}

/// A source made of a list of items and a function that reads one image (used for crops cut
/// from a detection file by the pipeline layer, which PrepModels does not depend on).
public struct ListRecogSource: RecogSampleSource {
    public let origin: String
    public let items: [RecogItem]
    private let read: @Sendable (Int) throws -> [UInt8]

    public init(origin: String, items: [RecogItem], read: @escaping @Sendable (Int) throws -> [UInt8]) {
        self.origin = origin
        self.items = items
        self.read = read
    }

    public var count: Int { items.count }
    public func item(at index: Int) -> RecogItem { items[index] }
    public func imageBytes(at index: Int) throws -> [UInt8] { try read(index) }
}

/// Several sources one after another (`--train A B`): index `i` runs through each in turn.
public struct ConcatRecogSource: RecogSampleSource {
    public let parts: [any RecogSampleSource]
    private let starts: [Int]

    public init(_ parts: [any RecogSampleSource]) {
        self.parts = parts
        var s: [Int] = [], n = 0
        for p in parts { s.append(n); n += p.count }
        starts = s + [n]
    }

    public var origin: String { parts.map(\.origin).joined(separator: ", ") }
    public var count: Int { starts.last ?? 0 }

    private func locate(_ index: Int) -> (Int, Int) {
        // Few parts: a linear scan is enough.
        var k = 0
        while index >= starts[k + 1] { k += 1 }
        return (k, index - starts[k])
    }

    public func item(at index: Int) -> RecogItem { let (k, i) = locate(index); return parts[k].item(at: i) }
    public func imageBytes(at index: Int) throws -> [UInt8] { let (k, i) = locate(index); return try parts[k].imageBytes(at: i) }
}
