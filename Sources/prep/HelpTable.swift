/// A two-column table for help texts (the dataset list of `prep --help`): the first column as
/// wide as its longest entry, the second wrapped at word boundaries with continuation lines
/// indented to its column, every line at most `width` characters, so ArgumentParser (which
/// wraps at 80 columns) leaves it alone.
enum HelpTable {
    static func render(_ rows: [(name: String, text: String)], indent: Int = 2, gap: Int = 2, width: Int = 79) -> String {
        let nameWidth = rows.map(\.name.count).max() ?? 0
        let column = indent + nameWidth + gap
        let textWidth = max(20, width - column)
        var lines: [String] = []
        for row in rows {
            let wrapped = wrap(row.text, textWidth)
            let head = String(repeating: " ", count: indent) + row.name.padding(toLength: nameWidth + gap, withPad: " ", startingAt: 0)
            lines.append(head + (wrapped.first ?? ""))
            for more in wrapped.dropFirst() { lines.append(String(repeating: " ", count: column) + more) }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, split at spaces (a longer word stands alone).
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty { current = String(word) }
            else if current.count + 1 + word.count <= width { current += " " + word }
            else { lines.append(current); current = String(word) }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
