/// MMOCR's metrics (hmean-iou, hmean-ic13, word/char/1-N.E.D., KIE F1, end-to-end) as pure
/// functions over polygons, strings and labels. Knows nothing of files (DESIGN.md §2b).
public enum PrepEval {}
