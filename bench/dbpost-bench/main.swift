// prep's side of bench/dbpost_bench.sh: DBPostprocessor (quad, MMOCR defaults) on the maps
// bench/dbpost_bench.py wrote (uint8 b → float32(b) / 255), one after the other on one thread,
// then a comparison with MMOCR's boxes and scores (same count, corners within 1e-3 px).
//   dbpost-bench MAPS H W N EXPECTED.json
//   dbpost-bench --targets [N]    DBTargetGenerator alone: N 640×640 scenes of 20 rotated words
//                                 and 4 curved 14-point polygons (the training-side cost per image)
import Foundation
import PrepModels

let a = CommandLine.arguments
if a.count >= 2 && a[1] == "--targets" {
    let n = a.count > 2 ? Int(a[2]) ?? 50 : 50
    var seed: UInt64 = 15
    func rnd() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
    var scenes: [[[Double]]] = []
    for _ in 0..<n {
        var polys: [[Double]] = []
        for _ in 0..<20 {
            let cx = 40 + 560 * rnd(), cy = 20 + 600 * rnd(), w = 20 + 140 * rnd(), h = 10 + 30 * rnd(), t = rnd() - 0.5
            let c = cos(t), s = sin(t)
            var quad: [Double] = []
            for (dx, dy) in [(-w, -h), (w, -h), (w, h), (-w, h)] {
                let x: Double = dx * c - dy * s, y: Double = dx * s + dy * c
                quad += [cx + x / 2, cy + y / 2]
            }
            polys.append(quad)
        }
        for _ in 0..<4 {
            let cx = 100 + 440 * rnd(), cy = 100 + 440 * rnd(), r = 40 + 60 * rnd(), a0 = 6.28 * rnd()
            var curve: [Double] = []
            for i in 0..<7 { let t = a0 + Double(i) * 0.2; curve += [cx + (r + 25) * cos(t), cy + (r + 25) * sin(t)] }
            for i in (0..<7).reversed() { let t = a0 + Double(i) * 0.2; curve += [cx + r * cos(t), cy + r * sin(t)] }
            polys.append(curve)
        }
        scenes.append(polys)
    }
    let gen = DBTargetGenerator()
    let t0 = DispatchTime.now().uptimeNanoseconds
    var kept = 0
    for p in scenes { kept += gen.make(height: 640, width: 640, polygons: p, ignored: []).targets.probMap.reduce(0, +) > 0 ? 1 : 0 }
    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print(String(format: "targets: %d scenes 640x640 (24 polygons each) in %.3f s, %.1f ms per image", n, dt, 1000 * dt / Double(n)), kept)
    exit(0)
}
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
