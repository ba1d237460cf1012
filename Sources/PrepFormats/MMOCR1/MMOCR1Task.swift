/// MMOCR 1.x annotation files, one per task (peers.md §A.10): `textdet_<split>.json`,
/// `textrecog_<split>.json`, `textspotting_<split>.json`.
public enum MMOCR1Task: String, Sendable, CaseIterable {
    case textdet, textrecog, textspotting

    /// `metainfo.dataset_type` as MMOCR 1.x's packers write it.
    public var datasetType: String {
        switch self {
        case .textdet: return "TextDetDataset"
        case .textrecog: return "TextRecogDataset"
        case .textspotting: return "TextSpottingDataset"
        }
    }

    public var kind: AnnotationKind { self == .textrecog ? .recognition : .detection }

    /// The task a `metainfo.task_name` names (the legacy `textspotter` too).
    public init?(taskName: String) {
        if taskName == "textspotter" { self = .textspotting; return }
        self.init(rawValue: taskName)
    }
}
