import PrepConverters

extension Recipe {
    /// Whether `--task recog` cuts crops under the vertical rule (`--vertical`,
    /// `--preserve-vertical`): not for shipped crops, nor for SynthText's own word slices.
    public var cutsCropsWithVerticalRule: Bool {
        tasks.contains("recog") && recog?.labelSource == nil && !ConverterRegistry.streaming.contains(converter)
    }

    /// Whether `--task recog` can cut word crops from the detection ground truth (the dataset
    /// has det with transcriptions and a `recog` section): by default where no crops are
    /// shipped, with `--from-det` where they are.
    public var cutsRecogFromDet: Bool {
        tasks.contains("recog") && tasks.contains("det") && recog != nil
            && ConverterRegistry.cocoRecord[converter] == nil && !ConverterRegistry.streaming.contains(converter)
    }

    /// How `--task recog` gets its word images, for people (`prep zoo`).
    public var recogSources: String {
        guard tasks.contains("recog") else { return "-" }
        if recog?.labelSource != nil { return cutsRecogFromDet ? "shipped crops; --from-det" : "shipped crops" }
        return "cut from det"
    }
}
