// prep's side of bench/onnx_bench.sh: CRNN inference on the inputs the script wrote (raw
// float32, N×1×32×W), by the engine's own CRNN (weights from a checkpoint) and by prep's ONNX
// interpreter (the exported file). Prints one line per engine:
//   prep-engine batch=B latency_ms=… images_per_s=…
//   prep-onnx   batch=B latency_ms=… images_per_s=…
// Usage: onnx-bench --weights W.safetensors --onnx M.onnx --input X.f32 --batch B --threads 2 --iters N
//          [--profile] [--unfused] [--im2col] [--openblas] [--avx2]
// --profile adds the engine's forward split by layer; --unfused runs conv, BatchNorm and ReLU
// as separate layers instead of one convolution with an epilogue; --im2col adds two lines
// (prep-engine-im2col, prep-onnx-im2col) with Winograd off: every convolution im2col + OpenBLAS GEMM;
// --no-winograd turns Winograd off for every line (e.g. to profile the im2col path), --no-packed
// the packed kernels (OpenBLAS for every GEMM);
// --openblas adds prep-engine-openblas and prep-onnx-openblas: the convolutions' GEMMs through
// OpenBLAS instead of prep's packed-weight kernels (the state before them); --avx2 adds
// prep-engine-avx2 and prep-onnx-avx2: the packed kernels capped at AVX2+FMA (no AVX-512).
import Foundation
import PrepModels
import PrepNN
import PrepONNX

func arg(_ name: String, _ def: String) -> String {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count { return a[i + 1] }
    return def
}
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

let batch = Int(arg("--batch", "1"))!, width = Int(arg("--width", "100"))!
let iters = Int(arg("--iters", "20"))!
Threads.set(Int(arg("--threads", "2"))!)
if CommandLine.arguments.contains("--no-winograd") { Conv2d.usesWinograd = false }
if CommandLine.arguments.contains("--no-packed") { PackedKernels.enabled = false }
let raw = try Data(contentsOf: URL(fileURLWithPath: arg("--input", "")))
let x = Tensor(shape: [batch, 1, 32, width])
precondition(raw.count == x.count * 4, "input holds \(raw.count / 4) floats, expected \(x.count)")
raw.withUnsafeBytes { x.data.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: x.count) }

/// Median seconds per call over `iters` calls after one warm-up.
func time(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var ts: [Double] = []
    for _ in 0..<iters { let t0 = now(); try body(); ts.append(now() - t0) }
    return ts.sorted()[ts.count / 2]
}
func report(_ name: String, _ s: Double) {
    print(String(format: "%@ batch=%d latency_ms=%.2f images_per_s=%.1f", name, batch, s * 1000, Double(batch) / s))
}

let (net, _) = try CRNNRecognizer.load(checkpoint: URL(fileURLWithPath: arg("--weights", "")))
net.setTraining(false)
// --unfused: conv, BatchNorm and ReLU as separate layers (the training-mode layer sequence)
net.model.backbone.fusesInference = !CommandLine.arguments.contains("--unfused")
report("prep-engine", time { _ = net.model.forward(x) })
let interpreter = try ONNXInterpreter(contentsOf: arg("--onnx", ""))
report("prep-onnx  ", try time { _ = try interpreter.run(["input": .float(x)]) })
if CommandLine.arguments.contains("--im2col") {
    Conv2d.usesWinograd = false
    PackedKernels.enabled = false  // as before Winograd: im2col + OpenBLAS
    report("prep-engine-im2col", time { _ = net.model.forward(x) })
    report("prep-onnx-im2col", try time { _ = try interpreter.run(["input": .float(x)]) })
    Conv2d.usesWinograd = !CommandLine.arguments.contains("--no-winograd")
    PackedKernels.enabled = !CommandLine.arguments.contains("--no-packed")
}
if CommandLine.arguments.contains("--openblas") {
    PackedKernels.enabled = false
    report("prep-engine-openblas", time { _ = net.model.forward(x) })
    report("prep-onnx-openblas", try time { _ = try interpreter.run(["input": .float(x)]) })
    PackedKernels.enabled = !CommandLine.arguments.contains("--no-packed")
}
if CommandLine.arguments.contains("--avx2") {
    let family = PackedKernels.name
    PackedKernels.cap("avx2")
    report("prep-engine-avx2", time { _ = net.model.forward(x) })
    report("prep-onnx-avx2", try time { _ = try interpreter.run(["input": .float(x)]) })
    PackedKernels.cap(family)
}

/// `--profile`: the engine's CRNN forward split by layer (median ms per call over `iters`
/// calls after the warm-up above), the same calls `CRNN.forward` makes in the same order.
if CommandLine.arguments.contains("--profile") {
    let m = net.model, vgg = m.backbone
    var names: [String] = [], times: [[Double]] = []
    func lap(_ i: inout Int, _ name: String, _ body: () -> Tensor) -> Tensor {
        let t0 = now(); let y = body(); let dt = now() - t0
        if names.count <= i { names.append(name); times.append([]) }
        times[i].append(dt); i += 1
        return y
    }
    for _ in 0..<iters {
        var i = 0
        var h = x
        for c in 0..<7 {
            if vgg.fusesInference {
                let bn = vgg.norms[c]
                h = lap(&i, "conv\(c)" + (bn == nil ? "+relu" : "+bn+relu")) {
                    vgg.convs[c].forward(h, epilogue: bn.map { .batchNorm($0, relu: true) } ?? .relu(channels: vgg.convs[c].outChannels))
                }
            } else {
                h = lap(&i, "conv\(c)") { vgg.convs[c].forward(h) }
                if let bn = vgg.norms[c] { h = lap(&i, "batchnorm\(c)") { bn.forward(h) } }
                h = lap(&i, "relu\(c)") { vgg.relus[c].forward(h) }
            }
            if let p = vgg.pools[c] { h = lap(&i, "pooling\(c)") { p.forward(h, keepsArgmax: !vgg.fusesInference) } }
        }
        let n = h.shape[0], ch = h.shape[1], t = h.shape[3]
        let seq = lap(&i, "to (T,N,C)") {
            let s = Tensor(shape: [t, n, ch])
            for b in 0..<n { for c in 0..<ch { for st in 0..<t { s.data[(st * n + b) * ch + c] = h.data[(b * ch + c) * t + st] } } }
            return s
        }
        var y = lap(&i, "decoder0.rnn") { m.decoder0.rnn.forward(seq) }
        y = lap(&i, "decoder0.embedding") { m.decoder0.embedding.forward(y) }
        y = lap(&i, "decoder1.rnn") { m.decoder1.rnn.forward(y) }
        _ = lap(&i, "decoder1.embedding") { m.decoder1.embedding.forward(y) }
    }
    let med = times.map { $0.sorted()[$0.count / 2] * 1000 }
    let total = med.reduce(0, +)
    print(String(format: "prep-engine profile batch=%d (median ms per call, sum %.2f), GEMM kernels ", batch, total) + GEMMKernels.name
          + ", packed kernels " + (PackedKernels.enabled ? PackedKernels.name : "off"))
    for (name, ms) in zip(names, med) {
        print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%8.3f  %5.1f%%", ms, 100 * ms / total))
    }
}
