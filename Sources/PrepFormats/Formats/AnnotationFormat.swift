import Foundation
import PrepCore

/// Every annotation format prep reads and writes, with detection (`detect`) and a reader per
/// format (`open`). This is the one entry point to the format layer: `prep convert`, `prep split`
/// and `prep validate` open files through it.
///
/// | format | kind | file | cannot hold |
/// |---|---|---|---|
/// | `mmocr0-coco` | det | MMOCR 0.x COCO-style `instances_<split>.json` | text unless the layout has a `text` key |
/// | `line-json` | det | MMOCR 0.x line-JSON (`coco_to_line_dict`) | — (text in an extra key) |
/// | `mmocr1` | det/recog | MMOCR 1.x `textdet/textspotting/textrecog_<split>.json` | textdet: text; textrecog: ignore |
/// | `coco` | det | standard COCO (begins with `info`) | — (text in an extra key) |
/// | `paddle-det` | det | PaddleOCR `img<TAB>[{"transcription", "points"}]` | sizes; text of ignored instances (`###`) |
/// | `paddle-rec` | recog | PaddleOCR `img<TAB>text` | ignore; texts with tabs or line breaks |
/// | `label-txt` / `label-jsonl` | recog | MMOCR 0.x `<split>_label.txt/.jsonl` | ignore; txt: line breaks, spaces in paths |
/// | `lmdb` | recog | clovaai / MMOCR LMDB folder | ignore; image paths |
/// | `paddle-kie` | det | PaddleOCR KIE (SER/RE) `img_path<TAB>[{"transcription", "label", "points", "id", "linking"}]` | sizes; non-4-point polygons |
/// | `doctr` | det/recog | docTR `labels.json` (DetectionDataset, OCRDataset, RecognitionDataset) | ignore; det: text, non-4-point polygons, empty pages |
/// | `hf` | det/recog | Hugging Face imagefolder `metadata.jsonl` | — (det: `objects` lists) |
/// | `easyocr` | recog | EasyOCR trainer `labels.csv` | ignore; commas in file names, line breaks |
/// | `tesstrain` | recog | a folder of images with `<name>.gt.txt` | ignore; sub-folders, line breaks |
public enum AnnotationFormat: String, Sendable, CaseIterable {
    case mmocr0COCO = "mmocr0-coco"
    case lineJSON = "line-json"
    case mmocr1
    case coco
    case paddleDet = "paddle-det"
    case paddleRec = "paddle-rec"
    case labelTxt = "label-txt"
    case labelJsonl = "label-jsonl"
    case lmdb
    case paddleKIE = "paddle-kie"
    case doctr
    case hf
    case easyocr
    case tesstrain

    /// The usual file extension (with its dot; an LMDB folder's too).
    public var fileExtension: String {
        switch self {
        case .mmocr0COCO, .mmocr1, .coco: return ".json"
        case .lineJSON, .labelJsonl: return ".jsonl"
        case .paddleDet, .paddleRec, .labelTxt, .paddleKIE: return ".txt"
        case .lmdb: return ".lmdb"
        case .doctr: return ".json"
        case .hf: return ".jsonl"
        case .easyocr: return ".csv"
        case .tesstrain: return ""
        }
    }

    /// A reader over `url` in this format.
    public func open(_ url: URL) throws -> AnnotationReader {
        switch self {
        case .mmocr0COCO, .coco: return try COCOFileReader.open(url, format: self)
        case .lineJSON: return try LineJSONReader.open(url)
        case .mmocr1: return try MMOCR1Reader.open(url)
        case .paddleDet: return try PaddleReader.openDet(url)
        case .paddleRec: return try PaddleReader.openRec(url)
        case .labelTxt: return try LabelFileReader.open(url, syntax: .txt)
        case .labelJsonl: return try LabelFileReader.open(url, syntax: .jsonl)
        case .lmdb: return try LMDBRecordReader.open(url)
        case .paddleKIE: return try PaddleKIEReader.open(url)
        case .doctr: return try DocTRReader.open(Self.file(url, "labels.json"))
        case .hf: return try HFImageFolderReader.open(Self.file(url, "metadata.jsonl"))
        case .easyocr: return try EasyOCRLabelsReader.open(Self.file(url, "labels.csv"))
        case .tesstrain: return try TesstrainReader.open(url)
        }
    }

    /// `url`, or the file `name` inside it when `url` is a folder (a docTR / imagefolder /
    /// EasyOCR split folder).
    static func file(_ url: URL, _ name: String) -> URL {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue ? url.appendingPathComponent(name) : url
    }

    /// What detection found: the format, why, and what else was considered.
    public struct Detection: Sendable {
        public var format: AnnotationFormat
        public var reason: String
    }

    /// Detects the format of `url` from its first bytes (and an LMDB from its folder). A file
    /// that is none of the formats throws a usage error listing what was tried and why each
    /// did not fit.
    public static func detect(_ url: URL) throws -> Detection {
        let path = url.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw PrepError.io(path: path, reason: "no such file or folder")
        }
        if isDir.boolValue || url.pathExtension == "mdb" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("data.mdb").path) || url.pathExtension == "mdb" {
                return Detection(format: .lmdb, reason: "an LMDB folder (data.mdb)")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if names.contains("labels.json") { return Detection(format: .doctr, reason: "a folder with labels.json (docTR)") }
            if names.contains("metadata.jsonl") { return Detection(format: .hf, reason: "a folder with metadata.jsonl (imagefolder)") }
            if names.contains("labels.csv") { return Detection(format: .easyocr, reason: "a folder with labels.csv (EasyOCR)") }
            if names.contains(where: { $0.hasSuffix(".gt.txt") }) { return Detection(format: .tesstrain, reason: "a folder of <name>.gt.txt files (tesstrain)") }
            throw PrepError.usage("\(path): a folder without data.mdb, labels.json, metadata.jsonl, labels.csv or *.gt.txt; tried: lmdb, doctr, hf, easyocr, tesstrain. Give an annotation file or a dataset folder")
        }
        close(try FileBytes.openInput(url).fd)   // regular files only (a FIFO would block)
        var head = FileBytes.head(path, 1 << 16) ?? []
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        var tried: [String] = []
        let firstLine = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw PrepError.usage("\(path): the file is empty; nothing to detect a format from") }

        if trimmed.hasPrefix("{") {
            // One object per line (line-JSON, jsonl labels), or one document over the file.
            if let v = try? JSONReader.parse(trimmed), case .object = v {
                if v["file_name"] != nil && v["annotations"] != nil { return Detection(format: .lineJSON, reason: "line 1 is a JSON object with file_name and annotations") }
                if v["file_name"] != nil && (v["text"] != nil || v["objects"] != nil) { return Detection(format: .hf, reason: "line 1 is a JSON object with file_name and text/objects (imagefolder metadata)") }
                if v["filename"] != nil && v["text"] != nil { return Detection(format: .labelJsonl, reason: "line 1 is a JSON object with filename and text") }
                if v["data_list"] != nil { return Detection(format: .mmocr1, reason: "a JSON object with data_list") }
                if v["images"] != nil { return Detection(format: v["info"] != nil ? .coco : .mmocr0COCO, reason: v["info"] != nil ? "a COCO object with info" : "a COCO object without info") }
                if case let .object(pairs) = v, let first = pairs.first?.1,
                   first.string != nil || first["polygons"] != nil || first["typed_words"] != nil {
                    return Detection(format: .doctr, reason: "a JSON object of image name → label (docTR labels.json)")
                }
                tried.append("line-json / label-jsonl (line 1 is a JSON object with neither file_name+annotations nor filename+text)")
            } else {
                let keys = Self.topLevelKeys(text)
                if keys.contains("data_list") || keys.contains("metainfo") { return Detection(format: .mmocr1, reason: "a JSON document with metainfo/data_list") }
                if keys.contains("images") {
                    return keys.contains("info") ? Detection(format: .coco, reason: "a COCO document with info (standard COCO)")
                        : Detection(format: .mmocr0COCO, reason: "a COCO document without info (MMOCR 0.x)")
                }
                if text.contains("\"typed_words\"") || text.contains("\"polygons\"") { return Detection(format: .doctr, reason: "a JSON document with polygons/typed_words (docTR labels.json)") }
                tried += ["mmocr1 (no metainfo/data_list key)", "coco / mmocr0-coco (no images key)", "doctr (no polygons/typed_words)"]
            }
        } else {
            tried.append("JSON formats (the file does not begin with '{')")
            if trimmed == "filename,words" { return Detection(format: .easyocr, reason: "line 1 is the header filename,words (EasyOCR labels.csv)") }
            if let tab = firstLine.firstIndex(of: "\t") {
                let rest = firstLine[firstLine.index(after: tab)...].trimmingCharacters(in: .whitespaces)
                // A long first line may be cut at the end of the sniffed bytes: `[{"` is enough.
                if rest.hasPrefix("[{\"") && rest.contains("\"linking\":") {
                    return Detection(format: .paddleKIE, reason: "line 1 is img_path<TAB>[JSON list] with linking (PaddleOCR KIE)")
                }
                if rest.hasPrefix("[{\"") || (rest.hasPrefix("[") && (try? JSONReader.parse(rest))?.array != nil) {
                    return Detection(format: .paddleDet, reason: "line 1 is img_path<TAB>[JSON list]")
                }
                return Detection(format: .paddleRec, reason: "line 1 is img_path<TAB>text")
            }
            tried.append("paddle-det / paddle-rec (line 1 has no tab)")
            if firstLine.contains(" ") { return Detection(format: .labelTxt, reason: "line 1 is <path> <text>") }
            tried.append("label-txt (line 1 has no space)")
        }
        throw PrepError.usage("\(path): not an annotation format prep reads; tried: \(tried.joined(separator: "; ")). Give --from FORMAT (\(allCases.map(\.rawValue).joined(separator: ", ")))")
    }

    /// The keys at depth 1 of a JSON object, from the first bytes of a document (enough to tell
    /// the document formats apart without parsing a large file).
    static func topLevelKeys(_ text: String) -> Set<String> {
        var keys = Set<String>()
        var depth = 0, inString = false, escaped = false, start: String.Index? = nil
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                    inString = false
                    if depth == 1, let s = start {
                        var j = text.index(after: i)
                        while j < text.endIndex, text[j] == " " || text[j] == "\n" || text[j] == "\r" || text[j] == "\t" { j = text.index(after: j) }
                        if j < text.endIndex, text[j] == ":" { keys.insert(String(text[s..<i])) }
                    }
                }
            } else if c == "\"" {
                inString = true
                start = text.index(after: i)
            } else if c == "{" || c == "[" { depth += 1 } else if c == "}" || c == "]" { depth -= 1 }
            i = text.index(after: i)
        }
        return keys
    }
}
