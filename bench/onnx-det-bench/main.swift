// prep's side of bench/onnx_det_bench.sh: DBNet inference (eval mode, the probability map) at
// N×3×H×W on the engine's own DBNet and on prep's ONNX interpreter running the exported file.
//   onnx-det-bench prepare --model small|resnet18 --dir D [--size 640]
//       writes D/dbnet-MODEL.onnx (prep's export, fixed size, batch 1) and D/x.f32 (seeded input)
//   onnx-det-bench run --model small|resnet18 --dir D [--size 640] --threads 2 --iters N
//       prep-engine model=… latency_ms=…   (median of N calls after a warm-up)
//       prep-onnx   model=… latency_ms=… max_abs_diff=… (interpreter vs engine on the input)
//       prep-engine-before model=… latency_ms=…  (as before issue 16's speed work: separate conv,
//       prep-onnx-before   model=… latency_ms=…   BN, ReLU layers and every conv im2col + GEMM)
// The weights are the model's seeded random initialisation with randomised BN statistics
// (the same in both commands), so no checkpoint is needed.
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

let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
let model = arg("--model", "small"), dir = arg("--dir", "."), size = Int(arg("--size", "640"))!
let iters = Int(arg("--iters", "5"))!
Threads.set(Int(arg("--threads", "2"))!)

let net = DBNet(try DBNetDetector.config(model: model), seed: 11)
var rng = RNG(seed: 12)
var state = net.stateDict()
for name in state.keys.sorted() where name.hasSuffix("running_mean") || name.hasSuffix("running_var") {
    let shape = state[name]!.shape, isMean = name.hasSuffix("mean")
    state[name] = TensorData(f32: (0..<shape.reduce(1, *)).map { _ in isMean ? rng.uniform(-0.2, 0.2) : rng.uniform(0.5, 2) }, shape: shape)
}
try net.loadStateDict(state, source: "bench")
net.setTraining(false)
let onnxPath = "\(dir)/dbnet-\(model).onnx", inputPath = "\(dir)/x.f32"
let x = Tensor(shape: [1, 3, size, size])

switch mode {
case "prepare":
    let e = DBNetONNXExport(network: net, source: "random \(model)")
    try ONNXModelFile.write(e.onnxModel(ONNXExportOptions(width: size, height: size)), to: onnxPath)
    for i in 0..<x.count { x[i] = rng.uniform(-2, 2) }
    try Data(bytes: x.data, count: x.count * 4).write(to: URL(fileURLWithPath: inputPath))
case "run":
    let raw = try Data(contentsOf: URL(fileURLWithPath: inputPath))
    precondition(raw.count == x.count * 4, "input holds \(raw.count / 4) floats, expected \(x.count)")
    raw.withUnsafeBytes { x.data.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: x.count) }
    func time(_ body: () throws -> Void) rethrows -> Double {
        try body()
        var ts: [Double] = []
        for _ in 0..<iters { let t0 = now(); try body(); ts.append(now() - t0) }
        return ts.sorted()[ts.count / 2]
    }
    let engine = time { _ = net.forward(x) }
    let reference = net.forward(x).prob.values
    print(String(format: "prep-engine model=%@ latency_ms=%.1f", model, engine * 1000))
    let interpreter = try ONNXInterpreter(contentsOf: onnxPath)
    var out: [Float] = []
    let interp = try time {
        guard case .float(let t)? = try interpreter.run(["input": .float(x)])["output"] else { fatalError("no output") }
        out = t.values
    }
    let diff = zip(out, reference).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
    print(String(format: "prep-onnx   model=%@ latency_ms=%.1f max_abs_diff=%.2e", model, interp * 1000, Double(diff)))
    Conv2d.usesWinograd = false
    net.fusesInference = false
    print(String(format: "prep-engine-before model=%@ latency_ms=%.1f", model, time { _ = net.forward(x) } * 1000))
    print(String(format: "prep-onnx-before   model=%@ latency_ms=%.1f", model, try time { _ = try interpreter.run(["input": .float(x)]) } * 1000))
default:
    FileHandle.standardError.write(Data("usage: onnx-det-bench prepare|run --model small|resnet18 --dir D\n".utf8))
    exit(2)
}
