import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep`: the root command.
struct Prep: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "prep",
            abstract: "Prepare OCR datasets: raw downloads → COCO-style, label files, LMDB; checked and reported.",
            discussion: """
            Datasets (prep zoo lists them; prep zoo NAME shows the expected layout):
            \(datasetList())

            Examples:
              prep icdar2015 /data/icdar2015 --split-list training test
              prep icdar2017 /data/icdar2017 --split-list training val -o out --nproc 4
              prep zoo icdar2015
              prep lmdb data/label.txt data/train.lmdb -i data/imgs && prep cat data/train.lmdb --head 3
              prep icdar2015 /data/icdar2015 --to mmocr1 --emit-config configs -o data/icdar2015
              prep convert instances_test.json -o det_gt_test.txt --to paddle
              prep split label.jsonl --ratios train=0.8,val=0.1,test=0.1 --seed 1

            Exit status: 0 success, 1 failure (or skipped samples under --strict), 2 usage error.
            """,
            version: PrepVersion.current,
            subcommands: subcommands)
    }

    static let subcommands: [ParsableCommand.Type] = [ZooCommand.self, ObtainCommand.self, DatasetCommand.self, CropsCommand.self, ConvertCommand.self, SplitCommand.self,
                                                       LMDBCommand.self, CatCommand.self, ValidateCommand.self, ShowCommand.self,
                                                       OpenSetCommand.self, COCOToLinesCommand.self, LabelmeCommand.self, CharBoxCommand.self, MergeCommand.self,
                                                       EvalCommand.self, TrainCommand.self, InferCommand.self, ExportCommand.self, OCRCommand.self]

    static var subcommandNames: Set<String> {
        Set(subcommands.map { $0.configuration.commandName ?? "" })
    }

    /// Whether the root's configuration carries the dataset list (set by `CLI.main`).
    nonisolated(unsafe) static var listsDatasets = true

    static func datasetList() -> String {
        guard listsDatasets else { return "" }
        guard let zoo = try? Zoo.load() else { return "  (the dataset zoo could not be read)" }
        return HelpTable.render(zoo.names.map { ($0, zoo.recipe($0)!.title) })
    }
}
