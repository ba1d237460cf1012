/// The settings every trainer's config has, which `--resume` may change: the step or epoch
/// budget and the number of worker threads.
public protocol TrainRunSettings {
    var steps: Int? { get set }
    var epochs: Int? { get set }
    var workers: Int { get set }
}

extension RecogTrainConfig: TrainRunSettings {}
extension DetTrainConfig: TrainRunSettings {}
