import Foundation
import PrepCore
import PrepModels
import PrepPipeline

/// Opens recognition data for `prep train recog` / `prep infer recog`: PrepModels reads LMDBs,
/// label files and image folders; words of a detection file are cut on demand by the pipeline's
/// crop engine (`DetectionCropIndex`), which PrepModels cannot depend on — this is the glue.
enum RecogDataOpening {
    static func opener(images: String?, allowUnlabelled: Bool, report: RunReport, split: String) -> RecogDataSources {
        RecogDataSources(images: images.map { URL(fileURLWithPath: $0).standardizedFileURL }, cropper: { annotation, images in
            let index = try DetectionCropIndex(annotation: annotation, images: images)
            for s in index.skipped { report.skip(split: split, file: s.location, reason: s.reason) }
            report.notes.append("\(annotation.path): \(index.words.count) words cut on the fly from its pages")
            let items = index.words.map { RecogItem(name: $0.name, text: $0.text, location: $0.location) }
            return ListRecogSource(origin: annotation.path, items: items) { try index.cropBytes(at: $0) }
        }, allowUnlabelled: allowUnlabelled)
    }

    /// All `paths` as one source; unreadable records go to the report.
    static func open(_ paths: [String], images: String?, allowUnlabelled: Bool = false, report: RunReport, split: String) throws -> any RecogSampleSource {
        var opener = opener(images: images, allowUnlabelled: allowUnlabelled, report: report, split: split)
        var parts: [any RecogSampleSource] = []
        var files: [URL] = []
        for p in paths {
            // Image files given one by one are gathered into one source, in the order given.
            let url = URL(fileURLWithPath: p)
            if allowUnlabelled, ["jpg", "jpeg", "png"].contains(url.pathExtension.lowercased()) {
                guard FileManager.default.fileExists(atPath: p) else { throw PrepError.io(path: p, reason: "no such file") }
                files.append(url)
                continue
            }
            if !files.isEmpty { parts.append(RecogDataSources.imageFiles(files, origin: "image files")); files = [] }
            parts.append(try opener.open(p))
        }
        if !files.isEmpty { parts.append(RecogDataSources.imageFiles(files, origin: "image files")) }
        for u in opener.unreadable { report.skip(split: split, file: u.location, reason: u.reason) }
        let source = parts.count == 1 ? parts[0] : ConcatRecogSource(parts)
        report.update(split: split) { $0.images = source.count }
        return source
    }
}
