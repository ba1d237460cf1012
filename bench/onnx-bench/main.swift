// prep's side of bench/onnx_bench.sh: CRNN inference on the inputs the script wrote (raw
// float32, N×1×32×W), by the engine's own CRNN (weights from a checkpoint) and by prep's ONNX
// interpreter (the exported file). Prints one line per engine:
//   prep-engine batch=B latency_ms=… images_per_s=…
//   prep-onnx   batch=B latency_ms=… images_per_s=…
// Usage: onnx-bench --weights W.safetensors --onnx M.onnx --input X.f32 --batch B --threads 2 --iters N
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
report("prep-engine", time { _ = net.model.forward(x) })
let interpreter = try ONNXInterpreter(contentsOf: arg("--onnx", ""))
report("prep-onnx  ", try time { _ = try interpreter.run(["input": .float(x)]) })
