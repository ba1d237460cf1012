import PrepCore

/// Maps the `converter:` name of a dataset-zoo recipe to the converter that reads that raw format.
public enum ConverterRegistry {
    public typealias PerImageFactory = @Sendable (ConverterOptions) throws -> any PerImageConverter

    /// Converters that read one annotation file per image.
    public static let perImage: [String: PerImageFactory] = [
        "icdar-txt": { try ICDARTxtConverter(options: $0) },
        "box-txt": { try BoxTxtConverter(options: $0) },
        "xml-box": { try XMLBoxConverter(options: $0) },
        "page-json": { try PageJSONConverter(options: $0) },
        "ctw1500": { try CTW1500Converter(options: $0) },
        "totaltext-txt": { try TotalTextConverter(options: $0) },
    ]

    public typealias WholeFileFactory = @Sendable (ConverterOptions) throws -> any WholeFileConverter

    /// Converters that read one annotation file for many images.
    public static let wholeFile: [String: WholeFileFactory] = [
        "image-dict-json": { try ImageDictJSONConverter(options: $0) },
        "coco-text-json": { try COCOTextJSONConverter(options: $0) },
        "hiertext": { try HierTextConverter(options: $0) },
        "imgur-json": { try IMGURJSONConverter(options: $0) },
        "naf": { try NAFConverter(options: $0) },
        "openvino-json": { try OpenVINOJSONConverter(options: $0) },
        "svt-xml": { try SVTConverter(options: $0) },
        "closeset-lines": { try CloseSetLinesConverter(options: $0) },
        "xfund-json": { try XFUNDConverter(options: $0) },
    ]

    public typealias COCORecordFactory = @Sendable (ConverterOptions) throws -> any COCORecordConverter

    /// Converters that rewrite COCO-like files record by record into one COCO file.
    public static let cocoRecord: [String: COCORecordFactory] = [
        "curvedsyntext": { try CurvedSynTextConverter(options: $0) },
    ]

    /// Converters with their own streaming job in the pipeline (too large to hold as samples):
    /// SynthText's `gt.mat` (`SynthTextGT`).
    public static let streaming: Set<String> = ["synthtext-mat"]

    /// Every registered converter name.
    public static var names: [String] {
        (Array(perImage.keys) + Array(wholeFile.keys) + Array(cocoRecord.keys) + Array(streaming)).sorted()
    }
}
