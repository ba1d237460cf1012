// prep's side of bench/dbnet_bench.sh: DBNet inference time per image (eval forward, batch 1)
// and training-step time (train forward + DBLoss + backward + Adam) on random inputs, with the
// model's parameter count and multiply-adds. --profile splits a forward into backbone / neck /
// head and lists the slowest convolutions.
import Foundation
import PrepNN
import PrepModels

func arg(_ name: String, _ def: String) -> String {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count { return a[i + 1] }
    return def
}
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

let config = arg("--config", "full") == "small" ? DBNetConfig.small() : DBNetConfig.resnet18FPNC()
let sizes = arg("--sizes", "640x640").split(separator: ",").map { s -> (Int, Int) in
    let p = s.split(separator: "x").map { Int($0)! }
    return (p[1], p[0])  // WxH → (h, w)
}
let mode = arg("--mode", "infer")
let batch = Int(arg("--batch", "1"))!
let iters = Int(arg("--iters", "1"))!
Threads.set(Int(arg("--threads", "2"))!)

let model = DBNet(config, seed: 1)
var rng = RNG(seed: 7)
print("model \(config.name): \(model.parameterCount) parameters")
for (h, w) in sizes {
    let x = Tensor(shape: [batch, 3, h, w])
    for i in 0..<x.count { x[i] = rng.uniform(-2, 2) }
    if mode == "infer" {
        model.setTraining(false)
        _ = model.forward(x)  // first call allocates the buffers
        let gmac = Double(model.lastForwardMultiplyAdds) / 1e9
        let t0 = now()
        for _ in 0..<iters { _ = model.forward(x) }
        let dt = (now() - t0) / Double(iters)
        print(String(format: "prep infer %dx%d batch %d: %.3f s per batch, %.2f GMAC (%.1f GFLOPs) eval forward",
                     w, h, batch, dt, gmac, 2 * gmac))
    } else {
        model.setTraining(true)
        // a centred text block as target: enough positives for OHEM
        let hw = h * w
        var prob = [Float](repeating: 0, count: hw)
        for y in (h / 3)..<(h / 2) { for x in (w / 4)..<(3 * w / 4) { prob[y * w + x] = 1 } }
        let t = DBTargets(height: h, width: w, probMap: prob, probMask: [Float](repeating: 1, count: hw),
                          threshMap: [Float](repeating: 0.3, count: hw), threshMask: prob)
        let targets = [DBTargets](repeating: t, count: batch)
        let adam = Adam(model.namedParameters(), lr: 1e-3)
        func step() -> Double {
            adam.zeroGrad()
            let out = model.forward(x)
            let r = DBLoss().compute(out, targets: targets)
            model.backward(r.grads)
            adam.step()
            return r.loss
        }
        _ = step()
        let gmac = Double(model.lastForwardMultiplyAdds) / 1e9
        let t0 = now()
        var loss = 0.0
        for _ in 0..<iters { loss = step() }
        let dt = (now() - t0) / Double(iters)
        print(String(format: "prep train %dx%d batch %d: %.3f s per step (%.3f s per image), train forward %.2f GMAC, loss %.3f",
                     w, h, batch, dt, dt / Double(batch), gmac, loss))
    }
}
