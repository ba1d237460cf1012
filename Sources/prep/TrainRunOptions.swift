import Foundation
import ArgumentParser

/// The run options `prep train recog` and `prep train det` share: data, run folder, budget,
/// checkpoints, warm-up and clipping, seed, resume. Model, batch, optimizer and augmentation
/// options stay with each command (their defaults differ).
struct TrainRunOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Training data (see DATA above).", valueName: "DATA"))
    var train: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Validation data, scored after each epoch (and with --val-every).", valueName: "DATA"))
    var val: [String] = []

    @Option(name: .long, help: ArgumentHelp("Folder the data's image paths (or a detection file's pages) are relative to.", valueName: "DIR"))
    var images: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The run folder.", valueName: "RUN"))
    var output: String

    @Option(name: .long, help: "Epochs (default unless --steps: recog 5, det 20).")
    var epochs: Int?

    @Option(name: .long, help: "Optimizer steps (instead of --epochs).")
    var steps: Int?

    @Option(name: .customLong("val-every"), help: ArgumentHelp("Also validate and save every N steps (default: after each epoch only).", valueName: "N"))
    var valEvery: Int?

    @Option(name: .long, help: "Linear warm-up steps.")
    var warmup: Int = 0

    @Option(name: .long, help: ArgumentHelp("Clip the gradients' global norm to this.", valueName: "NORM"))
    var clip: Double?

    @Option(name: .long, help: "Seed for initialisation, data order and augmentation.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Continue the run in RUN from its last checkpoint (settings come from the run; --epochs/--steps may extend it).")
    var resume = false

    @Flag(name: .long, help: "Start a new run in RUN even if it holds one.")
    var force = false

    func validate() throws {
        if !resume && train.isEmpty { throw ValidationError("give training data with --train DATA (or --resume)") }
        if resume && !train.isEmpty { throw ValidationError("--resume continues RUN with its own data; leave out --train") }
    }

    /// Absolute paths in the saved settings, so --resume works from any folder.
    static func absolute(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.path }

    var folderURL: URL { URL(fileURLWithPath: output).standardizedFileURL }
}
