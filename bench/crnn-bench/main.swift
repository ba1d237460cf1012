// prep's side of bench/crnn_bench.sh: CRNN training and inference throughput on a fixed random
// batch, per-layer forward/backward times, and (with --parity DIR) a full-size parity check
// against weights/input/logits written by bench/crnn_bench.py.
// Diagnostics: --gemm times conv5's three GEMM shapes (one copy per thread, at once);
// --blas-threads N gives OpenBLAS N threads instead of the engine's 1 (to compare the two ways);
// --width W (keep-ratio widths: 128), --no-train-winograd (the training convolutions' old path).
import Foundation
import PrepNN
import PrepModels

func arg(_ name: String, _ def: String) -> String {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count { return a[i + 1] }
    return def
}
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
/// The process's CPU seconds (user + system, all threads): on a shared, loaded machine the work
/// a step costs, where wall time mostly measures the other processes.
func cpuNow() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

let variant = arg("--variant", "mmocr")
let batch = Int(arg("--batch", "64"))!
let width = Int(arg("--width", "100"))!
let threads = Int(arg("--threads", "2"))!
let iters = Int(arg("--iters", "5"))!
let classes = Int(arg("--classes", "37"))!
let parityDir = arg("--parity", "")
Threads.set(threads)
if let bt = Int(arg("--blas-threads", "")) { OpenBLAS.setThreads(bt) }
// --no-train-winograd: training convolutions through im2col + GEMM only (the engine before Winograd training)
if CommandLine.arguments.contains("--no-train-winograd") { Conv2d.trainsWithWinograd = false }

let config = variant == "small" ? CRNNConfig.small(numClasses: classes) : CRNNConfig.mmocr(numClasses: classes)
let model = CRNN(config, seed: 1)

if !parityDir.isEmpty {
    let w = try SafeTensors.read(path: parityDir + "/weights.safetensors")
    try model.loadStateDict(w.tensors, source: "weights")
    let e = try SafeTensors.read(path: parityDir + "/expected.safetensors").tensors
    let x = Tensor(shape: e["input"]!.shape, values: e["input"]!.floats!)
    model.setTraining(false)
    let y = model.forward(x).values
    let want = e["logits_eval"]!.floats!
    var worst: Float = 0
    for (a, b) in zip(y, want) { worst = max(worst, abs(a - b) / max(1, abs(b))) }
    print(String(format: "parity %@ (%d parameters): max |Δ| logits = %.2e (%@)", variant, model.parameterCount,
                 worst, worst <= 1e-4 ? "within 1e-4" : "OUTSIDE 1e-4"))
    exit(worst <= 1e-4 ? 0 : 1)
}

if CommandLine.arguments.contains("--gemm") {
    // conv5's three GEMM shapes for one group of 16 images (single-threaded BLAS): GFLOP/s.
    // With --threads 2, each of two threads runs its own copy at once: the sum is reported.
    let (co, k, gl) = (512, 4608, 16 * 108)
    let p = Threads.count
    let a = (0..<p).map { _ in Tensor(shape: [co, k]) }, b = (0..<p).map { _ in Tensor(shape: [k, gl]) }
    let c = (0..<p).map { _ in Tensor(shape: [co, gl]) }
    let dw = (0..<p).map { _ in Tensor(shape: [co, k]) }, dcol = (0..<p).map { _ in Tensor(shape: [k, gl]) }
    for t in a + b + c { for i in 0..<t.count { t[i] = Float(i % 7) * 0.01 } }
    let flop = 2.0 * Double(co * k * gl) * Double(p)
    for (name, body) in [("forward  W·col", { (i: Int) in sgemm(m: co, n: gl, k: k, a: a[i].data, lda: k, b: b[i].data, ldb: gl, c: c[i].data, ldc: gl) }),
                         ("dW dY·colT", { (i: Int) in sgemm(transB: true, m: co, n: k, k: gl, a: c[i].data, lda: gl, b: b[i].data, ldb: gl, beta: 1, c: dw[i].data, ldc: k) }),
                         ("dcol WT·dY", { (i: Int) in sgemm(transA: true, m: k, n: gl, k: co, a: a[i].data, lda: k, b: c[i].data, ldb: gl, c: dcol[i].data, ldc: gl) })] as [(String, (Int) -> Void)] {
        Threads.parallelFor(p, body)
        let t0 = now(); for _ in 0..<3 { Threads.parallelFor(p, body) }; let dt = (now() - t0) / 3
        print(String(format: "%@ ×%d %.1f ms, %.1f GFLOP/s", name, p, dt * 1000, flop / dt / 1e9))
    }
    exit(0)
}

var rng = RNG(seed: 7)
let x = Tensor(shape: [batch, 1, 32, width])
for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
let t = CRNNConfig.sequenceLength(width: width)
let targets: [[Int]] = (0..<batch).map { _ in (0..<(3 + Int(rng.next() % 8))).map { _ in 1 + Int(rng.next() % UInt64(classes - 1)) } }
let ctc = CTCLoss(blank: 0, zeroInfinity: true)
let adam = Adam(model.namedParameters(), lr: 1e-4)

func trainStep() -> (Double, Double, Double) {
    let t0 = now()
    adam.zeroGrad()
    let logits = model.forward(x)
    let r = ctc.compute(logits: logits, targets: targets)
    let t1 = now()
    model.backward(r.gradLogits)
    let t2 = now()
    adam.step()
    let t3 = now()
    return (t1 - t0, t2 - t1, t3 - t2)
}

model.setTraining(true)
_ = trainStep()  // warm-up (allocations)
var f = 0.0, b = 0.0, o = 0.0
let tTrain0 = now(), cTrain0 = cpuNow()
for _ in 0..<iters { let (a, c, d) = trainStep(); f += a; b += c; o += d }
let trainTime = now() - tTrain0, trainCPU = cpuNow() - cTrain0
model.setTraining(false)
_ = model.forward(x)
let tInf0 = now()
for _ in 0..<iters { _ = model.forward(x) }
let inferTime = now() - tInf0
let n = Double(iters)
print(String(format: "train CPU %.3f s per batch (%.1f samples per CPU second; %d threads)", trainCPU / n,
             Double(batch) * n / trainCPU, threads))
print(String(format: "prep %@ threads=%d batch=%d 1x32x%d T=%d: train %.1f samples/s (forward+loss %.3f s, backward %.3f s, step %.3f s per batch); infer %.1f images/s",
             variant, threads, batch, width, t, Double(batch) * n / trainTime, f / n, b / n, o / n, Double(batch) * n / inferTime))

if CommandLine.arguments.contains("--no-profile") { exit(0) }

// Per-layer profile (train mode): forward and backward of each layer, averaged over iterations.
model.setTraining(true)
let bb = model.backbone
let poolName = [0: 0, 1: 1, 3: 2, 5: 3]  // MMOCR names pooling0…3 by order
var fwd: [String: Double] = [:], bwd: [String: Double] = [:]
var fwdCPU: [String: Double] = [:], bwdCPU: [String: Double] = [:]
var order: [String] = []
func timed(_ name: String, _ table: inout [String: Double], _ cpu: inout [String: Double], _ body: () -> Void) {
    let s = now(), c = cpuNow(); body(); table[name, default: 0] += now() - s
    cpu[name, default: 0] += cpuNow() - c
    if !order.contains(name) { order.append(name) }
}
for _ in 0..<iters {
    var h = x
    for i in 0..<7 {
        timed("conv\(i)", &fwd, &fwdCPU) { h = bb.convs[i].forward(h) }
        if let bn = bb.norms[i] { timed("batchnorm\(i)", &fwd, &fwdCPU) { h = bn.forward(h) } }
        timed("relu\(i)", &fwd, &fwdCPU) { h = bb.relus[i].forward(h) }
        if let p = bb.pools[i] { timed("pooling\(poolName[i]!)", &fwd, &fwdCPU) { h = p.forward(h) } }
    }
    var logits = h
    timed("to-sequence+decoder.0.rnn", &fwd, &fwdCPU) { logits = model.forward(x) }  // whole forward, for the decoder split below
    fwd["to-sequence+decoder.0.rnn"]! -= 0
    var r: CTCLoss.Result?
    timed("ctc", &fwd, &fwdCPU) { r = ctc.compute(logits: logits, targets: targets) }
    var g = r!.gradLogits
    timed("decoder.1.embedding", &bwd, &bwdCPU) { g = model.decoder1.embedding.backward(g) }
    timed("decoder.1.rnn", &bwd, &bwdCPU) { g = model.decoder1.rnn.backward(g) }
    timed("decoder.0.embedding", &bwd, &bwdCPU) { g = model.decoder0.embedding.backward(g) }
    timed("decoder.0.rnn", &bwd, &bwdCPU) { g = model.decoder0.rnn.backward(g) }
    let tt = g.shape[0], nn = g.shape[1], cc = g.shape[2]
    var gf = Tensor(shape: [nn, cc, 1, tt])
    for bi in 0..<nn { for ch in 0..<cc { for s in 0..<tt { gf[(bi * cc + ch) * tt + s] = g[(s * nn + bi) * cc + ch] } } }
    for i in stride(from: 6, through: 0, by: -1) {
        if let p = bb.pools[i] { timed("pooling\(poolName[i]!)", &bwd, &bwdCPU) { gf = p.backward(gf) } }
        timed("relu\(i)", &bwd, &bwdCPU) { gf = bb.relus[i].backward(gf) }
        if let bn = bb.norms[i] { timed("batchnorm\(i)", &bwd, &bwdCPU) { gf = bn.backward(gf) } }
        timed("conv\(i)", &bwd, &bwdCPU) { gf = bb.convs[i].backward(gf) }
    }
    timed("adam", &bwd, &bwdCPU) { adam.step() }
}
// decoder forward times, measured directly on the sequence
for _ in 0..<iters {
    let feat = bb.forward(x)
    let tt = feat.shape[3], nn = feat.shape[0], cc = feat.shape[1]
    let seq = Tensor(shape: [tt, nn, cc])
    for bi in 0..<nn { for ch in 0..<cc { for s in 0..<tt { seq[(s * nn + bi) * cc + ch] = feat[(bi * cc + ch) * tt + s] } } }
    var h = seq
    timed("decoder.0.rnn", &fwd, &fwdCPU) { h = model.decoder0.rnn.forward(h) }
    timed("decoder.0.embedding", &fwd, &fwdCPU) { h = model.decoder0.embedding.forward(h) }
    timed("decoder.1.rnn", &fwd, &fwdCPU) { h = model.decoder1.rnn.forward(h) }
    timed("decoder.1.embedding", &fwd, &fwdCPU) { h = model.decoder1.embedding.forward(h) }
}
fwd["to-sequence+decoder.0.rnn"] = nil
order.removeAll { $0 == "to-sequence+decoder.0.rnn" }
print("per layer, ms per batch (forward / backward wall; forward / backward process CPU, both threads):")
var sums = [0.0, 0.0, 0.0, 0.0]
for name in order {
    let v = [fwd[name] ?? 0, bwd[name] ?? 0, fwdCPU[name] ?? 0, bwdCPU[name] ?? 0].map { $0 / n * 1000 }
    for i in 0..<4 { sums[i] += v[i] }
    print(String(format: "  %-22@ %8.1f %8.1f   %8.1f %8.1f", name as NSString, v[0], v[1], v[2], v[3]))
}
print(String(format: "  %-22@ %8.1f %8.1f   %8.1f %8.1f", "total" as NSString, sums[0], sums[1], sums[2], sums[3]))
