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

// --profile: DBNet's layer kinds at their 640×640 shapes (batch 1), forward and backward, to
// show that the transposed convolutions, upsampling and concatenation cost little next to the
// convolutions.
if CommandLine.arguments.contains("--profile") {
    func time(_ name: String, _ body: () -> Void) {
        body()
        let t0 = now(); body(); body()
        print("  " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%7.1f ms", (now() - t0) / 2 * 1000))
    }
    func random(_ shape: [Int]) -> Tensor {
        let t = Tensor(shape: shape); for i in 0..<t.count { t[i] = rng.uniform(-1, 1) }; return t
    }
    print("profile (batch 1, 640×640 shapes)")
    let f160 = random([1, 256, 160, 160]), g64 = random([1, 64, 160, 160])
    let conv = Conv2d(256, 64, kernel: (3, 3), padding: (1, 1), bias: false)
    time("conv 3×3 256→64 @160² forward") { _ = conv.forward(f160) }
    time("conv 3×3 256→64 @160² backward") { conv.backward(g64) }
    let stem = Conv2d(3, 64, kernel: (7, 7), stride: (2, 2), padding: (3, 3), bias: false)
    stem.computesInputGradient = false
    let img = random([1, 3, 640, 640])
    time("conv 7×7/2 3→64 @640² forward (stem)") { _ = stem.forward(img) }
    time("conv 7×7/2 3→64 @640² backward") { stem.backward(random([1, 64, 320, 320])) }
    let c64 = Conv2d(64, 64, kernel: (3, 3), padding: (1, 1), bias: false)
    time("conv 3×3 64→64 @160² forward (layer1)") { _ = c64.forward(g64) }
    let up1 = ConvTranspose2d(64, 64, kernel: (2, 2), stride: (2, 2))
    let y1 = up1.forward(g64)
    time("convT 2×2/2 64→64 @160²→320² forward") { _ = up1.forward(g64) }
    let dy1 = random(y1.shape)
    time("convT 2×2/2 64→64 backward") { up1.backward(dy1) }
    let up2 = ConvTranspose2d(64, 1, kernel: (2, 2), stride: (2, 2))
    let y2 = up2.forward(dy1)
    time("convT 2×2/2 64→1 @320²→640² forward") { _ = up2.forward(dy1) }
    let dy2 = random(y2.shape)
    time("convT 2×2/2 64→1 backward") { up2.backward(dy2) }
    let bn = BatchNorm2d(64), relu = ReLU(inPlace: true)
    time("BN(train) + ReLU 64 @320² forward") { _ = relu.forward(bn.forward(dy1)) }
    let up = Upsample(mode: .nearest), small = random([1, 64, 20, 20])
    time("upsample nearest 64 @20²→160² forward") { _ = up.forward(small, height: 160, width: 160) }
    time("upsample nearest backward") { up.backward(g64) }
    let cat = Concat(), parts = (0..<4).map { _ in random([1, 64, 160, 160]) }
    time("concat 4×64 @160² forward") { _ = cat.forward(parts) }
    time("concat backward") { cat.backward(f160) }
    let sig = Sigmoid(), m = random([1, 1, 640, 640])
    time("sigmoid @640² forward") { _ = sig.forward(m) }
}
