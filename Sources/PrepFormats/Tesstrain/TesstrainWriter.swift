import Foundation
import PrepCore

/// Writes tesstrain ground truth: beside each line/word image `<name>.<ext>` in the folder, a
/// `<name>.gt.txt` holding its text and a newline (what `make training` pairs by name). Image
/// names must sit in that folder (no sub-folders) and the text must be one line; other records
/// are refused at their location. Two images sharing a stem would share a .gt.txt: refused too.
public final class TesstrainWriter: AnnotationWriter {
    public var kind: AnnotationKind { .recognition }
    public let losses = LossLog()
    public let directory: URL
    private var stems = Set<String>()

    public init(directory: URL) throws {
        self.directory = directory
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw PrepError.io(path: directory.path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
    }

    /// The ground-truth file name of an image name (`word_1.png` → `word_1.gt.txt`).
    public static func groundTruthName(_ image: String) -> String { (image as NSString).deletingPathExtension + ".gt.txt" }

    public func add(_ record: AnnotationRecord) throws {
        guard let text = record.text else { throw record.location.error("no transcription") }
        guard !record.imagePath.contains("/") else { throw record.location.error("\(record.imagePath): tesstrain images sit beside their .gt.txt (no sub-folders)") }
        guard !text.contains(where: { $0 == "\n" || $0 == "\r" }) else { throw record.location.error("the text holds a line break; a .gt.txt is one line") }
        let gt = Self.groundTruthName(record.imagePath)
        guard stems.insert(gt).inserted else { throw record.location.error("\(gt) would be written twice (two images with one stem)") }
        if record.instances.first?.ignore == true { losses.note("ignore flags (tesstrain has none)") }
        let url = directory.appendingPathComponent(gt)
        do { try Data((text + "\n").utf8).write(to: url) } catch {
            throw PrepError.io(path: url.path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    public func finish() throws {}

    /// tesstrain's Makefile makes `.box` and `.lstmf` files from `<name>.png` and `<name>.tif`
    /// only (a JPEG crop stops `make` with "No rule to make target …lstmf"): the bytes to write
    /// and their extension — PNG and TIFF as they are, a JPEG re-encoded as lossless PNG (its
    /// stored pixels). Throws for an image that cannot be decoded.
    public static func trainableImage(_ bytes: [UInt8], name: String) throws -> (bytes: [UInt8], fileExtension: String) {
        if ImageFormat.sniff(bytes) == .png { return (bytes, "png") }
        let ext = (name as NSString).pathExtension.lowercased()
        if ext == "tif" || ext == "tiff" { return (bytes, ext) }
        return (try ImageCodec.encodePNG(try ImageCodec.decode(bytes, name: name)), "png")
    }
}

/// Reads a tesstrain folder: every `<name>.gt.txt` (sorted by name) with the image beside it of
/// the same stem (`.png`, `.tif`, `.tiff`, `.jpg`, `.jpeg`); a
/// ground-truth file without an image is a record error.
enum TesstrainReader {
    static let imageExtensions = ["png", "tif", "tiff", "jpg", "jpeg"]

    static func open(_ directory: URL) throws -> AnnotationReader {
        let fm = FileManager.default
        let all: [String]
        do { all = try fm.contentsOfDirectory(atPath: directory.path).sorted() } catch {
            throw PrepError.io(path: directory.path, reason: "cannot list the folder")
        }
        let present = Set(all)
        let gts = all.filter { $0.hasSuffix(".gt.txt") }
        return ListReader(format: .tesstrain, kind: .recognition, count: gts.count) { k in
            let gt = gts[k]
            let loc = RecordLocation(file: directory.appendingPathComponent(gt).path)
            let stem = String(gt.dropLast(".gt.txt".count))
            guard let image = imageExtensions.map({ "\(stem).\($0)" }).first(where: present.contains) else {
                throw loc.error("no image \(stem).png/.tif/.jpg beside it")
            }
            guard case let .success(bytes) = FileBytes.read(loc.file), let text = String(validating: bytes, as: UTF8.self) else {
                throw loc.error("not readable as UTF-8")
            }
            var t = Substring(text)
            while let last = t.last, last == "\n" || last == "\r" { t = t.dropLast() }
            return .recognition(image, text: String(t), location: loc)
        }
    }
}
