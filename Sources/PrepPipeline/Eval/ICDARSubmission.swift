import Foundation
import PrepCore

/// An ICDAR Robust Reading Competition submission zip: one `res_<image>.txt` per image, lines
/// `x1,y1,…,xk,yk[,score][,text]`. The leading numeric fields are coordinates; for `det`, an
/// odd count means the last one is the score; for `spotting`, everything after the
/// coordinates (and the score, if the numeric count is odd) is the transcription, commas and all.
enum ICDARSubmission {
    static func read(_ url: URL, task: EvalTask) throws -> EvalSource {
        let zip = try ZipArchive(url: url)
        var images: [EvalImage] = [], problems: [String] = []
        for member in zip.members.sorted(by: { $0.name < $1.name }) where !member.isDirectory && member.name.hasSuffix(".txt") {
            let file = member.name.split(separator: "/").last.map(String.init) ?? member.name
            let stem = String(file.dropLast(4))
            let key = stem.hasPrefix("res_") ? String(stem.dropFirst(4)) : stem
            var bytes = try zip.read(member)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let text = String(validatingUTF8CString: bytes) else {
                problems.append("\(url.path) \(member.name): not UTF-8; skipped"); continue
            }
            var out: [EvalInstance] = []
            for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
                let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
                if line.allSatisfy({ $0 == " " }) { continue }
                let loc = "\(url.path) \(member.name):\(n + 1)"
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                var nums: [Double] = []
                for f in fields { if let v = Double(f) { nums.append(v) } else { break } }
                var rest = Array(fields[nums.count...])
                if task == .spotting && rest.isEmpty && nums.count % 2 == 1 {
                    rest = [fields[nums.count - 1]]; nums.removeLast()   // a numeric transcription
                }
                var score = 1.0
                if nums.count % 2 == 1 { score = nums.removeLast() }
                if nums.count < 6 { problems.append("\(loc): fewer than 3 points; skipped"); continue }
                if let reason = EvalValues.problem(polygon: nums, score: score) { problems.append("\(loc): \(reason); skipped"); continue }
                out.append(EvalInstance(polygon: nums, text: rest.isEmpty ? nil : rest.joined(separator: ","), score: score))
            }
            images.append(EvalImage(name: file, key: key, instances: out, location: "\(url.path) \(member.name)"))
        }
        return EvalSource(format: "icdar-submission-zip", images: images, problems: problems)
    }
}

private extension String {
    init?(validatingUTF8CString bytes: [UInt8]) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
