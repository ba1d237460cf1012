import PrepConverters

extension Recipe {
    /// Whether `--task recog` cuts crops under the vertical rule (`--vertical`,
    /// `--preserve-vertical`): not for shipped crops, nor for SynthText's own word slices.
    public var cutsCropsWithVerticalRule: Bool {
        tasks.contains("recog") && recog?.labelSource == nil && !ConverterRegistry.streaming.contains(converter)
    }
}
