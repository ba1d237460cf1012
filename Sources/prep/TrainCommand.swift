import ArgumentParser

/// `prep train MODEL …`: train a model on prepared data (recognition, detection).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on what prep prepared (recog: a CRNN text recognizer; det: a DBNet text detector).",
        subcommands: [TrainRecogCommand.self, TrainDetCommand.self])
}

/// `prep infer MODEL …`: run a trained model.
struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Run a trained model (recog: predictions as prep label files; det: text regions in any detection format).",
        subcommands: [InferRecogCommand.self, InferDetCommand.self])
}
