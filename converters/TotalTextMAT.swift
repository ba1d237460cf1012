import Foundation
import PrepCore

/// Total-Text's per-image `.mat` ground truth (MATLAB v5): the current release's `gt_<stem>.mat`
/// (variable `gt`) or the legacy `poly_gt_<stem>.mat` (variable `polygt`), an N×k cell array
/// with one row per polygon: column 1 the x coordinates, column 3 the y coordinates, column 4
/// the transcription (columns 0 and 2 hold the labels `x:`/`y:`, column 5 the orientation).
/// Read as MMOCR 0.6.3's `totaltext_converter.py` does (§2.3): `gt` before `polygt`; an empty or
/// `#` transcription is do-not-care (`###`, iscrowd 1), else its first row; a single-point
/// contour is left out. Other problems (a missing variable, too few columns, x and y of
/// different lengths, fewer than 3 points) name the file and the row.
enum TotalTextMAT {
    static func parse(_ url: URL) throws -> [TextInstance] {
        let file = try MATFile(url: url)
        guard let key = ["gt", "polygt"].first(where: { file.variable($0) != nil }) else {
            throw PrepError.input(file: url.path, line: nil,
                                  reason: "no 'gt' or 'polygt' variable (the file holds: \(file.names.isEmpty ? "nothing" : file.names.joined(separator: ", ")))")
        }
        let table = try file.array(key)
        guard table.arrayClass == .cell || table.isEmpty else {
            throw PrepError.input(file: url.path, line: nil, reason: "'\(key)' is a \(table.summary) array, expected a cell array (one row per polygon)")
        }
        let rows = table.size(0), columns = table.isEmpty ? 0 : table.count / max(rows, 1)
        var out: [TextInstance] = []
        for i in 0..<(table.isEmpty ? 0 : rows) {
            func fail(_ reason: String) -> PrepError { .input(file: url.path, line: nil, reason: "\(key) row \(i + 1): \(reason)") }
            guard columns >= 5, let xs = table.cell(i, 1), let ys = table.cell(i, 3), let word = table.cell(i, 4) else {
                throw fail("expected at least 5 columns (x:, xs, y:, ys, text), found \(columns)")
            }
            guard xs.arrayClass.isNumeric || xs.isEmpty, ys.arrayClass.isNumeric || ys.isEmpty else {
                throw fail("x and y must be numbers (found \(xs.summary), \(ys.summary))")
            }
            guard xs.numbers.count == ys.numbers.count else { throw fail("x has \(xs.numbers.count) values, y has \(ys.numbers.count)") }
            // The reference drops a contour of exactly one point (two values).
            if xs.numbers.count == 1 { continue }
            guard xs.numbers.count >= 3 else { throw fail("a polygon needs at least 3 points (has \(xs.numbers.count))") }
            guard xs.numbers.allSatisfy(\.isFinite), ys.numbers.allSatisfy(\.isFinite) else { throw fail("a coordinate is not finite") }
            guard word.arrayClass == .char || word.isEmpty else { throw fail("the transcription is a \(word.summary) array, expected text") }
            let lines = word.rows
            var text = lines.first ?? ""
            if word.isEmpty || (lines.count == 1 && text == "#") { text = "###" }
            let polygon = zip(xs.numbers, ys.numbers).flatMap { [$0, $1] }
            // scipy gives double arrays for MATLAB doubles (whatever integer type stored them), so
            // the reference writes floats (`115.0`); integer classes stay integers.
            let integers = xs.arrayClass != .double && xs.arrayClass != .single
            out.append(TextInstance(polygon: polygon, integerCoordinates: integers, text: text, ignore: text == "###"))
        }
        return out
    }
}
