import PrepCore

/// A raw format that is itself COCO-like and is rewritten record by record into one COCO file
/// (CurvedSynText150k): the other top-level keys of the first part are kept, `images` and
/// `annotations` of every part are concatenated, each record through the converter.
public protocol COCORecordConverter: Sendable {
    /// The annotation files merged, in order, with the image folder each part's names get.
    var parts: [(file: String, prefix: String)] { get }
    /// One image record of part `part`, its id shifted by `imageOffset`.
    func image(_ image: JSONValue, part: Int, imageOffset: Int) throws -> JSONValue
    /// One annotation record, its ids shifted; also how many unknown characters its text holds.
    func annotation(_ ann: JSONValue, imageOffset: Int, annotationOffset: Int) throws -> (value: JSONValue, unknown: Int)
}
