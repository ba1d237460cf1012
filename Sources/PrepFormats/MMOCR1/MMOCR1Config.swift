import Foundation
import PrepCore

/// MMOCR 1.x base dataset configs (`configs/<task>/_base_/datasets/<name>.py`), as its
/// `TextDetConfigGenerator` / `TextRecogConfigGenerator` write them (peers.md §A.7): a
/// `<name>_<task>_data_root` variable, then one `dict` per annotation file named
/// `<name>_<task>_<split>`, type `OCRDataset` (`.json`) or `RecogLMDBDataset` (`.lmdb`); textdet
/// train entries filter empty pages, val/test entries are `test_mode=True`.
public enum MMOCR1Config {
    /// MMOCR's split name for a prep split (`training` → `train`, `validation` → `val`).
    public static func splitName(_ split: String) -> String {
        switch split {
        case "training": return "train"
        case "validation": return "val"
        default: return split
        }
    }

    /// The config text. `files`: (split, annotation file relative to `dataRoot`).
    public static func text(name: String, task: MMOCR1Task, dataRoot: String, files: [(split: String, file: String)]) -> String {
        let root = "\(name)_\(task.rawValue)_data_root"
        var out = "\(root) = \(pyString(dataRoot))\n"
        for (split, file) in files {
            let s = splitName(split)
            out += "\n\(name)_\(task.rawValue)_\(s) = dict(\n"
            out += "    type='\(file.hasSuffix(".lmdb") ? "RecogLMDBDataset" : "OCRDataset")',\n"
            out += "    data_root=\(root),\n"
            out += "    ann_file=\(pyString(file)),\n"
            if s == "train" && task == .textdet {
                out += "    filter_cfg=dict(filter_empty_gt=True, min_size=32),\n"
            } else if s == "test" || s == "val" {
                out += "    test_mode=True,\n"
            }
            out += "    pipeline=None)\n"
        }
        return out
    }

    /// A Python string literal (single quotes, backslash escapes).
    static func pyString(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Writes the configs for the annotation files among `outputs` (names relative to
    /// `dataRoot`) into `directory/<task>/_base_/datasets/<name>.py`. An existing config is kept
    /// (as MMOCR 1.x does without `--overwrite-cfg`); returns the paths written and those kept.
    public static func write(name: String, dataRoot: URL, splits: [String], outputs: [String], to directory: URL) throws -> (written: [String], kept: [String]) {
        var written: [String] = [], kept: [String] = []
        for task in MMOCR1Task.allCases {
            var files: [(String, String)] = []
            for split in splits {
                for ext in [".json", ".lmdb/"] where outputs.contains("\(task.rawValue)_\(splitName(split))\(ext)") {
                    files.append((split, "\(task.rawValue)_\(splitName(split))" + (ext == ".json" ? ".json" : ".lmdb")))
                }
            }
            guard !files.isEmpty else { continue }
            let url = directory.appendingPathComponent("\(task.rawValue)/_base_/datasets/\(name).py")
            if FileManager.default.fileExists(atPath: url.path) { kept.append(url.path); continue }
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text(name: name, task: task, dataRoot: dataRoot.path, files: files).utf8).write(to: url, options: .atomic)
            } catch {
                throw PrepError.io(path: url.path, reason: "cannot write the config (\(error.localizedDescription))")
            }
            written.append(url.path)
        }
        return (written, kept)
    }
}
