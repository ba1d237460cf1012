// prep's side of bench/dbpost_bench.sh: DBPostprocessor (quad, MMOCR defaults) on the maps
// bench/dbpost_bench.py wrote (uint8 b → float32(b) / 255), one after the other on one thread,
// then a comparison with MMOCR's boxes and scores (same count, corners within 1e-3 px).
//   dbpost-bench MAPS H W N EXPECTED.json
import Foundation
import PrepModels

let a = CommandLine.arguments
guard a.count == 6, let h = Int(a[2]), let w = Int(a[3]), let n = Int(a[4]) else {
    FileHandle.standardError.write("usage: dbpost-bench MAPS H W N EXPECTED.json\n".data(using: .utf8)!)
    exit(2)
}
let raw = try Data(contentsOf: URL(fileURLWithPath: a[1]))
guard raw.count == n * h * w else { print("maps file has \(raw.count) bytes, expected \(n * h * w)"); exit(1) }
let maps: [[Float]] = (0..<n).map { i in raw[(i * h * w)..<((i + 1) * h * w)].map { Float($0) / 255 } }
let post = DBPostprocessor(textRepr: .quad)
var results: [[DetectedText]] = []
results.reserveCapacity(n)
let t0 = DispatchTime.now().uptimeNanoseconds
for m in maps { results.append(post.process(prob: m, height: h, width: w, scaleX: 1, scaleY: 1)) }
let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
let boxes = results.reduce(0) { $0 + $1.count }
print(String(format: "prep %d maps %dx%d in %.3f s (%d boxes)", n, w, h, dt, boxes))

let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a[5]))) as! [[String: Any]]
var sameCount = 0, samePolys = 0, total = 0, worst = 0.0, worstScore = 0.0
for (r, e) in zip(results, expected) {
    let polys = (e["polygons"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
    let scores = (e["scores"] as! [NSNumber]).map(\.doubleValue)
    total += polys.count
    guard r.count == polys.count else { continue }
    sameCount += 1
    for (d, (p, s)) in zip(r, zip(polys, scores)) {
        let diff = zip(d.polygon, p).map { abs($0 - $1) }.max() ?? 0
        worst = max(worst, diff); worstScore = max(worstScore, abs(d.score - s))
        if diff <= 1e-3 && d.polygon.count == p.count { samePolys += 1 }
        else if ProcessInfo.processInfo.environment["SHOW"] != nil { print("prep", d.polygon, d.score, "\nmmocr", p, s) }
    }
}
print("same box count on \(sameCount)/\(n) maps; \(samePolys)/\(total) boxes within 1e-3 px (worst \(worst) px, worst score diff \(worstScore))")
