import Foundation
import PrepCore
import PrepModels

/// What `prep train recog` and `prep train det` share before training: a new run in RUN (refused
/// when RUN holds one, unless --force) or the resumed one (its own settings; --steps/--epochs
/// may extend it, --nproc applies), the run folder checked writable.
enum TrainRunStart {
    static func begin<Config: TrainRunSettings>(folder: RecogRunFolder, resume: Bool, force: Bool, steps: Int?, epochs: Int?, nproc: Int,
                                                report: RunReport,
                                                resumePoint: (RecogRunFolder) throws -> (TrainingPosition, Config),
                                                newConfig: () throws -> Config) throws -> (TrainingPosition, Config) {
        var config: Config
        var position = TrainingPosition()
        if resume {
            (position, config) = try resumePoint(folder)
            if let steps { config.steps = steps }
            if let epochs { config.epochs = epochs; if steps == nil { config.steps = nil } }
            config.workers = nproc
            report.notes.append("resumed at step \(position.step) (epoch \(position.epoch + 1), batch \(position.batch + 1))")
        } else {
            config = try newConfig()
            if folder.holdsRun && !force {
                throw PrepError.usage("\(folder.url.path) already holds a run; continue it with --resume or start over with --force")
            }
        }
        try folder.prepare()
        return (position, config)
    }
}
