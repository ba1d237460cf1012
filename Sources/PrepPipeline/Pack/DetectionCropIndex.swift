import Foundation
import PrepCore
import PrepFormats

/// The words of a detection annotation (any format `prep crops` reads) as recognition samples
/// cut on demand with `prep crops`' engine, for training and inference without crop files on
/// disk. Listing reads only the annotation; `cropBytes(at:)` probes the page image, decodes
/// just the rows and columns one word needs, cuts it as `prep crops` would (same geometry,
/// settings and crop name `<page stem>_<n>.png`) and returns it PNG-encoded.
/// Do-not-care instances and instances without a transcription are not listed; `skipped` says
/// which and why. Safe to use from several threads.
public final class DetectionCropIndex: @unchecked Sendable {
    public struct Word: Sendable {
        public var name: String
        public var text: String
        public var location: String
        let page: Int
        let instance: Int
        let number: Int
    }

    public let annotation: URL
    public let images: URL
    public let settings: CropSettings
    public private(set) var words: [Word] = []
    public private(set) var skipped: [(location: String, reason: String)] = []
    private let pages: [COCOReader.Image]
    private let prefixes: [String]
    private let engine: CropEngine

    /// Lists the words of `annotation`; `settings` default to `prep crops`' (axis-aligned box,
    /// no padding, PNG) with tall crops kept (a recognizer decides what to do with them).
    public init(annotation: URL, images: URL, settings: CropSettings = CropSettings(vertical: .keep)) throws {
        self.annotation = annotation
        self.images = images
        var s = settings
        s.imageExtension = "png"
        self.settings = s
        engine = CropEngine(settings: s)
        let report = RunReport(command: "train")
        pages = try CropsJob.readPages(annotation, report: report)
        prefixes = pages.map { CropsJob.cropPrefix($0) }
        for issue in report.issues { skipped.append((issue.location, issue.reason)) }
        for (p, page) in pages.enumerated() {
            var number = s.firstIndex - 1
            for (k, inst) in page.instances.enumerated() {
                if inst.ignore { if s.indexIgnored { number += 1 }; continue }
                number += 1
                let location = "\(annotation.path) \(page.fileName) instance \(k + 1)"
                guard let text = inst.text, !text.isEmpty else {
                    skipped.append((location, "no transcription")); continue
                }
                words.append(Word(name: "\(prefixes[p])_\(number).png", text: text, location: location,
                                  page: p, instance: k, number: number))
            }
        }
    }

    /// The PNG crop of word `index`; throws a `PrepError` naming the image and the word.
    public func cropBytes(at index: Int) throws -> [UInt8] {
        let w = words[index]
        var page = pages[w.page]
        page.instances = [page.instances[w.instance]]
        let sample = try CropsJob.load(page, images: images, converter: nil, gtDir: images).get()
        let bytes: [UInt8]
        switch FileBytes.read(sample.image.path) {
        case let .success(b): bytes = b
        case let .failure(f): throw PrepError.image(path: sample.image.path, reason: f.reason)
        }
        var settings = self.settings
        settings.firstIndex = w.number
        let result = CropEngine(settings: settings).cut(sample, prefix: prefixes[w.page], split: "train", bytes: bytes)
        guard let crop = result.crops.first else {
            throw PrepError.image(path: w.location, reason: result.skipped.first?.reason ?? "no crop")
        }
        return crop.bytes
    }
}
