/// Models built from PrepNN layers (CRNN, DBNet), their batch pipelines from prepared data,
/// the trainer, post-processing and export (DESIGN.md §2b).
public enum PrepModels {}
